"""OCR with Tesseract: scanned pages get text, marked as OCR, with a confidence."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from pipeline.extract import extract_document
from pipeline.ocr import parse_tsv, render_page_png, tesseract_available
from pipeline.records import Status
from pipeline.settings import ExtractSettings
from tests.conftest import SAMPLES

needs_tesseract = pytest.mark.skipif(not tesseract_available(), reason="tesseract not installed")


def scanned_copy(source: Path, target: Path, pages: int = 2) -> Path:
    """The first pages of a PDF as images only, like a scan: no text layer at all."""
    from PIL import Image

    images = [
        Image.open(io.BytesIO(render_page_png(source, index, dpi=200))).convert("L")
        for index in range(pages)
    ]
    images[0].save(target, format="PDF", save_all=True, append_images=images[1:], resolution=200)
    return target


@needs_tesseract
def test_a_scanned_sample_report_is_read_by_ocr(tmp_path):
    sample = SAMPLES / "review_01_child_k.pdf"
    original = extract_document(sample)
    scan = extract_document(scanned_copy(sample, tmp_path / "scan.pdf"))
    assert scan.status == Status.OCR
    assert [p.source for p in scan.pages] == ["ocr", "ocr"]
    for page in scan.pages:
        assert page.ocr_confidence is not None and page.ocr_confidence > 80
    words = set(original.pages[0].text.lower().split())
    read = set(scan.pages[0].text.lower().split())
    assert len(words & read) / len(words) > 0.8


@needs_tesseract
def test_ocr_can_be_switched_off(tmp_path):
    sample = SAMPLES / "review_01_child_k.pdf"
    scan = scanned_copy(sample, tmp_path / "scan.pdf", pages=1)
    result = extract_document(scan, settings=ExtractSettings(ocr=False))
    assert result.status == Status.NEEDS_OCR and result.pages == []


def test_a_missing_tesseract_leaves_the_document_needing_ocr(tmp_path):
    sample = SAMPLES / "review_01_child_k.pdf"
    scan = scanned_copy(sample, tmp_path / "scan.pdf", pages=1)
    result = extract_document(scan, settings=ExtractSettings(tesseract="no-such-tesseract"))
    assert result.status == Status.NEEDS_OCR
    assert result.reason == "no text layer on any page (1 with images); tesseract is not installed"


def test_tsv_words_become_paragraphs_with_a_mean_confidence():
    header = "\t".join(
        [
            "level",
            "page_num",
            "block_num",
            "par_num",
            "line_num",
            "word_num",
            "left",
            "top",
            "width",
            "height",
            "conf",
            "text",
        ]
    )
    rows = [
        "5\t1\t1\t1\t1\t1\t0\t0\t1\t1\t90\tThe",
        "5\t1\t1\t1\t1\t2\t0\t0\t1\t1\t80\tassess-",
        "5\t1\t1\t1\t2\t1\t0\t0\t1\t1\t70\tment",
        "4\t1\t1\t1\t2\t0\t0\t0\t1\t1\t-1\t",
        "5\t1\t2\t1\t1\t1\t0\t0\t1\t1\t60\tNext",
    ]
    read = parse_tsv("\n".join([header, *rows]))
    assert read.text == "The assessment\n\nNext"
    assert read.confidence == 75.0
