"""The review widgets driven from code: a click saves a decision and redraws the item."""

from __future__ import annotations

import pytest

from pipeline.review import ReviewStore, merged_tags
from pipeline.review.ui import ReviewApp
from tests.review_factory import DOC_B, HOME, RECORDS, write_sample_dataset


@pytest.fixture
def app(tmp_path):
    return ReviewApp(write_sample_dataset(tmp_path), "ana")


def _decisions(app):
    return ReviewStore.for_dataset(app.session.data.folder).decisions()


def test_opening_shows_the_most_uncertain_item_with_its_evidence_and_progress(app):
    assert "Information sharing in a.pdf" in app.header.value
    assert "0 reviewed / 5 to review" in app.progress.value
    (row,) = app.rows
    assert RECORDS in row.text.value and "page 1" in row.text.value
    assert 'href="file:///in/a.pdf#page=1"' in row.text.value
    assert app.evidence_box.children == (row.widget,)


def test_clicking_accept_saves_the_decision_and_updates_progress(app):
    app.rows[0].comment.value = "clear failure"
    app.rows[0].accept.click()
    decisions = _decisions(app)
    assert decisions[["reviewer", "theme_id", "decision", "comment"]].values.tolist() == [
        ["ana", "information_sharing", "accept", "clear failure"]
    ]
    assert "1 reviewed / 4 to review" in app.progress.value
    assert "your decision: accept" in app.rows[0].text.value


def test_changing_theme_and_assertion_from_the_dropdowns(app):
    row = app.rows[0]
    row.change_theme.click()  # nothing chosen yet: a message, no decision
    assert "Choose the theme" in app.message.value and len(_decisions(app)) == 0
    row.new_theme.value = "risk_assessment"
    row.change_theme.click()
    app.rows[0].new_assertion.value = "historical"
    app.rows[0].change_assertion.click()
    decisions = _decisions(app)
    assert decisions.decision.tolist() == ["change_theme", "change_assertion"]
    assert decisions.new_theme_id.iloc[0] == "risk_assessment"
    assert decisions.new_assertion.iloc[1] == "historical"
    assert app.message.value == ""


def test_change_assertion_with_nothing_picked_asks_for_a_choice(app):
    """Regression: the placeholder was a value, and the click raised in the log console."""
    row = app.rows[0]
    assert row.new_assertion.value is None
    row.change_assertion.click()
    assert "Choose how the sentence speaks" in app.message.value
    assert len(_decisions(app)) == 0
    row.new_assertion.label = "negated"  # what a reviewer picks is the label
    row.change_assertion.click()
    assert _decisions(app).new_assertion.tolist() == ["negated"]


def test_reject_then_next_to_review_walks_the_queue(app):
    app.rows[0].reject.click()
    app.next_unreviewed_button.click()
    assert "Neglect in a.pdf" in app.header.value
    app.previous_button.click()
    assert "Information sharing" in app.header.value and "(reviewed)" in app.header.value
    app.next_button.click()
    app.next_button.click()
    assert "Parental substance misuse" in app.header.value


def test_filters_narrow_the_queue(app):
    app.document_filter.value = DOC_B
    assert "Neglect in b.pdf" in app.header.value
    assert "0 reviewed / 1 to review" in app.progress.value
    app.document_filter.value = None
    app.theme_filter.value = "domestic_abuse"
    assert "Domestic abuse in a.pdf" in app.header.value


def test_adding_a_missed_theme_by_choosing_a_sentence(app):
    app.document_filter.value = DOC_B
    app.search.value = "dirty"
    assert [label for label, _ in app.sentence_choice.options] == [f"p. 2: {HOME}"]
    app.sentence_choice.value = app.sentence_choice.options[0][1]
    app.add_theme.value = "unsafe_sleep"
    app.add_button.click()
    merged = merged_tags(app.session.data.folder)
    added = merged[(merged.text == HOME) & (merged.theme_id == "unsafe_sleep")]
    assert added.decision.tolist() == ["add"] and added.counted.tolist() == [True]


def test_a_missing_reviewer_name_is_shown_not_raised(tmp_path):
    app = ReviewApp(write_sample_dataset(tmp_path), "")
    assert app.session is None
    app.open_button.click()
    assert "reviewer name" in app.message.value
    app.reviewer.value = "ben"
    app.open_button.click()
    assert app.session is not None and app.message.value == ""
    assert len(app.theme_filter.options) == 13  # all themes + the 12 of the taxonomy
