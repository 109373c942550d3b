"""Page geometry: words to lines in reading order, with columns read one after another.

Pure functions over plain records; ``extract.py`` turns pdfplumber's words into ``Word``s.
"""

from __future__ import annotations

import math
import statistics
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import groupby, pairwise
from operator import attrgetter

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
MAX_GRID_CELLS = 1_000_000  # rows times page width taken at once when finding gutters
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
    row: list[Word] = []
    top = bottom = middle = math.nan  # the anchor's: the row's first word
    for word in sorted(words, key=attrgetter("top", "x0")):
        # Either centre inside the other's box: superscripts join their line.
        centre = (word.top + word.bottom) / 2
        if top <= centre <= bottom or word.top <= middle <= word.bottom:
            row.append(word)  # the anchor stays: a taller word must not chain rows
        else:
            row = [word]
            rows.append(row)
            top, bottom, middle = word.top, word.bottom, word.middle
    return [sorted(row, key=attrgetter("x0")) for row in rows]


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
    step = max(1, MAX_GRID_CELLS // size)
    for first in range(0, len(rows), step):  # a block of rows at once, in bounded memory
        block = rows[first : first + step]
        uncovered = ~_covered(block, size)
        xs = np.arange(size)
        lefts_of = uncovered & (xs > np.array([row[0].x0 for row in block])[:, None])
        rights_of = uncovered & (xs < np.array([row[-1].x1 for row in block])[:, None])
        for row, clear, left, right in zip(block, uncovered, lefts_of, rights_of, strict=True):
            either = left | right
            lefts *= clear  # a word at x ends the run there
            lefts += left
            rights *= clear
            rights += right
            np.copyto(first_top, np.nan, where=~clear)
            np.copyto(first_top, row[0].top, where=either & np.isnan(first_top))
            sides = np.minimum(lefts, rights)
            grown = either & (sides >= MIN_GUTTER_ROWS)
            if grown.any():
                bottom = max(w.bottom for w in row)
                np.copyto(best, np.maximum(best, bottom - first_top), where=grown)
                np.maximum(best_rows, np.where(grown, sides, 0), out=best_rows)
    return best, best_rows


def _covered(rows: Sequence[Sequence[Word]], size: int) -> np.ndarray:
    """Which whole x in ``range(size)`` each row's words cover: [int(x0), ceil(x1)] each."""
    x0 = np.array([w.x0 for row in rows for w in row])
    x1 = np.array([w.x1 for row in rows for w in row])
    if not (np.isfinite(x0).all() and np.isfinite(x1).all()):
        for row in rows:  # int() and ceil() raise on these as they always did
            for w in row:
                int(w.x0), math.ceil(w.x1)
    number = np.repeat(np.arange(len(rows)), [len(row) for row in rows])
    start = np.minimum(np.maximum(0.0, np.trunc(x0)), size).astype(np.int64)
    end = np.minimum(np.maximum(0.0, np.ceil(x1)) + 1, size).astype(np.int64)
    inside = start < end
    edges = np.zeros((len(rows), size + 1), dtype=np.int32)
    np.add.at(edges, (number[inside], start[inside]), 1)
    np.add.at(edges, (number[inside], end[inside]), -1)
    return np.cumsum(edges[:, :size], axis=1) > 0


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
    middles = [(a + b) / 2 for a, b in gutters]
    ordered = middles == sorted(middles)  # gutters come left to right: bisect finds the column
    for row in rows:
        parts: list[list[Word]] = [[] for _ in columns]
        for word in row:
            centre = (word.x0 + word.x1) / 2
            if ordered:
                parts[bisect_left(middles, centre)].append(word)
            else:
                parts[sum(centre > middle for middle in middles)].append(word)
        for column, part in zip(columns, parts, strict=True):
            if part:
                column.append(part)
    return [
        line
        for index, column in enumerate(columns)
        for part in column
        for line in _segments(part, (block, index))
    ]


def _segments(row: Sequence[Word], flow: tuple[int, int]) -> list[Line]:
    """Split a row at wide gaps, so a running header and its page number part."""
    piece = [row[0]]
    pieces = [piece]
    for prev, word in pairwise(row):
        larger = word.size if word.size > prev.size else prev.size  # as max(prev, word)
        if word.x0 - prev.x1 > SEGMENT_GAP_EMS * larger:
            piece = []
            pieces.append(piece)
        piece.append(word)
    return [make_line(piece, flow) for piece in pieces]


def make_line(words: Sequence[Word], flow: tuple[int, int]) -> Line:
    """One line from words left to right; pieces that touch join without a space."""
    parts = [words[0].text]
    for prev, word in pairwise(words):
        if not word.x0 - prev.x1 < JOIN_GAP_EMS * prev.size:  # not >=: a NaN gap is a space
            parts.append(" ")
        parts.append(word.text)
    letters = [w for w in words if any(map(str.isalpha, w.text))] or list(words)
    return Line(
        text="".join(parts).translate(LIGATURES),
        x0=words[0].x0,
        x1=max(map(_X1, words)),
        top=min(map(_TOP, words)),
        bottom=max(map(_BOTTOM, words)),
        size=max(letters, key=_text_length).size,
        bold=all(w.bold for w in letters),
        flow=flow,
    )


_X1, _TOP, _BOTTOM = attrgetter("x1"), attrgetter("top"), attrgetter("bottom")


def _text_length(word: Word) -> int:
    return len(word.text)
