"""Extraction: failures end as statuses, and page text follows the paragraph contract."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.extract import ExtractionError, extract_document, extract_pages, read_text_pages
from pipeline.layout import Word, find_gutters, group_rows, lines_in_reading_order
from pipeline.pagetext import PAGE_NUMBER, join_lines, text_to_paragraphs
from pipeline.records import Page, Status
from pipeline.settings import ExtractSettings
from tests import pdf_factory

BADPDFS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "badpdfs"
needs_corpus = pytest.mark.skipif(
    not BADPDFS.is_dir(), reason="bad-PDF corpus not found at ../shared/corpora/badpdfs"
)
ENCRYPTED = [
    "pdfminer-encryption-rc4-40.pdf",
    "pdfminer-encryption-aes-128.pdf",
    "pdfminer-encryption-aes-256.pdf",
    "pdfminer-encryption-aes-256-r6.pdf",
    "pdfplumber-password-example.pdf",
]
LIGATURE_CHARS = re.compile("[\ufb00-\ufb06]")


@cache
def corpus(name: str, password: str | None = None) -> list[Page] | ExtractionError:
    """Pages of a corpus file, or the error it raised: each file is read once per session."""
    try:
        return extract_pages(BADPDFS / name, password=password)
    except ExtractionError as error:
        return error


def corpus_text(name: str) -> str:
    pages = corpus(name)
    assert isinstance(pages, list), pages
    return "\n\n".join(page.text for page in pages)


def assert_page_contract(pages: list[Page]) -> None:
    """Numbered 1..n; paragraphs split by one blank line, no line breaks or trailing spaces."""
    assert [page.number for page in pages] == list(range(1, len(pages) + 1))
    for page in pages:
        if not page.text:
            continue
        assert page.text == page.text.strip()
        for para in page.text.split("\n\n"):
            assert para and "\n" not in para and para == " ".join(para.split())


# Synthetic PDFs: layout we control.


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> list[Page]:
    return extract_pages(pdf_factory.report_pdf(tmp_path_factory.mktemp("pdf") / "report.pdf"))


def test_report_pages_keep_their_numbers_and_the_contract(report: list[Page]) -> None:
    assert [page.number for page in report] == [1, 2, 3, 4]
    assert_page_contract(report)


def test_running_header_and_page_n_of_m_footer_are_removed(report: list[Page]) -> None:
    for page in report:
        assert pdf_factory.HEADER not in page.text
        assert "Page" not in page.text and "of 4" not in page.text


def test_larger_bold_heading_is_a_paragraph_of_its_own(report: list[Page]) -> None:
    assert report[0].text.split("\n\n")[0] == "Learning from the review"


def test_short_bold_line_at_body_size_is_a_heading(report: list[Page]) -> None:
    assert report[1].text.split("\n\n") == [
        "Findings",
        "This is the body of page 2, which runs over two lines.",
    ]


def test_line_end_hyphens_are_mended_or_kept(report: list[Page]) -> None:
    first, second = report[0].text.split("\n\n")[1:]
    assert first == (
        "The health visitor completed an assessment of the home and noted that the "
        "pre-birth plan had not been shared. She advised the parents against co-sleeping "
        "on the sofa."
    )
    assert second == "Mother said that her ex-partner had left the home in May."


def test_two_columns_read_left_column_then_right(tmp_path: Path) -> None:
    (page,) = extract_pages(pdf_factory.two_column_pdf(tmp_path / "columns.pdf"))
    labels = pdf_factory.LEFT_LABELS + pdf_factory.RIGHT_LABELS
    assert page.text.split("\n\n") == [
        "A title that runs across the whole page width",
        *(pdf_factory.column_paragraph(label) for label in labels),
    ]


def test_password_protected_pdf_fails_without_and_opens_with_password(tmp_path: Path) -> None:
    lines = [[pdf_factory.Text(72, 100, "Confidential chronology")]]
    path = pdf_factory.write_pdf(tmp_path / "locked.pdf", lines, encrypt="s3cret")
    with pytest.raises(ExtractionError) as caught:
        extract_pages(path)
    assert caught.value.status == Status.ENCRYPTED
    assert "password" in caught.value.reason
    with pytest.raises(ExtractionError, match="password"):
        extract_pages(path, password="wrong")
    assert extract_pages(path, password="s3cret")[0].text == "Confidential chronology"


def test_image_only_pdf_without_ocr_needs_ocr(tmp_path: Path) -> None:
    with pytest.raises(ExtractionError) as caught:
        path = pdf_factory.image_only_pdf(tmp_path / "scan.pdf", pages=2)
        extract_pages(path, settings=ExtractSettings(ocr=False))
    assert caught.value.status == Status.NEEDS_OCR
    assert caught.value.reason == "no text layer on any page (2 with images); OCR is switched off"


def test_image_only_pdf_with_a_blank_picture_is_empty_after_ocr(tmp_path: Path) -> None:
    with pytest.raises(ExtractionError) as caught:
        extract_pages(pdf_factory.image_only_pdf(tmp_path / "scan.pdf", pages=2))
    assert caught.value.status == Status.EMPTY
    assert caught.value.reason == "no text layer, and OCR found no text (2 pages)"


def test_blank_pdf_fails_with_no_text(tmp_path: Path) -> None:
    with pytest.raises(ExtractionError) as caught:
        extract_pages(pdf_factory.write_pdf(tmp_path / "blank.pdf", [[], []]))
    assert (caught.value.status, caught.value.reason) == (
        Status.EMPTY,
        "no text found on any page",
    )


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file (0 bytes)"),
        (b"PK\x03\x04 not a pdf at all", "not a PDF (no %PDF header)"),
        (b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog", "corrupt"),
    ],
)
def test_unreadable_files_fail_with_a_plain_reason(
    tmp_path: Path, data: bytes, reason: str
) -> None:
    path = tmp_path / "bad.pdf"
    path.write_bytes(data)
    with pytest.raises(ExtractionError) as caught:
        extract_pages(path)
    assert caught.value.status == Status.FAILED
    assert reason in caught.value.reason


# Plain-text input.


def test_text_file_pages_split_at_form_feeds_and_paragraphs_normalised(tmp_path: Path) -> None:
    path = tmp_path / "review.txt"
    path.write_text(
        "Summary\n\nThe  child lived\nwith her mother.\n\n\n\nA second  one.\fPage two\f"
    )
    pages = read_text_pages(path)
    assert pages == [
        Page(1, "Summary\n\nThe child lived with her mother.\n\nA second one."),
        Page(2, "Page two"),
    ]


def test_empty_text_file_fails(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(ExtractionError, match="empty file"):
        read_text_pages(path)


# Cleaning functions.


@pytest.mark.parametrize(
    ("lines", "joined"),
    [
        (["an assess-", "ment was"], "an assessment was"),
        (["the inter-", "vention"], "the intervention"),
        (["substance mis-", "use"], "substance misuse"),
        (["sub-", "stance"], "substance"),
        (["coercive and co-", "ercive"], "coercive and coercive"),
        (["the mid-", "wife"], "the midwife"),
        (["past ex-", "perience"], "past experience"),
        (["the pre-", "birth plan"], "the pre-birth plan"),
        (["co-", "sleeping"], "co-sleeping"),
        (["her ex-", "partner"], "her ex-partner"),
        (["multi-", "agency"], "multi-agency"),
        (["self-", "harm"], "self-harm"),
        (["non-", "engagement"], "non-engagement"),
        (["FAA-", "approved"], "FAA-approved"),
        (["mother-in-", "law"], "mother-in-law"),
        (["decision-", "making"], "decision-making"),
        (["Anglo-", "Saxon"], "Anglo-Saxon"),
        (["a dash -", "then"], "a dash - then"),
        (["soft\u00ad", "hyphen"], "softhyphen"),
        (["  spaced  ", "", "lines "], "spaced lines"),
    ],
)
def test_join_lines_mends_broken_words_and_keeps_real_hyphens(
    lines: list[str], joined: str
) -> None:
    assert join_lines(lines) == joined


line_text = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=30)


@given(st.lists(line_text, max_size=8))
def test_join_lines_only_changes_text_at_line_end_hyphens(lines: list[str]) -> None:
    joined = join_lines(lines)
    assert "\n" not in joined
    stripped = [line.strip() for line in lines if line.strip()]
    if not any(line.endswith(("-", "\u00ad")) for line in stripped):
        assert joined == " ".join(stripped)


@given(st.text(max_size=200))
def test_text_paragraphs_have_no_line_breaks_or_stray_spaces(text: str) -> None:
    for para in text_to_paragraphs(text).split("\n\n"):
        assert "\n" not in para
        assert para == " ".join(para.split())


@pytest.mark.parametrize(
    "text", ["3", "Page 3", "Page 3 of 14", "- 3 -", "3 | Page", "iv", "12/40"]
)
def test_page_number_lines_are_recognised(text: str) -> None:
    assert PAGE_NUMBER.fullmatch(text)


@pytest.mark.parametrize("text", ["3 children", "Page three", "2019 review"])
def test_text_that_merely_holds_a_number_is_not_a_page_number(text: str) -> None:
    assert not PAGE_NUMBER.fullmatch(text)


def _grid(columns: list[float], rows: int, width: float = 60) -> list[Word]:
    return [
        Word(f"w{r}c{c}", x, x + width, 100 + 14 * r, 110 + 14 * r, 10, False)
        for r in range(rows)
        for c, x in enumerate(columns)
    ]


def test_gutter_found_between_two_wide_columns() -> None:
    words = _grid([72, 320], rows=20, width=200)
    assert find_gutters(group_rows(words), width=595) == [(273.0, 320.0)]
    order = [line.text for line in lines_in_reading_order(words, width=595)]
    assert order[:20] == [f"w{r}c0" for r in range(20)]


def test_grid_of_narrow_cells_is_a_table_read_row_by_row() -> None:
    words = _grid([72, 150, 228, 306, 384, 462], rows=20)
    assert find_gutters(group_rows(words), width=595) == []
    lines = lines_in_reading_order(words, width=595)
    assert lines[0].text.split()[:2] == ["w0c0", "w0c1"]


# The bad-PDF corpus.

ALL_CORPUS = (
    sorted(p.name for p in BADPDFS.iterdir() if p.name != "MANIFEST.md")
    if (BADPDFS.is_dir())
    else []
)


@needs_corpus
def test_corpus_has_all_39_files() -> None:
    assert len(ALL_CORPUS) == 39


@needs_corpus
@pytest.mark.parametrize("name", ALL_CORPUS)
def test_every_corpus_file_gives_pages_or_an_extraction_error(name: str) -> None:
    result = corpus(name)
    if isinstance(result, ExtractionError):
        assert result.status in (Status.FAILED, Status.ENCRYPTED, Status.EMPTY)
        assert result.reason and "\n" not in result.reason
    else:
        assert result and any(page.text for page in result)
        assert_page_contract(result)


@needs_corpus
@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("pdfplumber-empty.pdf", "empty file (0 bytes)"),
        ("derived-truncated-pdfplumber-issue-848-first35000bytes.pdf", "truncated"),
        ("pdfplumber-issue-948.zip", "not a PDF (no %PDF header)"),
    ],
)
def test_broken_corpus_files_fail_with_the_right_reason(name: str, reason: str) -> None:
    result = corpus(name)
    assert isinstance(result, ExtractionError)
    assert result.status == Status.FAILED and reason in result.reason


@needs_corpus
@pytest.mark.parametrize("name", ENCRYPTED)
def test_encrypted_corpus_files_fail_asking_for_a_password(name: str) -> None:
    result = corpus(name)
    assert isinstance(result, ExtractionError)
    assert result.status == Status.ENCRYPTED
    assert result.reason == "encrypted: the PDF needs a password (supply one with --password)"


@needs_corpus
def test_rc4_file_opens_with_its_owner_password() -> None:
    pages = corpus("pdfminer-encryption-rc4-40.pdf", "foo")
    assert isinstance(pages, list) and "Secret" in pages[0].text


@needs_corpus
def test_empty_user_password_files_open_without_one() -> None:
    assert isinstance(corpus("pdfminer-issue-00352-hash-twos-complement.pdf"), list)
    pages = corpus("pdfminer-encryption-encrypted_doc_no_id.pdf")
    assert isinstance(pages, list) and {page.source for page in pages} >= {"ocr"}


@needs_corpus
@pytest.mark.parametrize(
    ("name", "pages"),
    [("pdfminer-missing_xref_trailer.pdf", 4), ("pdfplumber-issue-297-example.pdf", 1)],
)
def test_pages_pdfminer_loses_are_recorded_and_read_from_pdfium(name: str, pages: int) -> None:
    extraction = extract_document(BADPDFS / name)
    assert extraction.pdfium_pages == pages
    assert extraction.warnings[0].startswith("page_count_mismatch: pdfminer read")
    if extraction.pages:
        assert [p.text for p in extraction.pages] == ["Page1", "Page2", "Page3", "Page4"]
        assert {p.source for p in extraction.pages} == {"pdfium"}


@needs_corpus
def test_fake_bold_letters_are_not_doubled() -> None:
    text = corpus_text("pdfminer-issue-1008-inline-ascii85.pdf")
    assert "Municipalité de Morin-Heights" in text and "MMuunn" not in text
    cjk = corpus_text("pdfplumber-issue-71-duplicate-chars.pdf")
    assert "项目描述" in cjk and "项项目目" not in cjk


@needs_corpus
def test_ligatures_are_expanded() -> None:
    text = corpus_text("pdfplumber-issue-598-example.pdf")
    assert not LIGATURE_CHARS.search(text)
    assert "scientific" in text


@needs_corpus
def test_lorem_ipsum_grid_reads_as_table_rows_before_the_prose() -> None:
    # The "multi-column" part of this file is a 7-column grid of clipped cells, i.e. a
    # table: each row stays together, and the full-width prose follows it, unbroken.
    page = corpus_text("pdfplumber-issue-33-lorem-ipsum.pdf")
    assert page.startswith("Tempora co Neque labo Aliquam qu Quaerat ip Quisquam t")
    prose = "Labore ipsum sit est. Ipsum quisquam adipisci sed dolor sed. Non voluptatem"
    assert prose in page
    assert page.index("Dolore qui Ut porro n") < page.index(prose)
    assert page.index(prose) < page.index("Ipsum labore ut consectetur.")


@needs_corpus
def test_federal_register_three_columns_read_one_after_another() -> None:
    page = corpus("pdfplumber-federal-register-2020-17221.pdf")
    assert isinstance(page, list)
    text = page[1].text
    first_column = (
        "Investigation of the accident has been completed by the Indonesian authorities "
        "(Komite Nasional Keselamatan Transportasi (KNKT)) with assistance"
    )
    assert first_column in text
    second, third = "altitude disagree alert", "and the Ethiopian Civil Aviation Authority"
    assert text.index(first_column) < text.index(second) < text.index(third)


@needs_corpus
def test_federal_register_running_header_removed_after_page_one() -> None:
    pages = corpus("pdfplumber-federal-register-2020-17221.pdf")
    assert isinstance(pages, list) and len(pages) == 15
    header = re.compile(r"Federal Register\s*/\s*Vol\. 85, No\. 152\s*/\s*Thursday")
    # Page 15 has no text layer: its OCR text keeps its header (OCR pages are not cleaned).
    text_layer = [page for page in pages[1:] if page.source != "ocr"]
    assert len(text_layer) == 13
    assert not any(header.search(page.text) for page in text_layer)
    assert not any(page.text.startswith(("47699", "47700")) for page in text_layer)


@needs_corpus
def test_rotated_landscape_page_reads_upright() -> None:
    text = corpus_text("pdfplumber-nics-background-checks-2015-11-rotated.pdf")
    assert text.startswith("NICS Firearm Background Checks")
    assert "These statistics represent the number of firearm background checks" in text
