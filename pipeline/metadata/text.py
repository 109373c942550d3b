"""What the metadata rules read: title-page lines and sentences, each with its page."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.records import MetadataValue, Page, Sentence
from pipeline.segment import is_heading, iter_paragraphs

MAX_TITLE_WORDS = 14  # a longer paragraph on page 1 is body text, not a title-page line
MAX_SNIPPET = 300  # longer sentences are cut to a window around the match
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“‘(])")

NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
}  # fmt: skip
_UNITS = "one|two|three|four|five|six|seven|eight|nine"
_TEENS = "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
NUMBER = rf"(?:\d{{1,2}}|(?:twenty|thirty|forty|fifty)(?:[- ](?:{_UNITS}))?|{_TEENS}|{_UNITS})"


@dataclass(frozen=True)
class Unit:
    """A title-page line or a sentence: the smallest text a rule quotes as evidence."""

    page: int
    text: str
    title: bool = False


def text_units(pages: list[Page], sentences: list[Sentence]) -> list[Unit]:
    """Short lines of the first page, then every sentence (split here if none are given)."""
    if not pages:
        return []
    first = pages[0]
    units = [
        Unit(first.number, " ".join(text.split()), title=True)
        for _, text in iter_paragraphs(first)
        if len(text.split()) <= MAX_TITLE_WORDS
    ]
    if sentences:
        return units + [Unit(s.page, s.text) for s in sentences]
    for page in pages:
        for _, text in iter_paragraphs(page):
            if not is_heading(text):
                units += [Unit(page.number, t) for t in _SENTENCE_END.split(" ".join(text.split()))]
    return units


def found(value: str | int, unit: Unit, start: int, end: int) -> MetadataValue:
    """A value with its evidence: the unit's text, or a verbatim window around the match."""
    text = unit.text
    if len(text) > MAX_SNIPPET:
        left = max(0, start - (MAX_SNIPPET - (end - start)) // 2)
        right = min(len(text), left + MAX_SNIPPET)
        left = text.rfind(" ", 0, left) + 1 if left else 0
        cut = text.find(" ", right)
        text = text[left : cut if cut != -1 else len(text)]
    return MetadataValue(value, text, unit.page)


def parse_number(text: str) -> int:
    """'14', 'fourteen' or 'twenty-four' as an int."""
    if text.isdigit():
        return int(text)
    return sum(NUMBERS[word] for word in re.split(r"[- ]", text.lower()))
