"""Negation cues: negators, negated arguments, denials, and negated evidence."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from pipeline.tag.assertion.syntax import _subject
from pipeline.tag.assertion.words import (
    BEARER_NOUNS,
    DENIAL_VERBS,
    EVIDENCE_WORDS,
    FAILURE_WORDS,
    IMPACT_VERBS,
    INVOLVEMENT_WORDS,
    NEGATIVE_PRONOUNS,
    PRESUPPOSING_PREDICATES,
    PROBLEM_WORDS,
    REPORT_NOUNS,
)

if TYPE_CHECKING:
    from spacy.tokens import Span, Token


def _is_negated(chain: list[Token], cue: Span, practice: bool, whole: bool) -> bool:
    cue_ids = range(0) if whole else range(cue.start, cue.end)
    if whole and not practice and any(_denies_evidence(clause) for clause in _clauses(chain[-1])):
        return True
    for position, site in _negation_sites(chain, cue_ids, whole):
        if not practice and not _presupposes(site):
            return True
        # What the negation scopes over: the cue and the chain below the site, or, when
        # judging the whole sentence, everything under the negated word.
        scope = list(site.subtree) if whole else [*cue, *chain[:position]]
        if practice and _denies_weakness(site, scope):
            return True
    return False


def _clauses(verb: Token) -> Iterator[Token]:
    """The verbs of clauses reported or joined below ``verb``: "told the GP that he did
    not drink, and nothing suggested otherwise", "... and found no evidence that"."""
    for child in verb.children:
        if child.dep_ in ("ccomp", "conj") and child.pos_ in ("VERB", "AUX"):
            yield child
            yield from _clauses(child)


def _denies_evidence(verb: Token) -> bool:
    """A clause that denies evidence of the factor: "found no evidence that ...",
    "nothing in the records suggested otherwise"; not "she felt nothing"."""
    return any(
        (
            child.dep_ == "nsubj"
            and child.lemma_ in NEGATIVE_PRONOUNS
            and verb.lemma_ in EVIDENCE_WORDS
        )
        or _is_without_evidence(child)
        or (
            child.dep_ in ("dobj", "attr", "nsubjpass")
            and _has_no(child)
            and child.lemma_ in REPORT_NOUNS | EVIDENCE_WORDS
        )
        for child in verb.children
    )


def _negation_sites(chain: list[Token], cue_ids: range, whole: bool) -> Iterator[tuple[int, Token]]:
    """Tokens on the cue's head chain that carry a negation outside the cue itself."""
    for position, token in enumerate(chain):
        if token.lemma_ in NEGATIVE_PRONOUNS or _is_without_evidence(token):
            yield position, token
        if token.lemma_ in DENIAL_VERBS or (
            token.lemma_ == "rule" and any(child.lower_ == "out" for child in token.children)
        ):
            yield position, token
        for child in token.children:
            if child.i in cue_ids:
                continue
            if _is_negator(child):
                yield position, token
            # "no concerns were raised about ...": the negated noun is the verb's argument;
            # "neither parent used drugs": the negated subject is the one with the problem.
            elif _is_negated_argument(child, chain, whole):
                yield position, child


def _is_without_evidence(token: Token) -> bool:
    """ "without any sign of neglect"; not "arrived without a coat", which is the neglect."""
    return token.lower_ == "without" and any(
        child.dep_ == "pobj" and child.lemma_ in REPORT_NOUNS | EVIDENCE_WORDS
        for child in token.children
    )


def _is_negated_argument(child: Token, chain: list[Token], whole: bool) -> bool:
    if child.dep_ not in ("nsubj", "nsubjpass", "dobj", "attr") or child in chain:
        return False
    return _has_no(child) and (whole or child.lemma_ in REPORT_NOUNS | BEARER_NOUNS | PROBLEM_WORDS)


def _is_negator(child: Token) -> bool:
    if child.dep_ == "neg":
        # "not only ... but also" adds rather than negates.
        return not (child.i + 1 < len(child.doc) and child.doc[child.i + 1].lower_ == "only")
    return child.dep_ == "det" and child.lower_ == "no"


def _has_no(noun: Token) -> bool:
    return any(child.dep_ == "det" and child.lower_ in ("neither", "no") for child in noun.children)


def _judged_words(site: Token) -> Iterable[Token]:
    """The site and what it predicates: "was not a factor" judges "factor", "no missed
    opportunity" judges "missed"."""
    yield site
    for child in site.children:
        if child.dep_ in ("attr", "acomp", "dobj", "pobj", "amod"):
            yield child


def _is_person(site: Token) -> bool:
    """Is the negated word, or its subject, a parent or other named person?"""
    subject = site if site.dep_.startswith("nsubj") else _subject(site)
    return subject is not None and (
        subject.lemma_ in BEARER_NOUNS
        or subject.pos_ == "PROPN"
        or subject.lower_ in ("he", "she", "they")
    )


def _presupposes(site: Token) -> bool:
    if any(child.dep_ == "xcomp" for child in site.children):
        return False  # "was not considered to pose a risk" is a judgement, not a practice
    return any(
        word.lemma_ in PRESUPPOSING_PREDICATES and word.pos_ in ("VERB", "ADJ", "AUX")
        for word in _judged_words(site)
    )


def _denies_weakness(site: Token, scope: list[Token]) -> bool:
    """For a practice weakness: does the negation deny the weakness, or state it?"""
    lemmas = {word.lemma_ for word in _judged_words(site)}
    if lemmas & (FAILURE_WORDS | IMPACT_VERBS):
        return True  # "staffing was not a factor", "no vacancies", "did not lack experience"
    words = {word.lower_ for word in [*scope, *_judged_words(site)]}
    if words & INVOLVEMENT_WORDS and _is_person(site):
        # "Mr T was not known to any adult service", "neither parent was in contact with
        # addiction services": with no service involved, no service missed anything.
        return True
    if lemmas & (EVIDENCE_WORDS | DENIAL_VERBS | {"without"}):
        # "no evidence that information was withheld" denies it; "no evidence that
        # information was shared" reports the weakness.
        return any(word.lemma_ in FAILURE_WORDS for word in scope if word.i != site.i)
    return False
