"""Benchmark (issue 3): frozen MiniLM against MiniLM fine-tuned contrastively, on dev splits only.

    .venv/bin/python benchmarks/compare_finetuning.py [--pairs-per-sentence K] [--epochs N]
    .venv/bin/python benchmarks/compare_finetuning.py --time-steps 20   (only time a few steps)

SetFit-style: pairs of training sentences (the taxonomy's sentences and the gold TRAIN
split, as ``pipeline.train.build_training_set`` labels them), a pair of sentences sharing a
theme has target similarity 1, a pair sharing none has 0; CosineSimilarityLoss pulls the
first together and pushes the second apart. ``setfit`` and ``datasets`` are not installed,
so the step is a plain torch loop over the sentence-transformers loss (what ``model.fit``
would run). The fine-tuned copy is saved to a temporary folder, never into the repository.

Then, for each encoder, the shipped head recipe (``train_head``, context weight 0.3) is
trained into a temporary folder and the tagger scores the dev and cross_dev splits,
"combined" and "embeddings" alone. The test splits are never read.
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

from pipeline.finetune import FineTuneSettings, build_pairs, fine_tune  # noqa: E402
from pipeline.goldset import DEFAULT_DIR, load_gold_rows, score_rows, tag_rows  # noqa: E402
from pipeline.nlp import load_nlp  # noqa: E402
from pipeline.tag.adapter import unwrap  # noqa: E402
from pipeline.tag.combine import CombineSettings, ThemeTagger  # noqa: E402
from pipeline.tag.embeddings import (  # noqa: E402
    EmbeddingClassifier,
    MiniLMEncoder,
    read_base_minilm,
)
from pipeline.tag.rules import RuleTagger  # noqa: E402
from pipeline.taxonomy import load_taxonomy  # noqa: E402
from pipeline.train import build_training_set, train_head  # noqa: E402

SEED = 13
CONTEXT_WEIGHT = 0.3  # as shipped
THREADS = 2  # the target machine has 2 cores


def fine_tune_copy(
    pairs: list[tuple[str, str, float]], settings: FineTuneSettings, max_steps: int | None = None
):
    """Fine-tune a fresh copy of MiniLM; returns (model with adapters folded in, s, steps)."""
    model = read_base_minilm()  # fine_tune seeds torch itself

    def progress(step: int, total: int, loss: float) -> None:
        elapsed = time.perf_counter() - start
        print(
            f"  step {step}/{total} loss {loss:.4f} ({elapsed:.0f} s, {elapsed / step:.2f} s/step)",
            flush=True,
        )

    start = time.perf_counter()
    steps = fine_tune(model, pairs, settings, progress, max_steps)
    seconds = time.perf_counter() - start
    if settings.rank:
        unwrap(model[0].auto_model)  # folded into the weights: a plain BERT again
    return model, seconds, steps


def encoding_speed(encoder, texts: list[str]) -> float:
    encoder.encode(texts[:64])  # warm-up
    start = time.perf_counter()
    encoder.encode(texts)
    return len(texts) / (time.perf_counter() - start)


def evaluate(name, encoder, taxonomy, nlp, rules, train, splits) -> list[tuple]:
    head_dir = Path(tempfile.mkdtemp(prefix=f"head-{name}-"))
    head = train_head(taxonomy, encoder, rules, train, head_dir, CONTEXT_WEIGHT)
    classifier = EmbeddingClassifier(encoder, head)
    results = []
    for split, rows in splits.items():
        for method in ("combined", "embeddings"):
            tagger = ThemeTagger(taxonomy, nlp, classifier, CombineSettings(method=method))
            evaluation = score_rows(rows, tag_rows(tagger, rows), taxonomy.ids)
            precision, _, counted = evaluation.evidence_precision()
            results.append(
                (
                    split,
                    name,
                    method,
                    evaluation.macro_f1("sentence"),
                    evaluation.macro_f1("document"),
                    precision,
                    counted,
                )
            )
        print(f"  {name} {split}: done", flush=True)
    print(f"  {name} combiner weights {np.round(head.combiner_, 3).tolist()}", flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs-per-sentence", type=int, default=4)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument(
        "--lr", type=float, default=0.0, help="learning rate (LoRA 2e-4, weights 2e-5)"
    )
    parser.add_argument("--time-steps", type=int, default=0, help="only time this many steps")
    parser.add_argument(
        "--threads", type=int, default=THREADS, help="torch threads (1 is faster on a busy CPU)"
    )
    parser.add_argument("--seed", type=int, default=SEED, help="seed of the pairs and the run")
    parser.add_argument(
        "--int8", action="store_true", help="compare both encoders quantised, as shipped"
    )
    parser.add_argument(
        "--top-layers", type=int, default=0, help="with --lora 0: only the last K layers"
    )
    parser.add_argument(
        "--lora", type=int, default=16, help="LoRA rank as shipped; 0 trains the weights"
    )
    parser.add_argument("--lora-alpha", type=float, default=0.0, help="adapter scale (2R)")
    parser.add_argument(
        "--topic-pairs",
        action="store_true",
        help="pair sentences by topic, denials and recommendations included (before 11-26)",
    )
    parser.add_argument(
        "--no-frozen", action="store_true", help="score only the fine-tuned encoder"
    )
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    random.seed(args.seed)
    np.random.seed(args.seed)
    taxonomy = load_taxonomy()
    train = load_gold_rows(DEFAULT_DIR / "train.jsonl")
    dev = load_gold_rows(DEFAULT_DIR / "dev.jsonl")
    splits = {"dev": dev, "cross_dev": load_gold_rows(DEFAULT_DIR / "cross_dev.jsonl")}
    data = build_training_set(taxonomy, train)
    pairs = build_pairs(data, args.pairs_per_sentence, args.seed, not args.topic_pairs)
    positives = sum(y == 1.0 for _, _, y in pairs)
    print(
        f"training sentences {len(data.texts)}; pairs {len(pairs)} "
        f"({positives} positive, {len(pairs) - positives} negative); threads {args.threads}; "
        f"{'int8' if args.int8 else 'float'} encoders",
        flush=True,
    )
    settings = FineTuneSettings(
        pairs_per_sentence=args.pairs_per_sentence,
        epochs=args.epochs,
        batch_size=args.batch_size,
        learning_rate=args.lr or (2e-4 if args.lora else 2e-5),
        seed=args.seed,
        rank=args.lora,
        alpha=args.lora_alpha or 2.0 * args.lora,
        top_layers=args.top_layers,
        asserted_only=not args.topic_pairs,
    )
    if args.time_steps:
        _, seconds, steps = fine_tune_copy(pairs, settings, max_steps=args.time_steps)
        per_epoch = seconds / steps * ((len(pairs) + args.batch_size - 1) // args.batch_size)
        print(f"{seconds / steps:.2f} s/step; one epoch would take about {per_epoch:.0f} s")
        return

    print(f"fine-tuning ({settings}) ...", flush=True)
    tuned_model, tune_seconds, steps = fine_tune_copy(pairs, settings)
    print(f"fine-tuned in {tune_seconds:.0f} s ({steps} steps)", flush=True)

    nlp = load_nlp()
    rules = RuleTagger(taxonomy, nlp)
    frozen = MiniLMEncoder(quantized=args.int8, adapter=None)  # MiniLM as installed
    tuned = MiniLMEncoder(
        model=tuned_model, name=f"{frozen.name}+setfit-contrastive", quantized=args.int8
    )
    dev_texts = [row.text for row in dev]
    rows, speed = [], {}
    encoders = (
        [("fine-tuned", tuned)] if args.no_frozen else [("frozen", frozen), ("fine-tuned", tuned)]
    )
    for name, encoder in encoders:
        speed[name] = encoding_speed(encoder, dev_texts)
        rows += evaluate(name, encoder, taxonomy, nlp, rules, train, splits)

    print()
    for split, split_rows in splits.items():
        print(f"{split}: {len(split_rows)} sentences, {len({r.doc for r in split_rows})} documents")
    header = (
        f"{'split':10} {'encoder':11} {'method':11} {'sent macro-F1':>13} {'doc macro-F1':>12} "
        f"{'evidence prec':>13} {'tags':>5}"
    )
    print(header)
    print("-" * len(header))
    for split, name, method, sentence_f1, document_f1, precision, count in rows:
        print(
            f"{split:10} {name:11} {method:11} {sentence_f1:13.3f} {document_f1:12.3f} "
            f"{precision:13.3f} {count:5d}"
        )
    print()
    print(f"fine-tuning time: {tune_seconds:.0f} s ({steps} steps), frozen: 0 s")
    for name, value in speed.items():
        print(f"encoding speed {name}: {value:.0f} sentences/s ({args.threads} threads, dev split)")


if __name__ == "__main__":
    main()
