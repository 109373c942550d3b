"""One reviewer walking the queue of one dataset: what the review widgets call."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.records import Assertion
from pipeline.review.decisions import Effect, current_effects
from pipeline.review.queue import (
    Evidence,
    QueueItem,
    build_review_queue,
    item_evidence,
    load_review_data,
)
from pipeline.review.store import Decision, DecisionKind, ReviewStore
from pipeline.taxonomy import Taxonomy


@dataclass(frozen=True, slots=True)
class Progress:
    reviewed: int
    total: int

    @property
    def to_review(self) -> int:
        return self.total - self.reviewed

    def __str__(self) -> str:
        return f"{self.reviewed} reviewed / {self.to_review} to review ({self.total} in queue)"


class ReviewSession:
    """The queue, a position in it, and the decisions of one reviewer."""

    def __init__(
        self,
        dataset_folder: Path,
        reviewer: str,
        taxonomy: Taxonomy | None = None,
        evidence_limit: int = 8,
    ) -> None:
        if not reviewer.strip():
            raise ValueError("enter a reviewer name first")
        self.reviewer = reviewer.strip()
        self.data = load_review_data(Path(dataset_folder), taxonomy)
        self.store = ReviewStore.for_dataset(dataset_folder)
        self.evidence_limit = evidence_limit
        self.queue: list[QueueItem] = build_review_queue(self.data)
        self.position = 0

    def filter(self, theme_id: str | None = None, document_id: str | None = None) -> None:
        """Restrict the queue to a theme and/or a document (None: all), back to its start."""
        self.queue = build_review_queue(self.data, theme_id=theme_id, document_id=document_id)
        self.position = 0

    @property
    def current(self) -> QueueItem | None:
        return self.queue[self.position] if self.queue else None

    def move(self, step: int) -> QueueItem | None:
        """Go forwards or backwards in the queue, stopping at its ends."""
        if self.queue:
            self.position = min(max(self.position + step, 0), len(self.queue) - 1)
        return self.current

    def next_unreviewed(self) -> QueueItem | None:
        """Go to the next item this reviewer has not decided on (wrapping round), if any."""
        done = self._reviewed_keys()
        count = len(self.queue)
        for step in range(1, count + 1):
            index = (self.position + step) % count
            item = self.queue[index]
            if (item.document_id, item.theme_id) not in done:
                self.position = index
                return item
        return None

    def my_effects(self) -> list[Effect]:
        return [
            e
            for e in current_effects(self.data.folder, self.data.sentences)
            if e.reviewer == self.reviewer
        ]

    def evidence(self) -> list[Evidence]:
        """The current item's sentences, with this reviewer's decisions on them."""
        item = self.current
        if item is None:
            return []
        return item_evidence(self.data, item, self.my_effects(), self.evidence_limit)

    def progress(self) -> Progress:
        done = self._reviewed_keys()
        reviewed = sum((i.document_id, i.theme_id) in done for i in self.queue)
        return Progress(reviewed=reviewed, total=len(self.queue))

    def is_reviewed(self, item: QueueItem) -> bool:
        return (item.document_id, item.theme_id) in self._reviewed_keys()

    def decide(
        self,
        sentence_id: str,
        kind: DecisionKind,
        theme_id: str | None = None,
        new_theme_id: str | None = None,
        new_assertion: Assertion | None = None,
        comment: str | None = None,
    ) -> Decision:
        """Save this reviewer's decision on a sentence (the current item's theme by default)."""
        theme = theme_id or (self.current.theme_id if self.current else None)
        if theme is None:
            raise ValueError("no theme to decide on: the queue is empty")
        sentence = self._sentence(sentence_id)
        decision = Decision(
            reviewer=self.reviewer,
            sentence_id=sentence_id,
            document_id=str(sentence["document_id"]),
            theme_id=theme,
            decision=kind,
            sentence_text=str(sentence["text"]),
            new_theme_id=new_theme_id,
            new_assertion=new_assertion,
            comment=comment.strip() if comment and comment.strip() else None,
        )
        return self.store.record(decision)

    def _sentence(self, sentence_id: str) -> dict[Hashable, Any]:
        rows = self.data.sentences[self.data.sentences["sentence_id"] == sentence_id]
        if rows.empty:
            raise KeyError(f"no sentence {sentence_id} in the dataset")
        return rows.iloc[0].to_dict()

    def _reviewed_keys(self) -> set[tuple[str, str]]:
        return {(e.document_id, e.theme_id) for e in self.my_effects()}
