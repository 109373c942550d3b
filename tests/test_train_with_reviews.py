"""`scr-themes train --with-reviews`: reviewer decisions become training data."""

from __future__ import annotations

import json
import shutil

import pytest

from pipeline.cli import main
from pipeline.review import DecisionKind
from pipeline.review.session import ReviewSession
from pipeline.run import load_pipeline, process_document
from pipeline.tag.embeddings import DEFAULT_HEAD_DIR, ThemeHead
from pipeline.taxonomy import DEFAULT_PATH, load_taxonomy
from pipeline.train import UNKNOWN, build_training_set
from tests.conftest import SAMPLES


def test_reviewed_examples_label_only_their_own_theme():
    taxonomy = load_taxonomy()
    reviewed = [("Accepted sentence.", "neglect", True), ("Rejected one.", "unsafe_sleep", False)]
    data = build_training_set(taxonomy, reviewed=reviewed)
    rows = {text: labels for text, labels in zip(data.texts, data.labels, strict=True)}
    neglect, sleep = taxonomy.ids.index("neglect"), taxonomy.ids.index("unsafe_sleep")
    assert rows["Accepted sentence."][neglect] == 1
    assert rows["Rejected one."][sleep] == 0
    assert sum(rows["Accepted sentence."] == UNKNOWN) == len(taxonomy.ids) - 1


@pytest.mark.slow
def test_train_with_reviews_makes_a_new_version_that_the_next_ingest_records(
    sample_dataset, real_pipeline, tmp_path, capsys
):
    dataset = tmp_path / "dataset"
    shutil.copytree(sample_dataset[1], dataset)
    session = ReviewSession(dataset, "ana")
    for kind in (DecisionKind.ACCEPT, DecisionKind.REJECT):
        session.decide(session.evidence()[0].sentence_id, kind)
        session.next_unreviewed()
    head_dir = tmp_path / "head"
    assert main(["train", "--with-reviews", str(dataset), "--out", str(head_dir)]) == 0
    out = capsys.readouterr().out
    assert "2 reviewer decisions" in out
    assert "dev before: theme_head-" in out and "dev after:  theme_head-" in out
    head = ThemeHead.load(head_dir)
    assert head.meta["reviewed_examples"] == 2
    assert head.version != ThemeHead.load(DEFAULT_HEAD_DIR).version
    assert json.loads((head_dir / "config.json").read_text())["version"] == head.version
    retrained = load_pipeline(DEFAULT_PATH, head_dir)
    result = process_document(sorted(SAMPLES.glob("*.pdf"))[0], retrained)
    assert result.document.model_version == head.version
