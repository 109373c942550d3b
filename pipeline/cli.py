"""`scr-themes`: a thin command line over ``pipeline.run``.

``ingest`` runs the Prefect flow in ``flows/``; it is imported only when that command runs,
so the library and the other commands work without Prefect being imported at all.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# Set before any model library is imported: nothing may reach the network at run time.
OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",  # keeps the progress bar readable; INFO shows task runs
    "TOKENIZERS_PARALLELISM": "false",
}


CONTEXT_WEIGHT = 0.3  # chosen on the dev split; see README


def main(argv: Sequence[str] | None = None) -> int:
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
    args = build_parser().parse_args(argv)
    return int(args.command(args) or 0)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scr-themes", description="Tag child case reviews with themes, with evidence."
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    ingest = commands.add_parser("ingest", help="ingest a folder of PDFs through the Prefect flow")
    ingest.add_argument("folder", type=Path)
    ingest.add_argument("--out", type=Path, required=True, help="dataset folder")
    ingest.add_argument("--password", help="password for encrypted PDFs")
    ingest.add_argument("--workers", type=int, help="documents in parallel on a local Dask cluster")
    ingest.add_argument("--dask-address", help="an existing Dask scheduler, tcp://host:port")
    ingest.add_argument("--timeout", type=float, default=120.0, help="seconds per document")
    ingest.add_argument("--memory-mib", type=int, default=2048, help="memory cap per parse")
    ingest.add_argument("--no-ocr", dest="ocr", action="store_false", help="do not run Tesseract")
    ingest.add_argument(
        "--max-failed-share", type=float, default=0.5, help="fail the run above this share"
    )
    ingest.set_defaults(command=cmd_ingest)

    tag = commands.add_parser("tag", help="tag PDF or .txt files and print the themes")
    tag.add_argument("files", type=Path, nargs="+")
    tag.add_argument("--format", choices=("jsonl", "table"), default="jsonl")
    tag.add_argument("--password", help="password for encrypted PDFs")
    tag.set_defaults(command=cmd_tag)

    train = commands.add_parser("train", help="train the embedding head from the taxonomy")
    train.add_argument("--taxonomy", type=Path, default=None)
    train.add_argument("--out", type=Path, default=None, help="model folder")
    train.add_argument(
        "--gold", type=Path, default=None, help="gold train split (default: the bundled one)"
    )
    train.add_argument(
        "--context-weight",
        type=float,
        default=CONTEXT_WEIGHT,
        help="weight of the previous sentence in each sentence's embedding",
    )
    train.add_argument(
        "--with-reviews",
        type=Path,
        metavar="DATASET",
        help="add the reviewer decisions of a dataset to the training data",
    )
    train.set_defaults(command=cmd_train)

    evaluate = commands.add_parser("evaluate", help="score the tagger against gold labels")
    evaluate.add_argument("gold", type=Path, help="gold JSONL (e.g. corpus_samples/gold.jsonl)")
    evaluate.add_argument(
        "--method",
        choices=("combined", "rules", "embeddings"),
        default="combined",
        help="score with both components (the default) or one alone, to compare them",
    )
    evaluate.add_argument(
        "--errors", type=Path, help="write a Markdown report of false positives and negatives"
    )
    evaluate.set_defaults(command=cmd_evaluate)

    tune = commands.add_parser(
        "tune-thresholds", help="choose each theme's threshold on the gold dev split"
    )
    tune.add_argument("--gold", type=Path, default=None, help="gold split (default: bundled dev)")
    tune.add_argument("--taxonomy", type=Path, default=None)
    tune.add_argument("--write", action="store_true", help="write them into the taxonomy")
    tune.add_argument(
        "--precision-only",
        action="store_true",
        help="reach the precision target even where a theme's document-level F1 falls",
    )
    tune.set_defaults(command=cmd_tune_thresholds)

    report = commands.add_parser("report", help="write a self-contained HTML report of a dataset")
    report.add_argument("dataset", type=Path, help="dataset folder written by ingest")
    report.add_argument("--out", type=Path, required=True, help="HTML file to write")
    report.set_defaults(command=cmd_report)

    summarise = commands.add_parser("summarise", help="a practitioner summary of each review")
    summarise.add_argument("dataset", type=Path, help="dataset folder written by ingest")
    summarise.add_argument("--out", type=Path, required=True, help="folder for .json and .md files")
    summarise.set_defaults(command=cmd_summarise)

    discover = commands.add_parser("discover", help="suggest new themes from unexplained findings")
    discover.add_argument("dataset", type=Path, help="dataset folder written by ingest")
    discover.add_argument("--out", type=Path, required=True, help="FILE.md (FILE.json beside it)")
    discover.add_argument("--seed", type=int, default=0, help="random seed of the clustering")
    discover.add_argument("--clusters", type=int, help="number of clusters (default: silhouette)")
    discover.add_argument("--min-size", type=int, default=3, help="smallest cluster reported")
    discover.add_argument(
        "--sections", default="analysis", help="comma-separated sections to read (analysis)"
    )
    discover.set_defaults(command=cmd_discover)
    return parser


def cmd_ingest(args: argparse.Namespace) -> int:
    from flows.ingest import ingest  # Prefect is imported here and only here

    summary = ingest(
        args.folder,
        args.out,
        password=args.password,
        workers=args.workers,
        dask_address=args.dask_address,
        timeout_s=args.timeout,
        memory_mib=args.memory_mib,
        ocr=args.ocr,
        max_failed_share=args.max_failed_share,
    )
    print(format_summary(summary))
    return 0


def format_summary(summary: dict[str, Any]) -> str:
    """Themes per document, then one line per document that could not be read."""
    lines = [f"Dataset: {summary['out']}", ""]
    for doc in summary["documents"]:
        if doc["status"] in ("ok", "ocr"):
            lines.append(f"{doc['file_name']}: {', '.join(doc['themes']) or '(no theme found)'}")
        else:
            lines.append(f"{doc['file_name']}: [{doc['status']}] {doc['error']}")
    counts = ", ".join(f"{n} {status}" for status, n in sorted(summary["status_counts"].items()))
    lines += ["", f"{len(summary['documents'])} documents: {counts}"]
    return "\n".join(lines)


def cmd_tag(args: argparse.Namespace) -> int:
    from pipeline.aggregate import is_evidence
    from pipeline.run import load_pipeline, process_document

    pipeline = load_pipeline()
    for path in args.files:
        result = process_document(path, pipeline, password=args.password)
        record = tag_record(str(path), result, pipeline.taxonomy.ids, is_evidence)
        if args.format == "jsonl":
            print(json.dumps(record, ensure_ascii=False))
        else:
            present = [t for t, v in record["themes"].items() if v["present"]]
            print(f"{path}: {', '.join(present) or '(none)'}")
        if result.document.error:
            print(f"{path}: {result.document.status}: {result.document.error}", file=sys.stderr)
    return 0


def tag_record(
    path: str, result: Any, theme_ids: tuple[str, ...], is_evidence: Any
) -> dict[str, Any]:
    """The JSON line for one document: every theme, with its counted evidence."""
    sentences = {s.id: s for s in result.sentences}
    themes: dict[str, Any] = {}
    by_theme = {t.theme_id: t for t in result.themes}
    for theme_id in theme_ids:
        evidence = sorted(
            (t for t in result.tags if t.theme_id == theme_id and is_evidence(t)),
            key=lambda t: -t.score,
        )
        row = by_theme.get(theme_id)
        themes[theme_id] = {
            "present": bool(row and row.present),
            "score": round(row.score, 3) if row else 0.0,
            "evidence": [
                {
                    "text": sentences[t.sentence_id].text,
                    "page": sentences[t.sentence_id].page,
                    "start": sentences[t.sentence_id].start,
                    "end": sentences[t.sentence_id].end,
                }
                for t in evidence
            ],
        }
    doc = result.document
    return {"document": path, "status": str(doc.status), "error": doc.error, "themes": themes}


def cmd_train(args: argparse.Namespace) -> int:
    from pipeline.goldset import DEFAULT_DIR, load_gold_rows
    from pipeline.nlp import load_nlp
    from pipeline.tag.embeddings import DEFAULT_ENCODER, DEFAULT_HEAD_DIR, make_encoder
    from pipeline.tag.rules import RuleTagger
    from pipeline.taxonomy import DEFAULT_PATH, load_taxonomy
    from pipeline.train import train_head

    taxonomy = load_taxonomy(args.taxonomy or DEFAULT_PATH)
    gold_dir = args.gold.parent if args.gold else DEFAULT_DIR
    gold = load_gold_rows(args.gold or DEFAULT_DIR / "train.jsonl")
    out = args.out or DEFAULT_HEAD_DIR
    reviewed = _reviewed(args.with_reviews, gold_dir) if args.with_reviews else []
    if args.with_reviews:
        print(f"{len(reviewed)} reviewer decisions from {args.with_reviews}")
        print(f"dev before: {_dev_scores(taxonomy, DEFAULT_HEAD_DIR, gold_dir)}")
    rules = RuleTagger(taxonomy, load_nlp())
    encoder = make_encoder(DEFAULT_ENCODER)  # the encoder inference uses: the head fits its vectors
    head = train_head(taxonomy, encoder, rules, gold, out, args.context_weight, reviewed)
    print(f"Trained {head.version} on {head.meta['training_sentences']} sentences -> {out}")
    for theme_id, row in head.meta["cv_scores"].items():
        print(f"  {theme_id:28} cross-validated F1 {row['cv_f1']:.3f} (C={row['C']:g})")
    if args.with_reviews:
        print(f"dev after:  {_dev_scores(taxonomy, out, gold_dir)}")
    return 0


def _reviewed(dataset: Path, gold_dir: Path) -> list[tuple[str, str, bool]]:
    """Reviewer decisions, less any sentence of the dev or test split (they score the model)."""
    from pipeline.goldset import load_gold_rows
    from pipeline.review import reviewed_examples

    held_out = {
        row.text for split in ("dev", "test") for row in load_gold_rows(gold_dir / f"{split}.jsonl")
    }
    return [example for example in reviewed_examples(dataset) if example[0] not in held_out]


def _dev_scores(taxonomy: Any, head_dir: Path, gold_dir: Path) -> str:
    """Macro-F1 of a head on the dev split, document and sentence level."""
    from pipeline.goldset import as_sentences, load_gold_rows, score_rows
    from pipeline.nlp import load_nlp
    from pipeline.tag.combine import ThemeTagger
    from pipeline.tag.embeddings import EmbeddingClassifier, ThemeHead, make_encoder

    head = ThemeHead.load(head_dir)
    tagger = ThemeTagger(taxonomy, load_nlp(), EmbeddingClassifier(make_encoder(), head))
    rows = load_gold_rows(gold_dir / "dev.jsonl")
    evaluation = score_rows(rows, tagger.tag_sentences(as_sentences(rows)), taxonomy.ids)
    return (
        f"{head.version}: document macro-F1 {evaluation.macro_f1('document'):.3f}, "
        f"sentence macro-F1 {evaluation.macro_f1('sentence'):.3f}"
    )


def cmd_report(args: argparse.Namespace) -> int:
    from pipeline.report import write_report

    try:
        out = write_report(args.dataset, args.out)
    except FileNotFoundError as error:
        print(f"scr-themes report: {error}", file=sys.stderr)
        return 2
    print(f"Report: {out}")
    return 0


def cmd_summarise(args: argparse.Namespace) -> int:
    from pipeline.summary_output import write_summaries
    from pipeline.taxonomy import load_taxonomy

    try:
        summaries, errors = write_summaries(args.dataset, args.out, load_taxonomy())
    except FileNotFoundError as error:
        print(f"scr-themes summarise: {error}", file=sys.stderr)
        return 2
    for summary in summaries:
        print(
            f"{summary.file_name}: {len(summary.learning_themes)} learning themes, "
            f"{len(summary.recommendations)} recommendations"
        )
    for line in errors:
        print(line, file=sys.stderr)
    print(f"{len(summaries)} summaries in {args.out} (index.md lists them)")
    return 0


def cmd_discover(args: argparse.Namespace) -> int:
    from pipeline.discover import ThemeDiscovery, discover_themes, write_suggestions
    from pipeline.records import Section
    from pipeline.summary import load_results
    from pipeline.tag.embeddings import MiniLMEncoder

    try:
        sections = [Section(name.strip()) for name in args.sections.split(",")]
        results = load_results(args.dataset)
    except (FileNotFoundError, ValueError) as error:
        print(f"scr-themes discover: {error}", file=sys.stderr)
        return 2
    discovery = ThemeDiscovery(
        MiniLMEncoder(),
        n_clusters=args.clusters,
        min_cluster_size=args.min_size,
        random_state=args.seed,
    )
    suggestions, settings = discover_themes(results, discovery, sections)
    markdown, data = write_suggestions(args.out, suggestions, settings)
    print(
        f"{len(suggestions)} suggested themes from {settings['n_candidates']} unexplained "
        f"sentences: {markdown} and {data}"
    )
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from pipeline.evaluate import format_table
    from pipeline.goldset import is_sentence_gold
    from pipeline.run import load_pipeline

    pipeline = load_pipeline()
    if args.method != "combined":
        pipeline = with_method(pipeline, args.method)
    if is_sentence_gold(args.gold):
        evaluation, described = _evaluate_sentences(args.gold, pipeline, args.errors)
    else:
        evaluation, described = _evaluate_documents(args.gold, pipeline)
    print(
        f"{described}, model {pipeline.tagger.model_version}, taxonomy {pipeline.taxonomy.version}"
    )
    print(format_table(evaluation))
    return 0


def cmd_tune_thresholds(args: argparse.Namespace) -> int:
    from pipeline.goldset import DEFAULT_DIR
    from pipeline.run import load_pipeline
    from pipeline.taxonomy import DEFAULT_PATH
    from pipeline.thresholds import tune_from_gold

    path = args.taxonomy or DEFAULT_PATH
    pipeline = load_pipeline(path)
    gold = args.gold or DEFAULT_DIR / "dev.jsonl"
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


def _evaluate_documents(path: Path, pipeline: Any) -> tuple[Any, str]:
    from pipeline.evaluate import load_gold, score
    from pipeline.run import process_document

    gold = load_gold(path)
    results = [process_document(doc.path, pipeline) for doc in _progress(gold, "tagging")]
    return score(gold, results, pipeline.taxonomy.ids), f"{len(gold)} gold documents"


def _evaluate_sentences(path: Path, pipeline: Any, errors: Path | None) -> tuple[Any, str]:
    from pipeline.goldset import (
        as_sentences,
        assertion_confusion,
        error_report,
        format_confusion,
        format_reliability,
        format_subject_confusion,
        load_gold_rows,
        reliability,
        score_rows,
        subject_confusion,
    )

    rows = load_gold_rows(path)
    tags = pipeline.tagger.tag_sentences(as_sentences(rows))
    print("Assertions of gold labels against the tagger's counted and review tags:")
    print(format_confusion(assertion_confusion(rows, tags)) + "\n")
    print("Subjects of gold labels against the tagger's, where it tagged the theme:")
    print(format_subject_confusion(subject_confusion(rows, tags)) + "\n")
    if errors:
        errors.write_text(error_report(rows, tags, pipeline.taxonomy.ids))
        print(f"Error report: {errors}")
    print("Reliability: does a score mean what it says?")
    print(format_reliability(reliability(rows, tags)) + "\n")
    docs = len({row.doc for row in rows})
    return score_rows(
        rows, tags, pipeline.taxonomy.ids
    ), f"{len(rows)} gold sentences in {docs} documents"


def _progress(items: list[Any], desc: str) -> Any:
    from tqdm import tqdm

    return tqdm(items, desc=desc, unit="doc", file=sys.stderr, disable=not sys.stderr.isatty())


if __name__ == "__main__":
    sys.exit(main())
