"""Benchmark: first ingest of a folder vs a re-run over the same, unchanged folder.

    .venv/bin/python benchmarks/rerun.py [FOLDER]     (default: corpus_samples/)

Both runs go through the real Prefect flow on one temporary local server, started before
the clock starts. The re-run hashes nothing it has seen (path, size and mtime match the
manifest), extracts nothing, tags nothing and rewrites no table. Also prints the
per-document cost of the isolated parsing worker against parsing in-process.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from pipeline.cli import OFFLINE_ENV

for key, value in OFFLINE_ENV.items():
    os.environ.setdefault(key, value)

from pipeline import run  # noqa: E402
from pipeline.isolate import InProcessExtractor, IsolatedExtractor  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def isolation_overhead(paths: list[Path]) -> None:
    in_process = InProcessExtractor()
    for path in paths:
        in_process.extract(path)  # warm caches and imports
    t0 = time.perf_counter()
    for path in paths:
        in_process.extract(path)
    direct = time.perf_counter() - t0
    with IsolatedExtractor() as isolated:
        t0 = time.perf_counter()
        isolated.extract(paths[0])
        startup = time.perf_counter() - t0
        t0 = time.perf_counter()
        for path in paths:
            isolated.extract(path)
        worker = time.perf_counter() - t0
    per_doc_ms = (worker - direct) / len(paths) * 1000
    print(f"extraction in-process: {direct:.2f} s, in the isolated worker: {worker:.2f} s")
    print(f"isolation overhead: {per_doc_ms:+.1f} ms/document; worker start {startup:.2f} s")


def main(folder: Path) -> None:
    from prefect.testing.utilities import prefect_test_harness

    from flows.ingest import ingest_folder

    paths = run.find_documents(folder)
    isolation_overhead(paths)
    with prefect_test_harness(server_startup_timeout=120), tempfile.TemporaryDirectory() as tmp:
        run.load_pipeline()  # both runs share loaded models, as a served deployment does
        out = Path(tmp) / "dataset"
        t0 = time.perf_counter()
        first = ingest_folder(str(folder), str(out))
        first_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = ingest_folder(str(folder), str(out))
        again_s = time.perf_counter() - t0
    print(f"documents: {len(paths)}")
    print(f"first run: {first_s:.2f} s ({first['run']['extracted']} extracted)")
    print(
        f"re-run:    {again_s:.2f} s ({again['run']['extracted']} extracted, "
        f"{again['run']['unchanged']} unchanged) = {100 * again_s / first_s:.1f}% of the first"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "corpus_samples")
