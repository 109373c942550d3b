"""The report's statistics: pure functions on the dataset's tables.

Every count is of documents: a theme counts for a document when its ``present`` is true.
The denominator is the documents that were counted (readable and not removed).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import combinations

import pandas as pd

Z_95 = 1.959963984540054  # the 97.5% quantile of the standard normal distribution
UNKNOWN = "unknown"
TOXIC_TRIO = ("domestic_abuse", "parental_mental_health", "parental_substance_misuse")


def wilson_interval(successes: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval for a proportion; (0, 1) when there is nothing to count."""
    if n < 0 or not 0 <= successes <= n:
        raise ValueError(f"need 0 <= successes <= n, got {successes} of {n}")
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    low, high = max(0.0, centre - half), min(1.0, centre + half)
    # At 0 or n the bound is exactly 0 or 1; rounding must not put the share outside it.
    return (0.0 if successes == 0 else low), (1.0 if successes == n else high)


def presence_matrix(
    document_themes: pd.DataFrame, document_ids: Sequence[str], theme_ids: Sequence[str]
) -> pd.DataFrame:
    """Documents x themes, True where the document reports the theme."""
    present = document_themes[
        document_themes["present"].fillna(False).astype(bool)
        & document_themes["document_id"].isin(document_ids)
        & document_themes["theme_id"].isin(theme_ids)
    ]
    index = pd.Index(list(document_ids), name="document_id")
    matrix = pd.DataFrame(False, index=index, columns=pd.Index(list(theme_ids)))
    for doc_id, theme_id in zip(present["document_id"], present["theme_id"], strict=True):
        matrix.loc[doc_id, theme_id] = True
    return matrix


def prevalence_table(matrix: pd.DataFrame, z: float = Z_95) -> pd.DataFrame:
    """Per theme (matrix column order): documents reporting it, share, Wilson interval."""
    n = len(matrix)
    rows = []
    for theme_id in matrix.columns:
        count = int(matrix[theme_id].sum())
        low, high = wilson_interval(count, n, z)
        share = count / n if n else 0.0
        rows.append(
            {"theme_id": theme_id, "n": count, "of": n, "share": share, "low": low, "high": high}
        )
    return pd.DataFrame(rows, columns=["theme_id", "n", "of", "share", "low", "high"])


def cooccurrence_counts(matrix: pd.DataFrame) -> pd.DataFrame:
    """Theme x theme: documents reporting both (the diagonal: documents reporting each)."""
    values = matrix.astype(int)
    return (values.T @ values).astype(int)


def cooccurrence_pairs(matrix: pd.DataFrame) -> pd.DataFrame:
    """Every pair of themes with the documents reporting both, most frequent first."""
    n = len(matrix)
    rows = []
    for first, second in combinations(matrix.columns, 2):
        both = int((matrix[first] & matrix[second]).sum())
        rows.append({"first": first, "second": second, "n": both, "share": both / n if n else 0.0})
    frame = pd.DataFrame(rows, columns=["first", "second", "n", "share"])
    return frame.sort_values("n", ascending=False, kind="stable", ignore_index=True)


def count_all_of(matrix: pd.DataFrame, theme_ids: Sequence[str]) -> int:
    """Documents reporting every one of the themes (e.g. the toxic trio)."""
    missing = [theme_id for theme_id in theme_ids if theme_id not in matrix.columns]
    if missing or not len(matrix):
        return 0
    return int(matrix[list(theme_ids)].all(axis=1).sum())


def group_labels(documents: pd.DataFrame, column: str) -> pd.Series:
    """A metadata column as text labels per document id; absent or empty values: 'unknown'."""
    index = pd.Index(documents["document_id"], name="document_id")
    if column not in documents:
        return pd.Series(UNKNOWN, index=index, dtype=object)
    return pd.Series([_label(value) for value in documents[column]], index=index, dtype=object)


def _label(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return UNKNOWN
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a year read back as a float
    text = str(value).strip()
    return text or UNKNOWN


def prevalence_by(matrix: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    """Long table per (group, theme): documents reporting the theme, of the group's documents."""
    labels = groups.reindex(matrix.index).fillna(UNKNOWN)
    rows = []
    for group in sort_groups(list(labels.unique())):
        members = matrix[labels == group]
        for theme_id in matrix.columns:
            count = int(members[theme_id].sum())
            rows.append(
                {
                    "group": group,
                    "theme_id": theme_id,
                    "n": count,
                    "of": len(members),
                    "share": count / len(members) if len(members) else 0.0,
                }
            )
    return pd.DataFrame(rows, columns=["group", "theme_id", "n", "of", "share"])


def sort_groups(groups: Sequence[str]) -> list[str]:
    """Groups in natural order (years numerically), with 'unknown' last."""
    known = sorted((g for g in groups if g != UNKNOWN), key=_group_key)
    return known + ([UNKNOWN] if UNKNOWN in groups else [])


def _group_key(group: str) -> tuple[bool, int, str]:
    return (not group.isdigit(), int(group) if group.isdigit() else 0, group.casefold())
