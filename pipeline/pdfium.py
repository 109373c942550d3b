"""PDF -> page lines with PDFium (pypdfium2); ``ocr.py`` only renders pages with it.

PDFium parses a page far faster than pdfminer (about four times the pages per CPU
second end to end here, see benchmarks/extraction_agreement.py). Its characters (boxes,
font, size) become words as pdfplumber makes them (``chars.py``), so the same ``layout``
and ``pagetext`` code orders the columns, drops running headers and mends hyphens
whichever parser read the page.
"""

from __future__ import annotations

import ctypes
import functools
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import pypdfium2
import pypdfium2.raw as pdfium_c

from pipeline.chars import Char, dedupe, upright_words, words_of
from pipeline.layout import lines_in_reading_order
from pipeline.pagetext import PageLines, text_to_paragraphs
from pipeline.records import Page

MAX_FORM_DEPTH = 8  # nesting of form XObjects searched for images
BAD_CHAR = "\ufffd"
BAD_CODE = ord(BAD_CHAR)
HYPHEN_CODE = 2  # what PDFium reports for a "-" it takes to break a word at a line end
FONT_NAME_BYTES = 256


# FPDFText_GetTextObject with the object's address as an int (None for generated
# characters), so characters can be grouped by text object without a ctypes cast each.
_text_object = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)(
    int(ctypes.cast(pdfium_c.FPDFText_GetTextObject, ctypes.c_void_p).value or 0)
)


PDFIUM_LOCK = threading.Lock()  # PDFium is not thread-safe: one call into it at a time
_T = TypeVar("_T")


def _serialised(function: Callable[..., _T]) -> Callable[..., _T]:
    """Hold ``PDFIUM_LOCK`` for the call, for callers that read documents from threads."""

    @functools.wraps(function)
    def locked(*args: Any, **kwargs: Any) -> _T:
        with PDFIUM_LOCK:
            return function(*args, **kwargs)

    return locked


class PdfiumError(Exception):
    """PDFium could not open or read the document."""


@dataclass(frozen=True, slots=True)
class PdfiumPage:
    """One page's lines, and what makes its text layer doubtful (see ``doubt``)."""

    lines: PageLines
    chars: int  # characters from the file, spaces included
    unmapped: int  # glyphs PDFium cannot map to Unicode (it may guess wrong), or U+FFFD
    overprinted: int  # characters dropped as copies printed over another (fake bold)
    box_inverted: bool  # the page box has top below bottom: pdfminer places text elsewhere

    @property
    def doubt(self) -> str | None:
        """Why pdfplumber should read this page instead, or None.

        Measured on the bad-PDF corpus: PDFium guesses wrong where a font has no usable
        Unicode map (pdfminer reads its CMap), repeats nested form XObjects, and places
        text on pages with an inverted box; a page with no text at all is left to
        pdfminer, whose image check decides on OCR as before.
        """
        if not self.chars:
            return "no_text"
        if self.unmapped:
            return "unmapped_glyphs"
        if self.overprinted:
            return "overprinted"
        if self.box_inverted:
            return "inverted_box"
        return None


def open_document(path: Path, password: str | None) -> pypdfium2.PdfDocument:
    """The document, or ``PdfiumError``; callers hold ``PDFIUM_LOCK`` while using it."""
    try:
        return pypdfium2.PdfDocument(str(path), password=password)
    except Exception as error:  # PdfiumError, OSError; the message can name the file only
        raise PdfiumError(f"PDFium cannot open the file ({type(error).__name__})") from None


@_serialised
def page_count(path: Path, password: str | None) -> int | None:
    """Page count from PDFium, or None if it cannot open the file."""
    try:
        document = open_document(path, password)
    except PdfiumError:
        return None
    try:
        return len(document)
    finally:
        document.close()


@_serialised
def read_pages(path: Path, password: str | None) -> list[PdfiumPage]:
    """Every page's lines in reading order; raises ``PdfiumError`` when PDFium fails."""
    document = open_document(path, password)
    try:
        return [read_page(document, index) for index in range(len(document))]
    except MemoryError:
        raise
    except Exception as error:
        raise PdfiumError(f"PDFium cannot read a page ({type(error).__name__})") from None
    finally:
        document.close()


@_serialised
def raw_text_pages(path: Path, password: str | None) -> list[Page]:
    """Every page's text layer as PDFium strings it, with no layout: the last resort."""
    document = open_document(path, password)
    try:
        pages = []
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            text = text_to_paragraphs(textpage.get_text_range())
            textpage.close()
            page.close()
            pages.append(Page(index + 1, text, source="pdfium"))
        return pages
    finally:
        document.close()


def read_page(document: pypdfium2.PdfDocument, index: int) -> PdfiumPage:
    """One page as lines in reading order, with what makes its text doubtful."""
    page = document[index]
    try:
        left, bottom, right, top = page.get_cropbox()
        box = page.get_mediabox()
        textpage = page.get_textpage()
        try:
            chars, unmapped = _chars(textpage, left, top)
        finally:
            textpage.close()
        kept = dedupe(chars)
        overprinted = sum(not c.text.isspace() for c in chars) - sum(
            not c.text.isspace() for c in kept
        )
        words, width, height = upright_words(words_of(kept), right - left, top - bottom)
        lines = lines_in_reading_order(words, width)
        return PdfiumPage(
            PageLines(index + 1, height, tuple(lines), has_images=False),
            len(chars),
            unmapped,
            overprinted,
            box[3] < box[1],
        )
    finally:
        page.close()


class _Style(NamedTuple):
    """What the characters of one text object share."""

    size: float  # font size on the page
    font: str
    direction: str
    substituted: Any  # the font, where PDFium stands another in (not embedded); else None
    across: float  # font size times the horizontal scale, for the font's widths


def _chars(textpage: Any, left: float, top: float) -> tuple[list[Char], int]:
    """The page's characters in content order, and how many PDFium could not map to
    Unicode; spaces and line breaks PDFium inserts are left out.

    The hot loop of the fast path (four PDFium calls a character): the functions are
    bound to locals and ``Char`` is built with ``tuple.__new__``, about 20% faster.
    """
    handle = textpage.raw
    rect = pdfium_c.FS_RECTF()
    get_object, get_unicode = _text_object, pdfium_c.FPDFText_GetUnicode
    get_box, map_error = pdfium_c.FPDFText_GetLooseCharBox, pdfium_c.FPDFText_HasUnicodeMapError
    new = tuple.__new__
    styles: dict[int, _Style] = {}
    widths: dict[tuple[int, int], float] = {}
    chars: list[Char] = []
    unmapped = 0
    last = None
    size, font, direction, substituted, across = 0.0, "", "ltr", None, 0.0
    for index in range(pdfium_c.FPDFText_CountChars(handle)):
        obj = get_object(handle, index)
        if obj is None:  # a space or line break PDFium generated, not in the file
            continue
        if obj != last:  # a text object's characters come one after another
            style = styles.get(obj)
            if style is None:
                style = styles[obj] = _style(handle, index)
            size, font, direction, substituted, across = style
            last = obj
        code = get_unicode(handle, index)
        if code == HYPHEN_CODE:  # a hyphen at a line end, as PDFium marks it
            text = "-"
        elif code:
            text = chr(code)
            unmapped += code == BAD_CODE or map_error(handle, index) == 1
        else:
            text = BAD_CHAR
            unmapped += 1
        get_box(handle, index, rect)
        x0, x1, bottom = rect.left - left, rect.right - left, top - rect.bottom
        if direction != "ltr":
            upper = top - rect.top
        else:  # pdfminer's box for upright text: the font size up from the descender
            upper = bottom - size
            if substituted is not None:  # the file's widths, as pdfminer uses them
                x1 = x0 + (_width(substituted, across, code, widths) or x1 - x0)
        chars.append(new(Char, (text, x0, x1, upper, bottom, size, font, direction)))
    return chars, unmapped


def _width(font: Any, across: float, code: int, cache: dict[tuple[int, int], float]) -> float:
    """Advance width of a character in the font's /Widths, in points; 0 if unknown."""
    key = (id(font), code)  # the font handle lives as long as the page's styles
    width = cache.get(key)
    if width is None:
        value = ctypes.c_float()
        ok = pdfium_c.FPDFFont_GetGlyphWidth(font, code, 1.0, value)
        width = cache[key] = value.value if ok and value.value > 0 else 0.0
    return width * across


def _style(handle: Any, index: int) -> _Style:
    """Size on the page, font and direction of one text object's characters."""
    matrix = pdfium_c.FS_MATRIX()
    pdfium_c.FPDFText_GetMatrix(handle, index, matrix)
    scale = math.hypot(matrix.c, matrix.d) or 1.0
    raw_size = pdfium_c.FPDFText_GetFontSize(handle, index)
    font = pdfium_c.FPDFTextObj_GetFont(pdfium_c.FPDFText_GetTextObject(handle, index))
    name = _font_name(font)
    substituted = bool(font) and not pdfium_c.FPDFFont_GetIsEmbedded(font)
    across = raw_size * math.hypot(matrix.a, matrix.b)
    return _Style(
        round(raw_size * scale, 3), name, _direction(matrix), font if substituted else None, across
    )


def _direction(matrix: Any) -> str:
    """Which way the text runs on the page (page y grows downwards)."""
    if abs(matrix.b) <= abs(matrix.a):
        return "ltr"  # upside-down text too, as pdfminer counts it upright
    return "btt" if matrix.b > 0 else "ttb"


def _font_name(font: Any) -> str:
    if not font:
        return ""
    buffer = ctypes.create_string_buffer(FONT_NAME_BYTES)
    length = pdfium_c.FPDFFont_GetBaseFontName(font, buffer, FONT_NAME_BYTES)
    return buffer.value.decode("utf-8", "replace") if length else ""


@_serialised
def pages_with_images(path: Path, password: str | None, numbers: set[int]) -> set[int]:
    """Which of these pages (numbered from 1) draw an image: OCR candidates when blank.

    Asked only for pages left with no text, as walking a page's objects costs as much
    as reading its text.
    """
    if not numbers:
        return set()
    document = open_document(path, password)
    try:
        found = set()
        for number in sorted(numbers):
            page = document[number - 1]
            try:
                if _has_images(page.raw):
                    found.add(number)
            finally:
                page.close()
        return found
    finally:
        document.close()


def _has_images(page: Any) -> bool:
    """Whether the page, or a form XObject on it, draws an image."""
    count = pdfium_c.FPDFPage_CountObjects(page)
    return _any_image([pdfium_c.FPDFPage_GetObject(page, i) for i in range(count)], 0)


def _any_image(objects: list[Any], depth: int) -> bool:
    for obj in objects:
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            return True
        if kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < MAX_FORM_DEPTH:
            count = max(0, int(pdfium_c.FPDFFormObj_CountObjects(obj)))
            inner = [pdfium_c.FPDFFormObj_GetObject(obj, i) for i in range(count)]
            if _any_image(inner, depth + 1):
                return True
    return False
