"""Every file of the bad-PDF corpus ends in its expected state, through the isolated worker."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.isolate import IsolatedExtractor
from pipeline.ocr import tesseract_available
from pipeline.records import Extraction
from pipeline.settings import ExtractSettings

BADPDFS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "badpdfs"
pytestmark = pytest.mark.skipif(
    not BADPDFS.is_dir(), reason="bad-PDF corpus not found at ../shared/corpora/badpdfs"
)
needs_tesseract = pytest.mark.skipif(not tesseract_available(), reason="tesseract not installed")
PER_FILE_TIMEOUT_S = 60

ENCRYPTED = "encrypted"
EXPECTED = {
    "pdfplumber-empty.pdf": "failed",  # zero bytes
    "derived-truncated-pdfplumber-issue-848-first35000bytes.pdf": "failed",
    "pdfplumber-issue-948.zip": "failed",  # not a PDF
    "pdfplumber-issue-297-example.pdf": "empty",  # PDFium sees 1 page, with nothing on it
    "pdfminer-missing_xref_trailer.pdf": "ok",  # 2 of 4 pages in pdfminer: PDFium's text
    "pdfminer-zen_of_python_corrupted.pdf": "ok",
    "pdfminer-issue-1113-evil-xobjects.pdf": "ok",
    "pdfminer-issue-886-xref-stream-widths.pdf": "ok",
    "pdfminer-issue-1062-filters.pdf": "ok",
    "pdfplumber-malformed-from-issue-932.pdf": "ocr",  # no usable text layer
    "pdfminer-encryption-rc4-40.pdf": ENCRYPTED,
    "pdfminer-encryption-aes-128.pdf": ENCRYPTED,
    "pdfminer-encryption-aes-256.pdf": ENCRYPTED,
    "pdfminer-encryption-aes-256-r6.pdf": ENCRYPTED,
    "pdfminer-encryption-encrypted_doc_no_id.pdf": "ocr",  # empty user password, images
    "pdfminer-encryption-base-unencrypted-control.pdf": "ok",
    "pdfminer-issue-00352-hash-twos-complement.pdf": "ok",
    "pdfplumber-password-example.pdf": ENCRYPTED,
    "pdfminer-pdf-with-jbig2.pdf": "ocr",
    "pdfplumber-issue-203-decimalize.pdf": "ocr",
    "pdfminer-issue-1061-colour-space-stack.pdf": "ok",
    "pdfminer-issue_495_pdfobjref.pdf": "ok",
    "pdfminer-issue-625-identity-cmap.pdf": "ok",
    "pdfminer-issue-791-non-unicode-cmap.pdf": "ok",
    "pdfminer-issue_566_test_1.pdf": "ok",
    "pdfminer-simple3.pdf": "ok",
    "pdfminer-matplotlib-type3.pdf": "ok",
    "pdfminer-issue-1008-inline-ascii85.pdf": "ok",
    "pdfplumber-issue-71-duplicate-chars.pdf": "ok",
    "pdfplumber-issue-598-example.pdf": "ok",
    "pdfplumber-issue-33-lorem-ipsum.pdf": "ok",
    "pdfplumber-federal-register-2020-17221.pdf": "ocr",  # page 15 has no text layer
    "pdfplumber-scotus-transcript-p1.pdf": "ok",
    "pdfplumber-150109DSP-Milw-505-90D.pdf": "ok",
    "pdfplumber-issue-13-151201DSP-Fond-581-90D.pdf": "ok",
    "pdfplumber-pdffill-demo.pdf": "ok",
    "pdfplumber-chelsea_pdta.pdf": "ok",
    "pdfplumber-issue-316-example.pdf": "ok",
    "pdfplumber-nics-background-checks-2015-11-rotated.pdf": "ok",
}
FINDINGS = {
    "pdfplumber-pdffill-demo.pdf": {"javascript"},
    "pdfminer-issue-625-identity-cmap.pdf": {"embedded_files"},
    "pdfplumber-issue-13-151201DSP-Fond-581-90D.pdf": {"embedded_files"},
}


@pytest.fixture(scope="module")
def extractor():
    with IsolatedExtractor(ExtractSettings(timeout_s=PER_FILE_TIMEOUT_S)) as extractor:
        yield extractor


_cache: dict[str, Extraction] = {}


def extracted(extractor: IsolatedExtractor, name: str) -> Extraction:
    if name not in _cache:
        _cache[name] = extractor.extract(BADPDFS / name)
    return _cache[name]


def test_the_table_names_every_file_of_the_corpus():
    on_disk = {p.name for p in BADPDFS.iterdir() if p.name != "MANIFEST.md"}
    assert on_disk == set(EXPECTED) and len(on_disk) == 39


@needs_tesseract
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_ends_in_its_expected_state(extractor, name):
    result = extracted(extractor, name)
    assert result.status == EXPECTED[name], result.reason
    if result.status in ("ok", "ocr"):
        assert any(page.text for page in result.pages)
        assert result.reason is None
    else:
        assert result.pages == [] and result.reason and "\n" not in result.reason
    if result.status == ENCRYPTED:
        assert "--password" in (result.reason or "")


@needs_tesseract
@pytest.mark.parametrize(("name", "findings"), sorted(FINDINGS.items()))
def test_active_content_is_flagged(extractor, name, findings):
    assert findings <= set(extracted(extractor, name).findings)


@needs_tesseract
def test_page_count_mismatch_is_a_warning_on_a_readable_document(extractor):
    result = extracted(extractor, "pdfminer-missing_xref_trailer.pdf")
    assert result.pdfium_pages == 4 and len(result.pages) == 4
    assert result.warnings == (
        "page_count_mismatch: pdfminer read 2 of 4 pages; text taken from PDFium",
    )


@pytest.mark.parametrize(
    ("name", "password"),
    [
        ("pdfminer-encryption-aes-256-r6.pdf", "usersecret"),
        ("pdfplumber-password-example.pdf", "test"),
    ],
)
def test_encrypted_files_open_with_their_password(extractor, name, password):
    assert extractor.extract(BADPDFS / name, password).status in ("ok", "ocr")
