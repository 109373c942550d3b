"""How far the tagger agrees with reviewers, and reviewers with each other, per theme.

The unit is one (sentence, theme) a reviewer decided on, labelled "counted evidence or
not" in that reviewer's merged view. Reviewers see the queue, not every sentence, so the
tagger's recall here is recall on what reviewers looked at (plus what they added), not on
the whole dataset.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from itertools import combinations
from pathlib import Path

import pandas as pd

from pipeline.review.decisions import current_effects, latest_effects
from pipeline.review.merge import merge_tags, merged_tags
from pipeline.store import read_table

ALL = "(all themes)"


def cohen_kappa(first: Sequence[Hashable], second: Sequence[Hashable]) -> float:
    """Cohen's kappa of two raters' labels on the same items; NaN where it is undefined."""
    if len(first) != len(second):
        raise ValueError("both raters must label the same items")
    n = len(first)
    if n == 0:
        return float("nan")
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    labels = set(first) | set(second)
    expected = sum((list(first).count(x) / n) * (list(second).count(x) / n) for x in labels)
    if expected == 1.0:
        return float("nan")  # both raters gave one and the same label to everything
    return (observed - expected) / (1.0 - expected)


def tagger_scores(merged: pd.DataFrame) -> pd.DataFrame:
    """Per theme and overall: the tagger's counted tags against the reviewed ones."""
    reviewed = merged[merged["decision"].notna()]
    rows = [_scores(theme, group) for theme, group in reviewed.groupby("theme_id")]
    rows.append(_scores(ALL, reviewed))
    return pd.DataFrame(
        rows, columns=["theme_id", "n_reviewed", "tp", "fp", "fn", "precision", "recall"]
    )


def _scores(theme: object, reviewed: pd.DataFrame) -> dict[str, object]:
    machine, truth = reviewed["machine_counted"], reviewed["counted"]
    tp = int((machine & truth).sum())
    fp = int((machine & ~truth).sum())
    fn = int((~machine & truth).sum())
    return {
        "theme_id": theme,
        "n_reviewed": len(reviewed),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": tp / (tp + fp) if tp + fp else float("nan"),
        "recall": tp / (tp + fn) if tp + fn else float("nan"),
    }


def tagger_agreement(dataset_folder: Path, reviewer: str | None = None) -> pd.DataFrame:
    """The tagger's precision and recall per theme against reviewer decisions."""
    return tagger_scores(merged_tags(dataset_folder, reviewer))


def reviewer_labels(dataset_folder: Path) -> pd.DataFrame:
    """One row per (reviewer, sentence, theme) decided: whether it is counted evidence."""
    sentences, tags = read_table(dataset_folder, "sentences"), read_table(dataset_folder, "tags")
    effects = current_effects(dataset_folder, sentences)
    frames = []
    for reviewer in sorted({effect.reviewer for effect in effects}):
        mine = latest_effects([e for e in effects if e.reviewer == reviewer], per_reviewer=False)
        merged = merge_tags(tags, sentences, mine)
        frames.append(
            merged.loc[merged["decision"].notna(), ["sentence_id", "theme_id", "counted"]].assign(
                reviewer=reviewer
            )
        )
    columns = ["reviewer", "sentence_id", "theme_id", "counted"]
    return (
        pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)
    )


def kappa_by_theme(labels: pd.DataFrame, first: str, second: str) -> pd.DataFrame:
    """Cohen's kappa between two reviewers per theme and overall, on items both decided."""
    a = labels[labels["reviewer"] == first]
    b = labels[labels["reviewer"] == second]
    both = a.merge(b, on=["sentence_id", "theme_id"], suffixes=("_a", "_b"))
    groups = [*both.groupby("theme_id"), (ALL, both)]
    rows = [
        {
            "reviewer_a": first,
            "reviewer_b": second,
            "theme_id": theme,
            "n_both": len(group),
            "agreement": (group["counted_a"] == group["counted_b"]).mean()
            if len(group)
            else float("nan"),
            "kappa": cohen_kappa(list(group["counted_a"]), list(group["counted_b"])),
        }
        for theme, group in groups
    ]
    return pd.DataFrame(rows)


def reviewer_agreement(dataset_folder: Path) -> pd.DataFrame:
    """Cohen's kappa per theme for every pair of reviewers of a dataset."""
    labels = reviewer_labels(dataset_folder)
    pairs = combinations(sorted(set(labels["reviewer"])), 2)
    frames = [kappa_by_theme(labels, first, second) for first, second in pairs]
    columns = ["reviewer_a", "reviewer_b", "theme_id", "n_both", "agreement", "kappa"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
