"""The cached attribute-ruler and lemmatizer pass gives the original components' output."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.morphology import NAME, use_cached_morphology
from pipeline.nlp import _package, load_nlp

SOURCES = Path(__file__).resolve().parents[1] / "corpus_samples" / "gold_sentences" / "src"
# The attribute ruler's multi-token and dependency exceptions, and space tokens.
EDGE_CASES = [
    "It ain't right that the visits stopped.",
    "She said they were gonna move and gotta find a flat.",
    "Let's be clear: the referral was not sent.",
    "The health visitor   noted\n\nthe bruise.",
    "I can't, won't and shan't, he told the social worker.",
    "Mum's partner's drinking was not known to the GP.",
    "He said there was nothin' wrong and nuthin' to add.",
]


@pytest.fixture(scope="module")
def original() -> Language:
    return _package().load(exclude=["ner"])


def annotations(doc: Doc) -> list[tuple[str, ...]]:
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, str(t.head.i)) for t in doc]


def gold_texts() -> list[str]:
    texts = []
    for path in sorted(SOURCES.glob("*.txt")):
        texts += [line.strip() for line in path.read_text().splitlines()]
    return [text for text in texts if text and not text.startswith("#")] + EDGE_CASES


def test_loaded_pipeline_uses_the_cached_pass() -> None:
    nlp = load_nlp()
    assert NAME in nlp.pipe_names
    assert "attribute_ruler" not in nlp.pipe_names and "lemmatizer" not in nlp.pipe_names
    assert nlp.get_pipe("lemmatizer") is not None  # kept for the rule screen's tables


def test_same_annotations_as_the_original_components(original: Language) -> None:
    texts = gold_texts()
    assert len(texts) > 1000
    cached = load_nlp()
    mismatched = [
        text
        for text, expected, got in zip(texts, original.pipe(texts), cached.pipe(texts), strict=True)
        if annotations(expected) != annotations(got)
    ]
    assert mismatched == []


def test_edge_cases_really_use_the_exceptions(original: Language) -> None:
    doc = load_nlp()("It ain't right.")
    assert [t.lemma_ for t in doc][:3] == ["it", "be", "not"]
    assert annotations(doc) == annotations(original("It ain't right."))


def test_unsupported_pattern_leaves_the_pipeline_as_it_was() -> None:
    nlp = _package().load(exclude=["ner"])
    nlp.get_pipe("attribute_ruler").add([[{"SHAPE": "dd"}]], {"POS": "NUM"})  # type: ignore[attr-defined]
    use_cached_morphology(nlp)
    assert NAME not in nlp.pipe_names
    assert "attribute_ruler" in nlp.pipe_names
