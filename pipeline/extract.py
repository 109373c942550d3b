"""PDF -> pages of clean text; the only module that imports pdfplumber.

``extract_document`` never raises: every file ends as an ``Extraction`` with a status and,
when it is not readable, a one-line reason that never holds document text (pdfminer's
messages can carry raw stream bytes). Pages with no text layer are OCR'd; a page count
that PDFium disagrees with is recorded, and PDFium's text layer used instead.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psexceptions import PSEOF, PSException
from pdfplumber.utils import cluster_objects

from pipeline import ocr, pdfium
from pipeline.findings import active_content
from pipeline.layout import Word, lines_in_reading_order, turned_word
from pipeline.pagetext import (
    PageLines,
    body_size,
    drop_running_lines,
    page_text,
    text_to_paragraphs,
)
from pipeline.pdfium import PdfiumPage
from pipeline.records import READABLE, Extraction, Page, Status
from pipeline.settings import ExtractSettings
from pipeline.streamcap import StreamTooLarge, inflate, install_stream_cap, streams_to_check

# pdfminer's warnings can quote raw stream bytes, i.e. document text: keep them out of logs.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

HEADER_WINDOW = 1024  # the PDF spec lets "%PDF-" start anywhere in the first 1024 bytes
WORD_ATTRS = ["size", "fontname"]
# A gap wider than this share of the font size splits words. The default (a fixed 3 pt)
# runs words together in tightly set small type ("presenceorabsence").
X_TOLERANCE_RATIO = 0.15
BOLD_MARKERS = ("bold", "black", "heavy")
DUPLICATE_KEY = itemgetter("upright", "text", "fontname", "size")
DUPLICATE_TOLERANCE = 1  # points, as in pdfplumber's dedupe_chars
LOW_OCR_CONFIDENCE = 50.0  # mean Tesseract word confidence below which a warning is added


class ExtractionError(Exception):
    """A document that cannot be read; carries its end state and a one-line reason."""

    def __init__(self, status: Status, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = " ".join(reason.split())


def extract_pages(
    path: Path, password: str | None = None, settings: ExtractSettings | None = None
) -> list[Page]:
    """Clean text of every page of a PDF, numbered as in the PDF; raises ``ExtractionError``."""
    extraction = extract_document(path, password, settings)
    if extraction.status not in READABLE:
        raise ExtractionError(extraction.status, extraction.reason or str(extraction.status))
    return extraction.pages


def extract_document(
    path: Path, password: str | None = None, settings: ExtractSettings | None = None
) -> Extraction:
    """Pages, status, page-count check and active-content findings of one PDF; never raises."""
    settings = settings or ExtractSettings()
    install_stream_cap(settings.max_stream_bytes)
    try:
        return _extract(Path(path), password, settings)
    except ExtractionError as error:
        return Extraction(error.status, error.reason)
    except MemoryError:
        return Extraction(Status.OOM, "out of memory while parsing")


def _extract(path: Path, password: str | None, settings: ExtractSettings) -> Extraction:
    _check_header(path)
    read = _read_layout(path, password, settings.engine)
    warnings: list[str] = []
    if read.expected is not None and read.expected != read.pdfminer_pages:
        warnings.append(
            f"page_count_mismatch: pdfminer read {read.pdfminer_pages} of {read.expected} pages; "
            "text taken from PDFium"
        )
        pages, with_images = pdfium.raw_text_pages(path, password), None
    elif not read.layout:
        raise ExtractionError(Status.FAILED, "no pages found")
    else:
        layout = drop_running_lines(read.layout)
        body = body_size(layout)
        pages = [
            Page(number=p.number, text=page_text(p.lines, body), source=source)
            for p, source in zip(layout, read.sources, strict=True)
        ]
        with_images = {p.number for p in layout if p.has_images}
        blank = {p.number for p in pages if not p.text and p.source == "pdfium"}
        with_images |= pdfium.pages_with_images(path, password, blank)
    expected, findings = read.expected, read.findings
    return _finish(path, password, pages, with_images, settings, expected, warnings, findings)


def _finish(
    path: Path,
    password: str | None,
    pages: list[Page],
    with_images: set[int] | None,
    settings: ExtractSettings,
    expected: int | None,
    warnings: list[str],
    findings: tuple[str, ...],
) -> Extraction:
    """OCR the pages that need it, then the document's status from what has text.

    ``with_images`` is None when the pages came from PDFium, which does not say which
    pages carry images: then every page without text is a candidate for OCR.
    """
    blank = [
        p.number for p in pages if not p.text and (with_images is None or p.number in with_images)
    ]
    can_ocr = settings.ocr and ocr.tesseract_available(settings.tesseract)
    if blank and can_ocr:
        pages = _ocr_pages(path, password, pages, set(blank), settings)
    confidences = [p.ocr_confidence for p in pages if p.ocr_confidence is not None]
    if confidences and sum(confidences) / len(confidences) < LOW_OCR_CONFIDENCE:
        warnings.append("low_ocr_confidence")
    status, reason = _status(pages, blank, can_ocr, settings.ocr)
    return Extraction(
        status,
        reason,
        pages if status in READABLE else [],
        pdfium_pages=expected,
        warnings=tuple(warnings),
        findings=findings,
    )


def _status(
    pages: list[Page], blank: list[int], can_ocr: bool, ocr_on: bool
) -> tuple[Status, str | None]:
    if any(p.source == "ocr" and p.text for p in pages):
        return Status.OCR, None
    if any(p.text for p in pages):
        return Status.OK, None
    if blank and not can_ocr:
        missing = "tesseract is not installed" if ocr_on else "OCR is switched off"
        return Status.NEEDS_OCR, f"no text layer on any page ({len(blank)} with images); {missing}"
    if blank:
        return Status.EMPTY, f"no text layer, and OCR found no text ({len(blank)} pages)"
    return Status.EMPTY, "no text found on any page"


def _ocr_pages(
    path: Path,
    password: str | None,
    pages: list[Page],
    numbers: set[int],
    settings: ExtractSettings,
) -> list[Page]:
    result = []
    for page in pages:
        if page.number in numbers:
            png = ocr.render_page_png(path, page.number - 1, settings.ocr_dpi, password)
            read = ocr.ocr_png(png, settings.ocr_language, settings.tesseract)
            page = Page(page.number, read.text, source="ocr", ocr_confidence=read.confidence)
        result.append(page)
    return result


def read_text_pages(path: Path) -> list[Page]:
    """Pages of a plain-text file, split at form feeds, with the PDF paragraph contract."""
    data = _read_bytes(Path(path))
    if not data:
        raise ExtractionError(Status.FAILED, "empty file (0 bytes)")
    chunks = _decode(data).split("\f")
    if len(chunks) > 1 and not chunks[-1].strip():
        chunks.pop()  # a trailing form feed ends the last page rather than starting one
    pages = [Page(number=n, text=text_to_paragraphs(chunk)) for n, chunk in enumerate(chunks, 1)]
    if not any(page.text for page in pages):
        raise ExtractionError(Status.EMPTY, "no text found on any page")
    return pages


def _read_bytes(path: Path, limit: int = -1) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(limit)
    except OSError as error:
        raise ExtractionError(
            Status.FAILED, f"cannot read the file ({type(error).__name__})"
        ) from None


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _check_header(path: Path) -> None:
    head = _read_bytes(path, HEADER_WINDOW)
    if not head:
        raise ExtractionError(Status.FAILED, "empty file (0 bytes)")
    if b"%PDF-" not in head:
        raise ExtractionError(Status.FAILED, "not a PDF (no %PDF header)")


@dataclass(frozen=True)
class _Layout:
    """What reading a PDF's pages gave, before the text is cleaned."""

    layout: list[PageLines]
    sources: list[str]  # the parser of each page: "pdfium" or "text" (pdfplumber)
    findings: tuple[str, ...]
    pdfminer_pages: int
    expected: int | None  # PDFium's page count, None when it cannot open the file


def _read_layout(path: Path, password: str | None, engine: str) -> _Layout:
    """Lines of every page and the active content found, closing the PDF whatever happens.

    pdfminer always opens the file: its errors say why a file is unreadable, and it finds
    active content. The pages' text comes from PDFium unless ``engine`` is "pdfplumber";
    "auto" rereads with pdfplumber a page PDFium's reading of is in doubt
    (``PdfiumPage.doubt``), or every page when PDFium fails on the file.
    """
    try:
        pdf = pdfplumber.open(path, password=password or "")
    except Exception as error:  # pdfminer raises many types on bad input
        raise _open_error(error, password) from None
    try:
        findings = active_content(pdf.doc)
        plumber_pages = pdf.pages
        if engine != "pdfplumber":
            _check_streams(pdf.doc, plumber_pages)
        fast = _read_pdfium(path, password, engine)
        if fast is None:
            layout = [_read_page(page) for page in plumber_pages]
            expected = pdfium.page_count(path, password)
            return _Layout(layout, ["text"] * len(layout), findings, len(plumber_pages), expected)
        if len(fast) != len(plumber_pages):
            return _Layout([], [], findings, len(plumber_pages), len(fast))
        layout, sources = [], []
        for page, plumber_page in zip(fast, plumber_pages, strict=True):
            reread = engine == "auto" and page.doubt is not None
            layout.append(_read_page(plumber_page) if reread else page.lines)
            sources.append("text" if reread else "pdfium")
        return _Layout(layout, sources, findings, len(plumber_pages), len(fast))
    except (ExtractionError, MemoryError):
        raise
    except Exception as error:
        raise ExtractionError(Status.FAILED, f"unreadable PDF ({_cause_name(error)})") from None
    finally:
        pdf.close()


def _check_streams(document: Any, pages: list[Any]) -> None:
    """Every stream decoded under the cap before PDFium, which has none."""
    for where, stream in streams_to_check(document, pages):
        try:
            inflate(stream)
        except StreamTooLarge as error:
            raise ExtractionError(Status.OOM, f"{where}{error}") from None
        except MemoryError:
            raise ExtractionError(Status.OOM, f"{where}out of memory while parsing") from None


def _read_pdfium(path: Path, password: str | None, engine: str) -> list[PdfiumPage] | None:
    """PDFium's pages, or None where pdfplumber is to read them instead."""
    if engine == "pdfplumber":
        return None
    try:
        return pdfium.read_pages(path, password)
    except pdfium.PdfiumError as error:
        if engine == "pdfium":
            raise ExtractionError(Status.FAILED, str(error)) from None
        return None


def _read_page(page: Any) -> PageLines:
    """One page's lines, then its caches dropped so long files do not grow memory."""
    try:
        raw = _dedupe_chars(page).extract_words(
            use_text_flow=False,
            keep_blank_chars=False,
            extra_attrs=WORD_ATTRS,
            x_tolerance_ratio=X_TOLERANCE_RATIO,
        )
        words, width, height = _upright_words(raw, page)
        lines = lines_in_reading_order(words, width)
        return PageLines(page.page_number, height, tuple(lines), bool(page.images))
    except StreamTooLarge as error:
        raise ExtractionError(Status.OOM, f"page {page.page_number}: {error}") from None
    except MemoryError:
        raise
    except Exception as error:
        cause = _cause(error)
        if isinstance(cause, StreamTooLarge):
            raise ExtractionError(Status.OOM, f"page {page.page_number}: {cause}") from None
        if isinstance(cause, MemoryError):
            reason = f"page {page.page_number}: out of memory while parsing"
            raise ExtractionError(Status.OOM, reason) from None
        reason = f"page {page.page_number} could not be read ({_cause_name(error)})"
        raise ExtractionError(Status.FAILED, reason) from None
    finally:
        page.close()


def _upright_words(raw: list[dict[str, Any]], page: Any) -> tuple[list[Word], float, float]:
    """Words of the page's main text direction, turned to read left to right.

    Sideways text in a margin (a journal's running title) is dropped; a page whose text
    is mostly sideways (a landscape table on a rotated page) is turned upright.
    """
    x_off, y_off = float(page.bbox[0]), float(page.bbox[1])
    width, height = float(page.width), float(page.height)
    upright = sum(len(w["text"]) for w in raw if w.get("upright", True))
    if 2 * upright >= sum(len(w["text"]) for w in raw):
        kept = [_word(w, x_off, y_off) for w in raw if w.get("upright", True)]
        return kept, width, height
    turned = (turned_word(_word(w, x_off, y_off), w["direction"], width, height) for w in raw)
    return [w for w in turned if w is not None], height, width


def _dedupe_chars(page: Any) -> Any:
    """``page.dedupe_chars()`` in n log n; pdfplumber's re-sorts with list.index (O(n²))."""
    keep = set(_unique_char_ids(page.chars))
    return page.filter(lambda obj: obj.get("object_type") != "char" or id(obj) in keep)


def _unique_char_ids(chars: list[dict[str, Any]]) -> Iterator[int]:
    """One char of each overprinted stack (fake bold prints every glyph twice)."""
    for _, group in groupby(sorted(chars, key=DUPLICATE_KEY), key=DUPLICATE_KEY):
        for row in cluster_objects(list(group), itemgetter("doctop"), DUPLICATE_TOLERANCE):
            for stack in cluster_objects(row, itemgetter("x0"), DUPLICATE_TOLERANCE):
                yield id(min(stack, key=itemgetter("doctop", "x0")))


def _word(word: dict[str, Any], x_off: float, y_off: float) -> Word:
    fontname = str(word.get("fontname", "")).lower()
    return Word(
        text=word["text"],
        x0=float(word["x0"]) - x_off,
        x1=float(word["x1"]) - x_off,
        top=float(word["top"]) - y_off,
        bottom=float(word["bottom"]) - y_off,
        size=float(word.get("size") or 0.0),
        bold=any(marker in fontname for marker in BOLD_MARKERS),
    )


def _cause(error: BaseException) -> BaseException:
    """The pdfminer error that pdfplumber's PdfminerException wraps, else the error."""
    if error.__cause__ is not None:
        return error.__cause__
    if error.args and isinstance(error.args[0], BaseException):
        return error.args[0]
    return error


def _cause_name(error: BaseException) -> str:
    return type(_cause(error)).__name__


def _open_error(error: BaseException, password: str | None) -> ExtractionError:
    cause = _cause(error)
    name = type(cause).__name__
    if isinstance(cause, PDFPasswordIncorrect):
        if password:
            return ExtractionError(Status.ENCRYPTED, "encrypted: the password supplied is wrong")
        return ExtractionError(
            Status.ENCRYPTED, "encrypted: the PDF needs a password (supply one with --password)"
        )
    if isinstance(cause, PDFEncryptionError):
        return ExtractionError(Status.ENCRYPTED, f"encrypted with an unsupported method ({name})")
    if isinstance(cause, StreamTooLarge):
        return ExtractionError(Status.OOM, str(cause))
    if isinstance(cause, MemoryError):
        return ExtractionError(Status.OOM, "out of memory while opening the PDF")
    if isinstance(cause, PSEOF):
        return ExtractionError(Status.FAILED, f"corrupt or truncated PDF ({name})")
    if isinstance(cause, PDFSyntaxError | PSException):
        return ExtractionError(Status.FAILED, f"corrupt PDF, structure unreadable ({name})")
    return ExtractionError(Status.FAILED, f"unreadable PDF ({name})")
