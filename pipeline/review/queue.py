"""The review queue: document themes most uncertain first, each with its evidence sentences."""

from __future__ import annotations

import html
import re
from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.review.decisions import Effect
from pipeline.review.merge import merge_tags
from pipeline.store import read_table
from pipeline.taxonomy import DEFAULT_PATH, Taxonomy, load_taxonomy

DEFAULT_THRESHOLD = 0.5  # for a theme the current taxonomy no longer has


@dataclass(frozen=True)
class ReviewData:
    """The dataset tables a review needs, read once."""

    folder: Path
    documents: pd.DataFrame
    sentences: pd.DataFrame
    tags: pd.DataFrame
    document_themes: pd.DataFrame
    taxonomy: Taxonomy

    def threshold(self, theme_id: str) -> float:
        try:
            return self.taxonomy.theme(theme_id).threshold
        except KeyError:
            return DEFAULT_THRESHOLD

    def theme_label(self, theme_id: str) -> str:
        try:
            return self.taxonomy.theme(theme_id).label
        except KeyError:
            return theme_id


@dataclass(frozen=True, slots=True)
class QueueItem:
    """One document theme to review."""

    document_id: str
    file_name: str
    theme_id: str
    score: float  # the tagger's document score for the theme
    threshold: float
    machine_present: bool
    n_needs_review: int  # candidate sentences scored below the threshold

    @property
    def uncertainty(self) -> float:
        """Distance of the score from the threshold: smaller is less certain."""
        return abs(self.score - self.threshold)


@dataclass(frozen=True, slots=True)
class Evidence:
    """One sentence shown for a queue item, with where to find it and what was decided."""

    sentence_id: str
    text: str
    page: int
    section: str
    score: float | None  # None for a sentence a reviewer added
    method: str | None
    assertion: str  # as it stands now: the reviewer's, else the tagger's
    subject: str | None  # who the tagger read it as being about; None if added or not recorded
    needs_review: bool
    matched: str | None
    counted: bool  # present evidence in this reviewer's merged view
    decision: str | None  # this reviewer's latest decision on it, if any
    pdf_link: str | None

    @property
    def html(self) -> str:
        return highlight_html(self.text, self.matched)


def load_review_data(folder: Path, taxonomy: Taxonomy | None = None) -> ReviewData:
    """Read the tables of a dataset a review needs."""
    tables = {
        name: read_table(folder, name)
        for name in ("documents", "sentences", "tags", "document_themes")
    }
    return ReviewData(
        folder=Path(folder), taxonomy=taxonomy or load_taxonomy(DEFAULT_PATH), **tables
    )


def build_review_queue(
    data: ReviewData, theme_id: str | None = None, document_id: str | None = None
) -> list[QueueItem]:
    """Document themes that have candidate sentences, most uncertain first."""
    documents = _current_documents(data.documents)
    file_names = dict(zip(documents["document_id"], documents["file_name"], strict=True))
    candidates = data.tags.groupby(["document_id", "theme_id"])["needs_review"].sum()
    items = [
        QueueItem(
            document_id=row["document_id"],
            file_name=file_names.get(row["document_id"], row["document_id"][:12]),
            theme_id=row["theme_id"],
            score=float(row["score"]),
            threshold=data.threshold(row["theme_id"]),
            machine_present=bool(row["present"]),
            n_needs_review=int(candidates[(row["document_id"], row["theme_id"])]),
        )
        for row in data.document_themes.to_dict("records")
        if row["document_id"] in file_names
        and (row["document_id"], row["theme_id"]) in candidates.index
        and theme_id in (None, row["theme_id"])
        and document_id in (None, row["document_id"])
    ]
    return sorted(items, key=lambda i: (i.uncertainty, -i.n_needs_review, i.file_name, i.theme_id))


def _current_documents(documents: pd.DataFrame) -> pd.DataFrame:
    """Documents still in the source folder (a removed one keeps its rows, marked)."""
    if "removed_at" not in documents:
        return documents
    return documents[documents["removed_at"].isna()]


def item_evidence(
    data: ReviewData, item: QueueItem, effects: list[Effect], limit: int = 8
) -> list[Evidence]:
    """The item's sentences: counted first, then present candidates, then the rest, best first.

    ``effects`` are one reviewer's; sentences that reviewer added to the theme are included.
    """
    mine = [e for e in effects if e.document_id == item.document_id]
    merged = merge_tags(
        data.tags[data.tags["document_id"] == item.document_id], data.sentences, mine
    )
    rows = merged[merged["theme_id"] == item.theme_id].assign(
        present=lambda f: f["assertion"] == "present", rank_score=lambda f: f["score"].fillna(1.0)
    )
    rows = rows.sort_values(
        ["counted", "present", "rank_score", "page", "start"],
        ascending=[False, False, False, True, True],
    )
    path = _document_path(data, item.document_id)
    return [_evidence(row, path) for row in rows.head(limit).to_dict("records")]


def _evidence(row: dict[Hashable, Any], path: str | None) -> Evidence:
    value = {key: None if pd.isna(found) else found for key, found in row.items()}
    page = int(value["page"] or 1)
    return Evidence(
        sentence_id=str(value["sentence_id"]),
        text=str(value["text"]),
        page=page,
        section=str(value["section"]),
        score=float(value["score"]) if value["score"] is not None else None,
        method=value["method"],
        assertion=str(value["assertion"]),
        subject=value.get("subject"),
        needs_review=bool(value["needs_review"]),
        matched=value["matched"],
        counted=bool(value["counted"]),
        decision=value["decision"],
        pdf_link=pdf_link(path, page) if path else None,
    )


def _document_path(data: ReviewData, document_id: str) -> str | None:
    rows = data.documents[data.documents["document_id"] == document_id]
    return str(rows["path"].iloc[0]) if len(rows) and rows["path"].iloc[0] else None


def pdf_link(path: str, page: int) -> str:
    """A link that opens the PDF at a page in most browsers and PDF viewers."""
    return f"{Path(path).resolve().as_uri()}#page={page}"


def highlight_html(text: str, matched: str | None) -> str:
    """The sentence as HTML, with the words a rule matched in ``<mark>``."""
    words = sorted(
        {w.strip() for w in (matched or "").split(";") if w.strip()}, key=len, reverse=True
    )
    if not words:
        return html.escape(text)
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    parts, last = [], 0
    for found in pattern.finditer(text):
        parts.append(html.escape(text[last : found.start()]))
        parts.append(f"<mark>{html.escape(found.group())}</mark>")
        last = found.end()
    parts.append(html.escape(text[last:]))
    return "".join(parts)


def find_sentences(
    data: ReviewData, document_id: str, query: str = "", limit: int = 50
) -> list[tuple[str, str]]:
    """(sentence id, "p. N: text") of a document's sentences containing ``query``, in order."""
    rows = data.sentences[data.sentences["document_id"] == document_id]
    if query.strip():
        rows = rows[rows["text"].str.contains(query.strip(), case=False, regex=False)]
    rows = rows.sort_values(["page", "start"]).head(limit)
    return [
        (str(sid), f"p. {page}: {text}")
        for sid, page, text in zip(rows["sentence_id"], rows["page"], rows["text"], strict=True)
    ]
