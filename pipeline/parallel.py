"""Documents across worker processes, each with its own models and parsing worker.

One document is tagged in one process, start to finish; the cores are shared by running
documents side by side rather than by splitting one document's matrix products over
threads. Each worker loads spaCy and the encoder once, uses one torch thread, and keeps
one isolated parsing process (``pipeline.isolate``) for its documents. Results come back
to the caller, which stays the only writer of the dataset.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pipeline.isolate import IsolatedExtractor
from pipeline.records import DocumentResult
from pipeline.run import Pipeline, load_pipeline, process_document
from pipeline.settings import ExtractSettings
from pipeline.tag.embeddings import DEFAULT_ENCODER


@dataclass(frozen=True)
class WorkerSettings:
    """What every worker process loads: the encoder, its threads, the extraction limits."""

    encoder: str = DEFAULT_ENCODER
    torch_threads: int = 1
    extract: ExtractSettings = field(default_factory=ExtractSettings)


class DocumentPool:
    """Worker processes that each take whole documents: submit a path, get its result.

    Each worker loads the models once, before its first document (``WorkerSettings``).
    Use as a context manager, or call ``close``.
    """

    def __init__(self, workers: int = 2, settings: WorkerSettings | None = None) -> None:
        settings = settings or WorkerSettings()
        if settings.encoder == "static":  # built here once, not by every worker at once
            from pipeline.tag.static import load_static_vectors

            load_static_vectors()
        self.workers = workers
        self._pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),  # no forked copies of models
            initializer=_start,
            initargs=(settings,),
        )

    def submit(self, path: Path, password: str | None = None) -> Future[DocumentResult]:
        return self._pool.submit(_process, str(path), password)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> DocumentPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def process_documents(
    paths: Iterable[Path],
    workers: int = 2,
    settings: WorkerSettings | None = None,
    password: str | None = None,
) -> Iterator[DocumentResult]:
    """Each document's result as soon as it is done (not in input order).

    At most two documents per worker are in flight, so results stream back while the
    rest wait, and memory stays bounded for an archive of any size.
    """
    pending = iter(paths)
    with DocumentPool(workers, settings) as pool:
        running: set[Future[DocumentResult]] = set()
        while True:
            for path in pending:
                running.add(pool.submit(path, password))
                if len(running) >= 2 * workers:
                    break
            if not running:
                return
            done, running = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()


_settings: WorkerSettings | None = None


def _start(settings: WorkerSettings) -> None:
    """Worker start: one torch thread, models loaded once, before the first document."""
    global _settings
    _settings = settings
    import torch

    torch.set_num_threads(settings.torch_threads)
    _pipeline()


def _pipeline() -> Pipeline:
    assert _settings is not None
    return load_pipeline(encoder=_settings.encoder)


@lru_cache(maxsize=1)
def _extractor() -> IsolatedExtractor:
    assert _settings is not None
    return IsolatedExtractor(_settings.extract)


def _process(path: str, password: str | None) -> DocumentResult:
    return process_document(Path(path), _pipeline(), password=password, extractor=_extractor())
