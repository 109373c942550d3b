"""Benchmark: metadata accuracy per field on the sample PDFs, against corpus_samples/gold.jsonl.

Run with `.venv/bin/python benchmarks/metadata_accuracy.py [GOLD]`. Each PDF is read and
split into sentences by the pipeline's own stages (`read_pages`, `segment_pages` with
spaCy), then `extract_metadata` runs on them; only values are printed, never evidence.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from pipeline.cli import OFFLINE_ENV

for key, value in OFFLINE_ENV.items():
    os.environ.setdefault(key, value)

from pipeline.metadata import extract_metadata  # noqa: E402
from pipeline.metadata.accuracy import load_metadata_gold, score_metadata  # noqa: E402
from pipeline.nlp import load_nlp  # noqa: E402
from pipeline.records import DocumentMetadata  # noqa: E402
from pipeline.run import read_pages  # noqa: E402
from pipeline.segment import segment_pages  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def main(gold_path: Path) -> None:
    gold = load_metadata_gold(gold_path)
    nlp = load_nlp()
    predicted: dict[str, DocumentMetadata] = {}
    cpu = 0.0
    for file_name in gold:
        pages = read_pages(gold_path.parent / file_name)
        sentences = segment_pages(file_name, pages, nlp)
        started = time.process_time()
        predicted[file_name] = extract_metadata(pages, sentences)
        cpu += time.process_time() - started
    scores = score_metadata(predicted, gold)
    print(f"{scores.documents} documents from {gold_path}")
    print(scores.table())
    for file_name, name, value, expected in scores.errors:
        print(f"- {file_name}: {name} = {value!r}, gold {expected!r}")
    print(f"extract_metadata CPU time: {1000 * cpu / max(1, len(gold)):.1f} ms per document")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "corpus_samples" / "gold.jsonl")
