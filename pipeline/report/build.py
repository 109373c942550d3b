"""A dataset folder -> one self-contained HTML report file."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pipeline.report import html as page
from pipeline.report.data import ReportData, load_report_data
from pipeline.report.sections import (
    ThemeInfo,
    cooccurrence_section,
    evidence_section,
    group_section,
    prevalence_section,
)
from pipeline.store import atomic_write_bytes
from pipeline.taxonomy import DEFAULT_PATH, Taxonomy, load_taxonomy


def report_themes(data: ReportData, taxonomy: Taxonomy) -> list[ThemeInfo]:
    """The taxonomy's themes in order, then any other theme the dataset holds."""
    themes = [ThemeInfo(t.id, t.label, t.kind) for t in taxonomy.themes]
    known = set(taxonomy.ids)
    extra = sorted(set(data.machine_themes["theme_id"]) - known)
    return themes + [ThemeInfo(theme_id, theme_id, "unknown") for theme_id in extra]


def render_report(data: ReportData, taxonomy: Taxonomy, title: str, generated: str) -> str:
    """The report as one HTML string."""
    themes = report_themes(data, taxonomy)
    excluded = (
        f"{data.n_unreadable} unreadable, {data.n_not_reviews} not case reviews and "
        f"{data.n_removed} removed documents left out"
    )
    intro = (
        f"{len(data.documents)} documents counted ({excluded}). "
        f"Taxonomy {taxonomy.version}. Generated {generated}."
    )
    body = [
        page.paragraph(intro, "note"),
        prevalence_section(data, themes),
        cooccurrence_section(data, themes),
        group_section(data, themes, "year", "Prevalence by year"),
        group_section(data, themes, "nation", "Prevalence by nation"),
        evidence_section(data, themes),
        page.paragraph(
            "A theme counts for a document when at least one sentence presents it as present "
            "in the case, above the theme's threshold (or as a reviewer decided). Intervals "
            "are 95% Wilson score intervals for the share of documents.",
            "note",
        ),
    ]
    return page.render_page(title, body)


def write_report(
    dataset_folder: Path, out: Path, taxonomy: Taxonomy | None = None, title: str | None = None
) -> Path:
    """Write the HTML report of a dataset (owner-only: it quotes document text)."""
    data = load_report_data(dataset_folder)
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    name = title or f"Themes in {Path(dataset_folder).resolve().name}"
    text = render_report(data, taxonomy or load_taxonomy(DEFAULT_PATH), name, generated)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(out, text.encode("utf-8"))
    return out
