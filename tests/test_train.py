from __future__ import annotations

import numpy as np
import pytest

from pipeline.aggregate import is_evidence
from pipeline.tag.embeddings import DEFAULT_HEAD_DIR, ThemeHead
from pipeline.taxonomy import load_taxonomy
from pipeline.train import UNKNOWN, build_training_set

TAXONOMY = load_taxonomy()


def test_training_labels_follow_topic_not_assertion():
    data = build_training_set(TAXONOMY)
    index = {text: row for text, row in zip(data.texts, data.labels, strict=True)}
    theme = TAXONOMY.theme("domestic_abuse")
    column = TAXONOMY.ids.index("domestic_abuse")
    assert index[theme.examples[0]][column] == 1
    assert sum(index[theme.examples[0]]) == 1
    negated = next(n.text for n in theme.negatives if n.kind == "negated")
    assert index[negated][column] == 1  # on topic: the assertion detector rules it out
    off_topic = next(n.text for n in theme.negatives if n.kind == "off_topic")
    assert index[off_topic][column] == 0
    assert (np.delete(index[off_topic], column) == UNKNOWN).all()
    assert (index[TAXONOMY.neutral[0]] == 0).all()
    evidence = {text: row for text, row in zip(data.texts, data.evidence, strict=True)}
    assert evidence[theme.examples[0]][column] == 1  # asserted present
    assert evidence[negated][column] == 0  # on topic, but not asserted
    assert evidence[off_topic][column] == UNKNOWN
    assert (evidence[TAXONOMY.neutral[0]] == UNKNOWN).all()


def test_head_round_trips_without_pickle_and_detects_tampering(tmp_path):
    combiner = np.array([1.0, 2.0, 0.0, -1.0])
    head = ThemeHead(
        ("a", "b"), np.eye(2, 3, dtype=np.float32), np.zeros(2, np.float32), combiner, {"x": 1}
    )
    head.save(tmp_path)
    loaded = ThemeHead.load(tmp_path)
    assert loaded.version == head.version and loaded.theme_ids == ("a", "b")
    np.savez(
        tmp_path / "weights.npz", coef=np.ones((2, 3)), intercept=np.zeros(2), combiner=combiner
    )
    with pytest.raises(ValueError, match="version mismatch"):
        ThemeHead.load(tmp_path)


def test_head_keeps_its_evidence_check_and_an_older_head_has_none(tmp_path):
    coef, intercept, combiner = np.eye(2, 3, dtype=np.float32), np.zeros(2), np.ones(4)
    older = ThemeHead(("a", "b"), coef, intercept, combiner, {})
    evidence = np.array([[0.0, 0.0, -5.0], [0.0, 0.0, 5.0]], dtype=np.float32)
    head = ThemeHead(("a", "b"), coef, intercept, combiner, {}, evidence, np.zeros(2))
    assert head.version != older.version
    head.save(tmp_path / "new")
    older.save(tmp_path / "old")
    loaded = ThemeHead.load(tmp_path / "new")
    assert loaded.version == head.version
    vectors = np.array([[0.0, 0.0, 1.0]])
    assert np.allclose(
        loaded.predict_evidence(vectors), [[1 / (1 + np.exp(5)), 1 / (1 + np.exp(-5))]]
    )
    assert np.array_equal(ThemeHead.load(tmp_path / "old").predict_evidence(vectors), [[1.0, 1.0]])


def test_committed_head_was_trained_on_the_committed_taxonomy():
    head = ThemeHead.load(DEFAULT_HEAD_DIR)
    assert head.theme_ids == TAXONOMY.ids
    assert head.meta["taxonomy_digest"] == TAXONOMY.digest, "taxonomy changed: run `make train`"


def test_committed_head_was_trained_on_the_default_encoder_and_others_change_the_version():
    from pipeline.run import current_versions
    from pipeline.tag.embeddings import DEFAULT_ENCODER, encoder_name, model_version

    head = ThemeHead.load(DEFAULT_HEAD_DIR)
    assert head.meta["encoder"] == encoder_name(DEFAULT_ENCODER)
    assert model_version(head, encoder_name(DEFAULT_ENCODER)) == head.version
    other = model_version(head, encoder_name("minilm"))
    assert other.startswith(head.version) and other != head.version
    assert current_versions().model == head.version
    assert current_versions(encoder="minilm").model == other


@pytest.mark.parametrize("option", ["minilm-int8", "minilm-base", "static"])
def test_every_shipped_head_was_trained_on_its_encoder_and_the_committed_train_split(option):
    from pipeline.goldset import DEFAULT_DIR, load_gold_rows
    from pipeline.realtext import DEFAULT_DIR as REALTEXT
    from pipeline.realtext import is_realtext, load_realtext_rows
    from pipeline.tag.embeddings import encoder_name, head_dir_for

    head = ThemeHead.load(head_dir_for(option))
    retrain = f"run `scr-themes train --encoder {option}`"
    assert head.meta["encoder"] == encoder_name(option)
    assert head.meta["taxonomy_digest"] == TAXONOMY.digest, retrain
    train = load_gold_rows(DEFAULT_DIR / "train.jsonl")
    assert head.meta["gold_train_sentences"] == len(train), retrain
    if is_realtext(REALTEXT):  # shipped heads train on every labelled real sentence too
        assert head.meta.get("real_sentences") == len(load_realtext_rows(REALTEXT)), retrain


def test_the_base_option_runs_minilm_as_installed_with_its_own_head():
    from pipeline.nlp import load_nlp
    from pipeline.records import Section, Sentence
    from pipeline.tag.combine import ThemeTagger
    from pipeline.tag.embeddings import (
        DEFAULT_ENCODER,
        ENCODER_NAME,
        EmbeddingClassifier,
        head_dir_for,
        make_encoder,
    )

    assert head_dir_for("minilm-base") not in (DEFAULT_HEAD_DIR, head_dir_for("static"))
    encoder = make_encoder("minilm-base")
    assert encoder.name == f"{ENCODER_NAME}+int8" != make_encoder(DEFAULT_ENCODER).name
    head = ThemeHead.load(head_dir_for("minilm-base"))
    tagger = ThemeTagger(TAXONOMY, load_nlp(), EmbeddingClassifier(encoder, head))
    text = "The baby was found unresponsive on the sofa next to his father."
    sentence = Sentence("s1", "d1", 1, 0, len(text), Section.BACKGROUND, text)
    tags = tagger.tag_sentences([sentence])
    assert [t.theme_id for t in tags if not t.needs_review] == ["unsafe_sleep"]


@pytest.mark.slow
def test_train_reproduces_what_the_committed_head_tags(tmp_path, real_pipeline):
    """Retrained with the shipped recipe, the head tags the dev split as the committed one.

    Compared as users see it (figures and counted tags), not as coefficients: float
    arithmetic differs between CPUs, so weights agree only roughly, while what is counted
    should hardly move. Needs the real text the committed head trained on.
    """
    from pipeline.cli import CONTEXT_WEIGHT
    from pipeline.goldset import DEFAULT_DIR, load_gold_rows, score_rows, tag_rows
    from pipeline.realtext import DEFAULT_DIR as REALTEXT
    from pipeline.realtext import is_realtext, load_realtext_rows
    from pipeline.tag.combine import ThemeTagger
    from pipeline.tag.embeddings import EmbeddingClassifier
    from pipeline.tag.rules import RuleTagger
    from pipeline.train import train_head

    committed = ThemeHead.load(DEFAULT_HEAD_DIR)
    if committed.meta.get("real_sentences") and not is_realtext(REALTEXT):
        pytest.skip(f"the committed head trained on real text, which is not at {REALTEXT}")
    real = load_realtext_rows(REALTEXT) if committed.meta.get("real_sentences") else []
    assert len(real) == committed.meta.get("real_sentences", 0)
    gold = load_gold_rows(DEFAULT_DIR / "train.jsonl")
    encoder = real_pipeline.tagger.classifier.encoder
    nlp = real_pipeline.tagger.nlp
    rules = RuleTagger(TAXONOMY, nlp)
    head = train_head(TAXONOMY, encoder, rules, gold, tmp_path, CONTEXT_WEIGHT, real=real)
    assert (tmp_path / "MODEL_CARD.md").read_text().startswith(f"# Theme head `{head.version}`")
    dev = load_gold_rows(DEFAULT_DIR / "dev.jsonl")
    counted = {}
    for name, trained in (("retrained", head), ("committed", committed)):
        tagger = ThemeTagger(TAXONOMY, nlp, EmbeddingClassifier(encoder, trained))
        tags = tag_rows(tagger, dev)
        counted[name] = {(t.sentence_id, t.theme_id) for t in tags if is_evidence(t)}
        counted[name + " figures"] = score_rows(dev, tags, TAXONOMY.ids)
    for level in ("document", "sentence"):
        retrained = counted["retrained figures"].macro_f1(level)
        assert retrained == pytest.approx(counted["committed figures"].macro_f1(level), abs=0.02)
    both = counted["retrained"] & counted["committed"]
    either = counted["retrained"] | counted["committed"]
    assert len(both) >= 0.95 * len(either)


def test_gold_rows_are_topic_labelled_and_linked_to_their_predecessor():
    from pipeline.goldset import GoldRow, Label
    from pipeline.records import Section

    rows = [
        GoldRow("g1", 0, Section.SUMMARY, "She moved at thirty weeks.", (), False),
        GoldRow(
            "g1",
            1,
            Section.ANALYSIS,
            "The receiving authority was not told.",
            (Label("unborn_baby_planning", "present", "professional"),),
            True,
        ),
        GoldRow(
            "g2",
            0,
            Section.ANALYSIS,
            "Staff were trained.",
            (Label("training_gaps", "negated", "professional"),),
            False,
        ),
    ]
    data = build_training_set(TAXONOMY, rows)
    first = len(data.texts) - 3
    assert data.previous[first:] == [None, first, None]
    column = TAXONOMY.ids.index("unborn_baby_planning")
    assert data.labels[first + 1, column] == 1 and data.labels[first, column] == 0
    assert data.labels[first + 2, TAXONOMY.ids.index("training_gaps")] == 1  # on topic
    assert data.evidence[first + 1, column] == 1
    assert data.evidence[first + 2, TAXONOMY.ids.index("training_gaps")] == 0  # negated
    assert data.evidence[first, column] == UNKNOWN
