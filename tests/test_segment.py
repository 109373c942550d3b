from __future__ import annotations

import pytest

from pipeline.nlp import load_nlp
from pipeline.records import Page, Section
from pipeline.segment import is_heading, section_of_heading, segment_pages


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


@pytest.mark.parametrize(
    ("heading", "section"),
    [
        ("1. Summary", Section.SUMMARY),
        ("Executive summary", Section.SUMMARY),
        ("3 Background", Section.BACKGROUND),
        ("Chronology of key events", Section.BACKGROUND),
        ("4.2 Analysis of practice", Section.ANALYSIS),
        ("Findings", Section.ANALYSIS),
        ("Key learning", Section.ANALYSIS),
        ("6. Recommendations", Section.RECOMMENDATIONS),
        ("Terms of reference", Section.OTHER),
        ("Methodology", Section.OTHER),
        ("7. Learning and actions", Section.RECOMMENDATIONS),
        ("4. What happened", Section.BACKGROUND),
        ("Information sharing between agencies", None),
    ],
)
def test_section_of_heading_maps_common_review_headings(heading, section):
    assert section_of_heading(heading) == section


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4. Findings", True),
        ("Recommendations", True),
        ("The mother told the midwife she felt low.", False),
        ("the family then moved", False),
        ("12", False),
    ],
)
def test_is_heading_needs_a_short_unpunctuated_line(text, expected):
    assert is_heading(text) is expected


def test_sentences_carry_page_offsets_and_section_across_pages(nlp):
    pages = [
        Page(1, "1. Summary\n\nChild K was three months old. She lived with her mother."),
        Page(2, "2. Background\n\nThe family moved to Eastmoor in May.\n\nThey had no car."),
        Page(3, "The health visitor visited twice.\n\n5. Recommendations\n\nAgencies should act."),
    ]
    sentences = segment_pages("doc", pages, nlp)
    assert [s.text for s in sentences][:2] == [
        "Child K was three months old.",
        "She lived with her mother.",
    ]
    for sentence in sentences:
        page_text = pages[sentence.page - 1].text
        assert page_text[sentence.start : sentence.end] == sentence.text
    sections = {s.text: s.section for s in sentences}
    assert sections["She lived with her mother."] is Section.SUMMARY
    assert sections["They had no car."] is Section.BACKGROUND
    assert sections["The health visitor visited twice."] is Section.BACKGROUND
    assert sections["Agencies should act."] is Section.RECOMMENDATIONS


def test_sentence_ids_are_stable_across_runs(nlp):
    pages = [Page(1, "One sentence here. Another sentence there.")]
    first = [s.id for s in segment_pages("abc", pages, nlp)]
    assert first == [s.id for s in segment_pages("abc", pages, nlp)]
    assert len(set(first)) == 2
    assert first != [s.id for s in segment_pages("abd", pages, nlp)]


def test_headings_and_blank_pages_make_no_sentences(nlp):
    pages = [Page(1, ""), Page(2, "Findings\n\n3")]
    assert segment_pages("doc", pages, nlp) == []
