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
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import numpy as np
import pypdfium2
import pypdfium2.raw as pdfium_c

from pipeline.chars import Columns, Style, kept, upright_words, words_from
from pipeline.layout import Word, lines_in_reading_order
from pipeline.pagetext import PageLines, text_to_paragraphs
from pipeline.records import Page

MAX_FORM_DEPTH = 8  # nesting of form XObjects searched for images
BAD_CHAR = "\ufffd"
BAD_CODE = ord(BAD_CHAR)
HYPHEN_CODE = 2  # what PDFium reports for a "-" it takes to break a word at a line end
FONT_NAME_BYTES = 256


def _bare(function: Any, restype: Any) -> Any:
    """A PDFium function with no argument conversion: about twice as fast a call.

    Only for the per-character calls, whose arguments are ctypes objects or ints that
    fit a C int (a textpage handle as ``c_void_p``, a char index, a ``byref``).
    """
    address = int(ctypes.cast(function, ctypes.c_void_p).value or 0)
    return ctypes.CFUNCTYPE(restype)(address)


# The object's address as an int (0 for characters PDFium generated), so characters
# can be grouped by text object without a ctypes cast each.
_text_object = _bare(pdfium_c.FPDFText_GetTextObject, ctypes.c_size_t)
_unicode = _bare(pdfium_c.FPDFText_GetUnicode, ctypes.c_uint)
_map_error = _bare(pdfium_c.FPDFText_HasUnicodeMapError, ctypes.c_int)
_loose_box = _bare(pdfium_c.FPDFText_GetLooseCharBox, ctypes.c_int)


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
        found, overprinted = _words(chars)
        words, width, height = upright_words(found, right - left, top - bottom)
        lines = lines_in_reading_order(words, width)
        return PdfiumPage(
            PageLines(index + 1, height, tuple(lines), has_images=False),
            len(chars.text),
            unmapped,
            overprinted,
            box[3] < box[1],
        )
    finally:
        page.close()


def _words(chars: Columns) -> tuple[list[tuple[Word, str]], int]:
    """The words of the page's chars, overprinted copies dropped, and how many were."""
    if not chars.text:
        return [], 0
    keep = kept(chars)
    if keep.all():
        return words_from(chars), 0
    overprinted = int(np.count_nonzero(~keep & ~chars.spaces()))
    return words_from(chars.take(keep)), overprinted


class _Font(NamedTuple):
    """What a page's text objects in one font share."""

    name: str
    substituted: Any  # the font, where PDFium stands another in (not embedded); else None
    widths: dict[int, float]  # advance widths at size 1 by code, filled as met


class _Style(NamedTuple):
    """What the characters of one text object share."""

    size: float  # font size on the page
    font: str
    direction: str
    across: float  # font size times the horizontal scale, for the font's widths
    face: _Font


def _chars(textpage: Any, left: float, top: float) -> tuple[Columns, int]:
    """The page's characters in content order, and how many PDFium could not map to
    Unicode; spaces and line breaks PDFium inserts are left out.

    The hot path: each per-character PDFium call runs over the page in one ``map``
    (no Python frame a character), and the rest is done on arrays.
    """
    handle = ctypes.cast(textpage.raw, ctypes.c_void_p)
    count = max(0, pdfium_c.FPDFText_CountChars(textpage.raw))
    objects = np.fromiter(map(_text_object, repeat(handle), range(count)), np.uint64, count)
    real = np.flatnonzero(objects)  # the others are spaces and line breaks PDFium made
    index, n = real.tolist(), len(real)
    if not n:
        empty = np.zeros(0)
        return Columns("", empty, empty, empty, empty, np.zeros(0, dtype=np.int64), []), 0
    codes = np.fromiter(map(_unicode, repeat(handle), index), np.int64, n)
    plain = real[(codes != HYPHEN_CODE) & (codes != 0) & (codes != BAD_CODE)].tolist()
    errors = np.fromiter(map(_map_error, repeat(handle), plain), np.int64, len(plain))
    unmapped = np.count_nonzero(codes == 0) + np.count_nonzero(codes == BAD_CODE)
    unmapped += np.count_nonzero(errors == 1)
    box = _boxes(handle, index)
    x0, x1, bottom = box[:, 0] - left, box[:, 2] - left, top - box[:, 3]
    styles = _styles(textpage.raw, objects[real], real)
    size, upright = styles.size, styles.upright
    upper = np.where(upright, bottom - size, top - box[:, 1])
    if styles.substituted.any():  # the file's widths for fonts PDFium stands in for
        across = styles.across * _widths(codes, styles)
        wide = upright & styles.substituted
        x1 = np.where(wide, x0 + np.where(across != 0, across, x1 - x0), x1)
    return Columns(_text(codes), x0, x1, upper, bottom, styles.key, styles.keys), int(unmapped)


def _boxes(handle: Any, index: list[int]) -> np.ndarray:
    """Each char's loose box (left, top, right, bottom), as PDFium gives it, in one pass."""
    n = len(index)
    rects = (ctypes.c_float * (4 * n))()
    at = map(ctypes.byref, repeat(rects), range(0, 16 * n, 16))  # FS_RECTF: four floats
    done = list(map(_loose_box, repeat(handle), index, at))
    box = np.frombuffer(memoryview(rects), dtype=np.float32).reshape(n, 4).astype(float)
    if 0 in done:  # PDFium gave no box (a bad index): the char keeps the one before, as it did
        for k in (k for k, ok in enumerate(done) if not ok):
            box[k] = box[k - 1] if k else 0.0
    return box


def _text(codes: np.ndarray) -> str:
    """The chars' text: PDFium's line-end hyphen as "-", no code as U+FFFD."""
    if codes.size and codes.max() > sys.maxunicode:
        raise ValueError("a character code outside Unicode")
    codes = np.where(codes == HYPHEN_CODE, ord("-"), np.where(codes == 0, BAD_CODE, codes))
    return codes.astype("<u4").tobytes().decode("utf-32-le", "surrogatepass")


class _PageStyles(NamedTuple):
    """Each char's style, from its text object's."""

    size: np.ndarray
    upright: np.ndarray
    substituted: np.ndarray  # in a font PDFium stands another in for
    across: np.ndarray  # font size times horizontal scale
    face: np.ndarray  # index into faces
    faces: list[_Font]
    key: np.ndarray  # index into keys
    keys: list[Style]


def _styles(handle: Any, objects: np.ndarray, real: np.ndarray) -> _PageStyles:
    """The style of each char, looked up once per run of one text object's chars."""
    starts = np.flatnonzero(np.concatenate(([True], objects[1:] != objects[:-1])))
    lengths = np.diff(np.append(starts, len(objects)))
    fonts: dict[int, _Font] = {}
    by_object: dict[int, _Style] = {}
    keys: dict[Style, int] = {}
    runs = []
    for obj, index in zip(objects[starts].tolist(), real[starts].tolist(), strict=True):
        style = by_object.get(obj)
        if style is None:
            style = by_object[obj] = _style(handle, index, fonts)
        runs.append(style)
    key = [keys.setdefault((r.direction, r.size, r.font), len(keys)) for r in runs]
    faces = list(fonts.values())
    numbers = {id(face): number for number, face in enumerate(faces)}
    face = [numbers[id(r.face)] for r in runs]
    return _PageStyles(
        np.repeat([r.size for r in runs], lengths),
        np.repeat([r.direction == "ltr" for r in runs], lengths),
        np.repeat([r.face.substituted is not None for r in runs], lengths),
        np.repeat([r.across for r in runs], lengths),
        np.repeat(np.array(face, dtype=np.int64), lengths),
        faces,
        np.repeat(np.array(key, dtype=np.int64), lengths),
        list(keys),
    )


def _widths(codes: np.ndarray, styles: _PageStyles) -> np.ndarray:
    """Each char's advance width at size 1 in its font's /Widths (0 if unknown or embedded)."""
    widths = np.zeros(len(codes))
    for number, face in enumerate(styles.faces):
        if face.substituted is None:
            continue
        where = styles.face == number
        unique, inverse = np.unique(codes[where], return_inverse=True)
        known = face.widths
        for code in unique.tolist():
            if code not in known:
                known[code] = _glyph_width(face.substituted, code)
        widths[where] = np.array([known[code] for code in unique.tolist()])[inverse]
    return widths


def _glyph_width(font: Any, code: int) -> float:
    """Advance width of a character in the font's /Widths at size 1; 0 if unknown."""
    value = ctypes.c_float()
    ok = pdfium_c.FPDFFont_GetGlyphWidth(font, code, 1.0, value)
    return value.value if ok and value.value > 0 else 0.0


def _style(handle: Any, index: int, fonts: dict[int, _Font]) -> _Style:
    """Size on the page, font and direction of one text object's characters."""
    matrix = pdfium_c.FS_MATRIX()
    pdfium_c.FPDFText_GetMatrix(handle, index, matrix)
    scale = math.hypot(matrix.c, matrix.d) or 1.0
    raw_size = pdfium_c.FPDFText_GetFontSize(handle, index)
    font = pdfium_c.FPDFTextObj_GetFont(pdfium_c.FPDFText_GetTextObject(handle, index))
    address = ctypes.cast(font, ctypes.c_void_p).value or 0
    known = fonts.get(address)
    if known is None:
        substituted = bool(font) and not pdfium_c.FPDFFont_GetIsEmbedded(font)
        known = fonts[address] = _Font(_font_name(font), font if substituted else None, {})
    across = raw_size * math.hypot(matrix.a, matrix.b)
    return _Style(round(raw_size * scale, 3), known.name, _direction(matrix), across, known)


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
