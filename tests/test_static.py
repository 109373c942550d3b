"""The static encoder distilled from MiniLM: deterministic, normalised, with its own head."""

from __future__ import annotations

import hashlib
import inspect
import json
import logging

import numpy as np
import pytest

from pipeline.cli import build_parser
from pipeline.tag import static
from pipeline.tag.embeddings import (
    DEFAULT_HEAD_DIR,
    ENCODER_OPTIONS,
    ThemeHead,
    encoder_name,
    head_dir_for,
    model_version,
)

TEXTS = [
    "The mother had been drinking heavily for months.",
    "Staff turnover meant four social workers in a year.",
    "",
]


@pytest.fixture(scope="module")
def tokenizer():
    return static.load_tokenizer()


def _fake_vectors(size: int = 30522, dim: int = 8) -> np.ndarray:
    return np.random.default_rng(0).normal(size=(size, dim)).astype(np.float32)


def test_sentence_vectors_are_unit_length_the_mean_of_their_tokens_and_batch_independent(
    tokenizer,
):
    vectors = _fake_vectors()
    encoder = static.StaticEncoder(vectors, tokenizer)
    out = encoder.encode(TEXTS)
    assert out.shape == (3, 8) and out.dtype == np.float32
    assert np.allclose(np.linalg.norm(out[:2], axis=1), 1.0, atol=1e-5)
    assert not out[2].any()  # no tokens: a zero vector, not NaN
    ids = tokenizer.encode(TEXTS[0], add_special_tokens=False).ids
    assert 101 not in ids and 102 not in ids  # no [CLS] or [SEP]
    mean = vectors[ids].mean(axis=0)
    assert np.allclose(out[0], mean / np.linalg.norm(mean), atol=1e-5)
    assert np.allclose(encoder.encode(TEXTS[1:2])[0], out[1], atol=1e-6)
    assert encoder.encode([]).shape == (0, 8)


def test_pca_is_deterministic_whatever_the_row_order():
    rows = np.random.default_rng(1).normal(size=(300, 40)) @ np.diag(np.linspace(3, 0.1, 40))
    reduced = static.reduce_vectors(rows, 10)
    order = np.random.default_rng(2).permutation(300)
    assert reduced.shape == (300, 10)
    assert np.allclose(static.reduce_vectors(rows[order], 10), reduced[order], atol=1e-4)


def test_zipf_weights_grow_with_rank():
    weights = static.zipf_weights(5)
    assert weights[0] == 0.0 and np.all(np.diff(weights) > 0)


@pytest.mark.slow
def test_distilling_a_vocabulary_slice_twice_gives_the_same_vectors():
    from pipeline.tag.embeddings import _load_minilm

    model = _load_minilm(None)  # as installed, as `build_static` distils it
    ids = list(range(1000, 1300))
    first, second = static.distill(model, ids, dim=16), static.distill(model, ids, dim=16)
    assert first.shape == (300, 16)
    assert np.array_equal(first, second)
    assert static.embed_tokens(model, ids[:3]).shape == (3, 384)


def test_vectors_are_rebuilt_when_the_source_model_changes(tmp_path, monkeypatch):
    built = []

    def fake_build(folder, model=None):
        vectors = _fake_vectors(10, 4)
        folder.mkdir(parents=True, exist_ok=True)
        np.save(folder / "embeddings.npy", vectors, allow_pickle=False)
        config = {
            "source_digest": static.source_digest(static.minilm_path()),
            "embeddings_sha256": hashlib.sha256(vectors.tobytes()).hexdigest(),
        }
        (folder / "config.json").write_text(json.dumps(config))
        built.append(folder)
        return folder

    monkeypatch.setattr(static, "build_static", fake_build)
    vectors, _ = static.load_static_vectors(tmp_path)  # missing: built
    assert vectors.shape == (10, 4) and len(built) == 1
    static.load_static_vectors(tmp_path)  # up to date: loaded as it is
    assert len(built) == 1
    config = json.loads((tmp_path / "config.json").read_text())
    (tmp_path / "config.json").write_text(json.dumps({**config, "source_digest": "other"}))
    static.load_static_vectors(tmp_path)  # another source model: rebuilt
    assert len(built) == 2


def test_static_head_was_trained_on_the_static_encoder_and_loads_by_default():
    from pipeline.run import current_versions

    assert "static" in ENCODER_OPTIONS
    assert head_dir_for("static") != DEFAULT_HEAD_DIR == head_dir_for("minilm-int8")
    head = ThemeHead.load(head_dir_for("static"))
    assert head.meta["encoder"] == encoder_name("static")
    assert current_versions(encoder="static").model == head.version
    shipped = current_versions(head_dir=DEFAULT_HEAD_DIR, encoder="static").model
    assert shipped == model_version(ThemeHead.load(DEFAULT_HEAD_DIR), encoder_name("static"))
    assert shipped.endswith("@all-MiniLM-L6-v2+static256")


def test_a_head_trained_on_another_encoder_loads_with_a_warning(monkeypatch, caplog):
    from pipeline import run

    monkeypatch.setattr(run, "make_encoder", lambda option: static.StaticEncoder(None, None))
    monkeypatch.setattr(run, "load_nlp", lambda: None)
    monkeypatch.setattr(run, "load_senter", lambda: None)
    monkeypatch.setattr(run, "ThemeTagger", lambda *args: None)
    with caplog.at_level(logging.WARNING, logger="pipeline.run"):
        run.load_pipeline.__wrapped__(head_dir=DEFAULT_HEAD_DIR, encoder="static")
    assert f"trained on {encoder_name('minilm-int8')}, not {encoder_name('static')}" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="pipeline.run"):
        run.load_pipeline.__wrapped__(encoder="static")
    assert caplog.text == ""


@pytest.mark.parametrize(
    "command", [["ingest", "in", "--out", "out"], ["train"], ["evaluate", "g"]]
)
def test_the_commands_take_an_encoder_option(command):
    parser = build_parser()
    assert parser.parse_args(command).encoder == "minilm-int8"
    assert parser.parse_args([*command, "--encoder", "static"]).encoder == "static"
    with pytest.raises(SystemExit):
        parser.parse_args([*command, "--encoder", "minilm-int4"])


def test_ingest_passes_the_encoder_to_the_flow(monkeypatch):
    import flows.ingest

    seen = {}

    def fake_ingest(folder, out, **options):
        seen.update(options)
        return {"out": str(out), "documents": [], "status_counts": {}}

    monkeypatch.setattr(flows.ingest, "ingest", fake_ingest)
    args = build_parser().parse_args(["ingest", "in", "--out", "out", "--encoder", "static"])
    assert args.command(args) == 0
    assert seen["encoder"] == "static"
    assert "encoder" in inspect.signature(flows.ingest.ingest_folder.fn).parameters
