"""Is a document a child case review, or a report about one? If not, no theme counts.

An archive folder holds action plans, minutes, briefings and letters beside the reviews,
and a misfiled PDF (a transport plan, a research paper) can be anywhere. Their sentences
can look like findings to a sentence tagger, so the document as a whole is checked first,
with the phrases of the taxonomy's ``document_check``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from pipeline.taxonomy import DocumentCheck

NOT_A_REVIEW = "not_a_review"  # the flag in a document's warnings
TITLE_LINES = 3  # the first non-empty lines of the first page: a document's title block


def check_scope(pages: Iterable[str], check: DocumentCheck | None) -> str | None:
    """None for a review (or with no check); else why the document is not one, in words."""
    if check is None:
        return None
    texts = list(pages)
    title = _title_lines(texts[0] if texts else "")
    for line in title:
        other = _title_match(line, check.other_titles)
        if other:
            return f"its title names another kind of document ({other})"
    text = "\n".join(texts)
    if len(FORM_CHOICES.findall(text)) >= FORM_MIN_CHOICES:
        return "it reads as a form to fill in (yes/no boxes), not a report"
    if check.case_terms and not _pattern(check.case_terms).search(text):
        return "it mentions no case review, inquest, or child's death or serious harm"
    if check.child_terms and not (_pattern(check.child_terms).search(text) or _names_a_minor(text)):
        return "it mentions no child"
    return None


def scope_warning(reason: str) -> str:
    """The flag written into the document's warnings."""
    return f"{NOT_A_REVIEW}: {reason}"


def not_a_review(warnings: str | None) -> str | None:
    """Why a document is out of scope, from its warnings; None for a review."""
    for warning in (warnings or "").split("; "):
        if warning.startswith(f"{NOT_A_REVIEW}: "):
            return warning.removeprefix(f"{NOT_A_REVIEW}: ")
    return None


def _title_lines(first_page: str) -> list[str]:
    lines = [" ".join(line.split()).lower() for line in first_page.splitlines()]
    return [line for line in lines if line][:TITLE_LINES]


def _title_match(line: str, titles: tuple[str, ...]) -> str | None:
    """The title word a line starts or ends with ("Action plan: ...", "... Minutes")."""
    bare = line.strip(" .:;,-–—|")
    for title in titles:
        if re.match(rf"{re.escape(title)}\b", bare) or re.search(rf"\b{re.escape(title)}$", bare):
            return title
    return None


# "aged 15", "age 12 years", "a 14-year-old", "three year-old": an age under 18 names a
# child in any wording
NUMBERS = [
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
]
AGE = re.compile(
    rf"\b(?:aged?|age of)\s+(\d{{1,2}})\b|\b(\d{{1,2}}|{'|'.join(NUMBERS)})[- ]years?[- ]old\b",
    re.IGNORECASE,
)
# a form to fill in ("Criminal charges filed? Yes No"), not a report
FORM_CHOICES = re.compile(r"\bYes\s+No\b")
FORM_MIN_CHOICES = 3


def _names_a_minor(text: str) -> bool:
    for match in AGE.finditer(text):
        number = match.group(1) or match.group(2)
        if not number.isdigit() or int(number) < 18:
            return True
    return False


@lru_cache(maxsize=8)
def _pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """Any of the phrases (or their plurals), on whole words, ignoring case and spacing."""
    words = [r"\s+".join(re.escape(w) for w in phrase.split()) for phrase in phrases]
    return re.compile(rf"\b(?:{'|'.join(words)})(?:s|es)?\b", re.IGNORECASE)
