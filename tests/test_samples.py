"""The bundled fictional sample reviews and their gold labels agree with each other."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import unicodedata
from collections import Counter
from functools import cache
from pathlib import Path
from types import ModuleType

import pdfplumber
import pytest

from pipeline.records import Assertion
from pipeline.taxonomy import CORE_THEMES

SAMPLES = Path(__file__).resolve().parents[1] / "corpus_samples"
GOLD = [json.loads(line) for line in (SAMPLES / "gold.jsonl").read_text("utf-8").splitlines()]


THEMES = set(CORE_THEMES)
ASSERTIONS = {str(a) for a in Assertion}
SOFT_BREAK = "\x00"  # stands for a hyphen at a line end: a split word or a compound's own hyphen
# Running header and footer lie outside this band (PDF points from the top of an A4 page).
BODY_TOP, BODY_BOTTOM = 56.0, 800.0


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_samples", SAMPLES / "make_samples.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def normalise_page(text: str) -> str:
    """Lower-case, undo ligatures, mark line-end hyphens, collapse whitespace."""
    text = unicodedata.normalize("NFKC", text).lower().replace("-\n", SOFT_BREAK)
    return re.sub(r"\s+", " ", text)


def sentence_pattern(sentence: str) -> re.Pattern[str]:
    """Match a gold sentence, allowing a soft break between any two characters.

    A soft break may stand for nothing ("assess-/ment") or for a hyphen that
    belongs to the word ("pre-/birth"), so the gold keeps its own spelling.
    """
    parts = []
    for char in re.sub(r"\s+", " ", sentence.lower()):
        parts.append(f"[-{SOFT_BREAK}]" if char == "-" else re.escape(char))
    return re.compile(f"{SOFT_BREAK}?".join(parts))


def drop_doubled_chars(page: pdfplumber.page.Page) -> pdfplumber.page.Page:
    """Drop the second copy of a character drawn again within a point of itself.

    Same effect as ``Page.dedupe_chars()`` for these samples, at a fraction of its cost.
    """
    seen: dict[tuple[str, int], list[float]] = {}
    doubled = set()
    for char in page.chars:
        key = (char["text"], round(char["top"]))
        if any(abs(x0 - char["x0"]) < 1 for x0 in seen.get(key, [])):
            doubled.add((char["text"], char["top"], char["x0"]))
        seen.setdefault(key, []).append(char["x0"])
    if not doubled:
        return page
    return page.filter(
        lambda obj: (
            obj.get("object_type") != "char" or (obj["text"], obj["top"], obj["x0"]) not in doubled
        )
    )


def body_text(page: pdfplumber.page.Page) -> str:
    """Body text of a page in reading order: the left column first if there are two.

    Two columns are recognised by an empty gutter down the middle of the body.
    Headings in these samples never cross the gutter, so column crops are exact;
    Characters drawn twice ("fake bold" headings) are dropped first.
    """
    body = drop_doubled_chars(page.crop((0, BODY_TOP, page.width, BODY_BOTTOM)))
    middle = page.width / 2
    in_gutter = [c for c in body.chars if c["x0"] < middle + 4 and c["x1"] > middle - 4]
    if body.chars and not in_gutter:
        halves = [(0, middle), (middle, page.width)]
        return "\n".join(
            body.crop((x0, BODY_TOP, x1, BODY_BOTTOM)).extract_text() for x0, x1 in halves
        )
    return body.extract_text()


@cache
def page_texts(file_name: str) -> tuple[str, ...]:
    """Raw body text of each page (not yet normalised)."""
    with pdfplumber.open(SAMPLES / file_name) as pdf:
        return tuple(body_text(page) for page in pdf.pages)


def test_gold_has_one_record_per_pdf_and_every_file_exists() -> None:
    files = [record["file"] for record in GOLD]
    assert len(files) >= 10
    assert len(set(files)) == len(files)
    assert sorted(files) == sorted(p.name for p in SAMPLES.glob("*.pdf"))
    for name in files:
        path = SAMPLES / name
        assert path.is_file(), name
        assert path.stat().st_size < 300_000, f"{name} is too large"


def test_every_theme_is_present_in_two_documents_and_absent_in_two() -> None:
    present = Counter(theme for record in GOLD for theme in record["themes"])
    for theme in sorted(THEMES):
        assert present[theme] >= 2, theme
        assert len(GOLD) - present[theme] >= 2, theme


def test_every_theme_has_at_least_ten_present_sentences() -> None:
    counts = Counter(
        theme
        for record in GOLD
        for sentence in record["sentences"]
        if sentence["assertion"] == "present"
        for theme in sentence["themes"]
    )
    assert {theme: counts[theme] for theme in THEMES if counts[theme] < 10} == {}


def test_non_present_assertions_all_occur() -> None:
    seen = {s["assertion"] for record in GOLD for s in record["sentences"]}
    assert seen == ASSERTIONS


@pytest.mark.parametrize("record", GOLD, ids=lambda record: record["file"])
def test_gold_record_is_well_formed(record: dict) -> None:
    metadata = ["area", "year", "age_band", "outcome", "children"]
    assert list(record) == ["file", "review_type", "nation", *metadata, "themes", "sentences"]
    assert record["themes"] == sorted(record["themes"])
    present = {t for s in record["sentences"] if s["assertion"] == "present" for t in s["themes"]}
    assert set(record["themes"]) == present
    for sentence in record["sentences"]:
        assert sentence["assertion"] in ASSERTIONS
        assert sentence["themes"] and set(sentence["themes"]) <= THEMES
        assert sentence["themes"] == sorted(sentence["themes"])
        assert sentence["text"].endswith(".")


@pytest.mark.parametrize("record", GOLD, ids=lambda record: record["file"])
def test_gold_sentences_start_on_their_page(record: dict) -> None:
    pages = page_texts(record["file"])
    missing = []
    for sentence in record["sentences"]:
        index = sentence["page"] - 1
        here = normalise_page(pages[index])
        # A sentence may run on to the next page (even mid-word); it must start on its own.
        both = normalise_page("\n".join(pages[index : index + 2]))
        match = sentence_pattern(sentence["text"]).search(both)
        if match is None or match.start() >= len(here):
            missing.append((sentence["page"], sentence["text"][:60]))
    assert missing == []


def test_regenerating_gives_byte_identical_files(tmp_path: Path) -> None:
    generator = load_generator()
    assert generator.main(["--out", str(tmp_path)]) == 0
    for record in GOLD:
        name = record["file"]
        assert (tmp_path / name).read_bytes() == (SAMPLES / name).read_bytes(), name
    assert (tmp_path / "gold.jsonl").read_bytes() == (SAMPLES / "gold.jsonl").read_bytes()


def test_ligature_sample_draws_ligature_glyphs() -> None:
    with pdfplumber.open(SAMPLES / "review_04_sam.pdf") as pdf:
        glyphs = {char["text"] for page in pdf.pages for char in page.chars}
    assert {"\ufb01", "\ufb02"} <= glyphs


def test_fake_bold_sample_draws_headings_twice() -> None:
    with pdfplumber.open(SAMPLES / "review_03_child_r.pdf") as pdf:
        page = pdf.pages[1]
        assert len(drop_doubled_chars(page).chars) < len(page.chars)
