"""`evaluate` and `tune-thresholds`: the tagger against gold labels."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def cmd_evaluate(args: argparse.Namespace) -> int:
    from pipeline.evaluate import format_table
    from pipeline.goldset import is_sentence_gold, load_gold_rows
    from pipeline.realtext import is_realtext, load_realtext_rows
    from pipeline.run import load_pipeline

    real = is_realtext(args.gold)
    if args.gold.is_dir() and not real:
        raise SystemExit(
            f"scr-themes evaluate: {args.gold} is a folder but not a realtext corpus "
            "(sentences_*.jsonl and folds.json)"
        )
    if real and args.errors and _inside_repository(args.errors):
        raise SystemExit(
            "scr-themes evaluate: the error report quotes third-party text; "
            f"write it outside the repository, not to {args.errors}"
        )
    pipeline = load_pipeline(encoder=args.encoder)
    if args.method != "combined":
        pipeline = with_method(pipeline, args.method)
    if real:
        rows = load_realtext_rows(args.gold)
        classifier = pipeline.tagger.classifier
        trained_on = classifier.head.meta.get("real_sentences", 0) if classifier else 0
        if trained_on:
            print(
                f"Note: this head was trained on {trained_on} sentences of this corpus, so "
                "these figures are not held out. Cross-validated figures: "
                "benchmarks/realtext_cv.py\n"
            )
        evaluation, described, intervals = _evaluate_sentences(rows, pipeline, args.errors, real)
    elif is_sentence_gold(args.gold):
        rows = load_gold_rows(args.gold)
        evaluation, described, intervals = _evaluate_sentences(rows, pipeline, args.errors)
    else:
        evaluation, described, intervals = _evaluate_documents(args.gold, pipeline)
    print(
        f"{described}, model {pipeline.tagger.model_version}, taxonomy {pipeline.taxonomy.version}"
    )
    print(format_table(evaluation))
    print(intervals)
    return 0


def cmd_tune_thresholds(args: argparse.Namespace) -> int:
    from pipeline.goldset import DEFAULT_DIR
    from pipeline.run import load_pipeline
    from pipeline.taxonomy import DEFAULT_PATH
    from pipeline.thresholds import tune_from_gold

    path = args.taxonomy or DEFAULT_PATH
    pipeline = load_pipeline(path)
    gold = args.gold or [DEFAULT_DIR / "dev.jsonl", DEFAULT_DIR / "cross_dev.jsonl"]
    keep = not args.precision_only
    print(tune_from_gold(path, pipeline.taxonomy, pipeline.tagger, gold, args.write, keep))
    return 0


def with_method(pipeline: Any, method: str) -> Any:
    """The same pipeline scoring with one component alone."""
    from dataclasses import replace

    from pipeline.tag.combine import CombineSettings, ThemeTagger

    tagger = pipeline.tagger
    classifier = None if method == "rules" else tagger.classifier
    settings = CombineSettings(method=method)
    return replace(
        pipeline, tagger=ThemeTagger(pipeline.taxonomy, tagger.nlp, classifier, settings)
    )


def _evaluate_documents(path: Path, pipeline: Any) -> tuple[Any, str, Any]:
    from pipeline.evaluate import bootstrap_intervals, load_gold, score
    from pipeline.run import process_document

    gold = load_gold(path)
    results = [process_document(doc.path, pipeline) for doc in _progress(gold, "tagging")]
    ids = pipeline.taxonomy.ids
    per_document = [score([g], [r], ids) for g, r in zip(gold, results, strict=True)]
    return (
        score(gold, results, ids),
        f"{len(gold)} gold documents",
        bootstrap_intervals(per_document),
    )


def _inside_repository(path: Path) -> bool:
    repository = Path(__file__).resolve().parents[2]
    return path.resolve().is_relative_to(repository)


def _evaluate_sentences(
    rows: list[Any], pipeline: Any, errors: Path | None, real: bool = False
) -> tuple[Any, str, Any]:
    from pipeline.evaluate import bootstrap_intervals
    from pipeline.goldset import (
        assertion_confusion,
        error_report,
        format_confusion,
        format_reliability,
        format_subject_confusion,
        reliability,
        score_by_document,
        score_rows,
        subject_confusion,
        tag_rows,
    )

    tags = tag_rows(pipeline.tagger, rows)
    print("Assertions of gold labels against the tagger's counted and review tags:")
    print(format_confusion(assertion_confusion(rows, tags)) + "\n")
    if not real:  # the real text's annotators gave no subjects
        print("Subjects of gold labels against the tagger's, where it tagged the theme:")
        print(format_subject_confusion(subject_confusion(rows, tags)) + "\n")
    if errors:
        errors.write_text(error_report(rows, tags, pipeline.taxonomy.ids))
        print(f"Error report: {errors}")
    print("Reliability: does a score mean what it says?")
    print(format_reliability(reliability(rows, tags)) + "\n")
    per_document = score_by_document(rows, tags, pipeline.taxonomy.ids)
    return (
        score_rows(rows, tags, pipeline.taxonomy.ids),
        f"{len(rows)} gold sentences in {len(per_document)} documents",
        bootstrap_intervals(per_document),
    )


def _progress(items: list[Any], desc: str) -> Any:
    from tqdm import tqdm

    return tqdm(items, desc=desc, unit="doc", file=sys.stderr, disable=not sys.stderr.isatty())
