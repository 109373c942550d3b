"""The sentence-level gold set: sources, committed JSONL splits and coverage agree."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from pipeline.records import Assertion, Section

GOLD = Path(__file__).resolve().parents[1] / "corpus_samples" / "gold_sentences"
SPLITS = ("train", "dev", "test", "cross_dev", "cross_test")
MIN_PRESENT = 70
MIN_PRESENT_HELD_OUT = 10
MIN_PRESENT_CROSS = 8  # each cross split: three writers' half-sets of 4 or more


@pytest.fixture(scope="module")
def build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gold_build", GOLD / "build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["gold_build"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def rows() -> dict[str, list[dict]]:
    return {
        split: [
            json.loads(line) for line in (GOLD / f"{split}.jsonl").read_text("utf-8").splitlines()
        ]
        for split in SPLITS
    }


def present(rows: list[dict]) -> Counter:
    return Counter(
        label["theme"] for row in rows for label in row["labels"] if label["assertion"] == "present"
    )


def test_committed_jsonl_is_up_to_date(build, tmp_path):
    assert build.main(["--out", str(tmp_path)]) == 0
    for split in SPLITS:
        committed = (GOLD / f"{split}.jsonl").read_text("utf-8")
        assert committed == (tmp_path / f"{split}.jsonl").read_text("utf-8"), (
            f"{split}.jsonl is stale: run python corpus_samples/gold_sentences/build.py"
        )


def test_vocabularies_match_the_pipeline(build, rows):
    assert set(build.ASSERTIONS) == {a.value for a in Assertion}
    assert set(build.SECTIONS) == {s.value for s in Section}
    assert len(build.THEMES) == 12
    for split_rows in rows.values():
        for row in split_rows:
            assert row["section"] in build.SECTIONS
            assert row["text"].strip() == row["text"]
            for label in row["labels"]:
                assert label["theme"] in build.THEMES
                assert label["assertion"] in build.ASSERTIONS
                assert label["subject"] in build.SUBJECTS


def test_every_theme_has_enough_present_sentences(build, rows):
    overall = present([r for split_rows in rows.values() for r in split_rows])
    for theme in build.THEMES:
        assert overall[theme] >= MIN_PRESENT, theme
    for split in ("dev", "test"):
        counts = present(rows[split])
        for theme in build.THEMES:
            assert counts[theme] >= MIN_PRESENT_HELD_OUT, (split, theme)
    for split in ("cross_dev", "cross_test"):
        counts = present(rows[split])
        for theme in build.THEMES:
            assert counts[theme] >= MIN_PRESENT_CROSS, (split, theme)


def test_every_theme_has_hard_negatives(build, rows):
    all_rows = [r for split_rows in rows.values() for r in split_rows]
    other = Counter(
        label["theme"]
        for row in all_rows
        for label in row["labels"]
        if label["assertion"] != "present"
    )
    for theme in build.THEMES:
        assert other[theme] >= 10, theme
    assert sum(not r["labels"] for r in all_rows) >= 0.2 * len(all_rows)
    assert sum(r["needs_context"] for r in all_rows) >= 20


def test_splits_are_disjoint(rows):
    docs = {split: {r["doc"] for r in split_rows} for split, split_rows in rows.items()}
    for i, split in enumerate(SPLITS):
        for other in SPLITS[i + 1 :]:
            assert not docs[split] & docs[other], (split, other)
    train_texts = {r["text"].casefold() for r in rows["train"]}
    for split in SPLITS[1:]:
        assert not [r["text"] for r in rows[split] if r["text"].casefold() in train_texts]


def test_cross_splits_hold_only_the_writers_kept_out_of_training(build, rows):
    for split in ("cross_dev", "cross_test"):
        assert rows[split], split
        assert all(r["doc"] >= build.FIRST_CROSS_DOC for r in rows[split])
    assert all(r["doc"] < build.FIRST_CROSS_DOC for r in rows["train"])


def test_documents_are_in_reading_order(rows):
    for split_rows in rows.values():
        by_doc: dict[str, list[int]] = {}
        for row in split_rows:
            by_doc.setdefault(row["doc"], []).append(row["index"])
        for doc, indices in by_doc.items():
            assert indices == list(range(len(indices))), doc


def test_parser_rejects_bad_labels(build, tmp_path):
    bad = tmp_path / "g999.txt"
    lines = ["# doc g999 | learning review | Scotland", "## summary"]
    lines += [f"[] Sentence number {i}." for i in range(15)]
    bad.write_text("\n".join([*lines, "[no_such_theme:present:mother] Bad."]) + "\n", "utf-8")
    with pytest.raises(build.GoldError, match="unknown theme"):
        build.parse_file(bad)
    bad.write_text("\n".join([*lines, "[neglect:maybe:child] Bad."]) + "\n", "utf-8")
    with pytest.raises(build.GoldError, match="unknown assertion"):
        build.parse_file(bad)
    bad.write_text("\n".join([*lines, "[neglect:present:dog] Bad."]) + "\n", "utf-8")
    with pytest.raises(build.GoldError, match="unknown subject"):
        build.parse_file(bad)
    bad.write_text("\n".join([*lines, "[neglect:present:child ctx] Good."]) + "\n", "utf-8")
    doc = build.parse_file(bad)
    assert doc.rows[-1]["needs_context"] is True
    assert doc.rows[-1]["labels"] == [
        {"theme": "neglect", "assertion": "present", "subject": "child"}
    ]


def test_second_annotator_labelled_the_same_cross_test_sentences(build, rows):
    folder = GOLD / "second_labels"
    second = [row for path in sorted(folder.glob("g*.txt")) for row in build.parse_file(path).rows]
    docs = {row["doc"] for row in second}
    assert len(docs) >= 12
    first = [row for row in rows["cross_test"] if row["doc"] in docs]
    assert [(r["doc"], r["index"], r["text"]) for r in second] == [
        (r["doc"], r["index"], r["text"]) for r in first
    ]
    assert any(r["labels"] != f["labels"] for r, f in zip(second, first, strict=True))
