"""The command line, run in-process with the real models."""

from __future__ import annotations

import json

import pytest

from pipeline.cli import main
from pipeline.taxonomy import load_taxonomy
from tests.conftest import GOLD, SAMPLES

pytestmark = pytest.mark.slow


def test_tag_prints_one_json_line_per_document_with_every_theme(real_pipeline, tmp_path, capsys):
    sample = sorted(SAMPLES.glob("*.pdf"))[0]
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    note = tmp_path / "note.txt"
    note.write_text(
        "Summary\n\nThe baby was found unresponsive on the sofa next to his father.\f"
        "There was no evidence of domestic abuse."
    )
    assert main(["tag", str(sample), str(empty), str(note), "--format", "jsonl"]) == 0
    out, err = capsys.readouterr()
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["document"] for line in lines] == [str(sample), str(empty), str(note)]
    ids = set(load_taxonomy().ids)
    for line in lines:
        assert set(line["themes"]) == ids
    assert lines[1]["status"] == "failed" and "empty" in err
    assert any(v["present"] for v in lines[0]["themes"].values())
    for value in lines[0]["themes"].values():
        assert all({"text", "page", "start", "end"} <= set(e) for e in value["evidence"])
    assert lines[2]["themes"]["unsafe_sleep"]["present"]
    assert not lines[2]["themes"]["domestic_abuse"]["present"]
    assert lines[2]["themes"]["unsafe_sleep"]["evidence"][0]["page"] == 1


def test_evaluate_prints_a_per_theme_table_with_macro_f1(real_pipeline, tmp_path, capsys):
    first = GOLD.read_text().splitlines()[0]
    gold = tmp_path / "gold.jsonl"
    gold.write_text(first + "\n")
    (tmp_path / json.loads(first)["file"]).symlink_to(SAMPLES / json.loads(first)["file"])
    assert main(["evaluate", str(gold)]) == 0
    out = capsys.readouterr().out
    for theme_id in load_taxonomy().ids:
        assert theme_id in out
    assert "macro F1" in out
    assert "95% intervals, resampling the 1 document (2000 draws)" in out


def test_evaluate_on_sentence_gold_prints_intervals_over_its_documents(
    real_pipeline, tmp_path, capsys
):
    from pipeline.goldset import DEFAULT_DIR

    lines = (DEFAULT_DIR / "dev.jsonl").read_text().splitlines()
    docs = sorted({json.loads(line)["doc"] for line in lines})[:2]
    gold = tmp_path / "two.jsonl"
    gold.write_text("\n".join(line for line in lines if json.loads(line)["doc"] in docs) + "\n")
    assert main(["evaluate", str(gold)]) == 0
    out = capsys.readouterr().out
    assert "in 2 documents" in out
    assert "95% intervals, resampling the 2 documents (2000 draws): document macro-F1" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["ingest", "{missing}", "--out", "{tmp}/dataset"],
        ["report", "{missing}", "--out", "{tmp}/report.html"],
        ["summarise", "{missing}", "--out", "{tmp}/summaries"],
        ["discover", "{missing}", "--out", "{tmp}/suggested.md"],
        ["evaluate", "{missing}"],
        ["train", "--gold", "{missing}", "--out", "{tmp}/head"],
        ["tune-thresholds", "--gold", "{missing}"],
    ],
    ids=lambda argv: argv[0],
)
def test_a_missing_path_is_an_error_naming_it(argv, tmp_path):
    """Regression: `ingest /no/such/folder` printed "0 documents:" and exited 0."""
    missing = str(tmp_path / "no" / "such")
    with pytest.raises(SystemExit) as raised:
        main([a.format(missing=missing, tmp=tmp_path) for a in argv])
    assert raised.value.code != 0 and missing in str(raised.value.code)
    assert not (tmp_path / "dataset").exists()


def test_tag_reads_the_files_it_can_and_fails_for_a_missing_one(real_pipeline, tmp_path, capsys):
    note = tmp_path / "note.txt"
    note.write_text("Summary\n\nThe baby was found unresponsive on the sofa next to his father.")
    assert main(["tag", str(tmp_path / "absent.pdf"), str(note)]) == 1
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["status"] for line in lines] == ["failed", "ok"]
