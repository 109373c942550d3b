"""Assertion detection: does a sentence report a theme as present in the case?

A theme cue can sit in a sentence that negates it, recommends it, talks about it in
general or hypothetically, or places it in someone's distant past. Each family of cues is
a small function over the dependency parse; ``detect_assertion`` applies them in a fixed
order. Every check walks the cue's head chain or a token's children, so the whole
decision is linear in the sentence length.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.records import Assertion, Section
from pipeline.tag.assertion.historical import _is_historical
from pipeline.tag.assertion.hypothetical import _is_conditional, _is_generic, _is_speculative
from pipeline.tag.assertion.negation import _is_negated
from pipeline.tag.assertion.praise import _praises
from pipeline.tag.assertion.recommendation import _is_recommendation, _reports_past
from pipeline.tag.assertion.subject import detect_subject
from pipeline.tag.assertion.syntax import scope_chain
from pipeline.tag.assertion.words import PRACTICE_WEAKNESS, RISK_FACTOR

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["PRACTICE_WEAKNESS", "RISK_FACTOR", "detect_assertion", "detect_subject", "scope_chain"]


def detect_assertion(
    doc: Doc,
    section: Section,
    cue: tuple[int, int] | None = None,
    theme_kind: str | None = None,
) -> Assertion:
    """How the sentence speaks of the theme whose cue is the token span ``cue``.

    ``cue=None`` judges the sentence as a whole. ``theme_kind`` ("risk_factor" or
    "practice_weakness") matters for negation: "the information was not shared" is
    evidence of a practice weakness, not a denial of it.
    """
    if cue is not None and not 0 <= cue[0] < cue[1] <= len(doc):
        raise ValueError(f"cue {cue} is not a non-empty token span of a {len(doc)}-token doc")
    if len(doc) == 0:
        return Assertion.PRESENT  # nothing qualifies an empty text
    span = doc[cue[0] : cue[1]] if cue else doc[:]
    chain = scope_chain(span.root)
    practice = theme_kind == PRACTICE_WEAKNESS
    sentence = span.root.sent
    if section == Section.RECOMMENDATIONS and not _reports_past(sentence.root):
        return Assertion.RECOMMENDATION
    if _is_conditional(chain, practice):
        return Assertion.HYPOTHETICAL
    if _is_recommendation(sentence, chain):
        return Assertion.RECOMMENDATION
    if _is_generic(sentence):  # before negation: "parents ... do not necessarily pose a risk"
        return Assertion.HYPOTHETICAL
    if _is_negated(chain, span, practice, whole=cue is None):
        return Assertion.NEGATED
    if practice and _praises(sentence, chain):
        return Assertion.NEGATED
    if _is_speculative(chain, practice):
        return Assertion.HYPOTHETICAL
    if _is_historical(chain):
        return Assertion.HISTORICAL
    return Assertion.PRESENT
