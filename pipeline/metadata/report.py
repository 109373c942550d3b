"""What a review says about itself: its type, nation, publishing body and year."""

from __future__ import annotations

import re

from pipeline.metadata.text import Unit, found
from pipeline.records import MetadataValue

# Longest first, so that "child safeguarding practice review" is never read as a shorter type.
REVIEW_TYPES = (
    "child safeguarding practice review",
    "serious case review",
    "significant case review",
    "child practice review",
    "learning review",
)
OTHER = "other"
NATION_OF_TYPE = {
    "child safeguarding practice review": "England",
    "serious case review": "England",
    "significant case review": "Scotland",
    "child practice review": "Wales",
}  # a learning review is held in Scotland (since 2021) and elsewhere: it names no nation
NATIONS = ("England", "Scotland", "Wales", "Northern Ireland")

_TYPE = re.compile(r"\b(" + "|".join(REVIEW_TYPES) + r")s?\b", re.I)
_SELF = re.compile(r"\bthis (?:[a-z-]+ ){0,2}?(" + "|".join(REVIEW_TYPES) + r")\b", re.I)
_COMMISSIONED = re.compile(
    r"\b(?:a|the) (?:[a-z-]+ ){0,2}?(" + "|".join(REVIEW_TYPES) + r") (?:was|should be|would be)"
    r" (?:commissioned|held|carried out|undertaken|conducted)\b",
    re.I,
)
_TITLE_REVIEW = re.compile(r"^(?:[A-Z][\w'’-]*[ -])+Review\b")  # "Domestic Homicide Review"
_TITLE_NATION = re.compile(r"(?:^|\s)(" + "|".join(NATIONS) + r")$")
_NAME = r"(?:(?!The\b|This\b|By\b|For\b|Report\b|Review\b)[A-Z][\w'’.-]*|and|of|upon)"
AREA = re.compile(
    rf"\b(?:{_NAME} )*?(?:(?:[A-Z][\w'’.-]*) )"
    r"(?:Safeguarding Children(?:['’]s)? (?:Partnership|Board)|Children(?:['’]s)? Safeguarding"
    r" (?:Partnership|Board)|Safeguarding (?:Partnership|Board)|Child Protection Committee"
    r"|Public Protection Committee)\b"
)
# Body names and laws that place a review, most specific first.
NATION_CUES = (
    (re.compile(r"\b(?:Child|Public) Protection Committee\b|\bPolice Scotland\b"), "Scotland"),
    (re.compile(r"\bRegional Safeguarding (?:Children )?Board\b|\(Wales\) Act\b"), "Wales"),
    (re.compile(r"\bSafeguarding Board for Northern Ireland\b"), "Northern Ireland"),
    (
        re.compile(r"\bSafeguarding Children Partnership\b|\bLocal Safeguarding Children Board\b"),
        "England",
    ),
)
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
)
_THIS_REPORT = re.compile(r"\bthis (?:report|review)\b", re.I)
_PUBLISHED = re.compile(
    r"\b(?:published|publication date|date of publication|date published)\b[:\s]*"
    rf"(?:on |in )?(?:\d{{1,2}}(?:st|nd|rd|th)? )?(?:{_MONTH},? )?((?:19|20)\d\d)\b",
    re.I,
)


def find_review_type(units: list[Unit]) -> MetadataValue:
    """The title page's review type, else the body's "this ... review", else null."""
    title = [u for u in units if u.title]
    for pattern, scope in ((_TYPE, title), (_SELF, units), (_COMMISSIONED, units)):
        for unit in scope:
            if match := pattern.search(unit.text):
                return found(match.group(1).lower(), unit, *match.span())
    for unit in title:
        if match := _TITLE_REVIEW.search(unit.text):
            return found(OTHER, unit, *match.span())
    return MetadataValue()


def find_nation(units: list[Unit], review_type: MetadataValue) -> MetadataValue:
    """A nation named on the title page, else the one its review type or body names imply."""
    for unit in units:
        if unit.title and (match := _TITLE_NATION.search(unit.text)):
            return found(match.group(1), unit, *match.span(1))
    nation = NATION_OF_TYPE.get(str(review_type.value))
    if nation:
        return MetadataValue(nation, review_type.evidence, review_type.page)
    for unit in units:
        for pattern, nation in NATION_CUES:
            if match := pattern.search(unit.text):
                return found(nation, unit, *match.span())
    return MetadataValue()


def find_area(units: list[Unit]) -> MetadataValue:
    """The partnership, board or committee, from the title page first."""
    for unit in sorted(units, key=lambda u: not u.title):
        if match := AREA.search(unit.text):
            name = re.sub(r"^(?:and|of|upon) ", "", match.group())
            return found(name, unit, *match.span())
    return MetadataValue()


def find_year(units: list[Unit]) -> MetadataValue:
    """The year after "Published" on the title page, or in a sentence about this report."""
    for unit in sorted(units, key=lambda u: not u.title):
        if not unit.title and not _THIS_REPORT.search(unit.text):
            continue  # "Working Together, published in 2018, ..." dates another document
        if match := _PUBLISHED.search(unit.text):
            return found(int(match.group(1)), unit, *match.span())
    return MetadataValue()
