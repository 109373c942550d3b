"""The merged view: the reviewer's decision wins, at sentence and document level."""

from __future__ import annotations

from pipeline.records import Assertion
from pipeline.review import (
    DecisionKind,
    merged_document_themes,
    merged_tags,
    reviewed_examples,
)
from pipeline.store import read_table
from tests.review_factory import (
    DOC_A,
    DOC_B,
    DRINK,
    HOME,
    NO_ABUSE,
    RECORDS,
    decide,
    write_sample_dataset,
)


def _row(frame, text, theme):
    rows = frame[(frame.text == text) & (frame.theme_id == theme)]
    assert len(rows) == 1, (text, theme, len(rows))
    return rows.iloc[0]


def _theme(frame, doc, theme):
    return frame[(frame.document_id == doc) & (frame.theme_id == theme)].iloc[0]


def test_without_decisions_the_merged_view_is_the_taggers(tmp_path):
    write_sample_dataset(tmp_path)
    merged = merged_tags(tmp_path)
    tags = read_table(tmp_path, "tags")
    assert len(merged) == len(tags)
    assert merged.decision.isna().all()
    assert (merged.counted == merged.machine_counted).all()
    assert merged.counted.sum() == 2  # the drinking sentence and the dirty home
    themes = merged_document_themes(tmp_path)
    machine = read_table(tmp_path, "document_themes")
    assert len(themes) == len(machine)
    keys = ["document_id", "theme_id"]
    by_key = machine.set_index(keys).present.to_dict()
    assert themes.set_index(keys).present.to_dict() == by_key
    assert not themes.changed_by_review.any()


def test_a_rejected_tag_is_not_counted_and_the_document_theme_disappears(tmp_path):
    write_sample_dataset(tmp_path)
    decide(tmp_path, "ana", DRINK, "parental_substance_misuse", DecisionKind.REJECT)
    row = _row(merged_tags(tmp_path), DRINK, "parental_substance_misuse")
    assert (row.decision, row.counted, row.machine_counted) == ("reject", False, True)
    theme = _theme(merged_document_themes(tmp_path), DOC_A, "parental_substance_misuse")
    assert (theme.present, theme.machine_present, theme.changed_by_review) == (False, True, True)
    assert theme.n_reviewed == 1


def test_a_rejected_tag_stays_rejected_after_retagging(tmp_path):
    write_sample_dataset(tmp_path)
    decide(tmp_path, "ana", DRINK, "parental_substance_misuse", DecisionKind.REJECT)
    write_sample_dataset(tmp_path)  # the tagger says the same again
    assert not _row(merged_tags(tmp_path), DRINK, "parental_substance_misuse").counted


def test_accepting_a_needs_review_tag_counts_it(tmp_path):
    write_sample_dataset(tmp_path)
    decide(tmp_path, "ana", RECORDS, "information_sharing", DecisionKind.ACCEPT)
    row = _row(merged_tags(tmp_path), RECORDS, "information_sharing")
    assert row.needs_review and row.counted and not row.machine_counted
    theme = _theme(merged_document_themes(tmp_path), DOC_A, "information_sharing")
    assert theme.present and theme.evidence_text == RECORDS and theme.page == 1


def test_accepting_a_negated_tag_keeps_it_uncounted(tmp_path):
    write_sample_dataset(tmp_path)
    decide(tmp_path, "ana", NO_ABUSE, "domestic_abuse", DecisionKind.ACCEPT)
    row = _row(merged_tags(tmp_path), NO_ABUSE, "domestic_abuse")
    assert row.assertion == "negated" and not row.counted


def test_changing_the_assertion_to_present_counts_the_tag(tmp_path):
    write_sample_dataset(tmp_path)
    decide(
        tmp_path,
        "ana",
        NO_ABUSE,
        "domestic_abuse",
        DecisionKind.CHANGE_ASSERTION,
        new_assertion=Assertion.PRESENT,
    )
    row = _row(merged_tags(tmp_path), NO_ABUSE, "domestic_abuse")
    assert (row.machine_assertion, row.assertion, row.counted) == ("negated", "present", True)
    assert _theme(merged_document_themes(tmp_path), DOC_A, "domestic_abuse").present


def test_changing_the_theme_moves_the_evidence(tmp_path):
    write_sample_dataset(tmp_path)
    decide(
        tmp_path,
        "ana",
        HOME,
        "neglect",
        DecisionKind.CHANGE_THEME,
        document_id=DOC_B,
        new_theme_id="unsafe_sleep",
    )
    merged = merged_tags(tmp_path)
    assert not _row(merged, HOME, "neglect").counted
    added = _row(merged, HOME, "unsafe_sleep")
    assert added.counted and added.page == 2 and added.section == "analysis"
    themes = merged_document_themes(tmp_path)
    assert not _theme(themes, DOC_B, "neglect").present
    assert _theme(themes, DOC_B, "unsafe_sleep").present


def test_an_added_theme_appears_with_no_machine_score(tmp_path):
    write_sample_dataset(tmp_path)
    decide(tmp_path, "ana", RECORDS, "risk_assessment", DecisionKind.ADD, comment="missed")
    row = _row(merged_tags(tmp_path), RECORDS, "risk_assessment")
    assert row.counted and row.decision == "add" and row.score != row.score  # NaN
    theme = _theme(merged_document_themes(tmp_path), DOC_A, "risk_assessment")
    assert theme.present and not theme.machine_present and theme.n_evidence == 1


def test_the_latest_reviewer_wins_unless_one_reviewer_is_asked_for(tmp_path):
    write_sample_dataset(tmp_path)
    decide(tmp_path, "ana", DRINK, "parental_substance_misuse", DecisionKind.REJECT)
    decide(tmp_path, "ben", DRINK, "parental_substance_misuse", DecisionKind.ACCEPT)
    assert _row(merged_tags(tmp_path), DRINK, "parental_substance_misuse").reviewer == "ben"
    anas = _row(merged_tags(tmp_path, reviewer="ana"), DRINK, "parental_substance_misuse")
    assert not anas.counted
    assert _row(merged_tags(tmp_path, reviewer="cy"), DRINK, "parental_substance_misuse").counted


def test_reviewed_examples_say_which_evidence_reviewers_accepted(tmp_path):
    write_sample_dataset(tmp_path)
    decide(tmp_path, "ana", DRINK, "parental_substance_misuse", DecisionKind.REJECT)
    decide(tmp_path, "ana", RECORDS, "information_sharing", DecisionKind.ACCEPT)
    decide(tmp_path, "ana", NO_ABUSE, "domestic_abuse", DecisionKind.ACCEPT)
    decide(
        tmp_path, "ana", DRINK, "neglect", DecisionKind.CHANGE_THEME, new_theme_id="unsafe_sleep"
    )
    assert sorted(reviewed_examples(tmp_path)) == sorted(
        [
            (DRINK, "parental_substance_misuse", False),
            (RECORDS, "information_sharing", True),
            (NO_ABUSE, "domestic_abuse", False),
            (DRINK, "neglect", False),
            (DRINK, "unsafe_sleep", True),
        ]
    )


def test_reviewed_examples_of_an_unreviewed_dataset_are_empty(tmp_path):
    write_sample_dataset(tmp_path)
    assert reviewed_examples(tmp_path) == []
