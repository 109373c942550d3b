"""The labelled real text, read where it lies (../shared/realtext), and `evaluate` on it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.realtext import (
    DEFAULT_DIR,
    document_texts,
    is_realtext,
    load_folds,
    load_realtext_rows,
    require_realtext,
)
from pipeline.taxonomy import load_taxonomy

REPO = Path(__file__).resolve().parents[1]
needs_realtext = pytest.mark.skipif(
    not is_realtext(DEFAULT_DIR), reason=f"no labelled real text at {DEFAULT_DIR}"
)


def test_a_missing_corpus_says_where_it_lives(tmp_path):
    with pytest.raises(FileNotFoundError, match="shared folder"):
        require_realtext(tmp_path)
    assert not is_realtext(tmp_path)


@needs_realtext
def test_rows_folds_and_texts_cover_the_same_documents():
    rows = load_realtext_rows()
    docs = {row.doc for row in rows}
    assert len(docs) == len(load_folds()) == len(document_texts()) >= 200
    assert docs == set(load_folds()) == set(document_texts())
    assert set(load_folds().values()) == {0, 1, 2, 3, 4}


@needs_realtext
def test_labels_use_the_taxonomy_and_the_assertion_vocabulary():
    ids = set(load_taxonomy().ids)
    labels = [label for row in load_realtext_rows() for label in row.labels]
    assert {label.theme for label in labels} <= ids
    assert {label.assertion for label in labels} <= {
        "present",
        "negated",
        "recommendation",
        "hypothetical",
        "historical",
    }
    assert sum(label.assertion == "present" for label in labels) > 1000


@needs_realtext
def test_rows_keep_document_order():
    rows = load_realtext_rows()
    first = rows[0].doc
    indices = [row.index for row in rows if row.doc == first]
    assert indices == sorted(indices) and indices[0] == 0


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=600,
    )


def test_evaluate_names_a_missing_gold_path():
    result = run_cli("evaluate", "no/such/gold.jsonl")
    assert result.returncode != 0
    assert "no such file or folder: no/such/gold.jsonl" in result.stderr


@needs_realtext
def test_evaluate_will_not_write_real_text_into_the_repository():
    result = run_cli("evaluate", str(DEFAULT_DIR), "--errors", str(REPO / "errors.md"))
    assert result.returncode != 0 and "outside the repository" in result.stderr
    assert not (REPO / "errors.md").exists()


@needs_realtext
@pytest.mark.slow
def test_evaluate_scores_the_real_text(tmp_path):
    errors = tmp_path / "errors.md"
    result = run_cli("evaluate", str(DEFAULT_DIR), "--errors", str(errors))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "sentences in 207 documents" in result.stdout
    assert "not held out" in result.stdout  # the shipped head trained on this corpus
    assert "share of gold present sentences found" in result.stdout
    assert "### False negatives" in errors.read_text()
