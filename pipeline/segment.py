"""Pages -> sentences, each with its page, character offsets and section."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from pipeline.records import Page, Section, Sentence, sentence_id

if TYPE_CHECKING:
    from spacy.language import Language

# Heading words -> section. Order matters: the first family that matches wins.
SECTION_CUES: tuple[tuple[Section, tuple[str, ...]], ...] = (
    (Section.RECOMMENDATIONS, ("recommendation", "next steps", "action plan", "actions")),
    (
        Section.OTHER,
        (
            "terms of reference",
            "methodology",
            "method",
            "glossary",
            "acknowledgement",
            "appendix",
            "appendices",
            "references",
            "contents",
            "review process",
            "about this review",
            "membership",
            "scope",
        ),
    ),
    (Section.SUMMARY, ("summary", "introduction", "overview", "executive")),
    (
        Section.BACKGROUND,
        (
            "background",
            "chronology",
            "the family",
            "family history",
            "case history",
            "circumstances",
            "history",
            "what happened",
            "timeline",
            "the child",
            "context",
            "narrative",
        ),
    ),
    (
        Section.ANALYSIS,
        (
            "analysis",
            "finding",
            "learning",
            "practice issue",
            "key issue",
            "appraisal",
            "lesson",
            "discussion",
            "conclusion",
            "themes",
            "evaluation",
            "reflection",
        ),
    ),
)
_NUMBERING = re.compile(
    r"^(?:(?:section|part|chapter)\s+)?(?:\d+(?:\.\d+)*|[ivxlc]+)[.):]?\s+", re.I
)
MAX_HEADING_WORDS = 10
_LETTER = re.compile(r"[A-Za-z]")
# Parsing long paragraphs is what spaCy's sentence boundaries need; the rest is not.
_SEGMENT_DISABLE = ("tagger", "attribute_ruler", "lemmatizer", "scr_morphology", "ner")


def section_of_heading(text: str) -> Section | None:
    """The section a heading opens, or None for a heading that names no section."""
    words = _NUMBERING.sub("", text.strip()).lower()
    for section, cues in SECTION_CUES:
        if any(cue in words for cue in cues):
            return section
    return None


def is_heading(paragraph: str) -> bool:
    """A short line with no closing full stop, such as '4. Findings' or 'Recommendations'."""
    text = paragraph.strip()
    if not text or "\n" in text or len(text) > 90:
        return False
    if len(text.split()) > MAX_HEADING_WORDS or text.endswith((".", ",", ";")):
        return False
    return bool(_LETTER.search(text)) and (text[0].isupper() or text[0].isdigit())


def iter_paragraphs(page: Page) -> Iterator[tuple[int, str]]:
    """(offset, text) of every non-blank paragraph of a page."""
    for match in re.finditer(r"[^\n](?:.|\n(?!\n))*", page.text):
        if match.group().strip():
            yield match.start(), match.group()


def segment_pages(document_id: str, pages: list[Page], nlp: Language) -> list[Sentence]:
    """Split cleaned pages into sentences, carrying the current section across pages.

    ``nlp`` sets the sentence boundaries: the full pipeline (its parser decides), or the
    much faster sentence recogniser from ``pipeline.nlp.load_senter``.
    """
    section = Section.OTHER
    blocks: list[tuple[Page, int, Section, str]] = []
    for page in pages:
        for offset, text in iter_paragraphs(page):
            if is_heading(text):
                section = section_of_heading(text) or section
                continue
            blocks.append((page, offset, section, text))
    texts = (text for _, _, _, text in blocks)
    sentences: list[Sentence] = []
    with nlp.select_pipes(disable=[p for p in _SEGMENT_DISABLE if p in nlp.pipe_names]):
        for (page, offset, block_section, _), doc in zip(blocks, nlp.pipe(texts), strict=True):
            for sent in doc.sents:
                start, end = _strip_span(
                    page.text, offset + sent.start_char, offset + sent.end_char
                )
                if end - start < 3 or not _LETTER.search(page.text[start:end]):
                    continue
                sentences.append(
                    Sentence(
                        id=sentence_id(document_id, page.number, start, end),
                        document_id=document_id,
                        page=page.number,
                        start=start,
                        end=end,
                        section=block_section,
                        text=page.text[start:end],
                    )
                )
    return sentences


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
