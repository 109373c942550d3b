"""Suggested themes as JSON and as Markdown for a domain expert."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from pipeline.discover.model import SuggestedTheme


def suggestions_dict(
    suggestions: Sequence[SuggestedTheme], settings: dict[str, Any]
) -> dict[str, Any]:
    """The whole run as one JSON object: the settings that made it, then each suggestion."""
    return {
        **settings,
        "suggestions": [
            asdict(s) | {"keywords": [{"word": w, "weight": x} for w, x in s.keywords]}
            for s in suggestions
        ],
    }


def suggestions_markdown(suggestions: Sequence[SuggestedTheme], settings: dict[str, Any]) -> str:
    """Suggestions worded for a domain expert to name, merge or dismiss."""
    sections = ", ".join(settings.get("sections", []))
    lines = [
        "# Suggested new themes",
        "",
        f"{settings.get('n_candidates', 0)} sentences of the {sections} sections in "
        f"{settings.get('n_documents', 0)} reviews have no tag of any theme at or above "
        f"{settings.get('floor')}: no theme in the taxonomy explains them. Clustered on their "
        f"embeddings (seed {settings.get('seed')}), they form the groups below; "
        f"{settings.get('n_outliers', 0)} sentences fell in no group of "
        f"{settings.get('min_cluster_size')} or more.",
        "",
        "These are suggestions, not themes. For each, a domain expert should read the "
        "sentences, decide whether they describe a recurring practice issue, and if so name "
        "it and add it to `models/taxonomy.yaml` with a definition, patterns and examples.",
    ]
    if not suggestions:
        lines += ["", "No group was large enough to suggest a theme."]
    for number, suggestion in enumerate(suggestions, start=1):
        lines += _suggestion_lines(number, suggestion)
    return "\n".join(lines) + "\n"


def _suggestion_lines(number: int, suggestion: SuggestedTheme) -> list[str]:
    n_reviews = len(suggestion.documents)
    lines = [
        "",
        f"## Suggestion {number} (`{suggestion.suggestion_id}`): {suggestion.size} sentences "
        f"from {n_reviews} review{'s' if n_reviews != 1 else ''}",
        "",
        f"Keywords: {', '.join(word for word, _ in suggestion.keywords) or '(none)'}",
        "",
        "Sentences nearest the centre of the group:",
        "",
    ]
    for rep in suggestion.representatives:
        lines.append(f'- "{rep.text}" ({rep.file_name}, page {rep.page})')
    sources = ", ".join(f"{s.file_name} ({s.n_sentences})" for s in suggestion.documents)
    lines += ["", f"Reviews: {sources}", "", "Suggested name: _for a domain expert to decide_"]
    return lines
