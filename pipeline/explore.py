"""Summaries of a dataset for researchers: prevalence, co-occurrence, documents, exports.

Everything here reads the merged view (machine tags with reviewer decisions applied). The
plots need matplotlib and the Excel export openpyxl: the ``notebooks`` extra.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from pipeline.review.merge import merge_document_themes, merged_tags
from pipeline.store import atomic_write_bytes, read_table
from pipeline.taxonomy import Taxonomy

if TYPE_CHECKING:
    from matplotlib.figure import Figure

INSTALL_HINT = "install the notebooks extra: .venv/bin/pip install -e '.[notebooks]'"
# Characters a worksheet cannot hold (as openpyxl's ILLEGAL_CHARACTERS_RE).
_ILLEGAL_IN_EXCEL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def theme_prevalence(document_themes: pd.DataFrame, taxonomy: Taxonomy) -> pd.DataFrame:
    """Per theme, in taxonomy order: how many documents report it, and what share."""
    n_documents = document_themes["document_id"].nunique()
    present = document_themes[document_themes["present"]].groupby("theme_id")["document_id"]
    counts = present.nunique()
    rows = [
        {
            "theme_id": theme.id,
            "label": theme.label,
            "kind": theme.kind,
            "n_documents": int(counts.get(theme.id, 0)),
            "share": counts.get(theme.id, 0) / n_documents if n_documents else 0.0,
            "of_documents": n_documents,
        }
        for theme in taxonomy.themes
    ]
    return pd.DataFrame(rows)


def cooccurrence(
    document_themes: pd.DataFrame, taxonomy: Taxonomy, kind: str = "risk_factor"
) -> pd.DataFrame:
    """Theme x theme: the number of documents reporting both (the diagonal: each alone)."""
    ids = [theme.id for theme in taxonomy.themes if theme.kind == kind]
    present = document_themes[document_themes["present"] & document_themes["theme_id"].isin(ids)]
    matrix = pd.crosstab(present["document_id"], present["theme_id"]).reindex(
        columns=ids, fill_value=0
    )
    counts = matrix.T @ matrix
    return counts.reindex(index=ids, columns=ids, fill_value=0).astype(int)


def documents_table(documents: pd.DataFrame, document_themes: pd.DataFrame) -> pd.DataFrame:
    """One row per document: its status and the themes it reports (merged view)."""
    table = documents[["document_id", "file_name", "status", "pages"]].copy()
    present = document_themes[document_themes["present"]]
    table["themes"] = table["document_id"].map(_theme_lists(present)).fillna("")
    table["n_themes"] = table["document_id"].map(present.groupby("document_id").size())
    table["n_themes"] = table["n_themes"].fillna(0).astype(int)
    if "changed_by_review" in document_themes:
        changed = document_themes[document_themes["changed_by_review"]]
        table["changed_by_review"] = table["document_id"].map(_theme_lists(changed)).fillna("")
    return table.sort_values("file_name", ignore_index=True)


def _theme_lists(document_themes: pd.DataFrame) -> pd.Series:
    return document_themes.groupby("document_id")["theme_id"].agg(
        lambda ids: ", ".join(sorted(ids))
    )


def merged_views(dataset_folder: Path) -> dict[str, pd.DataFrame]:
    """The merged view as three tables a spreadsheet user can read on their own."""
    documents = read_table(dataset_folder, "documents")
    names = dict(zip(documents["document_id"], documents["file_name"], strict=True))
    tags = merged_tags(dataset_folder)
    themes = merge_document_themes(read_table(dataset_folder, "document_themes"), tags)
    themes.insert(1, "file_name", themes["document_id"].map(names))
    tags.insert(1, "file_name", tags["document_id"].map(names))
    return {
        "documents": documents_table(documents, themes),
        "document_themes": themes,
        "tags": tags,
    }


def export_merged_view(dataset_folder: Path, out_folder: Path) -> list[Path]:
    """Write the merged view as one CSV per table and one Excel workbook; returns the files.

    They hold sentence text, so the folder is the owner's alone (0700) and every file 0600,
    as the dataset's own files are.
    """
    out_folder = Path(out_folder)
    out_folder.mkdir(parents=True, exist_ok=True)
    out_folder.chmod(0o700)
    views = merged_views(dataset_folder)
    written = []
    for name, frame in views.items():
        path = out_folder / f"merged_{name}.csv"
        atomic_write_bytes(path, frame.to_csv(index=False).encode("utf-8"))
        written.append(path)
    workbook = out_folder / "merged_view.xlsx"
    atomic_write_bytes(workbook, _workbook_bytes(views))
    return [*written, workbook]


def _workbook_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    try:
        import openpyxl  # noqa: F401
    except ImportError as error:
        raise ImportError(f"the Excel export needs openpyxl: {INSTALL_HINT}") from error
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            _excel_safe(frame).to_excel(writer, sheet_name=name, index=False)
    return buffer.getvalue()


def _excel_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop control characters a worksheet refuses (they can survive PDF extraction)."""
    return frame.map(
        lambda value: _ILLEGAL_IN_EXCEL.sub("", value) if isinstance(value, str) else value
    )


def plot_prevalence(prevalence: pd.DataFrame) -> Figure:
    """Horizontal bars: the share of documents reporting each theme."""
    figure = _figure(figsize=(7, 0.35 * len(prevalence) + 1))
    axes = figure.subplots()
    ordered = prevalence.iloc[::-1]
    colours = ["tab:red" if kind == "risk_factor" else "tab:blue" for kind in ordered["kind"]]
    axes.barh(ordered["label"], ordered["n_documents"], color=colours)
    axes.set_xlabel("documents reporting the theme (red: risk factor, blue: practice)")
    n_documents = int(prevalence["of_documents"].max()) if len(prevalence) else 0
    axes.set_title(f"Theme prevalence across {n_documents} documents")
    figure.tight_layout()
    return figure


def plot_cooccurrence(matrix: pd.DataFrame) -> Figure:
    """Heat map of a co-occurrence matrix, each cell labelled with its count."""
    figure = _figure(figsize=(6.5, 5.5))
    axes = figure.subplots()
    image = axes.imshow(matrix.to_numpy(), cmap="Reds", vmin=0)
    labels = [str(name).replace("_", " ") for name in matrix.columns]
    axes.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
    axes.set_yticks(range(len(labels)), labels)
    for (row, column), count in np.ndenumerate(matrix.to_numpy()):
        axes.text(column, row, str(count), ha="center", va="center", fontsize=8)
    figure.colorbar(image, ax=axes, label="documents reporting both")
    axes.set_title("Risk factors reported together")
    figure.tight_layout()
    return figure


def _figure(figsize: tuple[float, float]) -> Figure:
    try:
        from matplotlib.figure import Figure
    except ImportError as error:
        raise ImportError(f"plots need matplotlib: {INSTALL_HINT}") from error
    return Figure(figsize=figsize)
