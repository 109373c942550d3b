"""Benchmark (issue 17): the tagger on real review text, cross-validated by document.

    .venv/bin/python benchmarks/realtext_cv.py [--realtext DIR] [--shipped] [--threshold T ...]

For each of the five folds in the corpus's ``folds.json``, trains a head (the shipped
recipe: taxonomy, gold train split, and the real sentences of the other four folds) into a
temporary folder, and tags the held-out fold's documents one at a time with it, so every
document is scored by a model that never saw it. Prints the figures ``evaluate`` prints
(per theme, macro-F1 at both levels, counted-evidence precision, the share of
reader-marked present sentences found, 95% intervals by resampling documents).
``--shipped`` scores the shipped models instead: a held-out figure only for a head that did
not train on the corpus. ``--threshold`` also rescores the cross-validated tags at other
thresholds (one for every theme). Writes nothing into the repository; about 15 minutes on
two cores.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from pipeline.cli import CONTEXT_WEIGHT, OFFLINE_ENV

for key, value in OFFLINE_ENV.items():
    os.environ.setdefault(key, value)

from pipeline.evaluate import bootstrap_intervals, format_table  # noqa: E402
from pipeline.goldset import (  # noqa: E402
    DEFAULT_DIR,
    GoldRow,
    load_gold_rows,
    score_by_document,
    score_rows,
    tag_rows,
)
from pipeline.realtext import DEFAULT_DIR as REALTEXT_DIR  # noqa: E402
from pipeline.realtext import is_realtext, load_folds, load_realtext_rows  # noqa: E402
from pipeline.records import Tag  # noqa: E402
from pipeline.run import load_pipeline  # noqa: E402
from pipeline.tag.combine import ThemeTagger  # noqa: E402
from pipeline.tag.embeddings import EmbeddingClassifier  # noqa: E402
from pipeline.tag.rules import RuleTagger  # noqa: E402
from pipeline.thresholds import with_thresholds, without_held_back  # noqa: E402
from pipeline.train import train_head  # noqa: E402


def cross_validated_tags(pipeline, rows: list[GoldRow], folds: dict[str, int]) -> list[Tag]:
    """Tags of every row, each fold's from a head trained without that fold."""
    taxonomy, tagger = pipeline.taxonomy, pipeline.tagger
    encoder = tagger.classifier.encoder
    gold = load_gold_rows(DEFAULT_DIR / "train.jsonl")
    rules = RuleTagger(taxonomy, tagger.nlp)
    tags: list[Tag] = []
    for fold in sorted(set(folds.values())):
        started = time.perf_counter()
        train = [row for row in rows if folds[row.doc] != fold]
        held = [row for row in rows if folds[row.doc] == fold]
        with tempfile.TemporaryDirectory() as folder:
            head = train_head(
                taxonomy, encoder, rules, gold, Path(folder), CONTEXT_WEIGHT, real=train
            )
        classifier = EmbeddingClassifier(encoder, head)
        fold_tagger = ThemeTagger(taxonomy, tagger.nlp, classifier, tagger.settings)
        tags += tag_rows(fold_tagger, held)
        print(
            f"fold {fold}: trained on {len(train)} real sentences, tagged {len(held)} "
            f"({time.perf_counter() - started:.0f} s)",
            file=sys.stderr,
        )
    return tags


def report(rows: list[GoldRow], tags: list[Tag], theme_ids: tuple[str, ...]) -> str:
    evaluation = score_rows(rows, tags, theme_ids)
    worst = min(theme_ids, key=lambda t: evaluation.document[t].f1)
    return "\n".join(
        [
            format_table(evaluation),
            f"lowest document F1: {worst} {evaluation.document[worst].f1:.3f}",
            str(bootstrap_intervals(score_by_document(rows, tags, theme_ids))),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--realtext", type=Path, default=REALTEXT_DIR)
    parser.add_argument("--shipped", action="store_true", help="score the shipped models")
    parser.add_argument("--threshold", type=float, nargs="*", default=[])
    parser.add_argument(
        "--save-tags",
        type=Path,
        help="write the tags as JSON lines here (keep it outside the repo)",
    )
    args = parser.parse_args()
    if not is_realtext(args.realtext):
        sys.exit(f"skipped: no labelled real text at {args.realtext}")
    pipeline = load_pipeline()
    rows = load_realtext_rows(args.realtext)
    ids = pipeline.taxonomy.ids
    if args.shipped:
        tags = tag_rows(pipeline.tagger, rows)
        print(f"shipped models ({pipeline.tagger.model_version}), {len(rows)} real sentences")
    else:
        tags = cross_validated_tags(pipeline, rows, load_folds(args.realtext))
        print(f"5-fold cross-validation by document, {len(rows)} real sentences")
    print(report(rows, tags, ids))
    if args.save_tags:
        with open(args.save_tags, "w") as out:
            out.writelines(json.dumps(asdict(tag), default=str) + "\n" for tag in tags)
    for threshold in args.threshold:
        held_back = without_held_back(tags, pipeline.taxonomy)
        rescored = with_thresholds(held_back, dict.fromkeys(ids, threshold))
        print(f"\nevery theme at threshold {threshold}:")
        print(report(rows, rescored, ids))


if __name__ == "__main__":
    main()
