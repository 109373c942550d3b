"""The review store: decisions saved at once, never lost, latest per reviewer."""

from __future__ import annotations

import sqlite3
import time

import pytest

from pipeline.records import Assertion
from pipeline.review import (
    Decision,
    DecisionKind,
    ReviewStore,
    current_effects,
    orphaned_decisions,
    store_path,
)
from pipeline.store import write_dataset
from tests.review_factory import (
    DOC_A,
    DRINK,
    NO_ABUSE,
    RECORDS,
    decide,
    sample_results,
    write_sample_dataset,
)


def test_a_decision_is_on_disk_as_soon_as_it_is_recorded(tmp_path):
    write_sample_dataset(tmp_path)
    saved = decide(tmp_path, "ana", DRINK, "neglect", DecisionKind.REJECT, comment="no")
    with sqlite3.connect(store_path(tmp_path)) as other_connection:
        rows = other_connection.execute(
            "SELECT reviewer, theme_id, decision, comment, decided_at FROM decisions"
        ).fetchall()
    assert rows == [("ana", "neglect", "reject", "no", saved.decided_at)]
    assert saved.decided_at.endswith("+00:00")


def test_every_field_of_a_decision_round_trips(tmp_path):
    write_sample_dataset(tmp_path)
    decide(
        tmp_path,
        "ana",
        DRINK,
        "neglect",
        DecisionKind.CHANGE_THEME,
        new_theme_id="parental_mental_health",
        new_assertion=Assertion.HISTORICAL,
        comment="see p. 4",
    )
    row = ReviewStore.for_dataset(tmp_path).decisions().iloc[0]
    assert row.decision == "change_theme"
    assert (row.new_theme_id, row.new_assertion) == ("parental_mental_health", "historical")
    assert (row.document_id, row.sentence_text, row.comment) == (DOC_A, DRINK, "see p. 4")


@pytest.mark.parametrize(
    ("kind", "extra", "message"),
    [
        (DecisionKind.CHANGE_THEME, {}, "new_theme_id"),
        (DecisionKind.CHANGE_THEME, {"new_theme_id": "neglect"}, "other than"),
        (DecisionKind.CHANGE_ASSERTION, {}, "new_assertion"),
    ],
)
def test_an_incomplete_decision_is_refused_and_nothing_is_saved(tmp_path, kind, extra, message):
    write_sample_dataset(tmp_path)
    with pytest.raises(ValueError, match=message):
        decide(tmp_path, "ana", DRINK, "neglect", kind, **extra)
    assert len(ReviewStore.for_dataset(tmp_path).decisions()) == 0


def test_a_decision_without_a_reviewer_is_refused(tmp_path):
    decision = Decision(" ", "s1", DOC_A, "neglect", DecisionKind.ACCEPT, DRINK)
    with pytest.raises(ValueError, match="reviewer"):
        ReviewStore(tmp_path / "r.sqlite").record(decision)


def test_reading_a_store_that_does_not_exist_gives_no_decisions_and_creates_nothing(tmp_path):
    assert len(ReviewStore.for_dataset(tmp_path).decisions()) == 0
    assert not store_path(tmp_path).exists()


def test_the_latest_decision_per_reviewer_counts_and_history_is_kept(tmp_path):
    write_sample_dataset(tmp_path)
    decide(tmp_path, "ana", DRINK, "neglect", DecisionKind.ACCEPT)
    decide(tmp_path, "ben", DRINK, "neglect", DecisionKind.ACCEPT)
    decide(tmp_path, "ana", DRINK, "neglect", DecisionKind.REJECT)
    effects = {e.reviewer: e for e in current_effects(tmp_path)}
    assert effects["ana"].decision is DecisionKind.REJECT and not effects["ana"].keep
    assert effects["ben"].decision is DecisionKind.ACCEPT and effects["ben"].keep
    assert len(ReviewStore.for_dataset(tmp_path).decisions()) == 3


def test_change_theme_rejects_the_old_theme_and_adds_the_new_one(tmp_path):
    write_sample_dataset(tmp_path)
    decide(
        tmp_path, "ana", DRINK, "neglect", DecisionKind.CHANGE_THEME, new_theme_id="domestic_abuse"
    )
    effects = {e.theme_id: e for e in current_effects(tmp_path)}
    assert not effects["neglect"].keep
    assert effects["domestic_abuse"].keep
    assert effects["domestic_abuse"].assertion is Assertion.PRESENT


def test_ingestion_never_writes_the_review_store(tmp_path):
    write_sample_dataset(tmp_path)
    decide(tmp_path, "ana", DRINK, "neglect", DecisionKind.REJECT)
    before = store_path(tmp_path).read_bytes()
    mtime = store_path(tmp_path).stat().st_mtime_ns
    time.sleep(0.01)
    write_dataset(tmp_path, sample_results())
    assert store_path(tmp_path).read_bytes() == before
    assert store_path(tmp_path).stat().st_mtime_ns == mtime


def test_reingesting_the_same_documents_keeps_every_decision(tmp_path):
    write_sample_dataset(tmp_path)
    for text, theme in [(DRINK, "neglect"), (NO_ABUSE, "domestic_abuse"), (RECORDS, "neglect")]:
        decide(tmp_path, "ana", text, theme, DecisionKind.REJECT)
    before = {(e.sentence_id, e.theme_id) for e in current_effects(tmp_path)}
    write_sample_dataset(tmp_path)
    assert {(e.sentence_id, e.theme_id) for e in current_effects(tmp_path)} == before
    assert len(orphaned_decisions(tmp_path)) == 0


def test_a_decision_follows_its_sentence_when_the_offsets_move(tmp_path):
    write_sample_dataset(tmp_path)
    decide(tmp_path, "ana", RECORDS, "information_sharing", DecisionKind.ACCEPT)
    write_sample_dataset(tmp_path, shift=3)
    moved = next(s for s in sample_results(shift=3)[0].sentences if s.text == RECORDS)
    (effect,) = current_effects(tmp_path)
    assert effect.sentence_id == moved.id
    assert len(orphaned_decisions(tmp_path)) == 0


def test_a_decision_whose_sentence_is_gone_is_reported_not_dropped(tmp_path):
    write_sample_dataset(tmp_path)
    decide(tmp_path, "ana", DRINK, "neglect", DecisionKind.REJECT)
    kept = decide(tmp_path, "ana", RECORDS, "information_sharing", DecisionKind.ACCEPT)
    (doc_a, doc_b) = sample_results()
    doc_a.sentences.remove(next(s for s in doc_a.sentences if s.text == DRINK))
    doc_a.tags[:] = [t for t in doc_a.tags if t.theme_id == "information_sharing"]
    write_dataset(tmp_path, [doc_a, doc_b])
    orphaned = orphaned_decisions(tmp_path)
    assert orphaned[["sentence_text", "theme_id"]].values.tolist() == [[DRINK, "neglect"]]
    assert [e.sentence_id for e in current_effects(tmp_path)] == [kept.sentence_id]
    assert len(ReviewStore.for_dataset(tmp_path).decisions()) == 2


def test_the_store_is_readable_by_its_owner_only(tmp_path):
    write_sample_dataset(tmp_path)
    decide(tmp_path, "ana", DRINK, "neglect", DecisionKind.REJECT)
    assert store_path(tmp_path).stat().st_mode & 0o777 == 0o600


def test_reading_the_store_never_writes_it(tmp_path):
    write_sample_dataset(tmp_path)
    decide(tmp_path, "ana", DRINK, "neglect", DecisionKind.REJECT)
    before = store_path(tmp_path).read_bytes()
    ReviewStore.for_dataset(tmp_path).decisions()
    current_effects(tmp_path)
    orphaned_decisions(tmp_path)
    assert store_path(tmp_path).read_bytes() == before
