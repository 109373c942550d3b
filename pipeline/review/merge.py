"""Machine tags + reviewer decisions -> the merged view, at sentence and document level.

A reviewer's decision wins over the tagger's, and keeps winning after a re-tag: a rejected
tag stays rejected. Where several reviewers decided the same (sentence, theme), the latest
decision counts (or only one named reviewer's, when asked).
"""

from __future__ import annotations

from dataclasses import asdict, fields
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.records import Assertion
from pipeline.review.decisions import Effect, current_effects, latest_effects
from pipeline.store import read_table

KEYS = ["sentence_id", "document_id", "theme_id"]
THEME_KEYS = ["document_id", "theme_id"]
_EFFECT_COLUMNS = [*KEYS, "keep", "reviewer_assertion", "decision", "reviewer", "decided_at"]
PRESENT = str(Assertion.PRESENT)


def effects_frame(effects: list[Effect]) -> pd.DataFrame:
    """Effects as a table, one row per (sentence, theme); the caller keeps one per key."""
    rows = [asdict(effect) for effect in effects]
    frame = pd.DataFrame(rows, columns=[field.name for field in fields(Effect)])
    frame = frame.rename(columns={"assertion": "reviewer_assertion"})
    frame["decision"] = frame["decision"].map(str)
    frame["reviewer_assertion"] = frame["reviewer_assertion"].map(
        lambda value: None if pd.isna(value) else str(value)
    )
    return frame[_EFFECT_COLUMNS]


def merge_tags(tags: pd.DataFrame, sentences: pd.DataFrame, effects: list[Effect]) -> pd.DataFrame:
    """Every machine tag and every reviewer-added tag, with the assertion and count that stand."""
    machine = tags.rename(columns={"assertion": "machine_assertion"}).assign(
        machine_counted=(tags["assertion"] == PRESENT) & ~tags["needs_review"].astype(bool)
    )
    merged = machine.merge(effects_frame(effects), on=KEYS, how="outer")
    decided = merged["decision"].notna()
    merged["needs_review"] = merged["needs_review"].fillna(False).astype(bool)
    merged["machine_counted"] = merged["machine_counted"].fillna(False).astype(bool)
    merged["assertion"] = np.where(
        decided,
        merged["reviewer_assertion"].fillna(merged["machine_assertion"]).fillna(PRESENT),
        merged["machine_assertion"],
    )
    merged["counted"] = np.where(
        decided,
        merged["keep"].fillna(False).astype(bool) & (merged["assertion"] == PRESENT),
        merged["machine_counted"],
    ).astype(bool)
    where = sentences[["sentence_id", "page", "start", "section", "text"]]
    merged = merged.merge(where, on="sentence_id", how="left")
    merged = merged.drop(columns=["keep", "reviewer_assertion"])
    return merged.sort_values(["document_id", "page", "start", "theme_id"], ignore_index=True)


def merge_document_themes(document_themes: pd.DataFrame, merged: pd.DataFrame) -> pd.DataFrame:
    """Document themes recomputed from the merged evidence, beside the tagger's verdict."""
    base = document_themes[[*THEME_KEYS, "present", "score"]].rename(
        columns={"present": "machine_present"}
    )
    added = merged.loc[merged["decision"].notna(), THEME_KEYS].drop_duplicates()
    base = base.merge(added, on=THEME_KEYS, how="outer")
    base["machine_present"] = base["machine_present"].fillna(False).astype(bool)
    base["score"] = base["score"].fillna(0.0)
    counted = merged[merged["counted"]].assign(rank_score=merged["score"].fillna(1.0))
    counted = counted.sort_values(
        [*THEME_KEYS, "rank_score", "page", "start"], ascending=[True, True, False, True, True]
    )
    groups = counted.groupby(THEME_KEYS)
    best = groups.first()[["sentence_id", "page", "text"]].rename(
        columns={"sentence_id": "evidence_sentence_id", "text": "evidence_text"}
    )
    n_reviewed = merged[merged["decision"].notna()].groupby(THEME_KEYS).size()
    out = base.join(groups.size().rename("n_evidence"), on=THEME_KEYS)
    out = out.join(n_reviewed.rename("n_reviewed"), on=THEME_KEYS).join(best, on=THEME_KEYS)
    for column in ("n_evidence", "n_reviewed"):
        out[column] = out[column].fillna(0).astype(int)
    out["page"] = out["page"].astype("Int64")
    out["present"] = out["n_evidence"] > 0
    out["changed_by_review"] = out["present"] != out["machine_present"]
    columns = [*THEME_KEYS, "present", "machine_present", "changed_by_review", "score"]
    rest = ["n_evidence", "n_reviewed", "evidence_sentence_id", "page", "evidence_text"]
    return out[columns + rest].sort_values(THEME_KEYS, ignore_index=True)


def review_effects(
    dataset_folder: Path, sentences: pd.DataFrame, reviewer: str | None = None
) -> list[Effect]:
    """One effect per (sentence, theme): the named reviewer's latest, or anyone's latest."""
    effects = current_effects(dataset_folder, sentences)
    if reviewer is not None:
        effects = [effect for effect in effects if effect.reviewer == reviewer]
    return latest_effects(effects, per_reviewer=False)


def merged_tags(dataset_folder: Path, reviewer: str | None = None) -> pd.DataFrame:
    """The merged sentence-level view of a dataset."""
    sentences = read_table(dataset_folder, "sentences")
    effects = review_effects(dataset_folder, sentences, reviewer)
    return merge_tags(read_table(dataset_folder, "tags"), sentences, effects)


def merged_document_themes(dataset_folder: Path, reviewer: str | None = None) -> pd.DataFrame:
    """The merged document-level view of a dataset."""
    merged = merged_tags(dataset_folder, reviewer)
    return merge_document_themes(read_table(dataset_folder, "document_themes"), merged)


def reviewed_examples(dataset_folder: Path) -> list[tuple[str, str, bool]]:
    """(sentence text, theme id, accepted) for every reviewed (sentence, theme), for training.

    ``accepted`` means the reviewer holds the sentence to be present evidence of the theme;
    a rejected tag, a changed-away theme or a non-present assertion gives False.
    """
    merged = merged_tags(dataset_folder)
    reviewed = merged[merged["decision"].notna() & merged["text"].notna()]
    return [
        (str(row.text), str(row.theme_id), bool(row.counted))
        for row in reviewed.itertuples(index=False)
    ]
