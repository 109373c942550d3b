"""Benchmark: ingest corpus_samples/ and print pages/s, sentences/s and peak memory.

Run with `make bench` (or `.venv/bin/python benchmarks/ingest_samples.py [FOLDER]`).
Stage times come from calling the library directly; the end-to-end figure runs the real
Prefect flow on its temporary local server (its start-up is timed separately).
"""

from __future__ import annotations

import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

from pipeline.cli import OFFLINE_ENV

for key, value in OFFLINE_ENV.items():
    os.environ.setdefault(key, value)

from pipeline import run, store  # noqa: E402
from pipeline.aggregate import aggregate_themes  # noqa: E402
from pipeline.segment import segment_pages  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def main(folder: Path) -> None:
    paths = run.find_documents(folder)
    started = time.perf_counter()
    pipeline = run.load_pipeline()
    load_s = time.perf_counter() - started
    stages = {"extract": 0.0, "segment": 0.0, "tag": 0.0}
    pages = sentences = 0
    for path in paths:
        t0 = time.perf_counter()
        try:
            doc_pages = run.read_pages(path)
        except Exception:  # a bad file in a user's folder: not part of the timing
            continue
        t1 = time.perf_counter()
        doc_sentences = segment_pages(path.name, doc_pages, pipeline.tagger.nlp)
        t2 = time.perf_counter()
        tags = pipeline.tagger.tag_sentences(doc_sentences)
        aggregate_themes(path.name, doc_sentences, tags, pipeline.taxonomy)
        t3 = time.perf_counter()
        stages["extract"] += t1 - t0
        stages["segment"] += t2 - t1
        stages["tag"] += t3 - t2
        pages += len(doc_pages)
        sentences += len(doc_sentences)

    from flows.ingest import ingest_folder

    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        ingest_folder(str(folder), out)
        flow_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        store.write_dataset(Path(out), [])
        write_s = time.perf_counter() - t0

    work = sum(stages.values())
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"documents: {len(paths)}  pages: {pages}  sentences: {sentences}")
    print(f"model load: {load_s:.1f} s")
    for stage, seconds in stages.items():
        print(f"  {stage:8} {seconds:7.2f} s  ({pages / seconds:7.1f} pages/s)")
    print(f"library, all stages: {pages / work:.1f} pages/s, {sentences / work:.1f} sentences/s")
    print(f"tagging alone: {sentences / stages['tag']:.1f} sentences/s")
    print(
        f"Prefect flow end to end (incl. temporary server start and write): {flow_s:.1f} s, "
        f"{pages / flow_s:.1f} pages/s"
    )
    print(f"rewrite of the whole dataset (all tables, Parquet and CSV): {write_s:.2f} s")
    print(f"peak RSS: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "corpus_samples")
