"""`scr-themes report`: the statistics against hand-computed values, and the page it renders."""

from __future__ import annotations

import base64
import io
import os
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from pipeline.cli import main
from pipeline.records import DocumentResult, DocumentTheme, Page, Status
from pipeline.report import load_report_data, render_report, stats, write_report
from pipeline.report.build import report_themes
from pipeline.report.charts import PRACTICE_COLOUR, RISK_COLOUR
from pipeline.report.screenshot import find_chromium, screenshot_html
from pipeline.report.sections import PREVALENCE_CHART_ID, prevalence_frame
from pipeline.review import DecisionKind
from pipeline.store import Dataset, write_dataset
from pipeline.taxonomy import load_taxonomy
from tests.records_factory import make_result, make_sentence, make_tag
from tests.review_factory import DOC_B, DRINK, HOME, decide, sample_results

DOCS = ["d1", "d2", "d3", "d4"]
THEMES = ["domestic_abuse", "parental_mental_health", "parental_substance_misuse"]


def _rows(present: dict[str, list[str]]) -> pd.DataFrame:
    """document_themes rows: every (document, theme) pair, present where listed."""
    return pd.DataFrame(
        [
            {"document_id": d, "theme_id": t, "present": t in present.get(d, [])}
            for d in [*DOCS, "removed"]
            for t in THEMES
        ]
    )


# d1: all three; d2: abuse + mental health; d3: abuse; d4: none. "removed" is not counted.
TABLE = _rows(
    {
        "d1": THEMES,
        "d2": THEMES[:2],
        "d3": THEMES[:1],
        "removed": THEMES,
    }
)


def test_wilson_interval_matches_hand_computed_values():
    # 7 of 10, z = 1.96: p = 0.7, z^2/n = 0.38416, denominator 1.38416,
    # centre = (0.7 + 0.19208) / 1.38416 = 0.644492,
    # half = 1.96 * sqrt(0.7 * 0.3 / 10 + 3.8416 / 400) / 1.38416
    #      = 1.96 * 0.174940 / 1.38416 = 0.247719  ->  (0.396773, 0.892211)
    low, high = stats.wilson_interval(7, 10, z=1.96)
    assert low == pytest.approx(0.396773, abs=2e-6)
    assert high == pytest.approx(0.892211, abs=2e-6)
    # 0 of 10: the upper bound is z^2 / (n + z^2) = 3.8416 / 13.8416 = 0.277540
    assert stats.wilson_interval(0, 10, z=1.96) == pytest.approx((0.0, 0.277540), abs=1e-6)
    # 10 of 10: the lower bound is n / (n + z^2) = 10 / 13.8416 = 0.722460
    assert stats.wilson_interval(10, 10, z=1.96) == pytest.approx((0.722460, 1.0), abs=1e-6)
    # at n of n the share lies inside its interval exactly (a chart's whisker is never < 0)
    for n in (1, 3, 7, 10, 49):
        assert stats.wilson_interval(n, n)[1] == 1.0
        assert stats.wilson_interval(0, n)[0] == 0.0
    # the default z is the exact 97.5% normal quantile, a hair below 1.96
    assert stats.wilson_interval(7, 10) == pytest.approx((0.396778, 0.892209), abs=2e-6)
    assert stats.wilson_interval(0, 0) == (0.0, 1.0)
    with pytest.raises(ValueError, match="successes"):
        stats.wilson_interval(11, 10)


def test_prevalence_counts_only_the_documents_given():
    matrix = stats.presence_matrix(TABLE, DOCS, THEMES)
    table = stats.prevalence_table(matrix, z=1.96).set_index("theme_id")
    assert list(table["n"]) == [3, 2, 1]  # the removed document's themes are not counted
    assert list(table["of"]) == [4, 4, 4]
    assert list(table["share"]) == [0.75, 0.5, 0.25]
    # 2 of 4, z = 1.96: centre (0.5 + 0.4802) / 1.9604 = 0.5,
    # half = 1.96 * sqrt(0.0625 + 3.8416 / 64) / 1.9604 = 1.96 * 0.350036 / 1.9604 = 0.349964
    assert table.loc["parental_mental_health", "low"] == pytest.approx(0.150036, abs=2e-6)
    assert table.loc["parental_mental_health", "high"] == pytest.approx(0.849964, abs=2e-6)


def test_cooccurrence_pairs_and_the_toxic_trio():
    matrix = stats.presence_matrix(TABLE, DOCS, THEMES)
    counts = stats.cooccurrence_counts(matrix)
    assert counts.loc["domestic_abuse", "domestic_abuse"] == 3
    assert counts.loc["domestic_abuse", "parental_mental_health"] == 2
    assert counts.loc["parental_mental_health", "parental_substance_misuse"] == 1
    assert (counts.to_numpy() == counts.to_numpy().T).all()
    pairs = stats.cooccurrence_pairs(matrix)
    assert pairs.iloc[0][["first", "second", "n"]].tolist() == [*THEMES[:2], 2]
    assert pairs["n"].tolist() == [2, 1, 1]
    assert pairs["share"].tolist() == [0.5, 0.25, 0.25]
    assert stats.count_all_of(matrix, stats.TOXIC_TRIO) == 1
    assert stats.count_all_of(matrix, [*THEMES, "not_a_theme"]) == 0


def test_prevalence_by_year_puts_unknown_last_and_reads_float_years():
    documents = pd.DataFrame(
        {"document_id": DOCS, "year": [2021.0, None, 2019.0, 2021.0], "nation": ["", *"WWE"]}
    )
    matrix = stats.presence_matrix(TABLE, DOCS, THEMES)
    by_year = stats.prevalence_by(matrix, stats.group_labels(documents, "year"))
    abuse = by_year[by_year["theme_id"] == "domestic_abuse"]
    assert abuse["group"].tolist() == ["2019", "2021", "unknown"]
    assert abuse["n"].tolist() == [1, 1, 1]  # d3 in 2019; d1 (not d4) in 2021; d2 unknown
    assert abuse["of"].tolist() == [1, 2, 1]
    assert abuse["share"].tolist() == [1.0, 0.5, 1.0]
    nations = stats.group_labels(documents, "nation")
    assert nations.tolist() == ["unknown", "W", "W", "E"]
    assert stats.sort_groups(["unknown", "Wales", "England", "2019", "987"]) == [
        "987",
        "2019",
        "England",
        "Wales",
        "unknown",
    ]
    absent = stats.group_labels(documents.drop(columns="year"), "year")
    assert set(absent) == {"unknown"}


def _awkward_result() -> DocumentResult:
    """A document whose name and sentence hold markup, to check that the page escapes it."""
    doc = "c" * 64
    text = 'Mum said "<script>alert(1)</script>" & the partner hit her.'
    sentence = make_sentence(doc, 1, 0, text)
    tag = make_tag(sentence, "domestic_abuse", 0.9)
    theme = DocumentTheme(doc, "domestic_abuse", True, 0.9, 1, sentence.id, 1, text)
    base = make_result(doc, file_name="<b>odd</b> & name.pdf")
    return replace(base, pages=[Page(1, text)], sentences=[sentence], tags=[tag], themes=[theme])


@pytest.fixture
def small_dataset(tmp_path: Path) -> Path:
    """Two counted documents, one escaped one, one failed and one removed."""
    failed = make_result("f" * 64, "broken.pdf", "domestic_abuse")
    failed = replace(failed, document=replace(failed.document, status=Status.FAILED))
    removed = make_result("e" * 64, "gone.pdf", "domestic_abuse")
    write_dataset(tmp_path, [*sample_results(), _awkward_result(), failed, removed])
    with Dataset(tmp_path) as dataset:
        dataset.mark_removed(["e" * 64], "2026-11-25T00:00:00+00:00")
        dataset.export()
    return tmp_path


def _page(folder: Path) -> str:
    return render_report(load_report_data(folder), load_taxonomy(), "Test report", "now")


def test_report_counts_readable_documents_and_says_when_no_reviews_exist(small_dataset):
    data = load_report_data(small_dataset)
    assert len(data.documents) == 3 and data.n_unreadable == 1 and data.n_removed == 1
    frame = prevalence_frame(data, report_themes(data, load_taxonomy())).set_index("theme_id")
    assert frame.loc["domestic_abuse", "n"] == 1  # only the escaped one; not failed, not removed
    assert frame.loc["neglect", "n"] == 1  # document B; A's neglect tag needs review
    assert (frame["of"] == 3).all()
    assert "machine_n" not in frame
    html = _page(small_dataset)
    assert "No reviews exist yet" in html and "Machine only" not in html


def test_documents_that_are_not_reviews_do_not_dilute_prevalence(tmp_path):
    """A readable document the scope check turned away has no themes and is no denominator."""
    minutes = make_result("d" * 64, "minutes.pdf")
    flag = "not_a_review: its title names another kind of document (minutes)"
    minutes = replace(minutes, document=replace(minutes.document, warnings=flag))
    write_dataset(tmp_path, [*sample_results(), minutes])
    data = load_report_data(tmp_path)
    assert len(data.documents) == 2 and data.n_not_reviews == 1
    frame = prevalence_frame(data, report_themes(data, load_taxonomy()))
    assert (frame["of"] == 2).all()
    assert "1 not case reviews" in _page(tmp_path)


def test_a_dataset_with_nothing_readable_still_gets_a_report(tmp_path):
    failed = make_result("f" * 64, "broken.pdf")
    failed = replace(failed, document=replace(failed.document, status=Status.FAILED))
    write_dataset(tmp_path / "data", [replace(failed, tags=[], themes=[])])
    out = write_report(tmp_path / "data", tmp_path / "out" / "report.html")
    html = out.read_text()
    assert "0 documents counted (1 unreadable" in html
    assert f'<img id="{PREVALENCE_CHART_ID}"' in html
    assert oct(out.stat().st_mode & 0o777) == "0o600"


def test_machine_and_reviewer_counts_side_by_side_once_reviews_exist(small_dataset):
    decide(small_dataset, "ana", DRINK, "parental_substance_misuse", DecisionKind.REJECT)
    decide(small_dataset, "ana", HOME, "neglect", DecisionKind.ACCEPT, document_id=DOC_B)
    data = load_report_data(small_dataset)
    assert data.n_decisions == 2
    frame = prevalence_frame(data, report_themes(data, load_taxonomy())).set_index("theme_id")
    substance = frame.loc["parental_substance_misuse"]
    assert (substance["n"], substance["machine_n"], substance["confirmed_n"]) == (0, 1, 0)
    neglect = frame.loc["neglect"]
    assert (neglect["n"], neglect["machine_n"], neglect["confirmed_n"]) == (1, 1, 1)
    html = _page(small_dataset)
    assert "Machine only" in html and "Reviewer-confirmed" in html
    assert "No reviews exist yet" not in html


def test_year_and_nation_sections_split_when_metadata_exists(small_dataset):
    data = load_report_data(small_dataset)
    html = _page(small_dataset)
    if "year" not in data.documents or data.documents["year"].isna().all():
        assert "No document in this dataset has a year recorded" in html
    years = data.documents.assign(year=[2021.0, None, 2023.0], nation=["England", "Wales", None])
    html = render_report(replace(data, documents=years), load_taxonomy(), "Test", "now")
    assert '<img id="year-chart"' in html and '<img id="nation-chart"' in html
    assert "<td>2021</td>" in html and "<td>unknown</td>" in html and "<td>Wales</td>" in html


def test_page_is_self_contained_and_escapes_document_text(small_dataset):
    html = _page(small_dataset)
    assert not re.search(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I)
    assert "<script" not in html.lower() and "<link" not in html.lower()
    assert "url(" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;odd&lt;/b&gt; &amp; name.pdf, page 1" in html
    sources = re.findall(r'<img [^>]*src="([^"]+)"', html)
    assert sources and all(s.startswith("data:image/png;base64,") for s in sources)
    chart = re.search(
        rf'<img id="{PREVALENCE_CHART_ID}" alt="[^"]+" src="data:[^,]+,([^"]+)"', html
    )
    assert chart, "the prevalence chart is not on the page"
    image = Image.open(io.BytesIO(base64.b64decode(chart.group(1)))).convert("RGB")
    assert _pixels(np.asarray(image), RISK_COLOUR) > 500  # the domestic abuse bar


def _pixels(rgb: np.ndarray, colour: str, tolerance: int = 12) -> int:
    """Pixels within ``tolerance`` of a hex colour in every channel."""
    target = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(rgb[..., :3].astype(int) - target) <= tolerance).all(axis=-1).sum())


def _screenshot(page: Path, png: Path) -> np.ndarray:
    if find_chromium() is None:
        if os.geteuid() == 0:  # setup installs it as root, so CI must have it
            pytest.fail("chromium is missing: run `make setup` (apt-get install chromium)")
        pytest.skip("chromium is not installed (sudo apt-get install chromium)")
    screenshot_html(page, png, size=(1200, 2000), timeout_s=90)
    return np.asarray(Image.open(png).convert("RGB"))


@pytest.mark.slow
def test_report_of_the_samples_renders_with_its_prevalence_chart(sample_dataset, tmp_path, capsys):
    _, dataset = sample_dataset
    out = tmp_path / "report.html"
    assert main(["report", str(dataset), "--out", str(out)]) == 0
    assert f"Report: {out}" in capsys.readouterr().out
    html = out.read_text()
    assert f'<img id="{PREVALENCE_CHART_ID}"' in html
    shot = _screenshot(out, tmp_path / "report.png")
    assert shot.shape[:2] == (2000, 1200)
    risk, practice = _pixels(shot, RISK_COLOUR), _pixels(shot, PRACTICE_COLOUR)
    assert risk > 2000 and practice > 2000, (risk, practice)
    # Control: the same page without the chart shows neither bar colour.
    bare = tmp_path / "bare.html"
    bare.write_text(re.sub(rf'<img id="{PREVALENCE_CHART_ID}"[^>]*>', "", html))
    control = _screenshot(bare, tmp_path / "bare.png")
    assert _pixels(control, RISK_COLOUR) < 50 and _pixels(control, PRACTICE_COLOUR) < 50
