"""The review store: every reviewer decision, kept in a SQLite file beside the dataset.

Ingestion never writes this file. Decisions are appended, one transaction each, the moment
they are made, and never updated or deleted: a later decision supersedes an earlier one
of the same reviewer on the same (sentence, theme), and the history stays.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

import pandas as pd

from pipeline.records import Assertion

STORE_NAME = "reviews.sqlite"
SCHEMA_VERSION = 1
_COLUMNS = (
    "reviewer",
    "decided_at",
    "sentence_id",
    "document_id",
    "theme_id",
    "decision",
    "new_theme_id",
    "new_assertion",
    "comment",
    "sentence_text",
)
_CREATE = """
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    reviewer TEXT NOT NULL CHECK (reviewer <> ''),
    decided_at TEXT NOT NULL,
    sentence_id TEXT NOT NULL,
    document_id TEXT NOT NULL,
    theme_id TEXT NOT NULL,
    decision TEXT NOT NULL,
    new_theme_id TEXT,
    new_assertion TEXT,
    comment TEXT,
    sentence_text TEXT NOT NULL
)
"""


class DecisionKind(StrEnum):
    """What a reviewer said about one theme on one sentence."""

    ACCEPT = "accept"  # the tag is right as the tagger made it
    REJECT = "reject"  # the sentence is not about this theme
    CHANGE_THEME = "change_theme"  # about ``new_theme_id`` instead
    CHANGE_ASSERTION = "change_assertion"  # right theme, but asserted as ``new_assertion``
    ADD = "add"  # a theme the tagger missed (``new_assertion`` defaults to present)


@dataclass(frozen=True, slots=True)
class Decision:
    """One reviewer decision on one (sentence, theme)."""

    reviewer: str
    sentence_id: str
    document_id: str
    theme_id: str
    decision: DecisionKind
    sentence_text: str  # lets the decision find its sentence again if offsets move
    new_theme_id: str | None = None
    new_assertion: Assertion | None = None
    comment: str | None = None
    decided_at: str = ""  # UTC ISO 8601; set when saved


def store_path(dataset_folder: Path) -> Path:
    """Where a dataset's review store lives."""
    return Path(dataset_folder) / STORE_NAME


def validate_decision(decision: Decision) -> None:
    """Refuse a decision that lacks what its kind needs."""
    if not decision.reviewer.strip():
        raise ValueError("a decision needs a reviewer name")
    kind = DecisionKind(decision.decision)
    if kind is DecisionKind.CHANGE_THEME and not decision.new_theme_id:
        raise ValueError("change_theme needs new_theme_id")
    if kind is DecisionKind.CHANGE_THEME and decision.new_theme_id == decision.theme_id:
        raise ValueError("change_theme needs a theme other than the tagged one")
    if kind is DecisionKind.CHANGE_ASSERTION and decision.new_assertion is None:
        raise ValueError("change_assertion needs new_assertion")
    if decision.new_assertion is not None:
        Assertion(decision.new_assertion)


class ReviewStore:
    """Append-only decisions in one SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @classmethod
    def for_dataset(cls, dataset_folder: Path) -> ReviewStore:
        return cls(store_path(dataset_folder))

    def record(self, decision: Decision) -> Decision:
        """Save one decision in its own transaction; returns it with its time set."""
        validate_decision(decision)
        saved = replace(decision, decided_at=datetime.now(UTC).isoformat(timespec="microseconds"))
        values = [_db_value(getattr(saved, name)) for name in _COLUMNS]
        with closing(self._connect()) as connection, connection:
            connection.execute(
                f"INSERT INTO decisions ({', '.join(_COLUMNS)}) "
                f"VALUES ({', '.join('?' for _ in _COLUMNS)})",
                values,
            )
        return saved

    def decisions(self) -> pd.DataFrame:
        """Every decision ever saved, oldest first, with its row id as ``order``."""
        columns = ["order", *_COLUMNS]
        if not self.path.exists():
            return pd.DataFrame({name: pd.Series(dtype="object") for name in columns})
        with closing(self._connect_read_only()) as connection:
            rows = connection.execute(
                f"SELECT id, {', '.join(_COLUMNS)} FROM decisions ORDER BY id"
            ).fetchall()
        return pd.DataFrame(rows, columns=columns)

    def _connect(self) -> sqlite3.Connection:
        new = not self.path.exists()
        connection = sqlite3.connect(self.path)
        if new:  # it quotes document text: readable by its owner only, like the dataset
            os.chmod(self.path, 0o600)
            connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        connection.execute(_CREATE)
        return connection

    def _connect_read_only(self) -> sqlite3.Connection:
        """Reading never writes the file, not even its header."""
        return sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)


def _db_value(value: object) -> object:
    return str(value) if isinstance(value, StrEnum) else value
