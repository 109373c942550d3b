from __future__ import annotations

import json

from pipeline.goldset import (
    GoldRow,
    Label,
    as_sentences,
    assertion_confusion,
    format_confusion,
    is_sentence_gold,
    load_gold_rows,
    score_rows,
)
from pipeline.records import Assertion, Section, Tag

THEMES = ("neglect", "unsafe_sleep")


def row(doc: str, index: int, text: str, *labels: tuple[str, str]) -> GoldRow:
    return GoldRow(
        doc, index, Section.ANALYSIS, text, tuple(Label(t, a, "child") for t, a in labels), False
    )


ROWS = [
    row("d1", 0, "The home was dirty.", ("neglect", "present")),
    row("d1", 1, "There was no evidence of co-sleeping.", ("unsafe_sleep", "negated")),
    row("d2", 0, "The children were hungry.", ("neglect", "present")),
    row("d2", 1, "Nothing happened."),
]


def tag(row_: GoldRow, theme: str, assertion: Assertion, review: bool = False) -> Tag:
    return Tag(row_.id, row_.doc, theme, 0.9, "rules.v1", assertion, review)


def test_rows_load_in_reading_order_and_become_sentences(tmp_path):
    path = tmp_path / "dev.jsonl"
    lines = [
        {"doc": "d1", "index": 1, "section": "summary", "text": "B.", "labels": []},
        {
            "doc": "d1",
            "index": 0,
            "section": "analysis",
            "text": "A is here.",
            "labels": [{"theme": "neglect", "assertion": "present", "subject": "child"}],
        },
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines))
    assert is_sentence_gold(path)
    rows = load_gold_rows(path)
    assert [r.index for r in rows] == [0, 1] and rows[0].present() == {"neglect"}
    sentences = as_sentences(rows)
    assert [(s.start, s.end) for s in sentences] == [(0, 10), (11, 13)]
    assert sentences[1].section is Section.SUMMARY and sentences[0].id == "d1:0"


def test_score_rows_counts_sentences_and_documents():
    tags = [
        tag(ROWS[0], "neglect", Assertion.PRESENT),
        tag(ROWS[1], "unsafe_sleep", Assertion.PRESENT),  # a missed negation: false positive
        tag(ROWS[2], "neglect", Assertion.PRESENT, review=True),  # not counted
    ]
    evaluation = score_rows(ROWS, tags, THEMES)
    neglect = evaluation.sentence["neglect"]
    assert (neglect.tp, neglect.fp, neglect.fn) == (1, 0, 1)
    assert evaluation.sentence["unsafe_sleep"].fp == 1
    assert (evaluation.document["neglect"].tp, evaluation.document["neglect"].fn) == (1, 1)
    assert evaluation.document["unsafe_sleep"].fp == 1


def test_assertion_confusion_pairs_gold_and_tagged_assertions():
    tags = [
        tag(ROWS[1], "unsafe_sleep", Assertion.NEGATED),
        tag(ROWS[0], "neglect", Assertion.PRESENT),
    ]
    confusion = assertion_confusion(ROWS, tags)
    assert confusion[("negated", "negated")] == 1
    assert confusion[("present", "present")] == 1
    assert confusion[("present", "none")] == 1
    assert "negated" in format_confusion(confusion)


def test_reliability_bins_scores_against_the_observed_share():
    from dataclasses import replace

    from pipeline.goldset import reliability

    tags = [
        replace(tag(ROWS[0], "neglect", Assertion.PRESENT), score=0.9),  # right
        replace(tag(ROWS[3], "neglect", Assertion.PRESENT), score=0.85),  # wrong
        replace(tag(ROWS[1], "unsafe_sleep", Assertion.NEGATED), score=0.3),  # right topic
    ]
    table = {name: (n, mean, share) for name, n, mean, share in reliability(ROWS, tags)}
    assert table["0.8-1.0"] == (2, 0.875, 0.5)
    assert table["0.2-0.4"] == (1, 0.3, 1.0)
    assert "0.4-0.6" not in table


def test_error_report_lists_false_positives_and_negatives_per_theme_and_kind():
    from pipeline.goldset import error_report

    tags = [
        tag(ROWS[1], "unsafe_sleep", Assertion.PRESENT),  # gold says negated: false positive
        tag(ROWS[2], "neglect", Assertion.NEGATED),  # gold says present: false negative
    ]
    report = error_report(ROWS, tags, THEMES)
    assert "## unsafe_sleep" in report and "[gold: unsafe_sleep:negated]" in report
    assert "on topic, not present (1):" in report
    assert "## neglect" in report and "### False negatives (2)" in report
    assert "judged negated (1):" in report and "no candidate (1):" in report
    assert "[0.90 negated] The children were hungry." in report
    assert "[-] The home was dirty." in report


def test_gold_rows_are_tagged_one_document_at_a_time_as_the_pipeline_tags(real_pipeline):
    from pipeline.goldset import DEFAULT_DIR, tag_rows

    rows = load_gold_rows(DEFAULT_DIR / "cross_dev.jsonl")
    first = [r for r in rows if r.doc == rows[0].doc]
    tagger = real_pipeline.tagger
    alone = tagger.tag_sentences(as_sentences(first))
    assert alone  # the document has tags to compare
    in_split = [t for t in tag_rows(tagger, rows) if t.document_id == rows[0].doc]
    assert in_split == alone  # the other documents of the split change nothing


def test_intervals_resample_whole_documents_and_bracket_the_figures():
    from pipeline.evaluate import bootstrap_intervals
    from pipeline.goldset import score_by_document

    tags = [tag(ROWS[0], "neglect", Assertion.PRESENT)]  # d1 right, d2's neglect missed
    per_document = score_by_document(ROWS, tags, THEMES)
    assert len(per_document) == 2
    assert (
        per_document[0].sentence["neglect"].tp == 1 and per_document[1].sentence["neglect"].fn == 1
    )
    whole = score_rows(ROWS, tags, THEMES)
    intervals = bootstrap_intervals(per_document)
    assert intervals.documents == 2
    low, high = intervals.sentence_f1
    assert low < whole.macro_f1("sentence") < high  # 0.833: d1 alone 1.0, d2 alone 0.5
    assert (low, high) == (0.5, 1.0)
    assert intervals.precision == (1.0, 1.0)  # right wherever a draw counts a tag at all
    assert bootstrap_intervals(per_document) == intervals  # seeded: the same every run
    same = score_by_document(ROWS[:2], tags, THEMES) * 2
    assert bootstrap_intervals(same).document_f1 == (1.0, 1.0)  # identical documents
    assert "95% intervals, resampling the 2 documents" in str(intervals)
    assert str(bootstrap_intervals([])) == "95% intervals: no documents to resample"
