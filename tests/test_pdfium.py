"""The PDFium path reads what the pdfplumber path reads, faster, and says which one read it.

Thresholds come from benchmarks/extraction_agreement.py: on the sample reviews every
page's cleaned text is at least 0.999 similar (difflib ratio) between the two engines.
"""

from __future__ import annotations

import os
import re
import signal
from difflib import SequenceMatcher
from functools import cache
from itertools import pairwise
from pathlib import Path

import pytest

from pipeline.chars import Char, dedupe
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
