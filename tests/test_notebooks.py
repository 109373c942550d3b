"""Both notebooks run top to bottom, headless, on corpus_samples; committed ones hold no output."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_output

from pipeline.review import ReviewStore, orphaned_decisions

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
COMMITTED = sorted(NOTEBOOKS.glob("*.ipynb"))

# Appended after the cell that builds the app: a reviewer's clicks, made from code, plus a
# second reviewer on the same first item so that the agreement cells have pairs to show.
DRIVE_REVIEW = """
first = app.session.current
app.rows[0].accept.click()
app.next_unreviewed_button.click()
assert app.session.current != first
app.rows[0].new_assertion.value = "negated"
app.rows[0].change_assertion.click()
app.search.value = ""
app.sentence_choice.value = app.sentence_choice.options[0][1]
app.add_theme.value = "risk_assessment"
app.add_button.click()
assert app.session.progress().reviewed >= 2, app.progress.value
assert f"{app.session.progress().reviewed} reviewed" in app.progress.value
assert app.message.value == "", app.message.value
second = ReviewApp(DATASET, "second reviewer")
second.rows[0].reject.click()
"""


def execute_notebook(
    name: str, dataset: Path, monkeypatch: pytest.MonkeyPatch, after_app: str | None = None
) -> nbformat.NotebookNode:
    """Run a notebook in a fresh kernel; the dataset reaches it through SCR_DATASET."""
    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    if after_app is not None:
        index = next(i for i, c in enumerate(notebook.cells) if "ReviewApp(" in c.source)
        notebook.cells.insert(index + 1, new_code_cell(after_app))
    monkeypatch.setenv("SCR_DATASET", str(dataset))
    monkeypatch.setenv("SCR_REVIEWER", "notebook test")
    monkeypatch.setenv("SCR_EXPORT", str(dataset / "export"))
    client = NotebookClient(
        notebook, kernel_name="python3", timeout=120, resources={"metadata": {"path": NOTEBOOKS}}
    )
    client.execute()
    return notebook


def outputs_of(notebook: nbformat.NotebookNode, text: str) -> list[dict]:
    """Outputs of the code cells whose source contains ``text``."""
    return [
        o for c in notebook.cells if c.cell_type == "code" and text in c.source for o in c.outputs
    ]


def unclean_cells(notebook: nbformat.NotebookNode) -> list[str]:
    """Why a notebook is not fit to commit: outputs, counts or saved widget state."""
    problems = ["widget state in metadata"] if "widgets" in notebook.metadata else []
    for number, cell in enumerate(notebook.cells):
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None):
            problems.append(f"cell {number} has outputs or an execution count")
    return problems


@pytest.fixture(scope="module")
def dataset_copy(sample_dataset, tmp_path_factory):
    """The session's sample dataset, copied so that review decisions stay in this module."""
    copy = tmp_path_factory.mktemp("notebooks") / "dataset"
    shutil.copytree(sample_dataset[1], copy)
    return copy


@pytest.mark.slow
def test_the_review_notebook_runs_and_clicks_save_decisions(dataset_copy, monkeypatch):
    notebook = execute_notebook("review_tags", dataset_copy, monkeypatch, DRIVE_REVIEW)
    (app_output,) = outputs_of(notebook, "app.widget")
    assert "application/vnd.jupyter.widget-view+json" in app_output["data"]
    decisions = ReviewStore.for_dataset(dataset_copy).decisions()
    assert decisions[["reviewer", "decision"]].values.tolist() == [
        ["notebook test", "accept"],
        ["notebook test", "change_assertion"],
        ["notebook test", "add"],
        ["second reviewer", "reject"],
    ]
    assert decisions.theme_id.iloc[2] == "risk_assessment"
    (tagger,) = outputs_of(notebook, "tagger_agreement(DATASET)")
    assert "(all themes)" in tagger["data"]["text/html"]
    (kappa,) = outputs_of(notebook, "reviewer_agreement(DATASET)")
    assert "second reviewer" in kappa["data"]["text/html"]
    assert len(orphaned_decisions(dataset_copy)) == 0


@pytest.mark.slow
def test_the_explore_notebook_plots_and_exports_the_merged_view(dataset_copy, monkeypatch):
    notebook = execute_notebook("explore_dataset", dataset_copy, monkeypatch)
    images = [
        o for c in notebook.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})
    ]
    assert len(images) == 2  # prevalence bars and co-occurrence heat map
    sheets = pd.read_excel(dataset_copy / "export" / "merged_view.xlsx", sheet_name=None)
    assert set(sheets) == {"documents", "document_themes", "tags"}
    assert len(sheets["documents"]) == len(list((REPO / "corpus_samples").glob("*.pdf")))
    tags = pd.read_csv(dataset_copy / "export" / "merged_tags.csv")
    assert len(tags) == len(sheets["tags"]) > 0


@pytest.mark.parametrize("path", COMMITTED, ids=[p.name for p in COMMITTED])
def test_committed_notebooks_hold_no_outputs(path):
    assert unclean_cells(nbformat.read(path, as_version=4)) == []


@pytest.mark.parametrize("path", COMMITTED, ids=[p.name for p in COMMITTED])
def test_notebooks_hold_no_logic(path):
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code":
            assert "def " not in cell.source and "class " not in cell.source, cell.source


def test_both_notebooks_exist():
    assert {p.name for p in COMMITTED} >= {"review_tags.ipynb", "explore_dataset.ipynb"}


def test_strip_notebooks_removes_outputs_counts_and_widget_state(tmp_path):
    notebook = nbformat.read(NOTEBOOKS / "review_tags.ipynb", as_version=4)
    code = next(cell for cell in notebook.cells if cell.cell_type == "code")
    code.execution_count = 3
    code.outputs = [new_output("stream", name="stdout", text="document text\n")]
    notebook.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {}}
    dirty = tmp_path / "dirty.ipynb"
    nbformat.write(notebook, dirty)
    assert unclean_cells(nbformat.read(dirty, as_version=4))
    subprocess.run(
        [sys.executable, "-m", "nbstripout", str(dirty)], check=True
    )  # make strip-notebooks
    assert unclean_cells(nbformat.read(dirty, as_version=4)) == []
    assert "document text" not in dirty.read_text()
