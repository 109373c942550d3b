"""A dataset folder -> the tables the report needs, reviewer decisions applied."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.records import READABLE, Assertion
from pipeline.review.merge import merge_document_themes, merge_tags, review_effects
from pipeline.review.store import ReviewStore
from pipeline.scope import NOT_A_REVIEW
from pipeline.store import read_table

PRESENT = str(Assertion.PRESENT)


@dataclass(frozen=True)
class ReportData:
    """What the report counts: documents, the machine's and the merged themes, evidence."""

    documents: pd.DataFrame  # the counted documents: readable reviews, not removed
    n_unreadable: int
    n_removed: int
    machine_themes: pd.DataFrame  # document_themes as the tagger wrote them
    merged_themes: pd.DataFrame  # recomputed with reviewer decisions ("present")
    tags: pd.DataFrame  # merged sentence tags with text, page, counted and decision
    n_decisions: int  # reviewer decisions in the review store (0: no reviews yet)
    n_not_reviews: int = 0  # readable documents that are not case reviews (pipeline.scope)

    @property
    def document_ids(self) -> list[str]:
        return list(self.documents["document_id"])


def load_report_data(dataset_folder: Path) -> ReportData:
    """Read a dataset written by ``scr-themes ingest`` and its review store, if any."""
    folder = Path(dataset_folder)
    if not (folder / "documents.parquet").exists():
        raise FileNotFoundError(f"{folder} is not a dataset (no documents.parquet)")
    documents = read_table(folder, "documents")
    readable = documents["status"].isin([str(status) for status in READABLE])
    removed = documents["removed_at"].notna()
    # a document that is not a case review has no themes: it must not dilute prevalence
    not_review = documents["warnings"].fillna("").str.contains(f"{NOT_A_REVIEW}: ", regex=False)
    sentences = read_table(folder, "sentences")
    tags = merge_tags(read_table(folder, "tags"), sentences, review_effects(folder, sentences))
    machine = read_table(folder, "document_themes")
    return ReportData(
        documents=documents[readable & ~removed & ~not_review].reset_index(drop=True),
        n_unreadable=int((~readable & ~removed).sum()),
        n_not_reviews=int((readable & ~removed & not_review).sum()),
        n_removed=int(removed.sum()),
        machine_themes=machine,
        merged_themes=merge_document_themes(machine, tags),
        tags=tags,
        n_decisions=len(ReviewStore.for_dataset(folder).decisions()),
    )


def confirmed_themes(tags: pd.DataFrame) -> pd.DataFrame:
    """(document, theme) pairs with at least one evidence sentence a reviewer kept."""
    kept = tags[tags["decision"].notna() & tags["counted"]]
    pairs = kept[["document_id", "theme_id"]].drop_duplicates(ignore_index=True)
    return pairs.assign(present=True)


def select_evidence(tags: pd.DataFrame, document_ids: list[str], k: int = 3) -> pd.DataFrame:
    """Up to ``k`` example sentences per theme, from different documents where possible.

    Counted evidence comes first; only when a theme has fewer than ``k`` counted sentences
    are undecided present-tense sentences below the threshold (``needs_review``) added.
    """
    review = (tags["assertion"] == PRESENT) & tags["needs_review"] & tags["decision"].isna()
    pool = tags[
        tags["document_id"].isin(document_ids) & tags["text"].notna() & (tags["counted"] | review)
    ]
    pool = pool.assign(tier=(~pool["counted"]).astype(int), rank_score=pool["score"].fillna(1.0))
    keys = ["theme_id", "tier", "rank_score", "document_id", "page", "start"]
    pool = pool.sort_values(keys, ascending=[True, True, False, True, True, True])
    pool = pool.assign(rank_in_document=pool.groupby(["theme_id", "document_id"]).cumcount())
    keys = ["theme_id", "tier", "rank_in_document", "rank_score", "document_id", "page", "start"]
    pool = pool.sort_values(keys, ascending=[True, True, True, False, True, True, True])
    columns = ["theme_id", "document_id", "page", "text", "score", "counted"]
    return pool.groupby("theme_id").head(k)[columns].reset_index(drop=True)
