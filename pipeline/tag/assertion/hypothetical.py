"""Hypothetical and general cues: conditional, speculative and generic statements."""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING

from pipeline.tag.assertion.syntax import (
    _auxiliaries,
    _is_initial,
    _is_negated_token,
    _is_past,
    _is_perfect_modal,
    _modals,
    _subject,
)
from pipeline.tag.assertion.words import (
    CASE_NOUNS,
    CONDITIONAL_MARKERS,
    FAMILY_NOUNS,
    GENERIC_DETERMINERS,
    HEDGE_ADJECTIVES,
    HEDGE_ADVERBS,
    INVERTING_AUXILIARIES,
    KNOWLEDGE_PARTICIPLES,
    NATIONAL_SCOPES,
    RISK_NOUNS,
    SOURCE_NOUNS,
    SOURCE_VERBS,
    SPECULATIVE_MODALS,
)

if TYPE_CHECKING:
    from spacy.tokens import Span, Token


def _is_conditional(chain: list[Token], practice: bool) -> bool:
    """The cue sits in an "if"/"where"/"whenever" clause or under "in cases of"."""
    for token in chain:
        if _is_condition_clause(token):
            # "If the information had been shared, ..." is a counterfactual that reports
            # the sharing did not happen: evidence of the weakness, not a hypothesis.
            return not (practice and any(aux.lower_ == "had" for aux in _auxiliaries(token)))
        if token.lemma_ == "case" and token.head.lower_ == "in" and _is_plural_or_any(token):
            return True
    last = chain[-1]
    # "in cases where there is domestic abuse": the relative clause hangs off "cases".
    return last.dep_ == "relcl" and last.head.lemma_ == "case" and _is_plural_or_any(last.head)


def _is_condition_clause(clause: Token) -> bool:
    if clause.dep_ == "advcl" and _conditional_marker(clause):
        return True
    # Inverted conditions: "Had the mother been drinking, ...", "Should there be concerns, ..."
    first = clause.left_edge
    subject = _subject(clause)
    return (
        clause.dep_ in ("advcl", "ccomp")
        and first.head.i == clause.i
        and first.dep_ == "aux"
        and first.lower_ in INVERTING_AUXILIARIES
        and subject is not None
        and first.i < subject.i
    )


def _conditional_marker(clause: Token) -> bool:
    for child in clause.children:
        if child.dep_ in ("mark", "advmod") and child.lower_ in CONDITIONAL_MARKERS:
            return True
        # "when" + present tense is generic ("when a mother discloses abuse, ...").
        if child.lower_ == "when" and clause.tag_ in ("VBZ", "VBP"):
            return True
    return False


def _is_plural_or_any(noun: Token) -> bool:
    if noun.tag_ == "NNS":
        return True
    return any(child.lower_ in ("any", "all", "such") for child in noun.children)


def _is_speculative(chain: list[Token], practice: bool) -> bool:
    """may/might/could, hedges ("possibly", "it is possible that"), and "risk of"."""
    for token in chain:
        modals = _modals(token) & SPECULATIVE_MODALS
        # "could not" is past inability; "could have shared" criticises practice.
        if modals == {"could"} and (
            _is_negated_token(token) or (practice and _is_perfect_modal(token))
        ):
            modals = set()
        if modals:
            return True
        for child in token.children:
            if child.dep_ == "advmod" and child.lower_ in HEDGE_ADVERBS:
                return True
            if child.dep_ == "acomp" and child.lemma_ in HEDGE_ADJECTIVES:
                subject = _subject(token)  # "it is possible that", not "staff were unclear"
                if subject is not None and subject.lower_ == "it":
                    return True
    return any(
        token.lemma_ in RISK_NOUNS and _is_risk_complement(below)
        for below, token in pairwise(chain)
    )


def _is_risk_complement(token: Token) -> bool:
    """ "at risk of neglect", "a risk that the baby would be neglected": a possible harm."""
    if token.dep_ == "prep":
        return token.lower_ in ("of", "for")
    return token.dep_ in ("acl", "ccomp") and any(
        child.dep_ == "mark" and child.lower_ == "that" for child in token.children
    )


def _is_generic(sentence: Span) -> bool:
    """A general statement: present tense, generic subject, nothing tying it to the case."""
    root = sentence.root
    subject = _subject(root)
    if subject is None or _mentions_case(sentence):
        return False
    if root.lemma_ in SOURCE_VERBS and _is_source(subject):
        return True  # "Research shows that ...", "The national analysis found that ..."
    if any(_is_past(token) for token in sentence if token.pos_ in ("VERB", "AUX")):
        return False
    if subject.lower_ == "it" and root.lemma_ in KNOWLEDGE_PARTICIPLES:
        return True  # "It is well known that ..."
    present = root.tag_ in ("VBZ", "VBP") or any(
        aux.tag_ in ("VBZ", "VBP", "MD") for aux in _auxiliaries(root)
    )
    return present and _is_generic_subject(subject)


def _is_source(subject: Token) -> bool:
    """Research and national analyses, not "the review" of this case."""
    if subject.lemma_ in SOURCE_NOUNS:
        return not any(child.dep_ in ("det", "poss") for child in subject.children)
    return subject.lemma_ in ("analysis", "review") and any(
        child.lower_ in NATIONAL_SCOPES for child in subject.children
    )


def _is_generic_subject(subject: Token) -> bool:
    if subject.dep_ == "csubj" or (subject.tag_ == "VBG" and subject.dep_ == "nsubj"):
        return True  # "Co-sleeping increases the risk ..."
    # An ADJ subject is a tagging slip on a bare noun ("Neglect is often cumulative").
    if subject.pos_ not in ("NOUN", "ADJ") or any(c.dep_ == "poss" for c in subject.children):
        return False
    determiners = [child.lower_ for child in subject.children if child.dep_ == "det"]
    if determiners:
        return all(word in GENERIC_DETERMINERS for word in determiners)
    return subject.tag_ == "NNS" or subject.lemma_ not in FAMILY_NOUNS


def _mentions_case(sentence: Span) -> bool:
    """Names, "this case", "the mother": the statement is about this case after all."""
    for token in sentence:
        if token.pos_ == "PROPN" or _is_initial(token):
            return True
        if token.lemma_ in CASE_NOUNS and any(
            child.lower_ in ("the", "this", "that") for child in token.children
        ):
            return True
    return False
