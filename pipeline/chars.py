"""Characters to words the way pdfplumber's ``extract_words`` makes them.

With the settings ``extract.py`` gives pdfplumber (x tolerance 0.15 of the font size,
words split at font changes), so the PDFium path hands ``layout`` the same words.
Pure functions over plain records; no parser is imported here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import cache
from itertools import groupby
from operator import attrgetter, itemgetter
from typing import Any, NamedTuple

import numpy as np

from pipeline.layout import LIGATURES, Word, turned_word

Y_TOLERANCE = 3.0  # points; pdfplumber's default for clustering chars into lines
X_TOLERANCE_RATIO = 0.15  # a gap wider than this share of the font size splits words
DUPLICATE_TOLERANCE = 1.0  # points, as in pdfplumber's dedupe_chars
BOLD_MARKERS = ("bold", "black", "heavy")
ALONG: dict[str, Callable[[Any], float]] = {  # position of a char along its line
    "ltr": attrgetter("x0"),
    "ttb": attrgetter("top"),
    "btt": lambda char: -char.bottom,
}


class Char(NamedTuple):
    """One character in points from the page's top left, in its text direction."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    font: str
    direction: str  # "ltr" for upright text; "ttb" or "btt" for text turned sideways


RUN_KEY = itemgetter(7, 5, 6)  # (direction, size, font): pdfplumber splits words at changes


def dedupe(chars: Sequence[Char]) -> list[Char]:
    """One char of each overprinted stack (fake bold prints every glyph twice), in order."""
    if not _may_overprint(chars):
        return list(chars)
    keep: set[int] = set()
    key = _duplicate_key
    by_id = sorted(range(len(chars)), key=lambda i: key(chars[i]))
    for _, group in groupby(by_id, key=lambda i: key(chars[i])):
        members = list(group)
        if len(members) == 1:
            keep.add(members[0])
            continue
        for row in _clusters(members, lambda i: chars[i].top, DUPLICATE_TOLERANCE):
            for stack in _clusters(row, lambda i: chars[i].x0, DUPLICATE_TOLERANCE):
                keep.add(min(stack, key=lambda i: (chars[i].top, chars[i].x0)))
    return [char for i, char in enumerate(chars) if i in keep]


def _may_overprint(chars: Sequence[Char]) -> bool:
    """Whether two like chars lie within the tolerance of each other (fast, no false "no").

    Two points at most 1 pt apart share a 2 pt grid cell for one of the grid's two
    offsets in each direction, so four sets of cells find every candidate pair.
    """
    if len(chars) < 2:
        return False
    texts, x0s, _, tops = list(zip(*chars, strict=False))[:4]
    codes = np.array([ord(text) for text in texts], dtype=np.int64) << 42
    x0, top = np.array(x0s), np.array(tops)
    for dx in (0.0, 1.0):
        column = ((x0 + dx) // 2).astype(np.int64) << 21
        for dy in (0.0, 1.0):
            cells = codes + column + ((top + dy) // 2).astype(np.int64)
            if np.unique(cells).size < len(chars):
                return True
    return False


def _duplicate_key(char: Char) -> tuple[str, str, str, float]:
    return (char.direction, char.text, char.font, char.size)


def _clusters(items: list[int], value: Any, tolerance: float) -> list[list[int]]:
    """pdfplumber's ``cluster_objects``: runs of sorted values no more than tolerance apart."""
    values = sorted(set(map(value, items)))
    index: dict[float, int] = {}
    cluster, last = 0, None
    for v in values:
        if last is not None and v > last + tolerance:
            cluster += 1
        index[v] = cluster
        last = v
    ordered = sorted(items, key=lambda i: index[value(i)])
    return [list(g) for _, g in groupby(ordered, key=lambda i: index[value(i)])]


def words_of(chars: Sequence[Char]) -> list[tuple[Word, str]]:
    """pdfplumber's word extraction: runs of one font and direction, split into lines by
    their top, each line left to right, split at spaces and gaps."""
    words: list[tuple[Word, str]] = []
    for (direction, _, _), run in groupby(chars, key=RUN_KEY):
        split = _split_upright if direction == "ltr" else _split
        for line in _lines(list(run), direction):
            words += ((_merge(w), direction) for w in split(line, direction))
    return words


def _lines(chars: list[Char], direction: str) -> list[list[Char]]:
    along = ALONG[direction]
    across = attrgetter("top") if direction == "ltr" else attrgetter("x0")
    values = [across(c) for c in chars]
    if max(values) - min(values) <= Y_TOLERANCE:  # one line: the common case
        return [sorted(chars, key=along)]
    rows = _clusters(list(range(len(chars))), values.__getitem__, Y_TOLERANCE)
    return [sorted((chars[i] for i in row), key=along) for row in rows]


def _split(line: list[Char], direction: str) -> Iterator[list[Char]]:
    word: list[Char] = []
    for char in line:
        if char.text.isspace():
            if word:
                yield word
            word = []
        elif word and _breaks(word[-1], char, direction):
            yield word
            word = [char]
        else:
            word.append(char)
    if word:
        yield word


def _split_upright(line: list[Char], direction: str) -> Iterator[list[Char]]:
    """``_split`` for upright text, inlined: the common case, once per character."""
    word: list[Char] = []
    prev = None
    for char in line:
        if char.text.isspace():
            if word:
                yield word
            word, prev = [], None
            continue
        if prev is not None and (
            char.x0 < prev.x0
            or char.x0 > prev.x1 + X_TOLERANCE_RATIO * prev.size
            or abs(char.top - prev.top) > Y_TOLERANCE
        ):
            yield word
            word = []
        word.append(char)
        prev = char
    if word:
        yield word


def _breaks(prev: Char, char: Char, direction: str) -> bool:
    gap = X_TOLERANCE_RATIO * prev.size
    if direction == "ltr":
        a, b, c, drift = prev.x0, prev.x1, char.x0, char.top - prev.top
    elif direction == "ttb":
        a, b, c, drift = prev.top, prev.bottom, char.top, char.x0 - prev.x0
    else:
        a, b, c, drift = -prev.bottom, -prev.top, -char.bottom, char.x0 - prev.x0
    return c < a or c > b + gap or abs(drift) > Y_TOLERANCE


def _merge(chars: list[Char]) -> Word:
    texts, x0s, x1s, tops, bottoms = list(zip(*chars, strict=False))[:5]
    return Word(
        text="".join(texts).translate(LIGATURES),
        x0=min(x0s),
        x1=max(x1s),
        top=min(tops),
        bottom=max(bottoms),
        size=chars[0].size,
        bold=_is_bold(chars[0].font),
    )


@cache
def _is_bold(font: str) -> bool:
    return any(marker in font.lower() for marker in BOLD_MARKERS)


def upright_words(
    words: list[tuple[Word, str]], width: float, height: float
) -> tuple[list[Word], float, float]:
    """Words of the page's main direction turned to read left to right, as in extract.py."""
    upright = sum(len(w.text) for w, d in words if d == "ltr")
    if 2 * upright >= sum(len(w.text) for w, _ in words):
        return [w for w, d in words if d == "ltr"], width, height
    turned = (turned_word(w, d, width, height) for w, d in words)
    return [w for w in turned if w is not None], height, width
