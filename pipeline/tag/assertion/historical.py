"""Historical cues: childhood and long-ago markers on the cue's clause."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.tag.assertion.syntax import _is_initial, _subject, scope_chain
from pipeline.tag.assertion.words import (
    DISTANT_YEARS,
    NUMBER_WORDS,
    TIME_BEFORE,
    YOUTH_PERIODS,
    YOUTH_PERSONS,
)

if TYPE_CHECKING:
    from spacy.tokens import Token


def _is_historical(chain: list[Token]) -> bool:
    """Childhood or long-ago markers on the cue's clause ("as a child", "years earlier")."""
    clause = list(chain)
    if clause[-1].dep_ == "relcl":
        clause.extend(scope_chain(clause[-1].head))  # "a relationship ten years earlier in which"
    if any(_is_the_child(_subject(token)) for token in clause):
        return False  # the young person's own adolescence is the case, not history
    # Modifiers sometimes attach to an auxiliary ("When she was a teenager, she had ...")
    # or to an argument ("her first partner, some fifteen years earlier, had been ...").
    holders = [
        *clause,
        *(child for token in clause for child in token.children
          if child.dep_ in ("aux", "nsubj", "nsubjpass", "dobj", "attr")),
    ]  # fmt: skip
    for holder in holders:
        for child in holder.children:
            if child.dep_ not in ("prep", "advmod", "npadvmod", "advcl"):
                continue
            if any(_historical_marker(word) for word in (child, *child.children)):
                return True
    return False


def _historical_marker(token: Token) -> bool:
    if token.dep_ == "pobj" and token.lemma_ in YOUTH_PERIODS | {"teen"}:
        return True  # "in her own childhood", "in his teens"
    if _is_young(token):
        # "as a child", "as a young man", "when she was a teenager", "when he was young"
        return (token.dep_ == "pobj" and token.head.lower_ == "as") or (
            token.dep_ in ("attr", "acomp") and any(c.lower_ == "when" for c in token.head.children)
        )
    if token.lemma_ in ("year", "decade") and token.dep_ == "npadvmod":
        if not _is_time_before(token):
            return False  # "a nine-year-old"
        count = _count(token)
        return count is None or count >= DISTANT_YEARS or token.lemma_ == "decade"
    if token.lower_ == "before" and token.i > 0 and token.nbor(-1).lower_ in ("long", "well"):
        return True  # "long before these events", "well before the pregnancy"
    # "in the 1980s": a decade is long ago; a bare year is not, chronologies are full of them
    return (
        token.dep_ == "pobj"
        and len(token.text) == 5
        and token.text[:4].isdigit()
        and (token.text.endswith("s"))
    )


def _is_time_before(years: Token) -> bool:
    """ "ten years earlier", "years before Child K was born", "twenty years ago"."""
    following = years.nbor(1).lower_ if years.i + 1 < len(years.doc) else ""
    return following in TIME_BEFORE or years.head.lemma_ in TIME_BEFORE


def _is_young(token: Token) -> bool:
    if token.lemma_ in YOUTH_PERSONS or (token.lemma_ == "young" and token.dep_ == "acomp"):
        return True
    return token.lemma_ in ("man", "person", "woman") and any(
        child.lemma_ == "young" for child in token.children
    )


def _count(noun: Token) -> float | None:
    """How many years: None when unstated ("years before"), 0 when vague ("a few")."""
    for child in noun.children:
        if child.dep_ == "nummod" or (child.like_num and child.dep_ == "amod"):
            try:
                return float(child.text)
            except ValueError:
                return NUMBER_WORDS.get(child.lower_, 0)  # an unknown word is not proof
        if child.lower_ in ("few", "several", "couple"):
            return 0  # "a few years before" is not distant enough to be sure
    return None


def _is_the_child(subject: Token | None) -> bool:
    """ "Child M", "Young Person N": the subject of the review."""
    if subject is None:
        return False
    words = {subject.lower_, *(c.lower_ for c in subject.children if c.dep_ == "compound")}
    named = subject.pos_ == "PROPN" or _is_initial(subject)
    return named and bool(words & {"child", "person", "yp"})
