"""The rule tagger: taxonomy patterns to theme hits over a parsed sentence."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.language import Language

from pipeline.nlp import load_nlp
from pipeline.tag.rules import RuleHit, RuleTagger
from tests.taxonomy_fixture import make_taxonomy

PATTERNS = {
    "domestic_abuse": [
        "domestic abuse",
        "domestic violence",
        "coercive control",
        [{"LEMMA": "assault"}],
    ],
    "parental_substance_misuse": [
        "drinking",
        "heavy drinking",
        "drinking heavily",
        [{"LEMMA": {"IN": ["use", "take"]}}, {"LOWER": {"IN": ["cannabis", "cocaine", "drugs"]}}],
    ],
    "information_sharing": ["not shared", [{"LEMMA": "share"}, {"LOWER": "information"}]],
}


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_nlp()


@pytest.fixture(scope="module")
def tagger(nlp: Language) -> RuleTagger:
    return RuleTagger(make_taxonomy(PATTERNS), nlp)


def themes(hits: list[RuleHit]) -> list[str]:
    return [hit.theme_id for hit in hits]


def test_phrase_pattern_hits_with_token_offsets(tagger: RuleTagger, nlp: Language) -> None:
    doc = nlp("The family were living with domestic abuse.")
    assert tagger.find_hits(doc) == [RuleHit("domestic_abuse", 5, 7, "domestic abuse")]


def test_token_pattern_matches_on_lemma(tagger: RuleTagger, nlp: Language) -> None:
    doc = nlp("The father assaulted the mother in front of the children.")
    assert tagger.find_hits(doc) == [RuleHit("domestic_abuse", 2, 3, "assaulted")]


def test_phrase_match_ignores_case_and_keeps_the_text_verbatim(
    tagger: RuleTagger, nlp: Language
) -> None:
    doc = nlp("DOMESTIC Abuse was a feature of Coercive Control throughout.")
    hits = tagger.find_hits(doc)
    assert [hit.matched for hit in hits] == ["DOMESTIC Abuse", "Coercive Control"]


def test_phrase_matches_whole_tokens_only(tagger: RuleTagger, nlp: Language) -> None:
    assert tagger.find_hits(nlp("The mother was drinkingwater at the time.")) == []


def test_overlapping_hits_of_one_theme_collapse_to_the_longest(
    tagger: RuleTagger, nlp: Language
) -> None:
    doc = nlp("The mother reported heavy drinking at weekends.")
    assert tagger.find_hits(doc) == [RuleHit("parental_substance_misuse", 3, 5, "heavy drinking")]


def test_adjacent_overlaps_keep_the_longest_then_the_rest(
    tagger: RuleTagger, nlp: Language
) -> None:
    # "drinking heavily" (3-5) beats "drinking" (3-4); the later "drinking" stays.
    doc = nlp("She was drinking heavily and her partner's drinking worried staff.")
    hits = tagger.find_hits(doc)
    assert [(hit.start, hit.end) for hit in hits] == [(2, 4), (8, 9)]
    assert [hit.matched for hit in hits] == ["drinking heavily", "drinking"]


def test_different_themes_may_overlap(tagger: RuleTagger, nlp: Language) -> None:
    taxonomy = make_taxonomy({**PATTERNS, "neglect": ["heavy drinking"]})
    doc = nlp("Heavy drinking was noted.")
    hits = RuleTagger(taxonomy, nlp).find_hits(doc)
    assert sorted(themes(hits)) == ["neglect", "parental_substance_misuse"]
    assert all((hit.start, hit.end) == (0, 2) for hit in hits)


def test_hits_are_sorted_by_start(tagger: RuleTagger, nlp: Language) -> None:
    doc = nlp(
        "The health visitor did not share information about the domestic violence "
        "or the mother's cocaine use, and the father was taking drugs."
    )
    hits = tagger.find_hits(doc)
    assert themes(hits) == ["information_sharing", "domestic_abuse", "parental_substance_misuse"]
    assert [hit.start for hit in hits] == sorted(hit.start for hit in hits)
    assert hits[-1].matched == "taking drugs"


def test_neutral_sentence_has_no_hits(tagger: RuleTagger, nlp: Language) -> None:
    assert tagger.find_hits(nlp("The family moved to a new flat in the spring.")) == []


def test_matched_is_verbatim_document_text(tagger: RuleTagger, nlp: Language) -> None:
    text = "Information was NOT shared with the school."
    doc = nlp(text)
    (hit,) = tagger.find_hits(doc)
    assert hit.matched == "NOT shared"
    assert hit.matched in text


def test_bad_token_pattern_names_the_theme_and_pattern(nlp: Language) -> None:
    taxonomy = make_taxonomy({"neglect": ["poor hygiene", [{"LEMMA": {"IN": "dirty"}}]]})
    with pytest.raises(ValueError, match=r"theme 'neglect': pattern 2 is not a valid spaCy"):
        RuleTagger(taxonomy, nlp)


def test_unknown_token_attribute_is_rejected(nlp: Language) -> None:
    taxonomy = make_taxonomy({"unsafe_sleep": [[{"LEMA": "sofa"}]]})
    with pytest.raises(ValueError, match=r"theme 'unsafe_sleep': pattern 1"):
        RuleTagger(taxonomy, nlp)


def test_tagger_carries_a_versioned_name(tagger: RuleTagger) -> None:
    assert tagger.name == "rules.v1"


WORDS = ["the", "mother", "was", "drinking", "heavily", "heavy", "domestic", "abuse", "not",
         "shared", "share", "information", "assaulted", "Drinking", "and", "."]  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(words=st.lists(st.sampled_from(WORDS), min_size=0, max_size=25))
def test_hits_are_sorted_in_bounds_verbatim_and_disjoint_per_theme(
    tagger: RuleTagger, nlp: Language, words: list[str]
) -> None:
    doc = nlp(" ".join(words))
    hits = tagger.find_hits(doc)
    assert hits == sorted(hits, key=lambda hit: (hit.start, hit.end, hit.theme_id))
    for hit in hits:
        assert 0 <= hit.start < hit.end <= len(doc)
        assert hit.matched == doc[hit.start : hit.end].text
    for first in hits:
        for second in hits:
            if first is not second and first.theme_id == second.theme_id:
                assert first.end <= second.start or second.end <= first.start


def test_a_wildcard_word_is_never_a_negator(nlp: Language) -> None:
    """ "he did not drink" is no "he ... drink": the negator stays outside every cue."""
    wildcard = [{"LOWER": "he"}, {"OP": "?"}, {"OP": "?"}, {"LEMMA": "drink"}]
    tagger = RuleTagger(make_taxonomy({"parental_substance_misuse": [wildcard]}), nlp)
    assert themes(tagger.find_hits(nlp("He said he would drink at weekends."))) == [
        "parental_substance_misuse"
    ]
    assert tagger.find_hits(nlp("He said he did not drink at weekends.")) == []
    assert tagger.find_hits(nlp("He said he never drinks at weekends.")) == []
