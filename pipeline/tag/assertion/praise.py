"""Good practice: praise of the practice that a weakness theme is about denies it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.tag.assertion.words import CONTRAST_WORDS, FAILURE_WORDS, PRAISE_WORDS

if TYPE_CHECKING:
    from spacy.tokens import Span, Token


def _praises(sentence: Span, chain: list[Token]) -> bool:
    """ "Information sharing between the school and the GP was good", "the pre-birth
    assessment was thorough": a praise word on the cue's clause, and nothing in the
    sentence that fails, negates or turns ("thorough, but it left out the father")."""
    if sentence.text.rstrip().endswith("?"):
        return False  # "How well do agencies share ...?" asks; it does not praise
    if any(
        word.dep_ == "neg" or word.lemma_ in FAILURE_WORDS or word.lower_ in CONTRAST_WORDS
        for word in sentence
    ):
        return False
    return any(
        child.lower_ in PRAISE_WORDS and child.dep_ in ("acomp", "advmod", "amod", "oprd")
        for token in chain
        for child in token.children
    )
