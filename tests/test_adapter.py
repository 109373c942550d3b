"""LoRA adapters: trained in place, shipped as safetensors, added back to MiniLM's weights."""

from __future__ import annotations

import json

import numpy as np
import pytest

from pipeline.finetune import FineTuneSettings, build_pairs, fine_tune
from pipeline.tag import adapter
from pipeline.tag.embeddings import (
    DEFAULT_ADAPTER_DIR,
    ENCODER_NAME,
    MiniLMEncoder,
    minilm_name,
    read_base_minilm,
)
from pipeline.taxonomy import load_taxonomy
from pipeline.train import build_training_set

pytestmark = pytest.mark.slow

TEXTS = [
    "The mother told the midwife that her partner had hit her during the pregnancy.",
    "No concerns were raised about the baby's weight.",
    "Staff turnover in the health visiting team meant four practitioners in a year.",
]


def _nudged(model, seed: int = 0) -> None:
    """Give every adapter a non-zero ``b``, as training would."""
    import torch

    generator = torch.Generator().manual_seed(seed)
    for layer in model[0].auto_model.encoder.layer:
        for path in adapter.TARGETS:
            module = layer.get_submodule(path)
            with torch.no_grad():
                module.b.copy_(torch.randn(module.b.shape, generator=generator) * 0.05)


def test_saved_adapters_added_to_a_fresh_minilm_give_the_trained_vectors(tmp_path):
    trained = read_base_minilm()
    adapter.add_lora(trained[0].auto_model, rank=4, alpha=8.0)
    _nudged(trained)
    tensors = adapter.adapter_tensors(trained[0].auto_model)
    assert len(tensors) == 2 * 6 * len(adapter.TARGETS)
    version = adapter.save_adapter(tmp_path, tensors, {"rank": 4, "alpha": 8.0})
    wrapped = trained.encode(TEXTS, normalize_embeddings=True)

    loaded = MiniLMEncoder(model=read_base_minilm(), name="x")
    adapter.apply_adapter_folder(loaded._model[0].auto_model, tmp_path)
    base = MiniLMEncoder(model=read_base_minilm(), name="x").encode(TEXTS)
    assert np.allclose(loaded.encode(TEXTS), wrapped, atol=1e-5)
    assert not np.allclose(base, wrapped, atol=1e-3)  # the adapters changed something

    adapter.unwrap(trained[0].auto_model)  # folded in: the same vectors from plain Linears
    assert type(trained[0].auto_model.encoder.layer[0].output.dense).__name__ == "Linear"
    assert np.allclose(trained.encode(TEXTS, normalize_embeddings=True), wrapped, atol=1e-5)
    assert adapter.adapter_config(tmp_path)["version"] == version == minilm_name(tmp_path)[-17:]


def test_adapters_wrap_fold_and_reload_on_an_mpnet_layer_too():
    """benchmarks/larger_encoder.py fine-tunes MPNet with the same adapters."""
    import copy

    import torch
    from transformers import MPNetConfig, MPNetModel

    torch.manual_seed(0)
    config = MPNetConfig(
        vocab_size=50, hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=32, max_position_embeddings=40,
    )  # fmt: skip
    base = MPNetModel(config).eval()
    fresh = copy.deepcopy(base)
    ids = torch.tensor([[0, 5, 7, 9, 2]])
    assert adapter.layer_targets(base) == adapter.MPNET_TARGETS
    learned = adapter.add_lora(base, rank=2, alpha=4.0)
    assert len(learned) == 2 * 2 * len(adapter.MPNET_TARGETS)
    with torch.no_grad():
        for parameter in learned[1::2]:  # every b: non-zero, as training would leave it
            parameter.copy_(torch.randn(parameter.shape) * 0.5)
        wrapped = base(input_ids=ids).last_hidden_state
        before = fresh(input_ids=ids).last_hidden_state
        adapter.apply_adapter(fresh, adapter.adapter_tensors(base), 4.0 / 2)
        reloaded = fresh(input_ids=ids).last_hidden_state
        adapter.unwrap(base)
        folded = base(input_ids=ids).last_hidden_state
    assert not torch.allclose(before, wrapped, atol=1e-4)
    assert torch.allclose(reloaded, wrapped, atol=1e-5)
    assert torch.allclose(folded, wrapped, atol=1e-5)
    assert type(base.encoder.layer[1].attention.attn.q).__name__ == "Linear"


def test_tampered_or_missing_adapters_are_refused(tmp_path):
    tensors = {"layer.0.x.a": np.ones((2, 3), np.float32)}
    adapter.save_adapter(tmp_path, tensors, {"rank": 2, "alpha": 4.0})
    config = json.loads((tmp_path / adapter.CONFIG_FILE).read_text())
    config["version"] = "lora-000000000000"
    (tmp_path / adapter.CONFIG_FILE).write_text(json.dumps(config))
    with pytest.raises(ValueError, match="version mismatch"):
        adapter.load_adapter(tmp_path)
    with pytest.raises(FileNotFoundError, match="scr-themes train-encoder"):
        adapter.adapter_config(tmp_path / "missing")


def test_sentences_that_do_not_assert_a_theme_are_never_paired_as_its_evidence():
    taxonomy = load_taxonomy()
    data = build_training_set(taxonomy)
    denials = {n.text for t in taxonomy.themes for n in t.negatives if n.kind == "negated"}

    def paired_as_positive(pairs):
        return {text for a, b, target in pairs if target == 1.0 for text in (a, b)} & denials

    assert paired_as_positive(build_pairs(data, per_sentence=2, seed=3, asserted_only=False))
    assert not paired_as_positive(build_pairs(data, per_sentence=2, seed=3))


def test_fine_tuning_moves_only_the_adapters_and_is_repeatable():
    taxonomy = load_taxonomy()
    data = build_training_set(taxonomy)
    pairs = build_pairs(data, per_sentence=1, seed=3)
    assert {target for _, _, target in pairs} == {0.0, 1.0}
    settings = FineTuneSettings(rank=4, alpha=8.0, learning_rate=1e-3, seed=3)
    runs = []
    for _ in range(2):
        model = read_base_minilm()
        before = {name: p.detach().clone() for name, p in model.named_parameters()}
        assert fine_tune(model, pairs, settings, max_steps=3) == 3
        bert = model[0].auto_model
        tensors = adapter.adapter_tensors(bert)
        assert any(np.abs(t).max() > 0 for name, t in tensors.items() if name.endswith(".b"))
        for name, parameter in model.named_parameters():
            if name.endswith((".a", ".b")):
                continue
            original = name.replace(".base.", ".")
            assert parameter.equal(before[original]), name  # MiniLM's own weights are frozen
        runs.append(tensors)
    assert all(np.array_equal(runs[0][name], runs[1][name]) for name in runs[0])


def test_the_shipped_encoder_is_minilm_with_the_shipped_adapters():
    config = adapter.adapter_config(DEFAULT_ADAPTER_DIR)
    assert minilm_name() == f"{ENCODER_NAME}+{config['version']}"
    assert config["base_model"] == ENCODER_NAME
    assert config["training_sentences"] > 1000 and config["steps"] > 100
    assert (DEFAULT_ADAPTER_DIR / "MODEL_CARD.md").exists()
    tuned, installed = MiniLMEncoder(), MiniLMEncoder(adapter=None)
    assert tuned.name != installed.name == ENCODER_NAME
    similarity = np.sum(tuned.encode(TEXTS) * installed.encode(TEXTS), axis=1)
    assert np.all(similarity < 0.999) and np.all(similarity > 0.3)


def test_the_shipped_adapters_were_trained_on_the_committed_training_sentences():
    from pipeline.finetune import training_digest
    from pipeline.goldset import DEFAULT_DIR, load_gold_rows

    data = build_training_set(load_taxonomy(), load_gold_rows(DEFAULT_DIR / "train.jsonl"))
    config = adapter.adapter_config(DEFAULT_ADAPTER_DIR)
    assert config["training_digest"] == training_digest(data), (
        "taxonomy or train split changed: run `make train-encoder`"
    )


def test_train_encoder_command_writes_adapters_and_their_card(tmp_path, capsys):
    from pipeline.cli import main

    assert main(["train-encoder", "--out", str(tmp_path), "--max-steps", "2"]) == 0
    config = adapter.adapter_config(tmp_path)
    assert config["steps"] == 2 and config["rank"] == FineTuneSettings().rank
    card = (tmp_path / "MODEL_CARD.md").read_text()
    assert card.startswith(f"# Encoder adapters `{config['version']}`")
    assert "No held-out split (dev, test, cross_dev, cross_test) was used" in card
    assert f"-> {tmp_path}" in capsys.readouterr().out
    assert MiniLMEncoder(adapter=tmp_path).name == f"{ENCODER_NAME}+{config['version']}"


def test_a_soup_of_adapters_adds_the_mean_of_their_updates(tmp_path):
    """benchmarks/compare_ensembles.py's soup: ranks concatenated, so the mean is exact."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from compare_ensembles import soup

    rng = np.random.default_rng(0)
    folders, updates = [], []
    for index, (rank, alpha) in enumerate([(2, 4.0), (3, 3.0)]):
        tensors = {
            "layer.0.x.a": rng.normal(size=(rank, 5)),
            "layer.0.x.b": rng.normal(size=(4, rank)),
        }
        tensors = {name: value.astype(np.float32) for name, value in tensors.items()}
        adapter.save_adapter(tmp_path / str(index), tensors, {"rank": rank, "alpha": alpha})
        folders.append(tmp_path / str(index))
        updates.append(tensors["layer.0.x.b"] @ tensors["layer.0.x.a"] * alpha / rank)

    tensors, config = adapter.load_adapter(soup(folders, tmp_path / "soup"))
    update = tensors["layer.0.x.b"] @ tensors["layer.0.x.a"] * config["alpha"] / config["rank"]
    assert config["rank"] == 5
    assert np.allclose(update, np.mean(updates, axis=0), atol=1e-5)
    assert not np.allclose(update, updates[0], atol=1e-2)
