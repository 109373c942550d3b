"""Theme discovery: unexplained findings sentences -> clusters -> suggested themes."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import numpy as np
import pytest
from sklearn.cluster import AgglomerativeClustering

from pipeline.discover import (
    Candidate,
    ThemeDiscovery,
    class_tfidf,
    discover_themes,
    select_candidates,
    suggestions_dict,
    suggestions_markdown,
    top_keywords,
)
from pipeline.records import Assertion, Section
from pipeline.store import read_dataset
from pipeline.summary import load_results
from tests.records_factory import make_result, make_sentence, make_tag

DOC = "e" * 64


def test_ctfidf_weighs_a_word_by_its_share_of_the_cluster_and_its_rarity_elsewhere():
    clusters = [["housing housing eviction"], ["interpreter interpreter language"]]
    weights, vocabulary = class_tfidf(clusters)
    keywords = top_keywords(weights, vocabulary, n=2)
    assert [words[0][0] for words in keywords] == ["housing", "interpreter"]
    # housing: 2 of cluster 0's 3 words; 3 words per cluster on average; 2 uses in all.
    assert keywords[0][0][1] == pytest.approx(2 / 3 * math.log(1 + 3 / 2), abs=1e-4)
    assert keywords[0][1][0] == "eviction"


def test_ctfidf_ranks_a_word_shared_by_every_cluster_below_a_distinctive_one():
    weights, vocabulary = class_tfidf([["housing family"], ["interpreter family"]])
    column = {word: j for j, word in enumerate(vocabulary)}
    assert weights[0, column["housing"]] > weights[0, column["family"]]
    assert weights[1, column["interpreter"]] > weights[1, column["family"]]


def test_ctfidf_leaves_out_stop_words_and_numbers():
    _, vocabulary = class_tfidf([["the housing was in 2019"], ["and of interpreter"]])
    assert sorted(vocabulary) == ["housing", "interpreter"]


def test_candidates_are_untagged_findings_sentences_of_enough_words():
    texts = [
        "Housing officers were never invited to the strategy meetings.",  # candidate
        "The family moved house four times in a single year.",  # weak tag: explained
        "The interpreter was a relative of the mother's partner.",  # tag below the floor
        "Short one here.",  # too short
    ]
    sentences = [make_sentence(DOC, 1, i * 100, text) for i, text in enumerate(texts)]
    summary = replace(make_sentence(DOC, 2, 0, "A fictional boy moved house with his family."))
    summary = replace(summary, section=Section.SUMMARY)
    tags = [
        make_tag(sentences[1], "neglect", 0.25, Assertion.NEGATED, needs_review=True),
        make_tag(sentences[2], "neglect", 0.1),
    ]
    result = replace(make_result(DOC), sentences=[*sentences, summary], tags=tags)
    chosen = select_candidates([result])
    assert [c.sentence.text for c in chosen] == [texts[0], texts[2]]
    with_summary = select_candidates([result], sections=(Section.ANALYSIS, Section.SUMMARY))
    assert len(with_summary) == 3


def _blobs() -> tuple[list[Candidate], np.ndarray]:
    """Two tight groups of four sentences in two documents, and one stray sentence."""
    rng = np.random.default_rng(7)
    centres = np.eye(8)[[0, 1]]
    vectors, candidates = [], []
    for i in range(9):
        centre = centres[0] if i < 4 else centres[1] if i < 8 else np.eye(8)[5]
        vectors.append(centre + 0.05 * rng.standard_normal(8))
        doc = "a" * 64 if i % 2 else "b" * 64
        sentence = make_sentence(doc, i + 1, 0, f"Fictional sentence number {i} about a topic.")
        candidates.append(Candidate(sentence, f"{doc[0]}.pdf"))
    return candidates, np.array(vectors)


def test_precomputed_embeddings_cluster_into_two_suggestions_and_an_outlier():
    candidates, vectors = _blobs()
    discovery = ThemeDiscovery(min_cluster_size=3, random_state=0).fit(candidates, vectors)
    assert discovery.silhouettes_  # k was chosen by silhouette
    sizes = [s.size for s in discovery.suggestions_]
    assert sizes == [4, 4]
    assert (discovery.labels_ == -1).sum() == 1 and discovery.labels_[8] == -1
    first = discovery.suggestions_[0]
    assert first.suggestion_id == "suggestion_01"
    assert set(first.sentence_ids) == {c.sentence.id for c in candidates[:4]}
    assert {s.file_name for s in first.documents} == {"a.pdf", "b.pdf"}
    assert sum(s.n_sentences for s in first.documents) == 4
    similarities = [rep.similarity for rep in first.representatives]
    assert similarities == sorted(similarities, reverse=True) and len(similarities) == 3


def test_a_passed_clusterer_is_used_and_left_unchanged():
    candidates, vectors = _blobs()
    clusterer = AgglomerativeClustering(n_clusters=2)
    discovery = ThemeDiscovery(clusterer=clusterer, min_cluster_size=2).fit(candidates, vectors)
    assert not hasattr(clusterer, "labels_")
    assert sorted(s.size for s in discovery.suggestions_) == [4, 5]
    assert discovery.silhouettes_ == {}


def test_the_number_of_clusters_can_be_given():
    candidates, vectors = _blobs()
    discovery = ThemeDiscovery(n_clusters=3, min_cluster_size=1).fit(candidates, vectors)
    assert sorted(s.size for s in discovery.suggestions_) == [1, 4, 4]


def test_without_an_encoder_or_embeddings_fit_says_what_is_missing():
    candidates, _ = _blobs()
    with pytest.raises(ValueError, match="encoder or precomputed embeddings"):
        ThemeDiscovery().fit(candidates)


def test_too_few_sentences_give_no_suggestion_and_say_so():
    candidates, vectors = _blobs()
    discovery = ThemeDiscovery(min_cluster_size=3).fit(candidates[:2], vectors[:2])
    assert discovery.suggestions_ == []
    markdown = suggestions_markdown([], {"sections": ["analysis"], "n_candidates": 2})
    assert "No group was large enough to suggest a theme." in markdown


def test_the_report_words_suggestions_for_a_domain_expert():
    candidates, vectors = _blobs()
    discovery = ThemeDiscovery(random_state=0).fit(candidates, vectors)
    settings = {"seed": 0, "sections": ["analysis"], "n_candidates": 9, "floor": 0.2}
    markdown = suggestions_markdown(discovery.suggestions_, settings)
    assert "## Suggestion 1 (`suggestion_01`): 4 sentences from 2 reviews" in markdown
    assert "a domain expert should read the sentences" in markdown
    assert "(a.pdf, page" in markdown or "(b.pdf, page" in markdown
    data = json.loads(json.dumps(suggestions_dict(discovery.suggestions_, settings)))
    assert data["seed"] == 0
    assert [s["size"] for s in data["suggestions"]] == [4, 4]
    assert set(data["suggestions"][0]["keywords"][0]) == {"word", "weight"}


# --- the sample PDFs, with the session's real encoder -----------------------------------


@pytest.fixture(scope="module")
def sample_results(sample_dataset):
    _, out = sample_dataset
    return load_results(out)


def _discover(real_pipeline, results, seed=0):
    encoder = real_pipeline.tagger.classifier.encoder
    discovery = ThemeDiscovery(encoder, random_state=seed)
    suggestions, settings = discover_themes(results, discovery)
    return suggestions_dict(suggestions, settings), suggestions_markdown(suggestions, settings)


@pytest.mark.slow
def test_discovery_on_the_samples_is_deterministic_for_a_seed(real_pipeline, sample_results):
    first = _discover(real_pipeline, sample_results)
    second = _discover(real_pipeline, sample_results)
    assert json.dumps(first[0]) == json.dumps(second[0])
    assert first[1] == second[1]


@pytest.mark.slow
def test_sample_suggestions_are_unexplained_findings_sentences(
    real_pipeline, sample_dataset, sample_results
):
    _, out = sample_dataset
    data, _ = _discover(real_pipeline, sample_results)
    # 9 unexplained analysis sentences with the models of 2026-11-26 round 2 (18 before):
    # the samples are written so that nearly every finding carries a theme
    assert data["suggestions"] and data["n_candidates"] >= 6
    tables = read_dataset(out)
    sentences = tables["sentences"].set_index("sentence_id")
    tagged = set(tables["tags"].loc[tables["tags"].score >= 0.2, "sentence_id"])
    for suggestion in data["suggestions"]:
        assert suggestion["size"] >= 3 and suggestion["keywords"]
        assert suggestion["size"] == len(suggestion["sentence_ids"])
        assert set(sentences.loc[list(suggestion["sentence_ids"]), "section"]) == {"analysis"}
        assert not set(suggestion["sentence_ids"]) & tagged
        for rep in suggestion["representatives"]:
            assert sentences.loc[rep["sentence_id"], "text"] == rep["text"]
            assert sentences.loc[rep["sentence_id"], "page"] == rep["page"]


@pytest.mark.slow
def test_discover_command_writes_markdown_and_json_beside_it(sample_dataset, tmp_path):
    from pipeline.cli import main

    _, out = sample_dataset
    assert main(["discover", str(out), "--out", str(tmp_path / "new.md"), "--clusters", "2"]) == 0
    data = json.loads((tmp_path / "new.json").read_text())
    assert data["silhouettes"] == {}  # k was given, not chosen
    assert (tmp_path / "new.md").read_text().startswith("# Suggested new themes")
