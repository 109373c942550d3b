"""The review queue and a reviewer's session over it, without widgets."""

from __future__ import annotations

import pytest

from pipeline.records import Assertion
from pipeline.review import DecisionKind, ReviewStore
from pipeline.review.queue import (
    QueueItem,
    build_review_queue,
    find_sentences,
    highlight_html,
    item_evidence,
    load_review_data,
    pdf_link,
)
from pipeline.review.session import ReviewSession
from tests.review_factory import DOC_A, DOC_B, DRINK, HOME, RECORDS, write_sample_dataset


@pytest.fixture
def dataset(tmp_path):
    return write_sample_dataset(tmp_path)


def _keys(queue):
    return [(item.file_name, item.theme_id) for item in queue]


def test_the_queue_puts_scores_nearest_the_threshold_first(dataset):
    queue = build_review_queue(load_review_data(dataset))
    assert _keys(queue) == [
        ("a.pdf", "information_sharing"),  # 0.45 against 0.5
        ("a.pdf", "neglect"),  # 0.3
        ("a.pdf", "parental_substance_misuse"),  # 0.9
        ("b.pdf", "neglect"),  # 0.95
        ("a.pdf", "domestic_abuse"),  # negated only: document score 0
    ]
    assert queue[0].n_needs_review == 1 and not queue[0].machine_present
    assert queue[0].uncertainty == pytest.approx(0.05)


def test_the_queue_filters_by_theme_and_by_document(dataset):
    data = load_review_data(dataset)
    assert _keys(build_review_queue(data, theme_id="neglect")) == [
        ("a.pdf", "neglect"),
        ("b.pdf", "neglect"),
    ]
    assert _keys(build_review_queue(data, document_id=DOC_B)) == [("b.pdf", "neglect")]


def test_matched_words_are_highlighted_and_the_text_is_escaped():
    html = highlight_html("Mum <drank> heavily; DRANK again", "drank; heavily")
    assert html == ("Mum &lt;<mark>drank</mark>&gt; <mark>heavily</mark>; <mark>DRANK</mark> again")
    assert highlight_html("a < b", None) == "a &lt; b"


def test_the_pdf_link_opens_the_page():
    assert pdf_link("/in/a b.pdf", 3) == "file:///in/a%20b.pdf#page=3"


def test_find_sentences_searches_one_document_in_reading_order(dataset):
    data = load_review_data(dataset)
    found = find_sentences(data, DOC_A, "")
    assert [label for _, label in found] == [
        f"p. 1: {DRINK}",
        "p. 1: There was no evidence of domestic abuse.",
        f"p. 1: {RECORDS}",
    ]
    assert [label for _, label in find_sentences(data, DOC_A, "RECORDS")] == [f"p. 1: {RECORDS}"]
    assert find_sentences(data, DOC_B, "records") == []


def test_evidence_carries_page_section_score_method_link_and_highlight(dataset):
    session = ReviewSession(dataset, "ana")
    session.filter(theme_id="parental_substance_misuse")
    (evidence,) = session.evidence()
    assert (evidence.text, evidence.page, evidence.section) == (DRINK, 1, "analysis")
    assert (evidence.score, evidence.method, evidence.assertion) == (0.9, "rules.v1", "present")
    assert evidence.counted and evidence.decision is None
    assert evidence.subject == "mother"
    assert evidence.pdf_link == "file:///in/a.pdf#page=1"
    assert "<mark>drank heavily</mark>" in evidence.html


def test_a_decision_shows_on_the_evidence_and_in_progress(dataset):
    session = ReviewSession(dataset, "ana")
    assert str(session.progress()) == "0 reviewed / 5 to review (5 in queue)"
    (evidence,) = session.evidence()  # information_sharing, needs review
    assert not evidence.counted
    session.decide(evidence.sentence_id, DecisionKind.ACCEPT, comment="  clear  ")
    (evidence,) = session.evidence()
    assert evidence.counted and evidence.decision == "accept"
    assert session.progress().reviewed == 1
    assert session.is_reviewed(session.queue[0])
    assert ReviewStore.for_dataset(dataset).decisions().comment.tolist() == ["clear"]


def test_another_reviewers_decisions_do_not_count_as_mine(dataset):
    ana, ben = ReviewSession(dataset, "ana"), ReviewSession(dataset, "ben")
    ana.decide(ana.evidence()[0].sentence_id, DecisionKind.REJECT)
    assert ben.progress().reviewed == 0
    assert ben.evidence()[0].decision is None


def test_next_unreviewed_skips_what_i_decided_and_says_none_when_all_are_done(dataset):
    session = ReviewSession(dataset, "ana")
    session.decide(session.evidence()[0].sentence_id, DecisionKind.ACCEPT)
    session.move(1)
    session.decide(session.evidence()[0].sentence_id, DecisionKind.REJECT)
    assert session.next_unreviewed() == session.queue[2]
    for _ in range(3):
        session.decide(session.evidence()[0].sentence_id, DecisionKind.ACCEPT)
        session.next_unreviewed()
    assert session.progress().to_review == 0
    assert session.next_unreviewed() is None


def test_move_stops_at_the_ends_of_the_queue(dataset):
    session = ReviewSession(dataset, "ana")
    assert session.move(-1) == session.queue[0]
    assert session.move(99) == session.queue[-1]


def test_adding_a_missed_theme_puts_the_sentence_in_that_items_evidence(dataset):
    session = ReviewSession(dataset, "ana")
    home = find_sentences(session.data, DOC_B, "dirty")[0][0]
    session.decide(home, DecisionKind.ADD, theme_id="unsafe_sleep", new_assertion=Assertion.PRESENT)
    session.decide(home, DecisionKind.CHANGE_ASSERTION, theme_id="neglect",
                   new_assertion=Assertion.HISTORICAL)  # fmt: skip
    session.filter(document_id=DOC_B, theme_id="neglect")
    (evidence,) = session.evidence()
    assert (evidence.text, evidence.assertion, evidence.counted) == (HOME, "historical", False)
    added = QueueItem(DOC_B, "b.pdf", "unsafe_sleep", 0.0, 0.5, False, 0)
    (evidence,) = item_evidence(session.data, added, session.my_effects())
    assert (evidence.text, evidence.score, evidence.decision) == (HOME, None, "add")


def test_a_session_needs_a_reviewer_name(dataset):
    with pytest.raises(ValueError, match="reviewer"):
        ReviewSession(dataset, "  ")


def test_an_empty_dataset_gives_an_empty_queue(tmp_path):
    session = ReviewSession(tmp_path, "ana")
    assert session.current is None and session.evidence() == []
    assert session.next_unreviewed() is None
    assert session.progress().total == 0


def test_a_document_removed_from_the_source_folder_leaves_the_queue(dataset):
    from pipeline.store import Dataset

    with Dataset(dataset) as stored:
        stored.mark_removed([DOC_B], "2026-11-26T00:00:00+00:00")
        stored.export()
    assert "b.pdf" not in {item.file_name for item in build_review_queue(load_review_data(dataset))}
