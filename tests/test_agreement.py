"""Agreement: the tagger against reviewers, and reviewers with each other."""

from __future__ import annotations

import math

import pytest
from sklearn.metrics import cohen_kappa_score

from pipeline.agreement import (
    ALL,
    cohen_kappa,
    reviewer_agreement,
    reviewer_labels,
    tagger_agreement,
)
from pipeline.review import DecisionKind
from tests.review_factory import DOC_B, DRINK, HOME, NO_ABUSE, RECORDS, decide, write_sample_dataset


def test_kappa_matches_the_hand_computed_textbook_example():
    # 50 items: yes/yes 20, yes/no 5, no/yes 10, no/no 15. Observed agreement 0.7;
    # rater A says yes 25/50, rater B 30/50, so chance agreement 0.5*0.6 + 0.5*0.4 = 0.5;
    # kappa = (0.7 - 0.5) / (1 - 0.5) = 0.4.
    first = ["yes"] * 25 + ["no"] * 25
    second = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohen_kappa(first, second) == pytest.approx(0.4)
    assert cohen_kappa(first, second) == pytest.approx(cohen_kappa_score(first, second))


def test_kappa_is_one_for_perfect_agreement_and_undefined_for_a_single_label():
    assert cohen_kappa([True, False, True], [True, False, True]) == pytest.approx(1.0)
    assert math.isnan(cohen_kappa([True, True], [True, True]))
    assert math.isnan(cohen_kappa([], []))
    with pytest.raises(ValueError):
        cohen_kappa([True], [])


@pytest.fixture
def two_reviewers(tmp_path):
    """ana then ben on four shared items, ben alone on a fifth."""
    write_sample_dataset(tmp_path)
    for reviewer, kinds in {
        "ana": ["accept", "reject", "accept", "accept"],
        "ben": ["accept", "accept", "accept", "reject"],
    }.items():
        items = [
            (DRINK, "parental_substance_misuse"),  # counted by the tagger
            (DRINK, "neglect"),  # needs review
            (RECORDS, "information_sharing"),  # needs review
            (NO_ABUSE, "domestic_abuse"),  # negated: accepting it keeps it uncounted
        ]
        for (text, theme), kind in zip(items, kinds, strict=True):
            decide(tmp_path, reviewer, text, theme, DecisionKind(kind))
    decide(tmp_path, "ben", HOME, "neglect", DecisionKind.REJECT, document_id=DOC_B)
    return tmp_path


def test_reviewer_labels_are_counted_evidence_in_each_reviewers_view(two_reviewers):
    labels = reviewer_labels(two_reviewers)
    ana = labels[labels.reviewer == "ana"].sort_values("theme_id")
    assert ana[["theme_id", "counted"]].values.tolist() == [
        ["domestic_abuse", False],
        ["information_sharing", True],
        ["neglect", False],
        ["parental_substance_misuse", True],
    ]
    assert (labels.reviewer == "ben").sum() == 5


def test_kappa_between_two_reviewers_on_the_items_both_decided(two_reviewers):
    # ana: T F T F, ben: T T T F -> observed 3/4; chance 0.5*0.75 + 0.5*0.25 = 0.5;
    # kappa = (0.75 - 0.5) / 0.5 = 0.5. Ben's fifth item is not shared.
    report = reviewer_agreement(two_reviewers).set_index("theme_id")
    overall = report.loc[ALL]
    assert (overall.reviewer_a, overall.reviewer_b, overall.n_both) == ("ana", "ben", 4)
    assert overall.agreement == pytest.approx(0.75)
    assert overall.kappa == pytest.approx(0.5)
    assert report.loc["neglect"].kappa == 0.0  # one item, disagreed
    assert math.isnan(report.loc["domestic_abuse"].kappa)  # one item, one label


def test_no_pair_of_reviewers_gives_an_empty_report(tmp_path):
    write_sample_dataset(tmp_path)
    decide(tmp_path, "ana", DRINK, "neglect", DecisionKind.REJECT)
    assert reviewer_agreement(tmp_path).empty


def test_tagger_precision_and_recall_against_the_latest_decisions(two_reviewers):
    # ben decided last: tagger-counted psm kept (tp), HOME neglect rejected (fp),
    # DRINK neglect and RECORDS information_sharing accepted though uncounted (fn).
    report = tagger_agreement(two_reviewers).set_index("theme_id")
    overall = report.loc[ALL]
    assert (overall.n_reviewed, overall.tp, overall.fp, overall.fn) == (5, 1, 1, 2)
    assert overall.precision == pytest.approx(0.5)
    assert overall.recall == pytest.approx(1 / 3)
    assert (report.loc["neglect"].precision, report.loc["neglect"].recall) == (0.0, 0.0)
    assert report.loc["parental_substance_misuse"].precision == 1.0


def test_tagger_agreement_against_one_reviewer(two_reviewers):
    overall = tagger_agreement(two_reviewers, reviewer="ana").set_index("theme_id").loc[ALL]
    assert (overall.tp, overall.fp, overall.fn) == (1, 0, 1)
    assert (overall.precision, overall.recall) == (1.0, 0.5)


def test_tagger_agreement_with_no_decisions_is_undefined_not_an_error(tmp_path):
    write_sample_dataset(tmp_path)
    (overall,) = tagger_agreement(tmp_path).itertuples()
    assert overall.n_reviewed == 0 and math.isnan(overall.precision)
