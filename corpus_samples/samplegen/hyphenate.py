"""Where a word may be broken at a line end.

A small, predictable hyphenator: an explicit table for the long words the
sample reviews use most, then suffix rules, then a vowel-consonant-consonant-vowel
rule for other long words. Compound words break after their
own hyphen, with no hyphen added.
"""

from __future__ import annotations

import re

# Preferred break points for frequent long words ("-" marks a break).
_EXPLICIT_TEXT = """
    as-sess-ment as-sess-ments safe-guard-ing prac-ti-tion-er prac-ti-tion-ers
    in-for-ma-tion part-ner-ship part-ner-ships rec-om-men-da-tion
    rec-om-men-da-tions pro-fes-sion-als pro-fes-sion-al mid-wife mid-wives
    mid-wif-ery vis-i-tor vis-i-tors vul-ner-a-bil-i-ty en-vi-ron-ment
    ap-point-ment ap-point-ments sub-stance fam-i-ly def-i-nite-ly con-cerns
    au-thor-i-ty au-thor-i-ties pa-ter-nal ma-ter-nal preg-nan-cy
    un-ex-pect-ed com-mu-ni-ty con-sul-tant res-i-den-tial vol-un-tary
    con-fer-ence con-fer-ences dis-cus-sion dis-cus-sions am-bu-lance
    hos-pi-tal psy-chi-at-ric de-pres-sion anx-i-e-ty dis-en-gage-ment
    ev-i-dence chron-ol-o-gy re-spon-si-bil-i-ty re-spon-si-bil-i-ties
    man-age-ment ther-a-peu-tic ed-u-ca-tion sec-ond-ary pri-ma-ry
    ex-ploi-ta-tion re-la-tion-ship re-la-tion-ships pa-tient po-ten-tial
    con-sid-er-a-tion im-me-di-ate-ly ap-pro-pri-ate ex-pe-ri-ence
    ex-pe-ri-enced un-der-stand-ing con-tin-u-ous con-tin-u-al-ly
    de-vel-op-ment nev-er-the-less sig-nif-i-cant sig-nif-i-cant-ly
    chil-dren par-ent-ing ac-com-mo-da-tion in-de-pend-ent oc-ca-sions
    ad-mis-sion dis-charge de-part-ment des-ig-nat-ed su-per-vi-sion
    in-ter-ven-tion in-ter-ven-tions some-thing every-thing gen-er-al thresh-old
    ac-tiv-i-ties re-fer-ral re-fer-rals pro-ce-dures har-ass-ment
    neigh-bour-hood emo-tion-al vi-o-lence al-co-hol med-i-ca-tion
"""
EXPLICIT = {word.replace("-", ""): word for word in _EXPLICIT_TEXT.split()}

SUFFIXES = ("ments", "ment", "tions", "tion", "sions", "sion", "ness", "ings", "ing")
MIN_PART = 3
VOWELS = set("aeiouy")
DIGRAPHS = {"ch", "sh", "th", "ph", "wh", "ck", "gh", "qu", "ng", "wr", "kn"}
_WORD = re.compile(r"^([^A-Za-z]*)([A-Za-z]+)([^A-Za-z]*)$")


def break_points(word: str) -> list[int]:
    """Indices where ``word`` may be split at a line end, ascending."""
    if "-" in word.strip("-"):
        return [i + 1 for i, ch in enumerate(word[:-1]) if ch == "-" and i >= 1]
    match = _WORD.match(word)
    if not match:
        return []
    lead, core, _ = match.groups()
    points = _core_points(core)
    return [len(lead) + p for p in points if MIN_PART <= p <= len(core) - MIN_PART]


def _core_points(core: str) -> list[int]:
    lower = core.lower()
    if lower in EXPLICIT:
        points, pos = [], 0
        for part in EXPLICIT[lower].split("-")[:-1]:
            pos += len(part)
            points.append(pos)
        return points
    for suffix in SUFFIXES:
        stem = len(lower) - len(suffix)
        if lower.endswith(suffix) and stem >= 4:
            return [stem]
    return _between_consonants(lower) if len(lower) >= 8 else []


def _between_consonants(word: str) -> list[int]:
    """Vowel-consonant | consonant-vowel breaks ("chil-dren", "hos-pital")."""
    points = []
    for i in range(1, len(word) - 2):
        a, b, c, d = word[i - 1 : i + 3]
        if (
            a in VOWELS
            and b not in VOWELS
            and c not in VOWELS
            and d in VOWELS
            and b + c not in DIGRAPHS
            and len(word) - (i + 1) >= 4
        ):
            points.append(i + 1)
    return points


def needs_added_hyphen(word: str, point: int) -> bool:
    """True unless the break falls right after the word's own hyphen."""
    return word[point - 1] != "-"
