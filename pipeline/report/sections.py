"""The report's sections, each from the report data to rendered HTML fragments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from pipeline.report import charts, stats
from pipeline.report import html as page
from pipeline.report.data import ReportData, confirmed_themes, select_evidence

PREVALENCE_CHART_ID = "prevalence-chart"
TOP_PAIRS = 10


@dataclass(frozen=True, slots=True)
class ThemeInfo:
    id: str
    label: str
    kind: str  # "risk_factor", "practice_weakness", or "unknown" for a theme not in the taxonomy


def headline_matrix(data: ReportData, themes: list[ThemeInfo]) -> pd.DataFrame:
    """Documents x themes as they stand: the reviewed view once reviews exist."""
    source = data.merged_themes if data.n_decisions else data.machine_themes
    return stats.presence_matrix(source, data.document_ids, [t.id for t in themes])


def prevalence_frame(data: ReportData, themes: list[ThemeInfo]) -> pd.DataFrame:
    """The prevalence table with labels; once reviews exist, machine and confirmed counts too."""
    ids = [t.id for t in themes]
    prevalence = stats.prevalence_table(headline_matrix(data, themes))
    prevalence["label"] = [t.label for t in themes]
    prevalence["kind"] = [t.kind for t in themes]
    if data.n_decisions:
        machine = stats.presence_matrix(data.machine_themes, data.document_ids, ids)
        confirmed = stats.presence_matrix(confirmed_themes(data.tags), data.document_ids, ids)
        prevalence["machine_n"] = machine.sum().to_numpy()
        prevalence["confirmed_n"] = confirmed.sum().to_numpy()
    return prevalence


def prevalence_section(data: ReportData, themes: list[ThemeInfo]) -> str:
    """Chart and table of theme prevalence, machine and reviewed side by side once reviewed."""
    prevalence = prevalence_frame(data, themes)
    alt = "Bar chart: share of documents reporting each theme, with 95% Wilson intervals"
    chart = charts.figure_png(charts.plot_prevalence(prevalence))
    headers = ["Theme", "Kind", "Documents", "Share", "95% Wilson interval"]
    rows = [_prevalence_row(r) for r in _records(prevalence)]
    if data.n_decisions:
        headers += ["Machine only", "Reviewer-confirmed"]
        reviewed = zip(rows, prevalence["machine_n"], prevalence["confirmed_n"], strict=True)
        rows = [[*row, machine, confirmed] for row, machine, confirmed in reviewed]
        note = (
            f"{data.n_decisions} reviewer decisions applied. 'Documents' counts the view with "
            "reviewer decisions applied; 'Machine only' counts the tagger's verdict alone; "
            "'Reviewer-confirmed' counts documents with at least one evidence sentence a "
            "reviewer kept."
        )
    else:
        note = "No reviews exist yet: every count is the tagger's alone (machine only)."
    parts = [
        page.image(chart, alt, PREVALENCE_CHART_ID),
        page.paragraph(note, "notice"),
        page.table(headers, rows, {2, 3, 5, 6}),
    ]
    return page.section("Prevalence of each theme", parts, "prevalence")


def cooccurrence_section(data: ReportData, themes: list[ThemeInfo]) -> str:
    """Risk factors reported together: the toxic trio, a heat map and the commonest pairs."""
    labels = {t.id: t.label for t in themes}
    risk = [t.id for t in themes if t.kind == "risk_factor"]
    matrix = headline_matrix(data, themes)[risk]
    n = len(matrix)
    trio = stats.count_all_of(matrix, stats.TOXIC_TRIO)
    trio_names = ", ".join(labels.get(t, t) for t in stats.TOXIC_TRIO)
    parts = [
        page.paragraph(
            f"The 'toxic trio' ({trio_names}) together: {trio} of {n} documents "
            f"({_percent(trio / n if n else 0.0)})."
        )
    ]
    counts = stats.cooccurrence_counts(matrix)
    counts.index = counts.columns = pd.Index([labels[t] for t in risk])
    figure = charts.plot_heatmap(
        counts, "Risk factors reported together", "documents reporting both"
    )
    alt = "Heat map: documents reporting each pair of risk factors"
    parts.append(page.image(charts.figure_png(figure), alt, "cooccurrence-chart"))
    pairs = stats.cooccurrence_pairs(matrix).head(TOP_PAIRS)
    rows = [
        [labels[p["first"]], labels[p["second"]], f"{p['n']} of {n}", _percent(p["share"])]
        for p in _records(pairs)
        if p["n"]
    ]
    if rows:
        parts.append(page.heading("Commonest pairs of risk factors"))
        parts.append(page.table(["Risk factor", "with", "Documents", "Share"], rows, {2, 3}))
    return page.section("Risk factors reported together", parts, "cooccurrence")


def group_section(data: ReportData, themes: list[ThemeInfo], column: str, title: str) -> str:
    """Prevalence per value of a document metadata column (year, nation)."""
    groups = stats.group_labels(data.documents, column)
    by_group = stats.prevalence_by(headline_matrix(data, themes), groups)
    known = sorted(set(by_group["group"]) - {stats.UNKNOWN})
    section_id = f"by-{column}"
    if not known:
        note = f"No document in this dataset has a {column} recorded, so there is nothing to split."
        return page.section(title, [page.paragraph(note, "note")], section_id)
    labels = {t.id: t.label for t in themes}
    figure = charts.plot_groups(by_group, labels, title)
    alt = f"Heat map: share of documents reporting each theme, by {column}"
    sizes = by_group.drop_duplicates("group")
    rows = [[g["group"], g["of"]] for g in _records(sizes)]
    parts = [
        page.image(charts.figure_png(figure), alt, f"{column}-chart"),
        page.table([column.capitalize(), "Documents"], rows, {1}),
    ]
    return page.section(title, parts, section_id)


def evidence_section(data: ReportData, themes: list[ThemeInfo]) -> str:
    """Up to three example sentences per theme, each with its document and page."""
    examples = select_evidence(data.tags, data.document_ids)
    names = dict(zip(data.documents["document_id"], data.documents["file_name"], strict=True))
    parts = [
        page.paragraph(
            "Counted evidence first (asserted present, above the theme's threshold), from "
            "different documents where possible.",
            "note",
        )
    ]
    for theme in themes:
        parts.append(page.heading(theme.label))
        chosen = examples[examples["theme_id"] == theme.id]
        if chosen.empty:
            parts.append(page.paragraph("No evidence sentence in the counted documents.", "note"))
        for row in _records(chosen):
            flag = "" if row["counted"] else " (below threshold: not counted, needs review)"
            name = names.get(row["document_id"], row["document_id"])
            parts.append(page.quote(str(row["text"]), f"{name}, page {_page(row['page'])}{flag}"))
    return page.section("Example evidence", parts, "evidence")


def _percent(share: float) -> str:
    return f"{share * 100:.0f}%"


def _prevalence_row(r: dict[str, Any]) -> list[object]:
    interval = f"{_percent(r['low'])} to {_percent(r['high'])}"
    kind = str(r["kind"]).replace("_", " ")
    return [r["label"], kind, f"{r['n']} of {r['of']}", _percent(r["share"]), interval]


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(key): value for key, value in row.items()} for row in frame.to_dict("records")]


def _page(value: Any) -> str:
    return "?" if pd.isna(value) else str(int(value))
