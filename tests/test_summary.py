"""Per-review summaries: case summary, learning themes and recommendations linked to themes."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from pipeline.records import Assertion, DocumentResult, DocumentTheme, Page, Section, Sentence
from pipeline.store import read_dataset, write_dataset
from pipeline.summary import (
    CANDIDATE_FLOOR,
    DIRECTIVE,
    extract_recommendations,
    load_results,
    select_case_sentences,
    summarise_review,
)
from pipeline.summary_output import output_stem, summary_dict, to_markdown, write_summaries
from pipeline.taxonomy import load_taxonomy
from tests.conftest import SAMPLES
from tests.records_factory import make_result, make_sentence, make_tag

DOC = "d" * 64


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy()


def sentences_of(page: Page, texts: list[str], section: Section) -> list[Sentence]:
    """Sentences of a hand-made page, each found verbatim in its text."""
    sentences, cursor = [], 0
    for text in texts:
        start = page.text.index(text, cursor)
        cursor = start + len(text)
        sentences.append(replace(make_sentence(DOC, page.number, start, text), section=section))
    return sentences


def in_section(texts: list[str], section: Section, page: int = 1) -> list[Sentence]:
    """Sentences with no page text behind them, one after another."""
    made, start = [], 0
    for text in texts:
        made.append(replace(make_sentence(DOC, page, start, text), section=section))
        start += len(text) + 1
    return made


NUMBERED = Page(
    4,
    "Recommendations\n\nThe review makes the following recommendations.\n\n"
    "1. The partnership should ensure that letters are copied to the health visitor. "
    "This should include letters from the perinatal team.\n\n"
    "2. Agencies should give safer sleep advice to both parents.\n\n"
    "The board should publish this report.",
)
NUMBERED_TEXTS = [
    "The review makes the following recommendations.",
    "The partnership should ensure that letters are copied to the health visitor.",
    "This should include letters from the perinatal team.",
    "Agencies should give safer sleep advice to both parents.",
    "The board should publish this report.",
]


def test_a_numbered_recommendation_of_two_sentences_is_one_item(taxonomy):
    sentences = sentences_of(NUMBERED, NUMBERED_TEXTS, Section.RECOMMENDATIONS)
    items = extract_recommendations(sentences, [], taxonomy, [NUMBERED])
    assert [item.text for item in items] == [
        NUMBERED_TEXTS[1] + " " + NUMBERED_TEXTS[2],  # the introduction is left out
        NUMBERED_TEXTS[3],
        NUMBERED_TEXTS[4],  # an unnumbered paragraph after the list is an item of its own
    ]
    assert [item.number for item in items] == [1, 2, 3]
    assert items[0].sentence_ids == (sentences[1].id, sentences[2].id)
    assert items[0].pages == (4,)


def test_a_headed_recommendation_runs_to_the_next_heading(taxonomy):
    page = Page(
        7,
        "Recommendation 1\n\nThe council should review its duty rota. It should report back."
        "\n\nThe review should be finished in six months.\n\nRecommendation 2\n\n"
        "Health visitors should ask who cares for the baby at night.",
    )
    texts = [
        "The council should review its duty rota.",
        "It should report back.",
        "The review should be finished in six months.",
        "Health visitors should ask who cares for the baby at night.",
    ]
    sentences = sentences_of(page, texts, Section.RECOMMENDATIONS)
    items = extract_recommendations(sentences, [], taxonomy, [page])
    assert [item.text for item in items] == [" ".join(texts[:3]), texts[3]]


def test_without_numbers_each_directive_sentence_is_an_item_and_a_broken_one_is_joined(taxonomy):
    sentences = in_section(
        [
            "The panel met four times.",
            "The partnership should ensure that the protocol is revised.",
            "Police reports about incidents at home",
            "should be shared with the school within a day.",
        ],
        Section.RECOMMENDATIONS,
    )
    sentences[3] = replace(sentences[3], page=2)
    items = extract_recommendations(sentences, [], taxonomy)
    assert [item.text for item in items] == [
        sentences[1].text,
        "Police reports about incidents at home should be shared with the school within a day.",
    ]
    assert items[1].pages == (1, 2)


def test_a_section_with_no_directive_keeps_every_sentence(taxonomy):
    sentences = in_section(["Training for all staff.", "A new protocol."], Section.RECOMMENDATIONS)
    items = extract_recommendations(sentences, [], taxonomy)
    assert [item.text for item in items] == ["Training for all staff.", "A new protocol."]


def test_links_are_practice_themes_at_or_above_the_floor_whatever_the_assertion(taxonomy):
    (sentence,) = in_section(
        ["The board should ensure that records are shared and staff are trained."],
        Section.RECOMMENDATIONS,
    )
    tags = [
        make_tag(sentence, "information_sharing", 0.81, Assertion.RECOMMENDATION),
        make_tag(sentence, "adult_services_parenting", 0.3, needs_review=True),
        make_tag(sentence, "unsafe_sleep", 0.95, Assertion.RECOMMENDATION),  # a risk factor
        make_tag(sentence, "training_gaps", 0.1, Assertion.RECOMMENDATION),  # below the floor
    ]
    (item,) = extract_recommendations([sentence], tags, taxonomy)
    assert [(link.theme_id, link.score, link.above_threshold) for link in item.themes] == [
        ("information_sharing", 0.81, True),
        ("adult_services_parenting", 0.3, False),  # below its threshold: "may address"
    ]
    summary = replace(
        summarise_review(_result_with([sentence], []), taxonomy), recommendations=(item,)
    )
    markdown = to_markdown(summary, taxonomy)
    assert "   - addresses Information sharing (`information_sharing`, score 0.81)" in markdown
    assert "   - may address Adult services and parenting" in markdown


def test_the_case_summary_skips_title_lines_and_stops_at_three_sentences(taxonomy):
    sentences = in_section(
        [
            "Published by a fictional partnership in 2031.",
            "This review concerns Child Z, a fictional boy of six.",
            "He was found alone at a bus stop late at night.",
            "His mother had been admitted to hospital that day.",
            "Child Z now lives with his aunt.",
        ],
        Section.SUMMARY,
    )
    chosen = select_case_sentences(sentences)
    assert [s.text for s in chosen] == [s.text for s in sentences[1:4]]


def test_the_case_summary_falls_back_to_background_and_caps_words(taxonomy):
    long = "The child " + "and the family " * 40 + "moved."
    sentences = in_section(["Method notes."], Section.OTHER) + in_section(
        [long, "The mother was unwell."], Section.BACKGROUND
    )
    chosen = select_case_sentences(sentences)
    assert [s.text for s in chosen] == [long]  # the first is kept whole; no room for more


def _result_with(sentences: list[Sentence], present: list[str]) -> DocumentResult:
    base = make_result(DOC)
    themes = [DocumentTheme(DOC, t, True, 0.9, 1, None, None, None) for t in present]
    return replace(base, sentences=sentences, tags=[], themes=themes, pages=[])


def test_a_review_without_recommendations_says_none_were_found(taxonomy):
    sentences = in_section(["This review concerns Child Z, a fictional boy."], Section.SUMMARY)
    summary = summarise_review(_result_with(sentences, ["risk_assessment"]), taxonomy)
    assert summary.recommendations == ()
    assert not summary.has_recommendations_section
    markdown = to_markdown(summary, taxonomy)
    assert "No recommendations section was found in this review." in markdown
    assert "Learning themes include: risk assessment." in markdown


def test_learning_themes_are_present_practice_themes_and_risk_factors_are_apart(taxonomy):
    sentences = in_section(["This review concerns Child Z, a fictional boy."], Section.SUMMARY)
    present = ["neglect", "information_sharing", "training_gaps"]
    summary = summarise_review(_result_with(sentences, present), taxonomy)
    assert summary.learning_themes == ("information_sharing", "training_gaps")
    assert summary.risk_factors == ("neglect",)
    markdown = to_markdown(summary, taxonomy)
    assert "Learning themes include: information sharing and training gaps." in markdown
    data = json.loads(json.dumps(summary_dict(summary, taxonomy)))
    assert data["learning_themes"][0] == {
        "theme_id": "information_sharing",
        "label": "Information sharing",
    }


def test_records_round_trip_through_the_dataset(tmp_path):
    written = make_result(DOC)
    write_dataset(tmp_path, [written])
    (loaded,) = load_results(tmp_path)
    assert loaded.sentences == written.sentences
    assert loaded.tags == written.tags
    assert loaded.themes == written.themes
    assert loaded.pages == written.pages


def test_the_floor_is_the_taggers_candidate_floor():
    from pipeline.tag.combine import CombineSettings

    assert CombineSettings().candidate_floor == CANDIDATE_FLOOR


def test_a_missing_dataset_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a dataset"):
        load_results(tmp_path / "nothing")
    assert not (tmp_path / "nothing").exists()


def test_output_names_are_safe_and_unique(taxonomy):
    summary = summarise_review(replace(make_result(DOC, "../odd name?.pdf")), taxonomy)
    assert output_stem(summary) == f"odd_name_{DOC[:8]}"


# --- the sample PDFs, ingested once through the real flow ---------------------------------


def _source_recommendations(file_name: str) -> list[tuple[str, set[str]]]:
    """The source text's recommendation lines (those with a directive) and their labels."""
    source = (SAMPLES / "reviews" / file_name).with_suffix(".txt").read_text()
    lines, inside = [], False
    for line in source.splitlines():
        if line.startswith("# "):
            inside = bool(re.search(r"recommend|actions", line, re.I))
        elif inside and line.strip():
            label = re.match(r"^\[\w+: ([^\]]*)\]\s*", line)
            themes = {t.strip() for t in label.group(1).split(",")} if label else set()
            lines.append((line[label.end() if label else 0 :].strip(), themes))
    return [(text, themes) for text, themes in lines if DIRECTIVE.search(text)]


@pytest.mark.slow
def test_numbered_recommendations_survive_real_segmentation(real_pipeline, taxonomy):
    from pipeline.segment import segment_pages

    page = replace(NUMBERED, number=1)
    sentences = segment_pages(DOC, [page], real_pipeline.tagger.nlp)
    items = extract_recommendations(sentences, [], taxonomy, [page])
    assert [item.text for item in items] == [
        NUMBERED_TEXTS[1] + " " + NUMBERED_TEXTS[2],
        NUMBERED_TEXTS[3],
        NUMBERED_TEXTS[4],
    ]


@pytest.fixture(scope="module")
def sample_summaries(sample_dataset, taxonomy):
    _, out = sample_dataset
    return [summarise_review(result, taxonomy) for result in load_results(out)]


@pytest.mark.slow
def test_every_sample_yields_its_recommendations_verbatim(sample_dataset, sample_summaries):
    _, out = sample_dataset
    sentences = read_dataset(out)["sentences"].set_index("sentence_id")
    assert len(sample_summaries) == len(list(SAMPLES.glob("*.pdf")))
    for summary in sample_summaries:
        expected = [text for text, _ in _source_recommendations(summary.file_name)]
        assert summary.has_recommendations_section
        assert [r.text for r in summary.recommendations] == expected, summary.file_name
        for item in summary.recommendations:
            texts = [sentences.loc[sid, "text"] for sid in item.sentence_ids]
            assert " ".join(texts) == item.text  # the samples number no recommendation
            assert set(sentences.loc[list(item.sentence_ids), "section"]) == {"recommendations"}


@pytest.mark.slow
def test_sample_recommendations_link_to_practice_themes_only(sample_summaries, taxonomy):
    practice = {t.id for t in taxonomy.themes if t.kind == "practice_weakness"}
    links = [link for s in sample_summaries for r in s.recommendations for link in r.themes]
    assert links, "no recommendation of ten reviews was linked to any theme"
    assert {link.theme_id for link in links} <= practice
    assert all(0.2 <= link.score <= 1.0 for link in links)


@pytest.mark.slow
def test_sample_recommendation_links_agree_with_the_source_labels(sample_summaries, taxonomy):
    practice = {t.id for t in taxonomy.themes if t.kind == "practice_weakness"}
    counts = {"tp_all": 0, "all": 0, "tp_above": 0, "above": 0, "gold": 0}
    for summary in sample_summaries:
        labels = dict(_source_recommendations(summary.file_name))
        for item in summary.recommendations:
            gold = labels[item.text] & practice
            links = {link.theme_id: link.above_threshold for link in item.themes}
            counts["gold"] += len(gold)
            counts["all"] += len(links)
            counts["tp_all"] += len(gold & set(links))
            counts["above"] += sum(links.values())
            counts["tp_above"] += sum(above for theme, above in links.items() if theme in gold)
    # Measured 2026-11-26 (adapters lora-6f51cadded3b): all links recall 0.83 (35/42),
    # precision 0.65 (35/54); links at or above the theme threshold precision 0.78 (28/36).
    # With earlier models the last was 0.89 (24/27), 0.94 (30/32), 0.81 (26/32) and 0.81
    # (29/36): four links either way among about 30. Below these floors: a regression.
    assert counts["tp_all"] / counts["gold"] >= 0.75, counts
    assert counts["tp_above"] / counts["above"] >= 0.75, counts


@pytest.mark.slow
def test_sample_summaries_name_the_themes_present(sample_dataset, sample_summaries, taxonomy):
    _, out = sample_dataset
    themes = read_dataset(out)["document_themes"]
    for summary in sample_summaries:
        rows = themes[(themes.document_id == summary.document_id) & themes.present]
        present = set(rows.theme_id)
        assert set(summary.learning_themes) | set(summary.risk_factors) == present
        markdown = to_markdown(summary, taxonomy)
        for theme_id in summary.learning_themes:
            assert taxonomy.theme(theme_id).label.lower() in markdown
        assert summary.case_summary and len(summary.case_summary.split()) <= 90
        assert "Fictional sample" not in summary.case_summary


@pytest.mark.slow
def test_summarise_command_writes_a_json_and_a_markdown_file_per_review(sample_dataset, tmp_path):
    from pipeline.cli import main

    _, out = sample_dataset
    assert main(["summarise", str(out), "--out", str(tmp_path / "summaries")]) == 0
    folder = tmp_path / "summaries"
    n_pdfs = len(list(SAMPLES.glob("*.pdf")))
    assert len(list(folder.glob("*.json"))) == len(list(folder.glob("*.md"))) - 1 == n_pdfs
    for path in folder.glob("*.json"):
        data = json.loads(path.read_text())
        assert data["recommendations"] and data["case_summary"]["pages"]
    assert (folder / "index.md").read_text().count("| [review_") == n_pdfs


def test_one_review_that_cannot_be_summarised_does_not_stop_the_others(
    tmp_path, taxonomy, monkeypatch
):
    import pipeline.summary_output as output

    write_dataset(tmp_path / "ds", [make_result("a" * 64, "a.pdf"), make_result("b" * 64, "b.pdf")])

    def broken(result, taxonomy):
        if result.document.file_name == "a.pdf":
            raise KeyError("a theme")
        return summarise_review(result, taxonomy)

    monkeypatch.setattr(output, "summarise_review", broken)
    summaries, errors = write_summaries(tmp_path / "ds", tmp_path / "out", taxonomy)
    assert [s.file_name for s in summaries] == ["b.pdf"]
    assert errors == ["a.pdf: not summarised (KeyError)"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        f"b_{'b' * 8}.json",
        f"b_{'b' * 8}.md",
        "index.md",
    ]
