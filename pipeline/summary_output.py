"""Review summaries as files: one JSON object and one Markdown page per review, and an index."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pipeline.store import atomic_write_bytes, make_private_folder
from pipeline.summary import ReviewSummary, load_results, summarise_review
from pipeline.taxonomy import Taxonomy


def summary_dict(summary: ReviewSummary, taxonomy: Taxonomy) -> dict[str, Any]:
    """One review as a JSON object, theme labels included."""

    def theme(theme_id: str) -> dict[str, str]:
        return {"theme_id": theme_id, "label": _label(taxonomy, theme_id)}

    return {
        "document_id": summary.document_id,
        "file_name": summary.file_name,
        "case_summary": {"text": summary.case_summary, "pages": list(summary.case_pages)},
        "learning_themes": [theme(t) for t in summary.learning_themes],
        "risk_factors": [theme(t) for t in summary.risk_factors],
        "has_recommendations_section": summary.has_recommendations_section,
        "recommendations": [
            {
                "number": r.number,
                "text": r.text,
                "pages": list(r.pages),
                "sentence_ids": list(r.sentence_ids),
                "themes": [
                    theme(link.theme_id)
                    | {"score": link.score, "above_threshold": link.above_threshold}
                    for link in r.themes
                ],
            }
            for r in summary.recommendations
        ],
    }


def to_markdown(summary: ReviewSummary, taxonomy: Taxonomy) -> str:
    """One review as Markdown: the case, learning themes and recommendations."""
    lines = [f"# {summary.file_name}", "", f"Document `{summary.document_id[:16]}`", ""]
    lines += ["## Case summary", ""]
    if summary.case_summary:
        lines.append(f"{summary.case_summary} ({_pages(summary.case_pages)})")
    else:
        lines.append("No summary or background section was found.")
    lines += ["", "## Learning themes", ""]
    lines.append(_theme_sentence("Learning themes include", summary.learning_themes, taxonomy))
    lines.append("")
    lines.append(_theme_sentence("Risk factors identified include", summary.risk_factors, taxonomy))
    lines += ["", "## Recommendations", ""]
    if not summary.has_recommendations_section:
        lines.append("No recommendations section was found in this review.")
    for item in summary.recommendations:
        lines.append(f"{item.number}. {item.text} ({_pages(item.pages)})")
        for link in item.themes:
            label = _label(taxonomy, link.theme_id)
            verb = "addresses" if link.above_threshold else "may address"
            note = "" if link.above_threshold else ", below the theme's threshold"
            lines.append(f"   - {verb} {label} (`{link.theme_id}`, score {link.score:.2f}{note})")
    return "\n".join(lines) + "\n"


def _theme_sentence(lead: str, theme_ids: Sequence[str], taxonomy: Taxonomy) -> str:
    if not theme_ids:
        return f"{lead}: none found."
    labels = [_label(taxonomy, t).lower() for t in theme_ids]
    listed = labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} and {labels[-1]}"
    return f"{lead}: {listed}."


def _label(taxonomy: Taxonomy, theme_id: str) -> str:
    """A theme's label; its id when the taxonomy no longer has it."""
    try:
        return taxonomy.theme(theme_id).label
    except KeyError:
        return theme_id


def _pages(pages: Sequence[int]) -> str:
    return f"page {pages[0]}" if len(pages) == 1 else f"pages {', '.join(map(str, pages))}"


def index_markdown(summaries: Sequence[ReviewSummary], files: Sequence[str]) -> str:
    """A table of every summarised review, with a link to its Markdown file."""
    lines = [
        "# Review summaries",
        "",
        "| review | learning themes | recommendations |",
        "|---|---|---:|",
    ]
    for summary, name in zip(summaries, files, strict=True):
        themes = ", ".join(summary.learning_themes) or "none"
        n_items = str(len(summary.recommendations)) if summary.has_recommendations_section else "-"
        lines.append(f"| [{summary.file_name}]({name}) | {themes} | {n_items} |")
    return "\n".join(lines) + "\n"


def output_stem(summary: ReviewSummary) -> str:
    """A safe file name stem: the review's name, plus its id so two files never collide."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", Path(summary.file_name).stem)[:60].strip("_")
    return f"{stem or 'review'}_{summary.document_id[:8]}"


def write_summaries(
    folder: Path, out: Path, taxonomy: Taxonomy
) -> tuple[list[ReviewSummary], list[str]]:
    """One .json and one .md per review, and index.md; returns the summaries and any errors.

    A review that cannot be summarised gives a one-line error (no text) and the rest go on.
    """
    if not Path(out).exists():  # an existing folder keeps its permissions
        make_private_folder(Path(out))
    summaries, files, errors = [], [], []
    for result in load_results(folder):
        try:
            summary = summarise_review(result, taxonomy)
            stem = output_stem(summary)
            data = json.dumps(summary_dict(summary, taxonomy), ensure_ascii=False, indent=2)
            atomic_write_bytes(Path(out) / f"{stem}.json", (data + "\n").encode())
            atomic_write_bytes(Path(out) / f"{stem}.md", to_markdown(summary, taxonomy).encode())
        except Exception as error:  # one review's problem must not stop the others
            errors.append(f"{result.document.file_name}: not summarised ({type(error).__name__})")
            continue
        summaries.append(summary)
        files.append(f"{stem}.md")
    atomic_write_bytes(Path(out) / "index.md", index_markdown(summaries, files).encode())
    return summaries, errors
