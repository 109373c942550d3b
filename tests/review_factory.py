"""A small hand-made dataset for the review tests: two documents, a few tags of each kind."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from pipeline.aggregate import aggregate_themes
from pipeline.records import (
    PIPELINE_VERSION,
    Assertion,
    Document,
    DocumentResult,
    Page,
    Status,
    Subject,
)
from pipeline.review import Decision, DecisionKind, ReviewStore
from pipeline.store import write_dataset
from pipeline.taxonomy import load_taxonomy
from tests.records_factory import make_sentence, make_tag

DOC_A = "a" * 64
DOC_B = "b" * 64
DRINK = "The mother drank heavily every evening."
NO_ABUSE = "There was no evidence of domestic abuse."
RECORDS = "Records were not shared between agencies."
HOME = "The home was dirty and there was no food."


def sample_results(shift: int = 0) -> list[DocumentResult]:
    """Two documents; ``shift`` moves the sentences of document A, as a new extractor might."""
    text_a = " " * shift + f"{DRINK} {NO_ABUSE} {RECORDS}"
    drink = make_sentence(DOC_A, 1, shift, DRINK)
    no_abuse = make_sentence(DOC_A, 1, drink.end + 1, NO_ABUSE)
    records = make_sentence(DOC_A, 1, no_abuse.end + 1, RECORDS)
    tags_a = [
        replace(
            make_tag(drink, "parental_substance_misuse", 0.9),
            matched="drank heavily",
            subject=Subject.MOTHER,
        ),
        make_tag(drink, "neglect", 0.3, needs_review=True),
        make_tag(no_abuse, "domestic_abuse", 0.8, Assertion.NEGATED),
        make_tag(records, "information_sharing", 0.45, needs_review=True),
    ]
    home = make_sentence(DOC_B, 2, 0, HOME)
    tags_b = [make_tag(home, "neglect", 0.95)]
    return [
        _result(DOC_A, "a.pdf", [Page(1, text_a)], [drink, no_abuse, records], tags_a),
        _result(DOC_B, "b.pdf", [Page(1, "Title"), Page(2, HOME)], [home], tags_b),
    ]


def write_sample_dataset(folder: Path, shift: int = 0) -> Path:
    write_dataset(folder, sample_results(shift))
    return folder


def decide(
    folder: Path,
    reviewer: str,
    sentence_text: str,
    theme_id: str,
    kind: DecisionKind,
    document_id: str = DOC_A,
    **extra: object,
) -> Decision:
    """Record a decision on the sentence of ``document_id`` with that text (shift 0 ids)."""
    results = {r.document.id: r for r in sample_results()}
    sentence = next(s for s in results[document_id].sentences if s.text == sentence_text)
    decision = Decision(
        reviewer=reviewer,
        sentence_id=sentence.id,
        document_id=document_id,
        theme_id=theme_id,
        decision=kind,
        sentence_text=sentence_text,
        **extra,  # type: ignore[arg-type]
    )
    return ReviewStore.for_dataset(folder).record(decision)


@lru_cache(maxsize=1)
def _taxonomy():
    return load_taxonomy()


def _result(doc_id, file_name, pages, sentences, tags) -> DocumentResult:
    document = Document(
        doc_id,
        file_name,
        f"/in/{file_name}",
        len(pages),
        Status.OK,
        None,
        PIPELINE_VERSION,
        "t1",
        "m1",
        "2026-11-25T00:00:00+00:00",
    )
    themes = aggregate_themes(doc_id, sentences, tags, _taxonomy())
    return DocumentResult(document, pages, sentences, tags, themes)
