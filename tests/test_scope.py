"""The document check: a document that is not a child case review gets no theme counted."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.isolate import IsolatedExtractor
from pipeline.realtext import DEFAULT_DIR as REALTEXT
from pipeline.realtext import document_texts, is_realtext
from pipeline.records import READABLE
from pipeline.run import process_document
from pipeline.scope import NOT_A_REVIEW, check_scope
from pipeline.settings import ExtractSettings
from pipeline.taxonomy import DocumentCheck, load_taxonomy

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "corpus_samples"
BADPDFS = REPO.parent / "shared" / "corpora" / "badpdfs"
CHECK = load_taxonomy().document_check
NOT_REVIEWS = sorted((SAMPLES / "not_reviews").glob("*.txt"))
REVIEW = "Serious case review: Child Q\n\nThe baby died at home. The review found that ..."


def test_the_taxonomy_has_a_document_check():
    assert CHECK is not None and CHECK.case_terms and CHECK.child_terms and CHECK.other_titles


def test_a_review_of_a_childs_death_is_in_scope():
    assert check_scope([REVIEW], CHECK) is None


def test_an_excerpt_about_an_infant_found_unresponsive_is_in_scope():
    """Regression: a note of one SUDI finding lost its unsafe_sleep tag to the check."""
    note = "Summary\n\nThe baby was found unresponsive on the sofa next to his father."
    assert check_scope([note], CHECK) is None


def test_no_check_keeps_every_document():
    assert check_scope(["Quarterly fuel prices"], None) is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Action plan: learning from the review of Child Q\nThe baby died.", "action plan"),
        ("Northbrook partnership\nMinutes\nThe review of the death of a child.", "minutes"),
        ("Lone working policy\nStaff visit children at home; the review ...", "policy"),
        ("Fuel prices rose in March across the region.", "no case review"),
        ("The coroner opened an inquest into the death of Mr Smith, 84.", "no child"),
        ("Child death form\nCharges filed? Yes No\nPending? Yes No\nClosed? Yes No", "form"),
    ],
)
def test_other_documents_say_why_they_are_out_of_scope(text, reason):
    found = check_scope([text], CHECK)
    assert found is not None and reason in found


def test_a_stated_age_under_18_names_a_child():
    inquest = "The coroner opened an inquest into the death of Sam Lee, aged {}."
    assert check_scope([inquest.format(15)], CHECK) is None
    assert check_scope([inquest.format(45)], CHECK) is not None
    assert check_scope(["The inquest heard that the three-year-old died."], CHECK) is None


def test_title_words_count_only_at_the_start_or_end_of_a_title_line():
    """ "Head of Policy | Analyst" is a byline, not a policy document."""
    text = "Review finds baby's death preventable\nHead of Policy | Analyst\nThe review ..."
    assert check_scope([text], CHECK) is None


def test_plurals_of_the_phrases_match():
    text = "Learning from case reviews: what the girls told us"
    assert check_scope([text], DocumentCheck(("case review",), ("girl",), ())) is None


@pytest.mark.skipif(not is_realtext(REALTEXT), reason=f"no labelled real text at {REALTEXT}")
def test_every_real_text_counts_as_a_review():
    texts = document_texts(REALTEXT)
    flagged = {name: check_scope([text], CHECK) for name, text in texts.items()}
    assert len(texts) >= 200
    assert {name: why for name, why in flagged.items() if why} == {}


@pytest.mark.slow
@pytest.mark.parametrize("path", NOT_REVIEWS, ids=lambda p: p.stem)
def test_fictional_non_reviews_get_no_theme(real_pipeline, path):
    result = process_document(path, real_pipeline)
    assert result.document.status in READABLE
    assert (result.document.warnings or "").startswith(f"{NOT_A_REVIEW}: ")
    assert result.tags == [] and not any(theme.present for theme in result.themes)


def test_there_are_four_kinds_of_fictional_non_review():
    assert [p.stem for p in NOT_REVIEWS] == ["action_plan", "briefing", "minutes", "policy"]


@pytest.mark.slow
def test_the_sample_reviews_stay_in_scope(real_pipeline):
    for pdf in sorted(SAMPLES.glob("*.pdf"))[:2]:
        result = process_document(pdf, real_pipeline)
        assert NOT_A_REVIEW not in (result.document.warnings or "")
        assert any(theme.present for theme in result.themes)


@pytest.mark.slow
@pytest.mark.skipif(not BADPDFS.is_dir(), reason=f"no bad-PDF corpus at {BADPDFS}")
def test_no_bad_pdf_gets_a_theme_counted(real_pipeline):
    """None of the 39 malformed and edge-case files is a case review; the readable ones say so."""
    pdfs = sorted(p for p in BADPDFS.iterdir() if p.name != "MANIFEST.md")
    counted, unflagged = {}, []
    with IsolatedExtractor(ExtractSettings(timeout_s=60)) as extractor:
        for pdf in pdfs:
            result = process_document(pdf, real_pipeline, extractor=extractor)
            present = [t.theme_id for t in result.themes if t.present]
            if present:
                counted[pdf.name] = present
            readable = result.document.status in READABLE and result.sentences
            if readable and NOT_A_REVIEW not in (result.document.warnings or ""):
                unflagged.append(pdf.name)
    assert len(pdfs) >= 39
    assert counted == {}
    assert unflagged == []
