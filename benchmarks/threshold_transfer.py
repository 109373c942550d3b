"""Benchmark (issue 3): do per-theme thresholds chosen on one writer's text carry to another's?

    .venv/bin/python benchmarks/threshold_transfer.py [--encoder minilm-int8]

Tags dev and cross_dev once (one document at a time), chooses every theme's threshold on
one split with ``tune-thresholds``' rule, and scores the other split with them, both
ways; then one threshold for all themes at 0.3 to 0.45. Prints document macro-F1 /
sentence macro-F1 / counted-evidence precision (counted tags). Reads no test split and
writes nothing.
"""

from __future__ import annotations

import argparse
import os

from pipeline.cli import OFFLINE_ENV

for key, value in OFFLINE_ENV.items():
    os.environ.setdefault(key, value)

from pipeline.goldset import DEFAULT_DIR, GoldRow, load_gold_rows, score_rows, tag_rows  # noqa: E402
from pipeline.records import Tag  # noqa: E402
from pipeline.run import load_pipeline  # noqa: E402
from pipeline.taxonomy import Taxonomy  # noqa: E402
from pipeline.thresholds import (  # noqa: E402
    evidence_precision,
    tune_thresholds,
    with_thresholds,
    without_held_back,
)

SPLITS = ("dev", "cross_dev")


def figures(
    rows: list[GoldRow], tags: list[Tag], thresholds: dict[str, float], taxonomy: Taxonomy
) -> str:
    counted = with_thresholds(tags, thresholds)
    evaluation = score_rows(rows, counted, taxonomy.ids)
    precision, n = evidence_precision(counted, rows)
    return (
        f"{evaluation.macro_f1('document'):.3f} / {evaluation.macro_f1('sentence'):.3f} / "
        f"{precision:.3f} ({n})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encoder", default="minilm-int8")
    args = parser.parse_args()
    pipeline = load_pipeline(encoder=args.encoder)
    taxonomy = pipeline.taxonomy
    tagged = {}
    for split in SPLITS:
        rows = load_gold_rows(DEFAULT_DIR / f"{split}.jsonl")
        tagged[split] = (rows, without_held_back(tag_rows(pipeline.tagger, rows), taxonomy))
    shipped = {theme.id: theme.threshold for theme in taxonomy.themes}
    for split in SPLITS:
        print(f"shipped thresholds, {split}: {figures(*tagged[split], shipped, taxonomy)}")
    for chosen_on, other in (SPLITS, SPLITS[::-1]):
        choices = tune_thresholds(*tagged[chosen_on], taxonomy)
        chosen = {choice.theme_id: choice.threshold for choice in choices}
        changed = {t: v for t, v in chosen.items() if v != shipped[t]}
        print(f"chosen on {chosen_on} (changed: {changed or 'none'})")
        for split in (chosen_on, other):
            print(f"  {split}: {figures(*tagged[split], chosen, taxonomy)}")
    for value in (0.3, 0.35, 0.4, 0.45):
        flat = dict.fromkeys(taxonomy.ids, value)
        cells = ", ".join(f"{s} {figures(*tagged[s], flat, taxonomy)}" for s in SPLITS)
        print(f"one threshold {value}: {cells}")


if __name__ == "__main__":
    main()
