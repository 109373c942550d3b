"""Break paragraphs into lines and flow lines into columns and pages.

Line breaking is our own (greedy, with optional hyphenation) so the samples
control exactly which words are split at a line end.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth

from samplegen.hyphenate import break_points, needs_added_hyphen
from samplegen.markup import Heading, Paragraph, Review

PAGE_W, PAGE_H = A4
BODY_TOP = PAGE_H - 78  # baseline of the first body line
BODY_BOTTOM = 64  # no body baseline below this
HEADER_Y = PAGE_H - 42
FOOTER_Y = 32
PARA_GAP = 6.0
HEADING_GAP_BEFORE = 10.0
HEADING_GAP_AFTER = 5.0


@dataclass(frozen=True)
class Style:
    """Typography and page geometry of one sample."""

    body_font: str = "Times-Roman"
    body_size: float = 11.0
    leading: float = 15.0
    heading_font: str = "Helvetica-Bold"
    heading_size: float = 13.0
    header_font: str = "Helvetica"
    columns: int = 1
    margin: float = 72.0
    gutter: float = 24.0
    hyphenate: bool = True
    ligatures: bool = False
    fake_bold: bool = False

    def frames(self) -> list[tuple[float, float]]:
        """(x, width) of each body column on a page."""
        inner = PAGE_W - 2 * self.margin
        width = (inner - (self.columns - 1) * self.gutter) / self.columns
        return [(self.margin + i * (width + self.gutter), width) for i in range(self.columns)]

    def shape(self, text: str) -> str:
        """The string actually drawn: with fi/fl ligature glyphs if asked."""
        if self.ligatures:
            return text.replace("fi", "\ufb01").replace("fl", "\ufb02")
        return text


@dataclass(frozen=True)
class Run:
    x: float
    y: float
    text: str
    font: str
    size: float
    heading: bool = False


@dataclass
class Stats:
    hyphenated: int = 0  # words split with an added hyphen
    compound_breaks: int = 0  # compound words split after their own hyphen


@dataclass
class Laid:
    """Body pages (title page excluded) and the body page where each sentence starts."""

    pages: list[list[Run]] = field(default_factory=list)
    sentence_pages: list[int] = field(default_factory=list)  # 0-based body page
    stats: Stats = field(default_factory=Stats)


class _Cursor:
    def __init__(self, style: Style, laid: Laid) -> None:
        self.style, self.laid = style, laid
        self.frames = style.frames()
        self.column = 0
        self.y = BODY_TOP
        laid.pages.append([])

    @property
    def page(self) -> int:
        return len(self.laid.pages) - 1

    def room(self) -> float:
        return self.y - BODY_BOTTOM

    def advance(self) -> None:
        self.column += 1
        if self.column == len(self.frames):
            self.column = 0
            self.laid.pages.append([])
        self.y = BODY_TOP

    def put(self, text: str, font: str, size: float, heading: bool = False) -> None:
        x = self.frames[self.column][0]
        self.laid.pages[-1].append(Run(x, self.y, text, font, size, heading))


def lay_out(review: Review, style: Style) -> Laid:
    """Place every heading and paragraph of ``review``; number headings 1, 2, 3."""
    laid = Laid()
    cursor = _Cursor(style, laid)
    number = 0
    for block in review.blocks:
        if isinstance(block, Heading) and block.level == 1:
            number += 1
            _place_heading(cursor, f"{number}. {block.text}", cursor.style.heading_size)
        elif isinstance(block, Heading):
            _place_heading(cursor, block.text, cursor.style.heading_size - 2)
        else:
            _place_paragraph(cursor, block)
    return laid


def _place_heading(cursor: _Cursor, text: str, size: float) -> None:
    style = cursor.style
    at_top = cursor.y == BODY_TOP
    need = (0 if at_top else HEADING_GAP_BEFORE) + size + 2 * style.leading
    if cursor.room() < need:
        cursor.advance()
        at_top = True
    if not at_top:
        cursor.y -= HEADING_GAP_BEFORE
    cursor.put(text, style.heading_font, size, heading=True)
    cursor.y -= size + HEADING_GAP_AFTER


def _place_paragraph(cursor: _Cursor, paragraph: Paragraph) -> None:
    style, laid = cursor.style, cursor.laid
    first_sentence = len(laid.sentence_pages)
    tokens = [
        (word, first_sentence + i)
        for i, sentence in enumerate(paragraph.sentences)
        for word in sentence.text.split()
    ]
    width = cursor.frames[cursor.column][1]
    lines = wrap_tokens(tokens, width, _measure(style), style.hyphenate, laid.stats)
    for text, starts in lines:
        if cursor.room() < 0:
            cursor.advance()
        laid.sentence_pages.extend(cursor.page for _ in starts)
        cursor.put(text, style.body_font, style.body_size)
        cursor.y -= style.leading
    cursor.y -= PARA_GAP


def _measure(style: Style) -> Callable[[str], float]:
    return lambda text: stringWidth(style.shape(text), style.body_font, style.body_size)


def wrap_tokens(
    tokens: list[tuple[str, int]],
    width: float,
    measure: Callable[[str], float],
    hyphenate: bool,
    stats: Stats,
) -> list[tuple[str, list[int]]]:
    """Greedy line breaking; returns (line text, sentences starting on it)."""
    lines: list[tuple[str, list[int]]] = []
    words: list[str] = []
    starts: list[int] = []
    seen: set[int] = set()
    queue = list(tokens)
    while queue:
        word, sentence = queue.pop(0)
        candidate = " ".join([*words, word])
        if not words or measure(candidate) <= width:
            words.append(word)
            if sentence not in seen:
                seen.add(sentence)
                starts.append(sentence)
            continue
        split = _split_to_fit(word, " ".join(words), width, measure) if hyphenate else None
        if split:
            head, tail, added = split
            words.append(head)
            queue.insert(0, (tail, sentence))
            if added:
                stats.hyphenated += 1
            else:
                stats.compound_breaks += 1
            if sentence not in seen:
                seen.add(sentence)
                starts.append(sentence)
        else:
            queue.insert(0, (word, sentence))
        lines.append((" ".join(words), starts))
        words, starts = [], []
    if words:
        lines.append((" ".join(words), starts))
    return lines


def _split_to_fit(
    word: str, line: str, width: float, measure: Callable[[str], float]
) -> tuple[str, str, bool] | None:
    """Longest head of ``word`` (with its hyphen) that still fits after ``line``."""
    for point in reversed(break_points(word)):
        added = needs_added_hyphen(word, point)
        head = word[:point] + ("-" if added else "")
        if measure(f"{line} {head}") <= width:
            return head, word[point:], added
    return None
