"""Characters to words the way pdfplumber's ``extract_words`` makes them.

With the settings ``extract.py`` gives pdfplumber (x tolerance 0.15 of the font size,
words split at font changes), so the PDFium path hands ``layout`` the same words.
Pure functions over plain records; no parser is imported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import NamedTuple

import numpy as np

from pipeline.layout import LIGATURES, Word, turned_word

Y_TOLERANCE = 3.0  # points; pdfplumber's default for clustering chars into lines
X_TOLERANCE_RATIO = 0.15  # a gap wider than this share of the font size splits words
DUPLICATE_TOLERANCE = 1.0  # points, as in pdfplumber's dedupe_chars
BOLD_MARKERS = ("bold", "black", "heavy")


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


Style = tuple[str, float, str]  # (direction, size, font): pdfplumber splits words at changes


class Columns(NamedTuple):
    """A page's characters as arrays, for the vectorised word and duplicate passes."""

    text: str  # one code point a char
    x0: np.ndarray
    x1: np.ndarray
    top: np.ndarray
    bottom: np.ndarray
    style: np.ndarray  # index into ``styles``
    styles: list[Style]  # distinct

    def sizes(self) -> np.ndarray:
        """Each char's font size."""
        return np.array([size for _, size, _ in self.styles], dtype=float)[self.style]

    def codes(self) -> np.ndarray:
        """Each char's code point."""
        return np.frombuffer(self.text.encode("utf-32-le", "surrogatepass"), dtype="<u4")

    def spaces(self) -> np.ndarray:
        """Which chars are white space."""
        return np.fromiter(map(str.isspace, self.text), dtype=bool, count=len(self.text))

    def runs(self) -> np.ndarray:
        """Run ids: a run is a stretch of chars of one style."""
        return np.concatenate(([0], np.cumsum(self.style[1:] != self.style[:-1])))

    def take(self, keep: np.ndarray) -> Columns:
        """The chars where ``keep`` is True."""
        text = "".join(char for char, k in zip(self.text, keep.tolist(), strict=True) if k)
        x0, x1, top, bottom = (self.x0[keep], self.x1[keep], self.top[keep], self.bottom[keep])
        return Columns(text, x0, x1, top, bottom, self.style[keep], self.styles)


def columns_of(chars: Sequence[Char]) -> Columns:
    """The characters as columns; each char's text is one code point."""
    ids: dict[Style, int] = {}
    style = [ids.setdefault((c.direction, c.size, c.font), len(ids)) for c in chars]
    return Columns(
        "".join(c.text for c in chars),
        np.array([c.x0 for c in chars], dtype=float),
        np.array([c.x1 for c in chars], dtype=float),
        np.array([c.top for c in chars], dtype=float),
        np.array([c.bottom for c in chars], dtype=float),
        np.array(style, dtype=np.int64),
        list(ids),
    )


def dedupe(chars: Sequence[Char]) -> list[Char]:
    """One char of each overprinted stack (fake bold prints every glyph twice), in order."""
    if not chars:
        return []
    keep = kept(columns_of(chars))
    return [char for char, kept_ in zip(chars, keep.tolist(), strict=True) if kept_]


def kept(columns: Columns) -> np.ndarray:
    """Which chars ``dedupe`` keeps: pdfplumber's ``dedupe_chars`` clustering, vectorised.

    Like chars (direction, text, font, size) cluster by top, then by x0, within 1 pt
    (chained, as ``cluster_objects``); each stack keeps its topmost, then leftmost, then
    first char. A page whose like chars all lie over 1 pt apart (``_may_overprint``)
    keeps every char, whatever the chained clusters say, as it always has.
    """
    c = columns
    n = len(c.text)
    if n < 2:
        return np.ones(n, dtype=bool)
    codes = c.codes().astype(np.int64)
    group = (c.style << 21) | codes
    everything = np.ones(n, dtype=bool)
    rows = _cluster_ids(group, c.top, DUPLICATE_TOLERANCE)
    if rows.max() == n:  # ids count up from 1: every row a single char
        return everything
    stacks = _cluster_ids(rows, c.x0, DUPLICATE_TOLERANCE)
    if stacks.max() == n:
        return everything
    order = np.lexsort((c.x0, c.top, stacks))  # stable: ties keep the first char
    first = np.ones(n, dtype=bool)
    first[1:] = stacks[order][1:] != stacks[order][:-1]
    keep = np.zeros(n, dtype=bool)
    keep[order[first]] = True
    if keep.all() or not _may_overprint(codes, c.x0, c.top):
        return everything
    return keep


def _cluster_ids(group: np.ndarray, value: np.ndarray, tolerance: float) -> np.ndarray:
    """Within each group, ``cluster_objects`` over ``value``: one id per (group, cluster).

    Sorted values more than ``tolerance`` above the one before start a new cluster.
    """
    order = np.lexsort((value, group))
    g, v = group[order], value[order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = (g[1:] != g[:-1]) | (v[1:] > v[:-1] + tolerance)
    ids = np.empty(len(order), dtype=np.int64)
    ids[order] = np.cumsum(new)
    return ids


def _may_overprint(codes: np.ndarray, x0: np.ndarray, top: np.ndarray) -> bool:
    """Whether two like chars lie within the tolerance of each other.

    Two points at most 1 pt apart share a 2 pt grid cell for one of the grid's two
    offsets in each direction, so four sets of cells find every candidate pair.
    """
    if len(codes) < 2:
        return False
    shifted = codes << 42
    for dx in (0.0, 1.0):
        column = ((x0 + dx) // 2).astype(np.int64) << 21
        for dy in (0.0, 1.0):
            cells = shifted + column + ((top + dy) // 2).astype(np.int64)
            if np.unique(cells).size < len(codes):
                return True
    return False


def words_of(chars: Sequence[Char]) -> list[tuple[Word, str]]:
    """pdfplumber's word extraction: runs of one font and direction, split into lines by
    their top, each line left to right, split at spaces and gaps."""
    return words_from(columns_of(chars)) if chars else []


def words_from(columns: Columns) -> list[tuple[Word, str]]:
    """``words_of`` over columns, vectorised; each word with its text direction."""
    c = columns
    n = len(c.text)
    if not n:
        return []
    upright = np.array([d == "ltr" for d, _, _ in c.styles], dtype=bool)[c.style]
    down = np.array([d == "ttb" for d, _, _ in c.styles], dtype=bool)[c.style]
    start = np.where(upright, c.x0, np.where(down, c.top, -c.bottom))  # along the line
    end = np.where(upright, c.x1, np.where(down, c.bottom, -c.top))
    across = np.where(upright, c.top, c.x0)
    lines = _line_ids(c.runs(), across)
    order = np.lexsort((start, lines))  # stable, as sorting each line by ``start``
    start, end, across = start[order], end[order], across[order]
    space, line, size = c.spaces()[order], lines[order], c.sizes()[order]
    follows = np.zeros(n, dtype=bool)  # the char before is in the same word unless a gap
    follows[1:] = (line[1:] == line[:-1]) & ~space[:-1]
    gap = np.ones(n, dtype=bool)
    gap[1:] = (
        (start[1:] < start[:-1])
        | (start[1:] > end[:-1] + X_TOLERANCE_RATIO * size[:-1])
        | (np.abs(across[1:] - across[:-1]) > Y_TOLERANCE)
    )
    solid = ~space
    first = (~follows | gap)[solid]
    return _merged(c, order[solid], np.flatnonzero(first))


def _line_ids(run: np.ndarray, across: np.ndarray) -> np.ndarray:
    """Lines of each run: its chars clustered by ``across`` within ``Y_TOLERANCE``.

    A run spanning no more than the tolerance is one line, as in ``words_of`` before.
    """
    order = np.lexsort((across, run))
    r, v = run[order], across[order]
    bounds = np.flatnonzero(np.concatenate(([True], r[1:] != r[:-1])))
    spans = np.maximum.reduceat(v, bounds) - np.minimum.reduceat(v, bounds)
    spread = np.repeat(spans > Y_TOLERANCE, np.diff(np.append(bounds, len(r))))
    new = np.ones(len(order), dtype=bool)
    new[1:] = (r[1:] != r[:-1]) | (spread[1:] & (v[1:] > v[:-1] + Y_TOLERANCE))
    ids = np.empty(len(order), dtype=np.int64)
    ids[order] = np.cumsum(new)
    return ids


def _merged(c: Columns, chosen: np.ndarray, starts: np.ndarray) -> list[tuple[Word, str]]:
    """One ``Word`` per run of ``chosen`` chars beginning at each of ``starts``."""
    if not len(chosen):
        return []
    joined = c.codes()[chosen].tobytes().decode("utf-32-le", "surrogatepass")
    ligatures = joined != joined.translate(LIGATURES)
    x0 = np.minimum.reduceat(c.x0[chosen], starts).tolist()
    x1 = np.maximum.reduceat(c.x1[chosen], starts).tolist()
    top = np.minimum.reduceat(c.top[chosen], starts).tolist()
    bottom = np.maximum.reduceat(c.bottom[chosen], starts).tolist()
    bounds = starts.tolist()
    texts = [joined[a:b] for a, b in zip(bounds, [*bounds[1:], len(joined)], strict=True)]
    if ligatures:
        texts = [text.translate(LIGATURES) for text in texts]
    sizes = [size for _, size, _ in c.styles]
    bold = [_is_bold(font) for _, _, font in c.styles]
    columns = zip(texts, x0, x1, top, bottom, c.style[chosen[starts]].tolist(), strict=True)
    return [
        (Word(text, left, right, upper, lower, sizes[k], bold[k]), c.styles[k][0])
        for text, left, right, upper, lower, k in columns
    ]


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
