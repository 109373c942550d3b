"""Dataset summaries and the spreadsheet export, on the merged (machine + reviewer) view."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.explore import (
    cooccurrence,
    documents_table,
    export_merged_view,
    merged_views,
    plot_cooccurrence,
    plot_prevalence,
    theme_prevalence,
)
from pipeline.records import Assertion
from pipeline.review import DecisionKind, merged_document_themes
from pipeline.store import read_table
from pipeline.taxonomy import load_taxonomy
from tests.review_factory import DRINK, NO_ABUSE, decide, write_sample_dataset


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy()


@pytest.fixture
def reviewed(tmp_path):
    """Document a now also reports domestic abuse: a reviewer corrected a missed negation."""
    write_sample_dataset(tmp_path)
    decide(
        tmp_path,
        "ana",
        NO_ABUSE,
        "domestic_abuse",
        DecisionKind.CHANGE_ASSERTION,
        new_assertion=Assertion.PRESENT,
    )
    return tmp_path


def test_prevalence_counts_documents_per_theme_in_the_merged_view(reviewed, taxonomy):
    prevalence = theme_prevalence(merged_document_themes(reviewed), taxonomy).set_index("theme_id")
    assert list(prevalence.index) == list(taxonomy.ids)
    assert prevalence.loc["neglect"].n_documents == 1  # b only: a's tag needs review
    assert prevalence.loc["domestic_abuse"].n_documents == 1  # by the reviewer's decision
    assert prevalence.loc["domestic_abuse"].share == 0.5
    assert prevalence.loc["unsafe_sleep"].n_documents == 0


def test_cooccurrence_counts_documents_reporting_both_risk_factors(reviewed, taxonomy):
    matrix = cooccurrence(merged_document_themes(reviewed), taxonomy)
    risk_factors = [t.id for t in taxonomy.themes if t.kind == "risk_factor"]
    assert list(matrix.index) == list(matrix.columns) == risk_factors
    assert matrix.loc["domestic_abuse", "parental_substance_misuse"] == 1
    assert matrix.loc["parental_substance_misuse", "domestic_abuse"] == 1
    assert matrix.loc["neglect", "neglect"] == 1
    assert matrix.loc["neglect", "domestic_abuse"] == 0
    assert "information_sharing" not in matrix.columns


def test_the_documents_table_lists_themes_and_what_review_changed(reviewed):
    table = documents_table(read_table(reviewed, "documents"), merged_document_themes(reviewed))
    assert table[["file_name", "themes", "n_themes", "changed_by_review"]].values.tolist() == [
        ["a.pdf", "domestic_abuse, parental_substance_misuse", 2, "domestic_abuse"],
        ["b.pdf", "neglect", 1, ""],
    ]


def test_the_export_writes_csv_and_excel_with_the_same_rows(reviewed, tmp_path):
    decide(reviewed, "ana", DRINK, "neglect", DecisionKind.REJECT, comment="bad\x0bchar")
    files = export_merged_view(reviewed, tmp_path / "export")
    assert sorted(path.name for path in files) == [
        "merged_document_themes.csv",
        "merged_documents.csv",
        "merged_tags.csv",
        "merged_view.xlsx",
    ]
    views = merged_views(reviewed)
    tags_csv = pd.read_csv(tmp_path / "export" / "merged_tags.csv")
    assert len(tags_csv) == len(views["tags"])
    assert set(tags_csv.decision.dropna()) == {"change_assertion", "reject"}
    sheets = pd.read_excel(tmp_path / "export" / "merged_view.xlsx", sheet_name=None)
    assert set(sheets) == {"documents", "document_themes", "tags"}
    assert len(sheets["document_themes"]) == len(views["document_themes"])
    a_row = sheets["documents"].set_index("file_name").loc["a.pdf"]
    assert a_row.themes == "domestic_abuse, parental_substance_misuse"


def test_exports_are_the_owners_alone_as_the_dataset_is(reviewed, tmp_path):
    """Regression: exports hold sentence text but were world-readable (0755 and 0644)."""
    folder = tmp_path / "export"
    files = export_merged_view(reviewed, folder)
    assert folder.stat().st_mode & 0o777 == 0o700
    assert {path.stat().st_mode & 0o777 for path in files} == {0o600}


def test_the_excel_export_survives_control_characters_in_sentence_text(tmp_path):
    from dataclasses import replace

    from pipeline.store import write_dataset
    from tests.review_factory import sample_results

    doc_a, doc_b = sample_results()
    odd = replace(doc_a.sentences[0], text="Odd\x0c text")
    write_dataset(tmp_path / "ds", [replace(doc_a, sentences=[odd, *doc_a.sentences[1:]]), doc_b])
    export_merged_view(tmp_path / "ds", tmp_path / "out")
    sheets = pd.read_excel(tmp_path / "out" / "merged_view.xlsx", sheet_name="tags")
    assert "Odd text" in set(sheets.text)


def test_the_plots_draw_one_bar_per_theme_and_a_labelled_heat_map(reviewed, taxonomy, tmp_path):
    themes = merged_document_themes(reviewed)
    bars = plot_prevalence(theme_prevalence(themes, taxonomy))
    assert len(bars.axes[0].patches) == len(taxonomy.ids)
    assert "2 documents" in bars.axes[0].get_title()
    heat = plot_cooccurrence(cooccurrence(themes, taxonomy))
    n_risk_factors = sum(t.kind == "risk_factor" for t in taxonomy.themes)
    assert len(heat.axes[0].texts) == n_risk_factors**2
    heat.savefig(tmp_path / "heat.png")
    assert (tmp_path / "heat.png").stat().st_size > 1000
