"""Build small valid taxonomies for tests without touching models/taxonomy.yaml."""

from __future__ import annotations

from typing import Any

from pipeline.taxonomy import CORE_THEMES, MIN_EXAMPLES, Taxonomy, parse_taxonomy

PRACTICE_WEAKNESSES = frozenset(
    {
        "information_sharing",
        "risk_assessment",
        "training_gaps",
        "staffing_turnover",
        "unborn_baby_planning",
        "adult_services_parenting",
    }
)


def theme_entry(theme_id: str, patterns: list[Any] | None = None) -> dict[str, Any]:
    """A valid theme mapping; only the patterns matter to the rule tagger."""
    label = theme_id.replace("_", " ")
    return {
        "id": theme_id,
        "kind": "practice_weakness" if theme_id in PRACTICE_WEAKNESSES else "risk_factor",
        "label": label.capitalize(),
        "definition": f"The review reports {label} in the case.",
        "patterns": patterns or [f"placeholder {theme_id}"],
        "examples": [f"Example {n} of {label} in the case." for n in range(MIN_EXAMPLES)],
        "negatives": [{"text": f"There was no evidence of {label}.", "kind": "negated"}],
    }


def make_taxonomy(patterns: dict[str, list[Any]]) -> Taxonomy:
    """All core themes; those named in ``patterns`` get those patterns, the rest a filler."""
    themes = [theme_entry(theme_id, patterns.get(theme_id)) for theme_id in CORE_THEMES]
    themes += [theme_entry(theme_id, found) for theme_id, found in patterns.items()
               if theme_id not in CORE_THEMES]  # fmt: skip
    return parse_taxonomy({"version": "test", "themes": themes})
