from __future__ import annotations

import numpy as np
import pytest

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


def test_head_round_trips_without_pickle_and_detects_tampering(tmp_path):
    head = ThemeHead(("a", "b"), np.eye(2, 3, dtype=np.float32), np.zeros(2, np.float32), {"x": 1})
    head.save(tmp_path)
    loaded = ThemeHead.load(tmp_path)
    assert loaded.version == head.version and loaded.theme_ids == ("a", "b")
    np.savez(tmp_path / "weights.npz", coef=np.ones((2, 3)), intercept=np.zeros(2))
    with pytest.raises(ValueError, match="version mismatch"):
        ThemeHead.load(tmp_path)


def test_committed_head_was_trained_on_the_committed_taxonomy():
    head = ThemeHead.load(DEFAULT_HEAD_DIR)
    assert head.theme_ids == TAXONOMY.ids
    assert head.meta["taxonomy_digest"] == TAXONOMY.digest, "taxonomy changed: run `make train`"


@pytest.mark.slow
def test_train_reproduces_the_committed_head(tmp_path):
    from pipeline.tag.embeddings import MiniLMEncoder
    from pipeline.train import train_head

    head = train_head(TAXONOMY, MiniLMEncoder(), tmp_path)
    committed = ThemeHead.load(DEFAULT_HEAD_DIR)
    assert np.allclose(head.coef_, committed.coef_, atol=1e-3)
    assert (tmp_path / "MODEL_CARD.md").read_text().startswith(f"# Theme head `{head.version}`")
