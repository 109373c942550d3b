"""The PDFium path reads what the pdfplumber path reads, faster, and says which one read it.

Thresholds come from benchmarks/extraction_agreement.py: on the sample reviews every
page's cleaned text is at least 0.999 similar (difflib ratio) between the two engines.
"""

from __future__ import annotations

import math
import os
import re
import signal
from difflib import SequenceMatcher
from functools import cache
from itertools import groupby, pairwise
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from pipeline import layout, pdfium
from pipeline.chars import Char, dedupe, words_of
from pipeline.extract import ExtractionError, extract_document, extract_pages
from pipeline.isolate import (
    CRASH_REREAD,
    IsolatedExtractor,
    extraction_from_json,
    extraction_to_json,
)
from pipeline.layout import Word, turned_word
from pipeline.pagetext import PageLines
from pipeline.pdfium import PdfiumPage
from pipeline.records import Extraction, Page, Status
from pipeline.settings import Engine, ExtractSettings
from tests.conftest import BADPDFS, SAMPLES

needs_corpus = pytest.mark.skipif(
    not BADPDFS.is_dir(), reason="bad-PDF corpus not found at ../shared/corpora/badpdfs"
)
TWO_COLUMN = ["review_02_child_m", "review_05_child_t", "review_09_child_d"]
SINGLE = ["review_01_child_k", "review_06_baby_l"]
SOURCE_TAG = re.compile(r"^\[[^\]]*\]\s*")


@cache
def read(path: Path, engine: Engine) -> list[Page] | ExtractionError:
    try:
        return extract_pages(path, settings=ExtractSettings(engine=engine, ocr=False))
    except ExtractionError as error:
        return error


def pages_of(path: Path, engine: Engine) -> list[Page]:
    pages = read(path, engine)
    assert isinstance(pages, list), pages
    return pages


def similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


@pytest.mark.parametrize("name", TWO_COLUMN + SINGLE)
def test_sample_pages_read_alike_with_pdfium_and_pdfplumber(name: str) -> None:
    path = SAMPLES / f"{name}.pdf"
    slow, fast = pages_of(path, "pdfplumber"), pages_of(path, "pdfium")
    assert [p.number for p in fast] == [p.number for p in slow]
    ratios = [similarity(a.text, b.text) for a, b in zip(slow, fast, strict=True)]
    assert min(ratios) >= 0.999, ratios


@pytest.mark.parametrize("name", TWO_COLUMN)
def test_two_column_samples_read_in_the_order_of_their_source(name: str) -> None:
    body = (SAMPLES / "reviews" / f"{name}.txt").read_text(encoding="utf-8").split("\n---\n")[1]
    sentences = [
        " ".join(SOURCE_TAG.sub("", line.lstrip("# ")).split())
        for line in body.splitlines()
        if line.strip()
    ]
    text = " ".join(" ".join(p.text for p in pages_of(SAMPLES / f"{name}.pdf", "pdfium")).split())
    found = [at for at in (text.find(s) for s in sentences) if at >= 0]
    assert len(found) >= 0.95 * len(sentences)
    assert all(a < b for a, b in pairwise(found))


def test_each_page_records_the_engine_that_read_it() -> None:
    path = SAMPLES / "review_02_child_m.pdf"
    assert {p.source for p in pages_of(path, "pdfplumber")} == {"text"}
    assert {p.source for p in pages_of(path, "pdfium")} == {"pdfium"}
    default = extract_document(path, settings=ExtractSettings(ocr=False))
    assert {p.source for p in default.pages} == {"pdfium"}  # "auto" is the default
    assert extraction_from_json(extraction_to_json(default)) == default  # through the worker


def test_an_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError, match="engine must be one of"):
        ExtractSettings(engine="fastest")  # type: ignore[arg-type]
    settings = ExtractSettings(engine="pdfplumber")
    assert ExtractSettings.from_json(settings.to_json()) == settings


# The bad-PDF corpus: each class ends as it did with pdfplumber alone.

STATUS_CLASSES = [
    "pdfplumber-empty.pdf",  # zero bytes
    "derived-truncated-pdfplumber-issue-848-first35000bytes.pdf",
    "pdfplumber-issue-948.zip",  # not a PDF
    "pdfminer-encryption-aes-128.pdf",
    "pdfminer-missing_xref_trailer.pdf",  # pages pdfminer loses
    "pdfplumber-issue-297-example.pdf",
    "pdfminer-pdf-with-jbig2.pdf",  # image only
    "pdfplumber-malformed-from-issue-932.pdf",  # inverted page box
    "pdfminer-issue-1113-evil-xobjects.pdf",  # recursive form XObjects
    "pdfminer-issue-791-non-unicode-cmap.pdf",
    "pdfplumber-nics-background-checks-2015-11-rotated.pdf",
]


def _status(result: list[Page] | ExtractionError) -> Status:
    return result.status if isinstance(result, ExtractionError) else Status.OK


@needs_corpus
@pytest.mark.parametrize("name", STATUS_CLASSES)
def test_bad_pdf_ends_in_the_same_state_with_either_engine(name: str) -> None:
    slow, fast = read(BADPDFS / name, "pdfplumber"), read(BADPDFS / name, "auto")
    assert _status(fast) == _status(slow)
    if isinstance(slow, ExtractionError) and isinstance(fast, ExtractionError):
        assert fast.reason == slow.reason


@needs_corpus
def test_glyphs_pdfium_cannot_map_are_read_by_pdfplumber() -> None:
    pages = pages_of(BADPDFS / "pdfminer-issue-791-non-unicode-cmap.pdf", "auto")
    assert pages[0].source == "text" and "Peněžní prostředky na účtech" in pages[0].text


@needs_corpus
def test_rotated_page_reads_upright_with_pdfium() -> None:
    pages = pages_of(BADPDFS / "pdfplumber-nics-background-checks-2015-11-rotated.pdf", "pdfium")
    assert pages[0].text.startswith("NICS Firearm Background Checks")
    assert "These statistics represent the number of firearm background checks" in pages[0].text


@needs_corpus
def test_fake_bold_letters_are_not_doubled_with_pdfium() -> None:
    pages = pages_of(BADPDFS / "pdfplumber-issue-71-duplicate-chars.pdf", "pdfium")
    text = "\n".join(p.text for p in pages)
    assert "项目描述" in text and "项项目目" not in text


# Pure pieces, built by hand.


def _char(text: str, x0: float, top: float = 100.0) -> Char:
    return Char(text, x0, x0 + 6.0, top, top + 10.0, 10.0, "Helvetica", "ltr")


def test_overprinted_copies_are_dropped_and_order_kept() -> None:
    chars = [_char("A", 10), _char("A", 10.4, 100.3), _char("B", 16), _char("B", 16.5)]
    assert [c.text for c in dedupe(chars)] == ["A", "B"]
    distinct = [_char("A", 10), _char("A", 30), _char("A", 10, 120)]
    assert dedupe(distinct) == distinct


def test_like_chars_chained_apart_are_all_kept_as_before() -> None:
    # Clustered by top, A and its copy 3 pt lower chain into one row through the other
    # A's; the 1 pt pre-check sees no close pair, so every char stays, as it always has.
    chars = [_char("A", 10), _char("A", 40, 101), _char("A", 50, 102), _char("A", 10.5, 103)]
    assert dedupe(chars) == chars


def _reference_words(chars: list[Char]) -> list[tuple[Word, str]]:
    """The per-character word split ``words_of`` replaced, kept here as its oracle."""
    along = {"ltr": lambda c: c.x0, "ttb": lambda c: c.top, "btt": lambda c: -c.bottom}
    words: list[tuple[Word, str]] = []
    for (direction, _, _), run in groupby(chars, key=lambda c: (c.direction, c.size, c.font)):
        run = list(run)
        across = (lambda c: c.top) if direction == "ltr" else (lambda c: c.x0)
        rows: list[list[Char]] = []
        for c in sorted(run, key=across):  # clusters of sorted values within 3 pt
            if rows and across(c) <= across(rows[-1][-1]) + 3.0:
                rows[-1].append(c)
            else:
                rows.append([c])
        for row in rows:
            word: list[Char] = []
            for c in sorted(row, key=lambda c: (along[direction](c), chars.index(c))):
                if c.text.isspace():
                    words += [_reference_word(word, direction)] if word else []
                    word = []
                    continue
                if word and _reference_break(word[-1], c, direction):
                    words.append(_reference_word(word, direction))
                    word = []
                word.append(c)
            words += [_reference_word(word, direction)] if word else []
    return words


def _reference_break(prev: Char, char: Char, direction: str) -> bool:
    if direction == "ltr":
        a, b, c, drift = prev.x0, prev.x1, char.x0, char.top - prev.top
    elif direction == "ttb":
        a, b, c, drift = prev.top, prev.bottom, char.top, char.x0 - prev.x0
    else:
        a, b, c, drift = -prev.bottom, -prev.top, -char.bottom, char.x0 - prev.x0
    return c < a or c > b + 0.15 * prev.size or abs(drift) > 3.0


def _reference_word(chars: list[Char], direction: str) -> tuple[Word, str]:
    text = "".join(c.text for c in chars).replace("\ufb01", "fi")
    box = (min(c.x0 for c in chars), max(c.x1 for c in chars))
    rows = (min(c.top for c in chars), max(c.bottom for c in chars))
    bold = "bold" in chars[0].font.lower()
    return Word(text, *box, *rows, chars[0].size, bold), direction


def _line_of(text: str, x0: float, top: float, **style: Any) -> list[Char]:
    step = style.pop("step", 6.0)
    base = {"size": 10.0, "font": "Helvetica", "direction": "ltr", **style}
    return [
        Char(t, x0 + i * step, x0 + i * step + 5.5, top, top + 10.0, **base)
        for i, t in enumerate(text)
    ]


def test_vectorised_words_match_the_per_character_split() -> None:
    chars = (
        _line_of("Two lines", 72, 100)
        + _line_of("in one run", 72, 112)  # same font: one run, clustered into two lines
        + _line_of("\ufb01ne", 140, 101.5, font="Helvetica-Bold")  # a ligature, bold
        + _line_of("gap  here", 72, 130, step=8.0)  # 2.5 pt gaps split every letter
        + _line_of("up", 20, 300, direction="btt")
        + _line_of("dn", 590, 300, direction="ttb")
        + _line_of("ba", 300, 200)[::-1]  # drawn right to left: sorted back along the line
    )
    chars = [c._replace(top=c.top + (i % 3) * 1.2) for i, c in enumerate(chars)]  # jitter
    assert words_of(chars) == _reference_words(chars)
    assert [w.text for w, _ in words_of(chars)][:6] == ["Two", "lines", "in", "one", "run", "fine"]


def test_char_codes_become_text_with_pdfium_markers_and_surrogates() -> None:
    codes = np.array([ord("H"), pdfium.HYPHEN_CODE, 0, 0xD83D, 0x1F600], dtype=np.int64)
    assert pdfium._text(codes) == "H-\ufffd\ud83d\U0001f600"  # a lone surrogate kept, as chr
    with pytest.raises(ValueError):
        pdfium._text(np.array([0x110000], dtype=np.int64))


def test_covered_columns_match_slicing_each_word() -> None:
    row = [
        Word("a", -5.5, 3.2, 0, 10, 10, False),  # starts left of the page
        Word("b", 7.0, 7.0, 0, 10, 10, False),
        Word("c", 58.9, 80.0, 0, 10, 10, False),  # runs past the page's right edge
    ]
    rows = [row, row[1:2]]
    expected = np.zeros((2, 61), dtype=bool)
    for number, words in enumerate(rows):
        for w in words:
            expected[number, max(0, int(w.x0)) : max(0, math.ceil(w.x1)) + 1] = True
    assert np.array_equal(layout._covered(rows, 61), expected)
    assert np.flatnonzero(expected[1]).tolist() == [7]  # a word of no width covers its x
    with pytest.raises(ValueError):
        layout._covered([[Word("n", math.nan, 1.0, 0, 10, 10, False)]], 61)


def _page(**doubts: int | bool) -> PdfiumPage:
    fields = {"chars": 10, "unmapped": 0, "overprinted": 0, "box_inverted": False, **doubts}
    return PdfiumPage(PageLines(1, 792.0, (), False), **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("doubts", "reason"),
    [
        ({}, None),
        ({"chars": 0}, "no_text"),
        ({"unmapped": 3}, "unmapped_glyphs"),
        ({"overprinted": 5}, "overprinted"),
        ({"box_inverted": True}, "inverted_box"),
    ],
)
def test_doubtful_pages_name_their_reason(doubts: dict[str, int | bool], reason: str | None):
    assert _page(**doubts).doubt == reason


def test_sideways_words_turn_to_read_left_to_right() -> None:
    word = Word("Total", x0=100.0, x1=110.0, top=200.0, bottom=240.0, size=10.0, bold=False)
    down = turned_word(word, "ttb", 612.0, 792.0)
    assert down is not None and (down.x0, down.x1) == (200.0, 240.0)
    up = turned_word(word, "btt", 612.0, 792.0)
    assert up is not None and (up.x0, up.x1) == (552.0, 592.0)
    assert turned_word(word, "rtl", 612.0, 792.0) is None


# A crash in the worker (PDFium is native code) gets one more try with pdfplumber alone.


def crash_unless_pdfplumber(
    path: Path, password: str | None, settings: ExtractSettings
) -> Extraction:
    """A parser stub for the worker: dies like a native crash unless pdfplumber is asked."""
    if settings.engine != "pdfplumber":
        os.kill(os.getpid(), signal.SIGSEGV)
    return Extraction(Status.OK, None, [Page(1, "read", source="text")])


def test_a_worker_crash_with_pdfium_is_retried_with_pdfplumber(tmp_path: Path) -> None:
    stub = "tests.test_pdfium:crash_unless_pdfplumber"
    with IsolatedExtractor(ExtractSettings(timeout_s=20, parser=stub)) as extractor:
        result = extractor.extract(tmp_path / "any.pdf")
        assert result.status == Status.OK and result.warnings == (CRASH_REREAD,)
        assert extractor.started == 2
    settings = ExtractSettings(timeout_s=20, parser=stub, engine="pdfium")
    with IsolatedExtractor(settings) as extractor:  # no second try: PDFium was asked for
        result = extractor.extract(tmp_path / "any.pdf")
    assert result.status == Status.FAILED and "SIGSEGV" in (result.reason or "")
