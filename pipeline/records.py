"""The one schema: every stage takes and returns these records."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum

PIPELINE_VERSION = "0.1.0"


class Status(StrEnum):
    """End state of one input file."""

    OK = "ok"
    FAILED = "failed"  # unreadable: empty, truncated, encrypted, not a PDF
    NEEDS_OCR = "needs_ocr"  # readable PDF whose pages carry images but no text layer


class Section(StrEnum):
    """Where in a review a sentence sits, found from the headings above it."""

    SUMMARY = "summary"
    BACKGROUND = "background"  # background, chronology, the family, the case
    ANALYSIS = "analysis"  # analysis, findings, learning, practice issues
    RECOMMENDATIONS = "recommendations"
    OTHER = "other"


class Assertion(StrEnum):
    """How a sentence speaks of a theme; only PRESENT counts as evidence."""

    PRESENT = "present"
    NEGATED = "negated"  # "there was no evidence of domestic abuse"
    HYPOTHETICAL = "hypothetical"  # hypothetical or general: "is a known risk factor"
    RECOMMENDATION = "recommendation"  # "agencies should ensure staff are trained"
    HISTORICAL = "historical"  # distant past not tied to the child


@dataclass(frozen=True, slots=True)
class Page:
    """Cleaned text of one page.

    ``text`` holds paragraphs separated by a blank line; a heading is a paragraph
    of its own; line breaks inside a paragraph are spaces.
    """

    number: int  # 1-based
    text: str


@dataclass(frozen=True, slots=True)
class Document:
    """One input file and what became of it."""

    id: str  # SHA-256 of the file bytes
    file_name: str
    path: str  # where the file was read from, so a reviewer can open it
    pages: int
    status: Status
    error: str | None
    pipeline_version: str
    taxonomy_version: str
    model_version: str
    ingested_at: str  # ISO 8601, UTC


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence, with offsets into the text of its page."""

    id: str
    document_id: str
    page: int
    start: int
    end: int
    section: Section
    text: str


@dataclass(frozen=True, slots=True)
class Tag:
    """One theme on one sentence."""

    sentence_id: str
    document_id: str
    theme_id: str
    score: float  # in [0, 1]
    method: str  # versioned component names, e.g. "rules.v1+embeddings.v1"
    assertion: Assertion
    needs_review: bool  # score below the theme's threshold: shown to reviewers, never counted
    matched: str | None = None  # words the rule matched, if a rule fired


@dataclass(frozen=True, slots=True)
class DocumentTheme:
    """Whether a document reports a theme, with its best evidence."""

    document_id: str
    theme_id: str
    present: bool
    score: float
    n_evidence: int
    evidence_sentence_id: str | None
    page: int | None
    evidence_text: str | None


@dataclass(frozen=True, slots=True)
class DocumentResult:
    """Everything one document produced."""

    document: Document
    pages: list[Page] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    themes: list[DocumentTheme] = field(default_factory=list)


def document_id(data: bytes) -> str:
    """Content id of a file: the SHA-256 of its bytes."""
    return hashlib.sha256(data).hexdigest()


def sentence_id(doc_id: str, page: int, start: int, end: int) -> str:
    """Stable sentence id derived from its document and position."""
    key = f"{doc_id}:{page}:{start}:{end}".encode()
    return hashlib.sha256(key).hexdigest()[:20]
