from __future__ import annotations

import json

from pipeline.evaluate import Counts, load_gold, normalise, score
from pipeline.records import Assertion, DocumentResult, DocumentTheme
from tests.records_factory import make_result, make_sentence, make_tag

THEMES = ("neglect", "unsafe_sleep")


def test_counts_give_hand_computed_precision_recall_f1():
    counts = Counts(tp=3, fp=1, fn=2)
    assert counts.precision == 0.75
    assert counts.recall == 0.6
    assert abs(counts.f1 - 2 * 0.75 * 0.6 / 1.35) < 1e-12


def test_evidence_precision_pools_every_theme_and_is_printed():
    from pipeline.evaluate import Evaluation, format_table

    evaluation = Evaluation(
        THEMES,
        document={t: Counts() for t in THEMES},
        sentence={"neglect": Counts(tp=3, fp=1, fn=2), "unsafe_sleep": Counts(tp=1, fp=3)},
    )
    assert evaluation.evidence_precision() == (0.5, 4, 8)
    assert "precision of counted evidence sentences: 0.500 (4/8)" in format_table(evaluation)
    empty = {t: Counts() for t in THEMES}
    assert Evaluation(THEMES, empty, dict(empty)).evidence_precision() == (0.0, 0, 0)


def test_score_matches_sentences_by_normalised_text(tmp_path):
    gold_path = tmp_path / "gold.jsonl"
    gold_path.write_text(
        json.dumps(
            {
                "file": "a.pdf",
                "themes": ["neglect"],
                "sentences": [
                    {
                        "text": "The home was  dirty and there was no food.",
                        "page": 1,
                        "themes": ["neglect"],
                        "assertion": "present",
                    },
                    {
                        "text": "There were no concerns about how the baby slept at night.",
                        "page": 1,
                        "themes": ["unsafe_sleep"],
                        "assertion": "negated",
                    },
                    {
                        "text": "The children were often hungry at school in the mornings.",
                        "page": 2,
                        "themes": ["neglect"],
                        "assertion": "present",
                    },
                ],
            }
        )
        + "\n"
    )
    gold = load_gold(gold_path)
    result = make_result("a" * 64)  # tags the first sentence neglect, present
    wrong = make_sentence(
        "a" * 64, 1, 50, "There were no concerns about how the baby slept at night."
    )
    extra = make_tag(wrong, "unsafe_sleep", 0.9)
    themes = [
        *result.themes,
        DocumentTheme("a" * 64, "unsafe_sleep", True, 0.9, 1, wrong.id, 1, wrong.text),
    ]
    result = DocumentResult(
        result.document,
        result.pages,
        [*result.sentences, wrong],
        [*result.tags, extra, make_tag(wrong, "neglect", 0.9, Assertion.NEGATED)],
        themes,
    )
    evaluation = score(gold, [result], THEMES)
    assert (evaluation.sentence["neglect"].tp, evaluation.sentence["neglect"].fn) == (1, 1)
    assert evaluation.sentence["neglect"].fp == 0  # a negated tag is not counted evidence
    assert evaluation.sentence["unsafe_sleep"].fp == 1
    assert evaluation.document["neglect"].tp == 1
    assert evaluation.document["unsafe_sleep"].fp == 1
    assert evaluation.macro_f1("document") == 0.5


def test_normalise_ignores_case_punctuation_and_spacing():
    assert normalise("Pre-birth  planning,\nfailed.") == "pre birth planning failed"
