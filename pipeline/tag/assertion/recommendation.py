"""Recommendation cues: directives, imperatives and recommendation headings."""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING

from pipeline.tag.assertion.syntax import (
    _auxiliaries,
    _is_past,
    _is_perfect_modal,
    _modals,
    _subject,
    scope_chain,
)
from pipeline.tag.assertion.words import AGENCY_NOUNS, DIRECTIVE_MODALS, IMPORTANCE_ADJECTIVES

if TYPE_CHECKING:
    from spacy.tokens import Span, Token


def _reports_past(verb: Token) -> bool:
    """The clause narrates what happened: past tense, or "should have" criticism."""
    return _is_perfect_modal(verb) or (_is_past(verb) and not _modals(verb))


def _is_recommendation(sentence: Span, chain: list[Token]) -> bool:
    if _has_recommendation_heading(sentence) or _is_imperative(sentence.root):
        return True
    if chain[-1].dep_ == "advcl" and any(c.lower_ == "to" for c in chain[-1].children):
        chain = [*chain, *scope_chain(chain[-1].head)]  # "must be supported to challenge ..."
    if chain[-1].i != sentence.root.i and _is_directive(sentence.root):
        return True  # "the partnership should ensure that every young person who goes missing"
    for position, token in enumerate(chain):
        if _is_directive(token):
            # "She was told she must stop drinking" reports advice given in the case.
            return not any(_is_past(above) for above in chain[position + 1 :])
    return False


def _has_recommendation_heading(sentence: Span) -> bool:
    words = [token.lower_ for token in sentence if token.is_alpha]
    if words and words[0] in ("recommendation", "recommendations"):
        return True
    return any(
        first == "learning" and second in ("point", "points") for first, second in pairwise(words)
    )


def _is_imperative(root: Token) -> bool:
    """ "Ensure that ...", "Consider ...": a bare verb opening the sentence, no subject."""
    first_word = next((token for token in root.sent if token.is_alpha), None)
    # A past-tense clausal object means a misparsed statement: "Think Family principles
    # were not applied" is not an order to think.
    past_clause = any(child.dep_ == "ccomp" and _is_past(child) for child in root.children)
    return (
        root.tag_ == "VB"
        and first_word is not None
        and first_word.i == root.i
        and _subject(root) is None
        and not _auxiliaries(root)
        and not past_clause
    )


def _is_directive(token: Token) -> bool:
    """should/must/ought to, need to, is recommended, it is important that, the board will."""
    modals = _modals(token)
    if modals & DIRECTIVE_MODALS and not _is_perfect_modal(token):
        return True
    if token.tag_ == "MD" and token.lower_ in DIRECTIVE_MODALS:
        return True  # "agencies ought to record": the parser heads the clause with "ought"
    present = token.tag_ in ("VBZ", "VBP") or any(
        aux.tag_ in ("VBZ", "VBP") for aux in _auxiliaries(token)
    )
    if token.lemma_ == "recommend" and present:
        return True
    if token.lemma_ == "need" and token.pos_ == "NOUN" and token.head.lemma_ == "be":
        return token.head.tag_ in ("VBZ", "VBP")  # "there is a need for ..."
    if token.lemma_ == "need" and present and any(c.dep_ == "xcomp" for c in token.children):
        return True  # "practitioners need to ...", not "young people need an assessment"
    if (
        token.lemma_ == "be"
        and present
        and any(
            child.dep_ == "acomp" and child.lemma_ in IMPORTANCE_ADJECTIVES
            for child in token.children
        )
    ):
        return True
    subject = _subject(token)
    return "will" in modals and subject is not None and subject.lemma_ in AGENCY_NOUNS
