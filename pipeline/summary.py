"""Per-review summaries in the form practitioners read: the case, learning themes, recommendations.

Modelled on the NSPCC's case review updates: a short case summary, "Learning themes
include ...", and the review's own recommendations, each linked to the practice-weakness
themes it addresses. Everything is extractive: every sentence shown is a sentence of the
review, verbatim; nothing is generated.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from enum import Enum
from pathlib import Path
from typing import Any, get_type_hints

import pandas as pd

from pipeline.records import (
    READABLE,
    DocumentResult,
    DocumentTheme,
    Page,
    Section,
    Sentence,
    Tag,
)
from pipeline.store import DATABASE, Dataset
from pipeline.taxonomy import Taxonomy

# The tagger keeps no tag below this (CombineSettings.candidate_floor; a test keeps them equal).
# Not imported from there: that would load spaCy for a command that needs none of it.
CANDIDATE_FLOOR = 0.2
MAX_CASE_SENTENCES, MAX_CASE_WORDS = 3, 90
PRACTICE = "practice_weakness"
# A sentence that describes the case: the child, the family, what happened to them.
CASE_CUE = re.compile(
    r"\b(child|children|baby|boy|girl|son|daughter|sisters?|brothers?|mother|father|parents?"
    r"|family|died|death|injur\w*|harm\w*|aged|born|\w+-year-old|(?:years?|months?|weeks?) old)\b",
    re.I,
)
# Words that make a sentence a recommendation rather than an introduction or a comment.
DIRECTIVE = re.compile(
    r"\b(should|must|ought to|shall|needs? to|recommend\w*|will|(?:is|are) asked to)\b", re.I
)
# "1.", "2)", "(a)", "iv.", "•", "R3:", "Recommendation 4:" opening a numbered item.
ITEM_MARKER = re.compile(
    r"^\s*(?:\(?\d{1,2}(?:\.\d{1,2})*[.):]|\(?[a-h][.)]|\(?[ivx]{1,4}[.)]|[•▪◦●*\-–—]"
    r"|R\d{1,2}[.:)]?|recommendation\s+\d{1,2}\s*[:.\-–])(?:\s+|$)",
    re.I,
)
# A heading that opens one recommendation: "Recommendation 3", "Action two".
ITEM_HEADING = re.compile(
    r"^\s*(?:\d{1,2}[.)]?\s+)?(?:recommendation|action)\s+(?:\d{1,2}|one|two|three|four|five"
    r"|six|seven|eight|nine|ten)\b",
    re.I,
)
_TERMINAL = re.compile(r"[.!?:;][\"'”’)\]]*$")


@dataclass(frozen=True, slots=True)
class ThemeLink:
    """A practice-weakness theme a recommendation addresses, with the best tag's score."""

    theme_id: str
    score: float
    above_threshold: bool  # at or above the theme's threshold: 0.93 precision on the samples


@dataclass(frozen=True, slots=True)
class Recommendation:
    """One of the review's recommendations: its sentences, verbatim, and what it addresses."""

    number: int  # 1-based, in reading order
    text: str  # its sentences joined by a space, less a leading "1." or "(a)"
    pages: tuple[int, ...]
    sentence_ids: tuple[str, ...]
    themes: tuple[ThemeLink, ...]  # best score first


@dataclass(frozen=True, slots=True)
class ReviewSummary:
    """What a practitioner reads about one review."""

    document_id: str
    file_name: str
    case_summary: str  # up to three sentences of the summary (or background), verbatim
    case_pages: tuple[int, ...]
    learning_themes: tuple[str, ...]  # practice weaknesses present, in taxonomy order
    risk_factors: tuple[str, ...]  # risk factors present, in taxonomy order
    has_recommendations_section: bool
    recommendations: tuple[Recommendation, ...]


def summarise_review(
    result: DocumentResult, taxonomy: Taxonomy, floor: float = CANDIDATE_FLOOR
) -> ReviewSummary:
    """The summary of one review from its stored records."""
    document = result.document
    case = select_case_sentences(result.sentences)
    present = {t.theme_id for t in result.themes if t.present}
    in_section = [s for s in result.sentences if s.section == Section.RECOMMENDATIONS]
    return ReviewSummary(
        document_id=document.id,
        file_name=document.file_name,
        case_summary=" ".join(s.text for s in case),
        case_pages=tuple(sorted({s.page for s in case})),
        learning_themes=_present_of_kind(taxonomy, present, PRACTICE),
        risk_factors=_present_of_kind(taxonomy, present, "risk_factor"),
        has_recommendations_section=bool(in_section),
        recommendations=extract_recommendations(
            result.sentences, result.tags, taxonomy, result.pages, floor
        ),
    )


def select_case_sentences(sentences: Sequence[Sentence]) -> list[Sentence]:
    """The opening sentences of the summary (else the background) that describe the case.

    From the first sentence with a case word (so a title page's "written for ..." line is
    skipped), at most three sentences and about 90 words; the first is always kept whole.
    """
    pool: list[Sentence] = []
    for section in (Section.SUMMARY, Section.BACKGROUND):
        in_section = [s for s in sentences if s.section == section]
        first = next((i for i, s in enumerate(in_section) if CASE_CUE.search(s.text)), None)
        if first is not None:
            pool = in_section[first:]
            break
    chosen: list[Sentence] = []
    words = 0
    for sentence in pool:
        n_words = len(sentence.text.split())
        if chosen and (len(chosen) == MAX_CASE_SENTENCES or words + n_words > MAX_CASE_WORDS):
            break
        chosen.append(sentence)
        words += n_words
    return chosen


def extract_recommendations(
    sentences: Sequence[Sentence],
    tags: Iterable[Tag],
    taxonomy: Taxonomy,
    pages: Sequence[Page] = (),
    floor: float = CANDIDATE_FLOOR,
) -> tuple[Recommendation, ...]:
    """The recommendations section as a list, each item linked to the practice themes it addresses.

    Items are numbered ("1.", "(a)", "•") or headed ("Recommendation 3") when the review
    numbers them: a numbered paragraph is one item, a headed item runs to the next heading.
    Otherwise each sentence is one item, and sentences with no directive ("should",
    "must", "recommend", ...) are left out unless none has one. A sentence cut by a page
    or column break is joined to its continuation either way.
    """
    section = [s for s in sentences if s.section == Section.RECOMMENDATIONS]
    groups = _group_items(section, {p.number: p.text for p in pages})
    by_sentence: dict[str, list[Tag]] = {}
    for tag in tags:
        by_sentence.setdefault(tag.sentence_id, []).append(tag)
    practice = {t.id: t.threshold for t in taxonomy.themes if t.kind == PRACTICE}
    items = []
    for number, group in enumerate(groups, start=1):
        group_tags = [t for s in group for t in by_sentence.get(s.id, [])]
        items.append(
            Recommendation(
                number=number,
                text=ITEM_MARKER.sub("", " ".join(s.text for s in group), count=1),
                pages=tuple(sorted({s.page for s in group})),
                sentence_ids=tuple(s.id for s in group),
                themes=_links(group_tags, practice, floor),
            )
        )
    return tuple(items)


def _group_items(section: list[Sentence], page_text: dict[int, str]) -> list[list[Sentence]]:
    starts = [_starts_item(s, page_text.get(s.page)) for s in section]
    if any(starts):
        return _numbered_items(section, starts, page_text)
    pieces = _join_broken(section)
    directives = [p for p in pieces if any(DIRECTIVE.search(s.text) for s in p)]
    return directives or pieces


def _numbered_items(
    section: list[Sentence], starts: list[str | None], page_text: dict[int, str]
) -> list[list[Sentence]]:
    """Items opened by markers; what comes before the first marker is an introduction.

    A headed item takes every paragraph up to the next heading; a numbered paragraph only
    itself (a plain paragraph after it is an item of its own).
    """
    items: list[list[Sentence]] = []
    opened_by: str | None = None
    for index, (sentence, start) in enumerate(zip(section, starts, strict=True)):
        if start:
            items.append([sentence])
            opened_by = start
        elif items and (
            opened_by == "heading" or _continues(section[index - 1], sentence, page_text)
        ):
            items[-1].append(sentence)
        elif items:
            items.append([sentence])
            opened_by = None
    return items


def _continues(previous: Sentence, sentence: Sentence, page_text: dict[int, str]) -> bool:
    """Whether a sentence with no marker belongs to the item before it."""
    if not _TERMINAL.search(previous.text):
        return True  # cut by a page or column break
    text = page_text.get(sentence.page)
    if text is None or previous.page != sentence.page:
        return False
    return "\n\n" not in text[previous.end : sentence.start]  # the same paragraph


def _starts_item(sentence: Sentence, text: str | None) -> str | None:
    """'marker' or 'heading' when the sentence opens a numbered item, else None."""
    if ITEM_MARKER.match(sentence.text):
        return "marker"
    if text is None:
        return None
    gap = text.rfind("\n\n", 0, sentence.start)
    lead = text[gap + 2 if gap >= 0 else 0 : sentence.start].strip()
    if lead:  # a marker split off the sentence, or an earlier sentence of the paragraph
        marker = ITEM_MARKER.match(lead)
        return "marker" if marker and marker.end() == len(lead) else None
    before = text[: max(gap, 0)].rstrip()
    heading = before[before.rfind("\n\n") + 2 :] if "\n\n" in before else before
    return "heading" if ITEM_HEADING.match(heading.strip()) else None


def _join_broken(section: list[Sentence]) -> list[list[Sentence]]:
    pieces: list[list[Sentence]] = []
    for sentence in section:
        if pieces and not _TERMINAL.search(pieces[-1][-1].text):
            pieces[-1].append(sentence)
        else:
            pieces.append([sentence])
    return pieces


def _links(tags: list[Tag], thresholds: dict[str, float], floor: float) -> tuple[ThemeLink, ...]:
    """Practice-weakness themes of an item's tags (any assertion) at or above the floor."""
    best: dict[str, float] = {}
    for tag in tags:
        if tag.theme_id in thresholds and tag.score >= floor:
            best[tag.theme_id] = max(best.get(tag.theme_id, 0.0), tag.score)
    ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))
    return tuple(
        ThemeLink(theme_id, round(score, 3), score >= thresholds[theme_id])
        for theme_id, score in ranked
    )


def _present_of_kind(taxonomy: Taxonomy, present: set[str], kind: str) -> tuple[str, ...]:
    return tuple(t.id for t in taxonomy.themes if t.kind == kind and t.id in present)


def load_results(folder: Path) -> list[DocumentResult]:
    """The readable, current documents of a dataset as records, by file name."""
    folder = Path(folder)
    if not (folder / DATABASE).exists() and not (folder / "documents.parquet").exists():
        raise FileNotFoundError(f"{folder}: not a dataset (no {DATABASE})")
    with Dataset(folder) as dataset:
        documents = dataset.documents()
        tags = _records(dataset.table("tags"), Tag)
        themes = _records(dataset.table("document_themes"), DocumentTheme)
        readable = documents["status"].isin([str(s) for s in READABLE])
        current = documents[readable & documents["removed_at"].isna()]
        results = []
        for doc_id in current.sort_values(["file_name", "document_id"])["document_id"]:
            pages, sentences = dataset.stored_text(doc_id)
            document = dataset.stored_document(doc_id)
            results.append(
                DocumentResult(
                    document, pages, sentences, tags.get(doc_id, []), themes.get(doc_id, [])
                )
            )
    return results


def _records(frame: pd.DataFrame, record: Any) -> dict[str, list[Any]]:
    """Rows of a table as records, grouped by document; missing values become None.

    Columns the record lacks are ignored; enum fields are converted from their strings.
    """
    hints = get_type_hints(record)
    names = {f.name for f in fields(record)}
    enums = {n: t for n, t in hints.items() if isinstance(t, type) and issubclass(t, Enum)}
    grouped: dict[str, list[Any]] = {}
    for raw in frame.astype(object).where(frame.notna(), None).to_dict("records"):
        row = {str(key): value for key, value in raw.items() if key in names}
        row = {n: v for n, v in row.items() if not (n in enums and v is None)}  # its default
        row.update({n: enums[n](v) for n, v in row.items() if n in enums})
        if "page" in row and row["page"] is not None:
            row["page"] = int(row["page"])  # a nullable integer column reads back as float
        grouped.setdefault(row["document_id"], []).append(record(**row))
    return grouped
