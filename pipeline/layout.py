"""Page geometry: words to lines in reading order, with columns read one after another.

Pure functions over plain records; ``extract.py`` turns pdfplumber's words into ``Word``s.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import groupby, pairwise

import numpy as np

# Explicit map: NFKC would also rewrite superscripts, fractions and full-width forms.
LIGATURES = str.maketrans(
    {
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\ufb05": "st",
        "\ufb06": "st",
    }
)
MAX_COLUMNS = 4
MIN_COLUMN_EMS = 12.0  # a narrower "column" is a table cell: tables read row by row
MIN_GUTTER_HEIGHT = 0.4  # a gutter stays clear over this share of the text height...
MIN_GUTTER_LINES = 8  # ...or beside this many lines (columns under a figure)
MIN_GUTTER_ROWS = 3  # rows with text on both sides of a gutter, at the least
MIN_GUTTER_EMS = 0.6  # narrower clear bands are chance alignments of word gaps
SEGMENT_GAP_EMS = 2.0  # a wider gap inside a row splits it (form fields, header + page number)
JOIN_GAP_EMS = 0.1  # pieces of one word split by a font change nearly touch

Gutter = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Word:
    """One word with its box (points from the page's top left) and font."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool

    @property
    def middle(self) -> float:
        """Vertical centre."""
        return (self.top + self.bottom) / 2


@dataclass(frozen=True, slots=True)
class Line:
    """A run of words on one baseline inside one column."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    flow: tuple[int, int]  # (block, column): lines of one flow read top to bottom


def turned_word(word: Word, direction: str, width: float, height: float) -> Word | None:
    """A word of sideways text in the coordinates of the page turned to read it.

    ``direction`` is the way the text runs down the page as drawn: "ttb" (the page is
    turned a quarter clockwise to read it) or "btt" (a quarter anticlockwise).
    """
    if direction == "ttb":
        return replace(
            word, x0=word.top, x1=word.bottom, top=width - word.x1, bottom=width - word.x0
        )
    if direction == "btt":
        return replace(
            word, x0=height - word.bottom, x1=height - word.top, top=word.x0, bottom=word.x1
        )
    return None


def lines_in_reading_order(words: Sequence[Word], width: float) -> list[Line]:
    """Lines of a page: full-width rows in place, each column block read column by column."""
    rows = group_rows(words)
    gutters = find_gutters(rows, width)
    lines: list[Line] = []
    block: list[list[Word]] = []
    flow, spanning = 0, None
    for row in rows:
        crosses = _crosses(row, gutters)
        if spanning is not None and crosses != spanning:
            lines += _column_lines(block, gutters, flow)
            block, flow = [], flow + 1
        spanning = crosses
        if crosses:
            lines += _segments(row, (flow, 0))
        else:
            block.append(row)
    return lines + _column_lines(block, gutters, flow)


def group_rows(words: Sequence[Word]) -> list[list[Word]]:
    """Words that share a baseline band, top to bottom, each row left to right."""
    rows: list[list[Word]] = []
    anchor: Word | None = None
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        if anchor is not None and _same_row(anchor, word):
            rows[-1].append(word)  # the anchor stays: a taller word must not chain rows
        else:
            rows.append([word])
            anchor = word
    return [sorted(row, key=lambda w: w.x0) for row in rows]


def _same_row(a: Word, b: Word) -> bool:
    # Either centre inside the other's box: superscripts join their line.
    return a.top <= b.middle <= a.bottom or b.top <= a.middle <= b.bottom


def find_gutters(rows: Sequence[Sequence[Word]], width: float) -> list[Gutter]:
    """Vertical bands between text columns: clear of words down most of the text height."""
    if len(rows) < 2 * MIN_GUTTER_ROWS:
        return []
    em = statistics.median(w.size for row in rows for w in row) or 10.0
    left = min(row[0].x0 for row in rows)
    right = max(row[-1].x1 for row in rows)
    height = max(w.bottom for row in rows for w in row) - min(row[0].top for row in rows)
    reach, lines = _clear_runs(rows, width)
    xs = np.arange(reach.size)
    tall = (lines >= MIN_GUTTER_LINES) & (reach >= MIN_GUTTER_LINES * em)
    ok = (reach >= MIN_GUTTER_HEIGHT * height) | tall
    ok &= (xs > left + MIN_COLUMN_EMS * em) & (xs < right - MIN_COLUMN_EMS * em)
    cores = (_core(reach, a, b) for a, b in _runs(ok))
    gutters = [(a, b) for a, b in cores if b - a >= MIN_GUTTER_EMS * em]
    edges = [left, *(x for gutter in gutters for x in gutter), right]
    widths = [b - a for a, b in zip(edges[::2], edges[1::2], strict=True)]
    if len(widths) > MAX_COLUMNS or min(widths) < MIN_COLUMN_EMS * em:
        return []  # a grid of narrow cells is a table, not prose columns
    return gutters


def _clear_runs(rows: Sequence[Sequence[Word]], width: float) -> tuple[np.ndarray, np.ndarray]:
    """For each x, the tallest run of consecutive rows that no word crosses at x.

    Returns the run's height and how many of its rows have text on the less used side
    of x: columns need not share baselines, so a row may hold one column only.
    """
    size = max(1, math.ceil(width) + 1)
    best = np.zeros(size)
    best_rows = np.zeros(size, dtype=int)
    first_top = np.full(size, np.nan)
    lefts = np.zeros(size, dtype=int)
    rights = np.zeros(size, dtype=int)
    xs = np.arange(size)
    for row in rows:
        covered = np.zeros(size, dtype=bool)
        for w in row:
            covered[max(0, int(w.x0)) : max(0, math.ceil(w.x1)) + 1] = True
        first_top[covered] = np.nan
        lefts[covered] = 0
        rights[covered] = 0
        left, right = ~covered & (xs > row[0].x0), ~covered & (xs < row[-1].x1)
        first_top[(left | right) & np.isnan(first_top)] = row[0].top
        lefts[left] += 1
        rights[right] += 1
        sides = np.minimum(lefts, rights)
        grown = (left | right) & (sides >= MIN_GUTTER_ROWS)
        bottom = max(w.bottom for w in row)
        best[grown] = np.maximum(best[grown], bottom - first_top[grown])
        best_rows[grown] = np.maximum(best_rows[grown], sides[grown])
    return best, best_rows


def _core(reach: np.ndarray, a: float, b: float) -> Gutter:
    """The part of a clear band where the column rows' gaps meet.

    Within a band, x ranges of equal clear height are plateaus; the gutter is the one
    with the largest area, not a sliver that a figure above happens to keep clear.
    """
    start, best, best_area = int(a), (a, b), -1.0
    for value, group in groupby(range(int(a), int(b)), key=lambda x: float(reach[x])):
        width = len(list(group))
        if width * value > best_area:
            best, best_area = (float(start), float(start + width)), width * value
        start += width
    return best


def _runs(mask: np.ndarray) -> list[Gutter]:
    """Maximal runs of True as (start, end) x ranges."""
    padded = np.concatenate(([False], mask, [False])).astype(int)
    changes = np.flatnonzero(np.diff(padded))
    return [(float(a), float(b)) for a, b in zip(changes[::2], changes[1::2], strict=True)]


def _crosses(row: Sequence[Word], gutters: Sequence[Gutter]) -> bool:
    """A word straddles a gutter's centre, or a gap narrower than the gutter does.

    Rows inside the columns have a gap at least as wide as the gutter, which is where
    their gaps overlap; a full-width row (title, running header) has word-sized gaps.
    """
    for a, b in gutters:
        centre = (a + b) / 2
        if any(w.x0 < centre < w.x1 for w in row):
            return True
        gaps = pairwise(row)
        if any(p.x1 <= centre <= w.x0 and w.x0 - p.x1 < 0.75 * (b - a) for p, w in gaps):
            return True
    return False


def _column_lines(rows: list[list[Word]], gutters: Sequence[Gutter], block: int) -> list[Line]:
    """Lines of a block of rows, the left column top to bottom, then the next."""
    columns: list[list[list[Word]]] = [[] for _ in range(len(gutters) + 1)]
    for row in rows:
        for index, column in enumerate(columns):
            part = [w for w in row if _column_of(w, gutters) == index]
            if part:
                column.append(part)
    return [
        line
        for index, column in enumerate(columns)
        for part in column
        for line in _segments(part, (block, index))
    ]


def _column_of(word: Word, gutters: Sequence[Gutter]) -> int:
    centre = (word.x0 + word.x1) / 2
    return sum(centre > (a + b) / 2 for a, b in gutters)


def _segments(row: Sequence[Word], flow: tuple[int, int]) -> list[Line]:
    """Split a row at wide gaps, so a running header and its page number part."""
    pieces: list[list[Word]] = [[row[0]]]
    for prev, word in pairwise(row):
        if word.x0 - prev.x1 > SEGMENT_GAP_EMS * max(prev.size, word.size):
            pieces.append([])
        pieces[-1].append(word)
    return [make_line(piece, flow) for piece in pieces]


def make_line(words: Sequence[Word], flow: tuple[int, int]) -> Line:
    """One line from words left to right; pieces that touch join without a space."""
    text = words[0].text
    for prev, word in pairwise(words):
        gap = word.x0 - prev.x1
        text += ("" if gap < JOIN_GAP_EMS * prev.size else " ") + word.text
    letters = [w for w in words if any(c.isalpha() for c in w.text)] or list(words)
    return Line(
        text=text.translate(LIGATURES),
        x0=words[0].x0,
        x1=max(w.x1 for w in words),
        top=min(w.top for w in words),
        bottom=max(w.bottom for w in words),
        size=max(letters, key=lambda w: len(w.text)).size,
        bold=all(w.bold for w in letters),
        flow=flow,
    )
