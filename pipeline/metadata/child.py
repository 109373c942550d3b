"""What a review says about its children: how many, how old, and whether they died.

A value needs a sentence that ties it to the child the review concerns: the nearest
person named before it (after it, if none is before) must be that child (by the name the
report gives them) or a child word ("a baby girl"), not a parent or another adult. A cue
in a clause that doubts or negates it ("whether", "could have", "did not") is no evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.metadata.text import NUMBER, Unit, found, parse_number
from pipeline.records import MetadataValue

AGE_BANDS = ("unborn", "under 1", "1-4", "5-10", "11-15", "16-17")
DIED, HARMED = "died", "seriously harmed"
BAND_SEPARATOR = "; "  # a review of several children of different ages lists each band
CHILD, ADULT = "child", ""  # who a cue is about, when not a subject by name

_STOP = (
    r"Safeguarding|Practice|Protection|Death|Deaths|Review|Reviews|Sexual|Criminal|Care|Services"
    r"|Social|Health|Mental|In|Need|And|Of|The|Partnership|Board|Panel|Learning|Rapid"
)
_CODE = rf"(?:[A-Z]{{1,3}}\d{{0,2}}(?![\w'’-])|(?!(?:{_STOP})\b)[A-Z][a-z]+\b)"
_LIST = rf"{_CODE}(?:(?:, | and | & )(?:(?i:Child|Baby) )?{_CODE})*"
_TITLE_NAMES = re.compile(rf"\b(?i:Child|Children|Baby|Babies|Siblings?) ({_LIST})")
_CALLED = re.compile(
    rf"\b(?:referred to (?:in (?:this|the) report )?as (?:(?:Child|Baby) )?({_LIST})"
    rf"|(?:called|known as|named) (?:(?:Child|Baby|Children) )?({_LIST}) in (?:this|the) report)"
)
_CODES = re.compile(r"\b(?:Child|Baby) ([A-Z]{1,3}\d{0,2})(?![\w'’-])")
_COUNT = re.compile(
    rf"\b(?:concerns|about|deaths of|involving) (?:the )?({NUMBER}) "
    r"(?:children|siblings|brothers|sisters|boys|girls|babies|young people)\b",
    re.I,
)
_CHILD_WORD = (
    r"child|baby|infant|boy|girl|young person|toddler|son|daughter|teenager|babies|children"
)
_ADULT_WORD = (
    r"mother|father|mum|dad|parents?|partner|Mr|Ms|Mrs|Miss|grand\w+|step\w+|uncle|aunt"
    r"|carer|man|woman|men|women|sister|brother|siblings?|cousin|friend|\w*friend|neighbour"
    r"|nurse|worker|officer|doctor|GP"
)
_PERSON = re.compile(rf"\b(?:(?P<child>{_CHILD_WORD})|(?P<adult>{_ADULT_WORD}))\b", re.I)
_AGE = re.compile(
    rf"\b(?P<n>{NUMBER}) (?P<unit>year)s? and {NUMBER} months? old\b"
    rf"|\b(?P<n2>{NUMBER})[- ](?P<unit2>day|week|month|year)s?[- ]old\b"
    rf"|\b(?:aged|at the age of) (?P<n3>{NUMBER})(?: (?P<unit3>day|week|month|year)s?)?\b"
    rf"|\bwho (?:is|was) (?:then |now |only |just )?(?P<n4>{NUMBER})\b"
    rf"(?: (?P<unit4>day|week|month|year)s?(?: old)?)?"
    rf"|\b(?P<n5>{NUMBER}) (?P<unit5>day|week|month|year)s? of age\b",
    re.I,
)
_UNBORN = re.compile(r"\bunborn (?:baby|child|infant)\b", re.I)
_DIED = re.compile(
    r"\b(?:died|(?:was|were) pronounced dead|(?:was|were) found dead|took (?:his|her|their) own"
    r" li(?:fe|ves)|lost (?:his|her|their) li(?:fe|ves)|(?:was|were) (?:killed|murdered)|drowned"
    r"|passed away|fatally (?:injured|assaulted|stabbed|wounded))\b"
    rf"|\bdeaths? of (?=(?:(?:a|an|the|this|her|his|their) (?:[\w-]+ ){{0,3}}?(?:{_CHILD_WORD})"
    r"\b|(?-i:(?:Child |Baby )?[A-Z])))",
    re.I,
)
_HARMED = re.compile(
    r"\b(?:seriously (?:harmed|injured)|serious(?:ly)? (?:harm|injur\w*|scalds?|burns?|fractures?)"
    r"|suffered significant harm|serious (?:neglect|physical abuse|sexual abuse)"
    r"|severe(?:ly)? (?:injur\w*|harm\w*|neglect\w*|underweight|malnourished|scalds?|burns?)"
    r"|life[- ]threatening|non-accidental|multiple fractures|skull fracture|fractured skull"
    r"|(?:brain|head) injur\w*|sexually (?:exploited|abused|assaulted)|intensive care"
    r"|admitted to hospital|made a (?:good |full |slow )?(?:physical )?recovery|survived)\b",
    re.I,
)
_DOUBT = re.compile(
    r"\b(?:whether|if|could|might|would|may|nearly|almost|risks?|likely|fears?|feared|worried"
    r"|prevent\w*|avoid\w*|not|never|no|without)\b",
    re.I,
)
_CLAUSE = re.compile(r"[,;:()]| but | and ")
_PREFIX = re.compile(r"^(?:Child|Baby) ", re.I)


@dataclass(frozen=True)
class Subjects:
    """The children a review concerns: their names, and how many it says there are."""

    names: tuple[str, ...]
    count: MetadataValue

    def pattern(self) -> re.Pattern[str] | None:
        """Any subject's name, with or without "Child"/"Baby" before a letter code."""
        forms = [re.escape(n) for n in self.names if n not in ("A", "I")]
        if not forms:
            return None
        return re.compile(rf"\b(?:(?:Child|Baby) )?(?:{'|'.join(forms)})(?![\w-])")


def find_subjects(units: list[Unit]) -> Subjects:
    """Names from the title page, else "called X in this report", else every "Child X" code."""
    for pattern, scope in ((_TITLE_NAMES, [u for u in units if u.title]), (_CALLED, units)):
        for unit in scope:
            if match := pattern.search(unit.text):
                listed = next(g for g in match.groups() if g)
                names = tuple(dict.fromkeys(_split_names(listed)))
                return Subjects(names, found(len(names), unit, *match.span()))
    for unit in units:
        if match := _COUNT.search(unit.text):
            return Subjects((), found(parse_number(match.group(1)), unit, *match.span()))
    codes: dict[str, Unit] = {}
    for unit in units:
        for code in _CODES.findall(unit.text):
            codes.setdefault(code, unit)
    if not codes:
        return Subjects((), MetadataValue())
    first = next(iter(codes.values()))
    return Subjects(tuple(codes), MetadataValue(len(codes), first.text, first.page))


def find_age_band(units: list[Unit], subjects: Subjects) -> MetadataValue:
    """Each subject's first stated age, as a band; bands of several children are joined."""
    name = subjects.pattern()
    bands: dict[str, tuple[Unit, int, int]] = {}
    owners: set[str] = set()
    for unit in units:
        if unit.title:
            continue
        for match in _AGE.finditer(unit.text):
            if "pregnant" in unit.text[match.end() : match.end() + 12]:
                continue
            owner = _owner(unit.text, match.start(), match.end(), name)
            band = _band(match)
            if owner is None or owner in owners or band is None or (owner == CHILD and owners):
                continue
            owners.add(owner)
            bands.setdefault(band, (unit, *match.span()))
            if len(subjects.names) <= 1:
                return found(band, unit, *match.span())
    if not bands:
        return MetadataValue()
    ordered = sorted(bands, key=AGE_BANDS.index)
    quotes = [found("", *bands[b]).evidence or "" for b in ordered]
    return MetadataValue(
        BAND_SEPARATOR.join(ordered), " … ".join(quotes), bands[ordered[0]][0].page
    )


def find_outcome(units: list[Unit], subjects: Subjects) -> MetadataValue:
    """DIED if a sentence says a subject died, else HARMED if one says a subject was harmed."""
    name = subjects.pattern()
    for outcome, pattern in ((DIED, _DIED), (HARMED, _HARMED)):
        for unit in units:
            if unit.title:
                continue
            for match in pattern.finditer(unit.text):
                start, end = match.span()
                following = match.group().lower().startswith("death")
                if _doubted(unit.text, start) or not _owner(unit.text, start, end, name, following):
                    continue
                return found(outcome, unit, start, end)
    return MetadataValue()


def find_unborn(units: list[Unit], outcome: MetadataValue) -> MetadataValue | None:
    """The "unborn" band, when the sentence that gives the outcome is about an unborn child."""
    if outcome.evidence and (match := _UNBORN.search(outcome.evidence)):
        unit = Unit(outcome.page or 0, outcome.evidence)
        return found("unborn", unit, *match.span())
    return None


def _split_names(listed: str) -> list[str]:
    return [_PREFIX.sub("", n) for n in re.split(r", | and | & ", listed)]


def _people(text: str, name: re.Pattern[str] | None) -> list[tuple[int, int, str]]:
    """(start, end, who) of each person mentioned: a subject's name, CHILD or ADULT."""
    names = (
        [(m.start(), m.end(), _PREFIX.sub("", m.group())) for m in name.finditer(text)]
        if name
        else []
    )
    people = list(names)
    for m in _PERSON.finditer(text):
        if not any(s <= m.start() < e for s, e, _ in names):  # the "Child" of "Child K"
            people.append((m.start(), m.end(), CHILD if m.group("child") else ADULT))
    return sorted(people)


def _owner(
    text: str, start: int, end: int, name: re.Pattern[str] | None, following: bool = False
) -> str | None:
    """Who a cue at text[start:end] is about: a subject's name, CHILD, or None for an adult.

    The person right after it ("a four-year-old boy") or, with ``following``, the first
    after it ("the death of a baby"); else the nearest before it; else the first after it.
    """
    people = [p for p in _people(text, name) if p[1] <= start or p[0] >= end]
    after = [p for p in people if p[0] >= end]
    before = [p for p in people if p[1] <= start]
    if after and (following or after[0][0] - end <= 1):
        who = after[0][2]
    elif before:
        who = before[-1][2]
    elif after:
        who = after[0][2]
    else:
        return None
    if who == ADULT or (who == CHILD and name and not name.search(text)):
        return None  # an adult; or "a child" in a sentence that names none of the subjects
    return who


def _band(match: re.Match[str]) -> str | None:
    groups = {k.rstrip("2345"): v for k, v in match.groupdict().items() if v}
    n, unit = groups["n"], groups.get("unit", "year")
    years = parse_number(n) / {"day": 365, "week": 52, "month": 12, "year": 1}[unit.lower()]
    for band, below in (("under 1", 1), ("1-4", 5), ("5-10", 11), ("11-15", 16), ("16-17", 18)):
        if years < below:
            return band
    return None


def _doubted(text: str, start: int) -> bool:
    clause = _CLAUSE.split(text[:start])[-1]
    return bool(_DOUBT.search(clause))
