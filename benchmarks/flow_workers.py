"""Benchmark: documents/min through the ingest flow, in one process and with 2 workers.

    .venv/bin/python benchmarks/flow_workers.py [N_DOCUMENTS]     (default 200)

Three runs: the flow tagging in its own process (no ``--workers``), with ``--workers 2``
(two local worker processes, ``pipeline.parallel``) and with ``--workers 2 --dask`` (a
local Dask cluster of two single-threaded workers).

The archive is generated: the sample PDFs copied round-robin, each copy with a unique
comment appended after its end-of-file marker, so every copy is a distinct document
(its own SHA-256) with the sample's pages and text. Each worker count ingests the archive
into a fresh dataset, through the real flow on one temporary Prefect server.
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

REPO = Path(__file__).resolve().parents[1]


def make_archive(folder: Path, count: int) -> int:
    """Write ``count`` distinct PDFs; return their total number of pages."""
    from pipeline.run import find_documents, read_pages

    samples = find_documents(REPO / "corpus_samples")
    pages = {path: len(read_pages(path)) for path in samples}
    total = 0
    for index in range(count):
        source = samples[index % len(samples)]
        data = source.read_bytes() + f"\n% copy {index}\n".encode()
        (folder / f"review_{index:04d}.pdf").write_bytes(data)
        total += pages[source]
    return total


def main(count: int) -> None:
    from prefect.testing.utilities import prefect_test_harness

    from flows.ingest import ingest

    with tempfile.TemporaryDirectory() as tmp, prefect_test_harness(server_startup_timeout=120):
        archive = Path(tmp) / "archive"
        archive.mkdir()
        pages = make_archive(archive, count)
        print(f"archive: {count} documents, {pages} pages; {os.cpu_count()} cores")
        runs = {"one process": {}, "2 local workers": {"workers": 2}}
        runs["2 Dask workers"] = {"workers": 2, "dask": True}
        for name, options in runs.items():
            t0 = time.perf_counter()
            summary = ingest(archive, Path(tmp) / name.replace(" ", "_"), **options)
            seconds = time.perf_counter() - t0
            ok = summary["run"]["status_counts"].get("ok", 0)
            rate = 60 * count / seconds
            print(
                f"{name:<16} {seconds:7.1f} s, {rate:6.1f} documents/min, "
                f"{pages / seconds:5.1f} pages/s ({ok} ok)"
            )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
