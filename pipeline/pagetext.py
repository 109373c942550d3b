"""Lines to page text: drop running headers and page numbers, mark headings, build paragraphs."""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from pipeline.layout import LIGATURES, Line

BAND = 0.1  # top and bottom share of the page where running headers and footers sit
MIN_RUNNING_PAGES = 3  # shorter documents have too few pages to tell what repeats
RUNNING_SHARE = 0.5  # a running line repeats on at least this share of pages...
LONG_DOCUMENT = 12  # ...or, from this many pages, on a quarter (long reports carry
LONG_RUNNING_SHARE = 0.25  # many full-page maps and figures without the header)
HEADING_SIZE_RATIO = 1.15  # "clearly larger" than the body font
HEADING_MAX_WORDS = 12  # a bold line this short is a heading, a longer one emphasis
PARAGRAPH_GAP = 1.4  # a gap above this many typical line spacings starts a paragraph
GAP_NOISE = 0.01  # points: pdfminer and PDFium place one line a few 1e-6 pt apart
DEFAULT_PITCH = 1.2  # line spacing in font sizes when a page has too few lines to measure

PAGE_NUMBER = re.compile(
    r"(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?"  # 3, Page 3, Page 3 of 14, 3/14
    r"|[-–—]\s*\d{1,4}\s*[-–—]"  # - 3 -
    r"|\d{1,4}\s*\|\s*page|page\s*\|\s*\d{1,4}"  # 3 | Page
    r"|[ivxlc]{1,7}|[IVXLC]{1,7}",  # roman numbers of front matter
    re.IGNORECASE,
)
BULLET = re.compile(r"[•●▪■◦‣∙\uf0a7\uf0b7\uf0d8\uf076]\s")
SENTENCE_END = re.compile(r"[.!?:;][\"'’”)\]]*$")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

# Line-end hyphens. A line ending in "letter-" whose next line starts lower-case is a
# word broken by the typesetter ("assess-" + "ment"), so the hyphen goes, unless the
# part before it is a prefix that keeps its hyphen ("pre-" + "birth", "co-" + "sleeping").
# Each prefix lists the starts of the second part that instead make one closed word
# ("inter-" + "vention", "sub-" + "stance", "co-" + "ercive", "mid-" + "wife"), words
# that turn up in case reviews. "ex" keeps its hyphen only before a listed person noun,
# as "ex-" + "perience" is far more common than "ex-" + "partner".
HYPHEN_PREFIXES: dict[str, tuple[str, ...]] = {
    prefix: tuple(closed.split())
    for prefix, closed in {
        "anti": "cipat que",
        "co": "erc here hes hort incid",
        "cross": "",
        "half": "",
        "inter": "act cept change course est fer im ior medi mitt nal nation net pret rupt "
        "section val ven view",
        "mid": "day dle night st wi",
        "multi": "ple pli ply tude",
        "non": "sense",
        "post": "er pone ulat ure",
        "pre": "caut cede cise dict domin fer limin matur mise par scri sence sent serv ssure "
        "vail ven view vious",
        "self": "",
        "semi": "",
        "step": "",
        "sub": "ject miss mit ordin scri sequen sid sist stan stitu tle tract urb way",
        "well": "",
    }.items()
}
EX_NOUNS = ("partner", "husband", "wife", "wives", "boyfriend", "girlfriend", "spouse", "offender")
# Whole words that no typesetter splits after, so a hyphen after them is real.
HYPHEN_WORDS = frozenset({"decision", "risk", "family", "face", "one", "two", "three", "four"})


@dataclass(frozen=True, slots=True)
class PageLines:
    """One page's lines in reading order, before they become text."""

    number: int
    height: float
    lines: tuple[Line, ...]
    has_images: bool


def drop_running_lines(pages: Sequence[PageLines]) -> list[PageLines]:
    """Remove page numbers and lines repeated in the top or bottom band of most pages."""
    repeated = _running_keys(pages) if len(pages) >= MIN_RUNNING_PAGES else set()
    return [
        PageLines(
            page.number,
            page.height,
            tuple(line for line in page.lines if not _is_running(line, page.height, repeated)),
            page.has_images,
        )
        for page in pages
    ]


def _running_keys(pages: Sequence[PageLines]) -> set[str]:
    counts = Counter(
        key
        for page in pages
        for key in {_key(line.text) for line in page.lines if _in_band(line, page.height)}
    )
    share = LONG_RUNNING_SHARE if len(pages) >= LONG_DOCUMENT else RUNNING_SHARE
    needed = max(2, math.ceil(share * len(pages)))
    return {key for key, count in counts.items() if count >= needed}


def _key(text: str) -> str:
    """Text with numbers as '#', so "Page 3 of 9" and "Page 4 of 9" match."""
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def _in_band(line: Line, height: float) -> bool:
    return line.top < BAND * height or line.bottom > (1 - BAND) * height


def _is_running(line: Line, height: float, repeated: set[str]) -> bool:
    if not _in_band(line, height):
        return False
    return bool(PAGE_NUMBER.fullmatch(line.text.strip())) or _key(line.text) in repeated


def body_size(pages: Sequence[PageLines]) -> float:
    """The font size that carries most of the document's characters."""
    sizes: Counter[float] = Counter()
    for page in pages:
        for line in page.lines:
            sizes[round(line.size * 2) / 2] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def page_text(lines: Sequence[Line], body: float) -> str:
    """Paragraphs of a page separated by one blank line."""
    texts = (
        clean_paragraph(join_lines([line.text for line in p])) for p in paragraphs(lines, body)
    )
    return "\n\n".join(text for text in texts if text)


def paragraphs(lines: Sequence[Line], body: float) -> list[list[Line]]:
    """Group lines into paragraphs by vertical gap; a heading stands alone."""
    pitch = _pitch(lines)
    groups: list[list[Line]] = []
    for line in lines:
        if groups and not _starts_paragraph(groups[-1][-1], line, body, pitch):
            groups[-1].append(line)
        else:
            groups.append([line])
    return groups


def _pitch(lines: Sequence[Line]) -> float:
    """Typical baseline-to-baseline distance, in font sizes."""
    ratios = [
        (b.top - a.top) / a.size
        for a, b in pairwise(lines)
        if a.flow == b.flow
        and a.size == b.size
        and a.size > 0
        and 0.8 < (b.top - a.top) / a.size < 3
    ]
    return statistics.median(ratios) if len(ratios) >= 3 else DEFAULT_PITCH


def _starts_paragraph(prev: Line, line: Line, body: float, pitch: float) -> bool:
    prev_heading, heading = is_heading(prev, body), is_heading(line, body)
    if prev_heading or heading:
        return not (
            prev_heading and heading and _same_style(prev, line) and _near(prev, line, pitch)
        )
    if prev.flow != line.flow:  # text runs on from one column to the next
        return bool(SENTENCE_END.search(prev.text))
    if line.top - prev.top <= 0.5 * prev.size:  # another piece of the same row
        return False
    return (
        not _near(prev, line, pitch) or not _same_size(prev, line) or bool(BULLET.match(line.text))
    )


def _near(prev: Line, line: Line, pitch: float) -> bool:
    # A gap at the threshold starts a paragraph, whatever float noise each parser adds.
    limit = PARAGRAPH_GAP * pitch * prev.size - GAP_NOISE
    return prev.flow == line.flow and 0 < line.top - prev.top < limit


def _same_size(a: Line, b: Line) -> bool:
    return abs(a.size - b.size) <= 0.15 * max(a.size, b.size)


def _same_style(a: Line, b: Line) -> bool:
    return a.bold == b.bold and abs(a.size - b.size) < 0.5


def is_heading(line: Line, body: float) -> bool:
    """Clearly larger than the body font, or bold and short."""
    if not any(c.isalpha() for c in line.text):
        return False
    if body and line.size >= HEADING_SIZE_RATIO * body and line.size - body >= 1:
        return True
    return line.bold and len(line.text.split()) <= HEADING_MAX_WORDS


def join_lines(lines: Sequence[str]) -> str:
    """Lines of one paragraph as one line, mending words hyphenated at line ends."""
    text = ""
    for line in (stripped for raw in lines if (stripped := raw.strip())):
        text = _join(text, line) if text else line
    return text


def _join(left: str, right: str) -> str:
    if left.endswith("\u00ad"):  # soft hyphen: always a typesetter's break
        return left[:-1] + right
    token = left.rsplit(None, 1)[-1]
    if len(token) < 2 or token[-1] != "-" or not token[-2].isalpha():
        return f"{left} {right}"
    if not right[0].islower() or keeps_hyphen(token[:-1], right):
        return left + right  # "Anglo-" + "Saxon", "pre-" + "birth"
    return left[:-1] + right


def keeps_hyphen(stem: str, right: str) -> bool:
    """Whether "stem-" at a line end is a real hyphen before ``right``; see HYPHEN_PREFIXES."""
    if stem.isupper() and len(stem) > 1:  # "FAA-" + "approved", "CAMHS-" + "led"
        return True
    stem, right = stem.lower(), right.lower()
    if "-" in stem or stem in HYPHEN_WORDS:  # "mother-in-" + "law" is already a compound
        return True
    if stem == "ex":
        return right.startswith(EX_NOUNS)
    closed = HYPHEN_PREFIXES.get(stem)
    return closed is not None and not right.startswith(closed)


def clean_paragraph(text: str) -> str:
    """One paragraph: no control characters or ligatures, single spaces."""
    text = CONTROL.sub(" ", text.replace("\u00ad", "")).translate(LIGATURES)
    return " ".join(text.split())


def text_to_paragraphs(text: str) -> str:
    """Plain text to the page contract: blank-line paragraphs, lines joined with spaces."""
    blocks = re.split(r"\n[ \t\x0b\r]*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    texts = (clean_paragraph(join_lines(block.split("\n"))) for block in blocks)
    return "\n\n".join(text for text in texts if text)
