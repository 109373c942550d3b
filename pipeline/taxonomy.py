"""Load and validate ``models/taxonomy.yaml``: the themes and what counts as evidence."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

CORE_THEMES = (
    "domestic_abuse",
    "parental_mental_health",
    "parental_substance_misuse",
    "neglect",
    "unsafe_sleep",
    "adolescent_risk",
    "information_sharing",
    "risk_assessment",
    "training_gaps",
    "staffing_turnover",
    "unborn_baby_planning",
    "adult_services_parenting",
)
KINDS = ("risk_factor", "practice_weakness")
NEGATIVE_KINDS = ("negated", "recommendation", "hypothetical", "historical", "off_topic")
MIN_EXAMPLES = 8
DEFAULT_PATH = Path(__file__).resolve().parent.parent / "models" / "taxonomy.yaml"

# A pattern is a phrase (matched on lower-cased tokens) or a spaCy Matcher token pattern.
Pattern = str | list[dict[str, Any]]


class TaxonomyError(ValueError):
    """The taxonomy file is malformed; the message names the bad entry."""


@dataclass(frozen=True, slots=True)
class Negative:
    """A hard negative: mentions the theme but is not evidence of it in the case."""

    text: str
    kind: str  # one of NEGATIVE_KINDS


@dataclass(frozen=True, slots=True)
class Theme:
    id: str
    kind: str
    label: str
    definition: str
    threshold: float
    patterns: tuple[Pattern, ...]
    examples: tuple[str, ...]
    negatives: tuple[Negative, ...]


@dataclass(frozen=True, slots=True)
class DocumentCheck:
    """Phrases that tell a child case review (or a report about one) from other documents."""

    case_terms: tuple[str, ...] = ()
    child_terms: tuple[str, ...] = ()
    other_titles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Taxonomy:
    version: str
    themes: tuple[Theme, ...]
    neutral: tuple[str, ...]  # sentences that evidence no theme (routine chronology, method)
    digest: str  # SHA-256 of the file, so a changed taxonomy is never mistaken for the old one
    document_check: DocumentCheck | None = None  # None: every document counts as a review

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(theme.id for theme in self.themes)

    def theme(self, theme_id: str) -> Theme:
        for theme in self.themes:
            if theme.id == theme_id:
                return theme
        raise KeyError(theme_id)


def load_taxonomy(path: Path | str = DEFAULT_PATH) -> Taxonomy:
    """Read and validate a taxonomy file."""
    raw_bytes = Path(path).read_bytes()
    try:
        raw = yaml.safe_load(raw_bytes)
    except yaml.YAMLError as exc:
        raise TaxonomyError(f"{path}: not valid YAML ({exc.__class__.__name__})") from None
    return parse_taxonomy(raw, digest=hashlib.sha256(raw_bytes).hexdigest())


def parse_taxonomy(raw: Any, digest: str = "") -> Taxonomy:
    """Validate a parsed taxonomy mapping and build the records."""
    if not isinstance(raw, dict):
        raise TaxonomyError("taxonomy: the top level must be a mapping with 'version' and 'themes'")
    version = raw.get("version")
    if not isinstance(version, str) or not version.strip():
        raise TaxonomyError("taxonomy: 'version' must be a non-empty string")
    entries = raw.get("themes")
    if not isinstance(entries, list) or not entries:
        raise TaxonomyError("taxonomy: 'themes' must be a non-empty list")
    themes = tuple(_parse_theme(entry, index) for index, entry in enumerate(entries))
    seen: set[str] = set()
    for theme in themes:
        if theme.id in seen:
            raise TaxonomyError(f"theme '{theme.id}': the id is used twice")
        seen.add(theme.id)
    missing = [theme_id for theme_id in CORE_THEMES if theme_id not in seen]
    if missing:
        raise TaxonomyError(f"taxonomy: core themes missing: {', '.join(missing)}")
    neutral = raw.get("neutral", [])
    if not isinstance(neutral, list) or not all(isinstance(t, str) and t.strip() for t in neutral):
        raise TaxonomyError("taxonomy: 'neutral' must be a list of sentences")
    return Taxonomy(
        version=version.strip(),
        themes=themes,
        neutral=tuple(" ".join(text.split()) for text in neutral),
        digest=digest,
        document_check=_parse_document_check(raw.get("document_check")),
    )


def _parse_document_check(raw: Any) -> DocumentCheck | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise TaxonomyError("taxonomy: 'document_check' must be a mapping of phrase lists")
    lists = {}
    for key in ("case_terms", "child_terms", "other_titles"):
        phrases = raw.get(key)
        if not isinstance(phrases, list) or not all(
            isinstance(p, str) and p.strip() for p in phrases
        ):
            raise TaxonomyError(f"taxonomy: document_check '{key}' must be a list of phrases")
        lists[key] = tuple(" ".join(p.lower().split()) for p in phrases)
    unknown = set(raw) - set(lists)
    if unknown:
        raise TaxonomyError(
            f"taxonomy: document_check has unknown keys: {', '.join(sorted(unknown))}"
        )
    return DocumentCheck(**lists)


def _parse_theme(entry: Any, index: int) -> Theme:
    if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
        raise TaxonomyError(f"theme #{index + 1}: must be a mapping with a string 'id'")
    name = f"theme '{entry['id']}'"
    if not entry["id"].isidentifier() or entry["id"] != entry["id"].lower():
        raise TaxonomyError(f"{name}: id must be lower_snake_case")
    for key in ("label", "definition"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise TaxonomyError(f"{name}: '{key}' must be a non-empty string")
    if entry.get("kind") not in KINDS:
        raise TaxonomyError(f"{name}: 'kind' must be one of {', '.join(KINDS)}")
    threshold = entry.get("threshold", 0.5)
    if isinstance(threshold, bool) or not isinstance(threshold, int | float):
        raise TaxonomyError(f"{name}: 'threshold' must be a number")
    if not 0.0 < float(threshold) < 1.0:
        raise TaxonomyError(f"{name}: 'threshold' must be between 0 and 1, got {threshold}")
    return Theme(
        id=entry["id"],
        kind=entry["kind"],
        label=entry["label"].strip(),
        definition=" ".join(entry["definition"].split()),
        threshold=float(threshold),
        patterns=_parse_patterns(entry.get("patterns"), name),
        examples=_parse_examples(entry.get("examples"), name),
        negatives=_parse_negatives(entry.get("negatives"), name),
    )


def _parse_patterns(raw: Any, name: str) -> tuple[Pattern, ...]:
    if not isinstance(raw, list) or not raw:
        raise TaxonomyError(f"{name}: 'patterns' must be a non-empty list")
    patterns: list[Pattern] = []
    for number, pattern in enumerate(raw, start=1):
        if isinstance(pattern, str) and pattern.strip():
            patterns.append(pattern.strip())
        elif (
            isinstance(pattern, list)
            and pattern
            and all(isinstance(token, dict) and token for token in pattern)
        ):
            patterns.append(pattern)
        else:
            raise TaxonomyError(
                f"{name}: pattern {number} must be a phrase or a list of spaCy token patterns"
            )
    return tuple(patterns)


def _parse_examples(raw: Any, name: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(t, str) and t.strip() for t in raw):
        raise TaxonomyError(f"{name}: 'examples' must be a list of sentences")
    if len(raw) < MIN_EXAMPLES:
        raise TaxonomyError(f"{name}: needs at least {MIN_EXAMPLES} examples, has {len(raw)}")
    return tuple(" ".join(text.split()) for text in raw)


def _parse_negatives(raw: Any, name: str) -> tuple[Negative, ...]:
    if not isinstance(raw, list) or not raw:
        raise TaxonomyError(f"{name}: 'negatives' must be a non-empty list")
    negatives = []
    for number, item in enumerate(raw, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise TaxonomyError(f"{name}: negative {number} must have a 'text'")
        if item.get("kind") not in NEGATIVE_KINDS:
            raise TaxonomyError(
                f"{name}: negative {number} 'kind' must be one of {', '.join(NEGATIVE_KINDS)}"
            )
        negatives.append(Negative(text=" ".join(item["text"].split()), kind=item["kind"]))
    return tuple(negatives)
