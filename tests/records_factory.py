"""Small hand-made records for unit tests."""

from __future__ import annotations

from pipeline.records import (
    PIPELINE_VERSION,
    Assertion,
    Document,
    DocumentResult,
    DocumentTheme,
    Page,
    Section,
    Sentence,
    Status,
    Tag,
    sentence_id,
)


def make_sentence(doc_id: str, page: int, start: int, text: str) -> Sentence:
    end = start + len(text)
    return Sentence(
        sentence_id(doc_id, page, start, end), doc_id, page, start, end, Section.ANALYSIS, text
    )


def make_tag(
    sentence: Sentence,
    theme_id: str,
    score: float,
    assertion: Assertion = Assertion.PRESENT,
    needs_review: bool = False,
) -> Tag:
    return Tag(
        sentence.id,
        sentence.document_id,
        theme_id,
        score,
        "rules.v1",
        assertion,
        needs_review,
        None,
    )


def make_result(doc_id: str, file_name: str = "a.pdf", theme_id: str = "neglect") -> DocumentResult:
    page = Page(1, "The home was dirty and there was no food.")
    sentence = make_sentence(doc_id, 1, 0, page.text)
    tag = make_tag(sentence, theme_id, 0.9)
    document = Document(
        doc_id,
        file_name,
        f"/in/{file_name}",
        1,
        Status.OK,
        None,
        PIPELINE_VERSION,
        "t1",
        "m1",
        "2026-11-25T00:00:00+00:00",
    )
    theme = DocumentTheme(doc_id, theme_id, True, 0.9, 1, sentence.id, 1, sentence.text)
    return DocumentResult(document, [page], [sentence], [tag], [theme])
