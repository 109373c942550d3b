"""The one schema: every stage takes and returns these records."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum

PIPELINE_VERSION = "0.2.0"  # 0.2.0: document metadata


class Status(StrEnum):
    """End state of one input file."""

    OK = "ok"
    OCR = "ocr"  # readable; the text of at least one page came from OCR
    ENCRYPTED = "encrypted"  # needs a password (or a supported method) to open
    FAILED = "failed"  # unreadable: zero bytes, truncated, not a PDF, broken structure
    EMPTY = "empty"  # a readable PDF with no text and nothing to OCR
    NEEDS_OCR = "needs_ocr"  # pages with images but no text layer, and OCR is off or missing
    TIMEOUT = "timeout"  # parsing passed the wall-clock limit
    OOM = "oom"  # parsing passed the memory cap (or the decompressed stream cap)


READABLE = frozenset({Status.OK, Status.OCR})  # statuses whose documents have sentences


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


class Subject(StrEnum):
    """Who a tag's evidence is about (the gold set's vocabulary, plus UNKNOWN)."""

    CHILD = "child"
    MOTHER = "mother"
    FATHER_PARTNER = "father_partner"  # the father, a stepfather or the mother's partner
    OTHER_ADULT = "other_adult"  # other relatives and adults, and adults in general
    PROFESSIONAL = "professional"  # practitioners, agencies, services
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Page:
    """Cleaned text of one page.

    ``text`` holds paragraphs separated by a blank line; a heading is a paragraph
    of its own; line breaks inside a paragraph are spaces.
    """

    number: int  # 1-based
    text: str
    source: str = "text"  # the reader: "text" (pdfplumber), "pdfium" or "ocr" (Tesseract)
    ocr_confidence: float | None = None  # Tesseract's mean word confidence (0-100), OCR only


METADATA_FIELDS = ("review_type", "nation", "area", "year", "age_band", "outcome", "children")


@dataclass(frozen=True, slots=True)
class MetadataValue:
    """One metadata value, the verbatim text and the page it came from; all None if not found."""

    value: str | int | None = None
    evidence: str | None = None
    page: int | None = None


@dataclass(frozen=True, slots=True)
class DocumentMetadata:
    """What a review says about itself and its child; see ``pipeline.metadata``."""

    review_type: MetadataValue = MetadataValue()
    nation: MetadataValue = MetadataValue()
    area: MetadataValue = MetadataValue()  # the publishing partnership, board or committee
    year: MetadataValue = MetadataValue()  # publication year (int)
    age_band: MetadataValue = MetadataValue()
    outcome: MetadataValue = MetadataValue()  # "died" or "seriously harmed"
    children: MetadataValue = MetadataValue()  # number of children the review concerns (int)

    def columns(self) -> dict[str, str | int | None]:
        """Flat columns: ``<name>``, ``<name>_evidence``, ``<name>_page`` per field."""
        row: dict[str, str | int | None] = {}
        for name in METADATA_FIELDS:
            found: MetadataValue = getattr(self, name)
            row |= {
                name: found.value,
                f"{name}_evidence": found.evidence,
                f"{name}_page": found.page,
            }
        return row

    @classmethod
    def from_columns(cls, row: dict) -> DocumentMetadata:
        """Pop the flat columns out of a stored row and rebuild the record."""
        return cls(
            **{
                name: MetadataValue(
                    row.pop(name, None),
                    row.pop(f"{name}_evidence", None),
                    row.pop(f"{name}_page", None),
                )
                for name in METADATA_FIELDS
            }
        )


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
    pdfium_pages: int | None = None  # page count from a second parser (PDFium), when it opened
    warnings: str | None = None  # "; "-joined flags on readable text, e.g. a page-count mismatch
    findings: str | None = None  # active content seen, e.g. "javascript,embedded_files"
    ocr_confidence: float | None = None  # mean Tesseract confidence over OCR'd pages
    metadata: DocumentMetadata = DocumentMetadata()  # review type, nation, child's age...


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
    subject: Subject = Subject.UNKNOWN  # who the evidence is about


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
    # Seconds per stage (extract, segment, tag): for benchmarks; never stored.
    timings: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Extraction:
    """What reading one file gave: its pages, or the end state that stopped it."""

    status: Status
    reason: str | None = None  # one line, never document text
    pages: list[Page] = field(default_factory=list)
    pdfium_pages: int | None = None
    warnings: tuple[str, ...] = ()
    findings: tuple[str, ...] = ()  # active content: javascript, open_action, launch, ...


def document_id(data: bytes) -> str:
    """Content id of a file: the SHA-256 of its bytes."""
    return hashlib.sha256(data).hexdigest()


def sentence_id(doc_id: str, page: int, start: int, end: int) -> str:
    """Stable sentence id derived from its document and position."""
    key = f"{doc_id}:{page}:{start}:{end}".encode()
    return hashlib.sha256(key).hexdigest()[:20]
