"""`scr-themes`: a thin command line over ``pipeline.run``.

The parser lives here; the commands in ``tagging`` (ingest, tag, train, train-encoder), ``scoring``
(evaluate, tune-thresholds) and ``research`` (report, summarise, discover). ``ingest``
runs the Prefect flow in ``flows/``, imported only when that command runs, so the library
and the other commands work without Prefect being imported at all.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from pathlib import Path

from pipeline.cli.research import cmd_discover, cmd_report, cmd_summarise
from pipeline.cli.scoring import cmd_evaluate, cmd_tune_thresholds
from pipeline.cli.tagging import cmd_ingest, cmd_tag, cmd_train, cmd_train_encoder
from pipeline.tag.embeddings import DEFAULT_ENCODER, ENCODER_OPTIONS

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
    missing = missing_paths(args)
    if missing:
        raise SystemExit(f"scr-themes: no such file or folder: {missing[0]}")
    status = int(args.command(args) or 0)
    # `tag` reads every file it can, with a failed record for one it cannot; a path that
    # was not there at all still makes the command fail
    absent = [path for path in getattr(args, "files", None) or [] if not path.exists()]
    return status or (1 if absent else 0)


# Arguments naming a file or folder that must already exist (`ingest --out` and `train
# --out` are written; `tag`'s files are each reported on their own record).
INPUT_PATHS = ("folder", "dataset", "gold", "taxonomy", "with_reviews")


def missing_paths(args: argparse.Namespace) -> list[Path]:
    """The input paths among ``args`` that do not exist, in the order given."""
    paths: list[Path] = []
    for name in INPUT_PATHS:
        value = getattr(args, name, None)
        paths += value if isinstance(value, list) else [value] if value is not None else []
    return [path for path in paths if not Path(path).exists()]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scr-themes", description="Tag child case reviews with themes, with evidence."
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    ingest = commands.add_parser("ingest", help="ingest a folder of PDFs through the Prefect flow")
    ingest.add_argument("folder", type=Path)
    ingest.add_argument("--out", type=Path, required=True, help="dataset folder")
    ingest.add_argument("--password", help="password for encrypted PDFs")
    ingest.add_argument(
        "--workers", type=int, help="documents in parallel in this many local worker processes"
    )
    ingest.add_argument("--dask-address", help="an existing Dask scheduler, tcp://host:port")
    ingest.add_argument(
        "--dask", action="store_true", help="run the --workers on a local Dask cluster instead"
    )
    ingest.add_argument("--timeout", type=float, default=120.0, help="seconds per document")
    ingest.add_argument("--memory-mib", type=int, default=2048, help="memory cap per parse")
    ingest.add_argument("--no-ocr", dest="ocr", action="store_false", help="do not run Tesseract")
    ingest.add_argument(
        "--max-failed-share", type=float, default=0.5, help="fail the run above this share"
    )
    _add_encoder(ingest)
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
    train.add_argument(
        "--realtext",
        type=Path,
        default=None,
        help="labelled real text to train on too (default: ../shared/realtext where present; "
        "'none' for none)",
    )
    _add_encoder(train, "the encoder to train the head for; its default --out is that one's head")
    train.set_defaults(command=cmd_train)

    train_encoder = commands.add_parser(
        "train-encoder",
        help="fine-tune MiniLM's adapters on the training sentences (then run `train`)",
    )
    train_encoder.add_argument("--taxonomy", type=Path, default=None)
    train_encoder.add_argument("--out", type=Path, default=None, help="adapter folder")
    train_encoder.add_argument(
        "--gold", type=Path, default=None, help="gold train split (default: the bundled one)"
    )
    train_encoder.add_argument("--seed", type=int, default=13)
    train_encoder.add_argument(
        "--max-steps", type=int, default=None, help="stop early (a quick check, not a model)"
    )
    train_encoder.set_defaults(command=cmd_train_encoder)

    evaluate = commands.add_parser("evaluate", help="score the tagger against gold labels")
    evaluate.add_argument(
        "gold",
        type=Path,
        help="gold JSONL (corpus_samples/gold.jsonl, a gold_sentences split) "
        "or the realtext folder (../shared/realtext)",
    )
    evaluate.add_argument(
        "--method",
        choices=("combined", "rules", "embeddings"),
        default="combined",
        help="score with both components (the default) or one alone, to compare them",
    )
    evaluate.add_argument(
        "--errors", type=Path, help="write a Markdown report of false positives and negatives"
    )
    _add_encoder(evaluate)
    evaluate.set_defaults(command=cmd_evaluate)

    tune = commands.add_parser(
        "tune-thresholds", help="choose each theme's threshold on the gold dev splits"
    )
    tune.add_argument(
        "--gold",
        type=Path,
        nargs="+",
        default=None,
        help="gold splits, pooled (default: the bundled dev and cross_dev)",
    )
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


def _add_encoder(command: argparse.ArgumentParser, help: str | None = None) -> None:
    command.add_argument(
        "--encoder",
        choices=ENCODER_OPTIONS,
        default=DEFAULT_ENCODER,
        help=help or "sentence encoder, with the head trained for it (default %(default)s)",
    )
