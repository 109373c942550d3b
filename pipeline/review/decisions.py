"""Decisions -> what counts now: the latest per reviewer, on the dataset's current sentences.

Decisions are keyed by sentence id (derived from the document's SHA-256 and the sentence's
offsets), so they survive a re-ingest of the same PDFs. A decision whose sentence id is
gone is matched again by its document and verbatim text, and is reported as orphaned when
that fails too; it is never dropped from the store.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.records import Assertion
from pipeline.review.store import DecisionKind, ReviewStore
from pipeline.store import read_table


@dataclass(frozen=True, slots=True)
class Effect:
    """What a decision means for one (sentence, theme): kept as evidence or not."""

    reviewer: str
    decided_at: str
    order: int  # the store's row id: breaks ties between equal times
    sentence_id: str
    document_id: str
    theme_id: str
    keep: bool
    assertion: Assertion | None  # None: the tagger's assertion stands
    decision: DecisionKind


def decision_effects(decisions: pd.DataFrame) -> list[Effect]:
    """Each decision as what it does to one or two (sentence, theme) pairs."""
    effects = []
    for row in decisions.to_dict("records"):
        kind = DecisionKind(row["decision"])
        assertion = Assertion(row["new_assertion"]) if _given(row["new_assertion"]) else None
        base: dict[str, Any] = {
            "reviewer": row["reviewer"],
            "decided_at": row["decided_at"],
            "order": int(row.get("order", 0)),
            "sentence_id": row["sentence_id"],
            "document_id": row["document_id"],
            "decision": kind,
        }
        if kind is DecisionKind.CHANGE_THEME:
            effects.append(Effect(**base, theme_id=row["theme_id"], keep=False, assertion=None))
            new_assertion = assertion or Assertion.PRESENT
            effects.append(
                Effect(**base, theme_id=row["new_theme_id"], keep=True, assertion=new_assertion)
            )
        elif kind is DecisionKind.ADD:
            effect_assertion = assertion or Assertion.PRESENT
            effects.append(
                Effect(**base, theme_id=row["theme_id"], keep=True, assertion=effect_assertion)
            )
        else:
            keep = kind is not DecisionKind.REJECT
            effects.append(Effect(**base, theme_id=row["theme_id"], keep=keep, assertion=assertion))
    return effects


def _given(value: object) -> bool:
    """Whether an optional column holds a value (SQLite NULL may come back as None or NaN)."""
    return isinstance(value, str) and bool(value)


def latest_effects(effects: Iterable[Effect], per_reviewer: bool = True) -> list[Effect]:
    """The latest effect per (reviewer, sentence, theme), or per (sentence, theme) overall."""
    latest: dict[tuple[str, ...], Effect] = {}
    for effect in sorted(effects, key=lambda e: (e.decided_at, e.order)):
        key = (effect.sentence_id, effect.theme_id)
        latest[(effect.reviewer, *key) if per_reviewer else key] = effect
    return list(latest.values())


def resolve_sentences(
    decisions: pd.DataFrame, sentences: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Point decisions at the dataset's current sentence ids: (resolved, orphaned).

    A decision keeps its sentence id while that id exists; otherwise it moves to the
    sentence of the same document with the same text; otherwise it is orphaned.
    """
    known = set(sentences["sentence_id"])
    by_text = {
        (doc, text): sid
        for sid, doc, text in zip(
            sentences["sentence_id"], sentences["document_id"], sentences["text"], strict=True
        )
    }
    current = [
        sid if sid in known else by_text.get((doc, text))
        for sid, doc, text in zip(
            decisions["sentence_id"],
            decisions["document_id"],
            decisions["sentence_text"],
            strict=True,
        )
    ]
    found = pd.Series([sid is not None for sid in current], index=decisions.index, dtype=bool)
    resolved = decisions[found].copy()
    resolved["sentence_id"] = [sid for sid in current if sid is not None]
    return resolved, decisions[~found].copy()


def orphaned_decisions(dataset_folder: Path) -> pd.DataFrame:
    """Decisions whose sentence no longer exists in the dataset (kept in the store)."""
    decisions = ReviewStore.for_dataset(dataset_folder).decisions()
    _, orphaned = resolve_sentences(decisions, read_table(dataset_folder, "sentences"))
    return orphaned.reset_index(drop=True)


def current_effects(
    dataset_folder: Path, sentences: pd.DataFrame | None = None, per_reviewer: bool = True
) -> list[Effect]:
    """The effects that count now, on the dataset's current sentence ids."""
    if sentences is None:
        sentences = read_table(dataset_folder, "sentences")
    decisions = ReviewStore.for_dataset(dataset_folder).decisions()
    resolved, _ = resolve_sentences(decisions, sentences)
    return latest_effects(decision_effects(resolved), per_reviewer=per_reviewer)
