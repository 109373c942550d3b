"""Shared parse helpers: the cue's scope chain, auxiliaries, tense, modals, subject."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.tag.assertion.words import DISTRIBUTIVE_CC, SCOPE_BARRIERS

if TYPE_CHECKING:
    from spacy.tokens import Token


def scope_chain(anchor: Token) -> list[Token]:
    """The anchor and its heads up to the root, ending at the first clause barrier."""
    chain = [anchor]
    token = anchor
    while token.head.i != token.i and not _is_barrier(token):
        token = token.head
        chain.append(token)
    return chain


def _is_barrier(token: Token) -> bool:
    if token.dep_ == "relcl" or (token.dep_ == "advcl" and token.head.pos_ == "NOUN"):
        # "nothing to suggest ...", "no opportunity for anyone to consider ...":
        # infinitival relatives belong to the noun's scope.
        return not any(child.lower_ == "to" for child in token.children)
    if token.dep_ == "conj" and token.pos_ in ("VERB", "AUX"):
        return not any(child.lower_ in DISTRIBUTIVE_CC for child in token.head.children)
    return token.dep_ in SCOPE_BARRIERS


def _auxiliaries(token: Token) -> list[Token]:
    return [child for child in token.children if child.dep_ in ("aux", "auxpass")]


def _is_past(verb: Token) -> bool:
    """Finite past, or a past auxiliary: "was shared", "had been", "did not share"."""
    if verb.tag_ == "VBD":
        return True
    return any(aux.tag_ == "VBD" for aux in _auxiliaries(verb))


def _is_perfect_modal(verb: Token) -> bool:
    """A modal followed by "have": "should have shared", "could have been"."""
    lemmas = [aux.lemma_ for aux in _auxiliaries(verb)]
    return "have" in lemmas and any(aux.tag_ == "MD" for aux in _auxiliaries(verb))


def _modals(verb: Token) -> set[str]:
    return {aux.lower_ for aux in _auxiliaries(verb) if aux.tag_ == "MD"}


def _is_negated_token(token: Token) -> bool:
    return any(child.dep_ == "neg" for child in token.children)


def _subject(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass", "csubj", "expl"):
            return child
    return None


def _is_initial(token: Token) -> bool:
    """ "K" in "Child K"; the sentence-opening article "A" is not one."""
    return len(token) == 1 and token.is_upper and token.i > token.sent.start
