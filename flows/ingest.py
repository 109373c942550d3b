"""The ingest flow: plan the run, one Prefect task per document to read or re-tag, commit.

Each document is parsed in an isolated worker process (``pipeline.isolate``) under a time
and memory limit, then committed to the dataset in its own transaction by the flow (the
only writer). Documents are processed in the flow's process, in local worker processes
(``pipeline.parallel``, ``--workers``), or on Dask workers (``--dask-address``). Task
results hold document text: never persisted, never cached. The flow returns a summary
with no document text, records it as an artifact, and fails when too many documents
failed or when the dataset cannot be written.
"""

from __future__ import annotations

import os
import sqlite3
from collections import Counter
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.task_runners import ThreadPoolTaskRunner
from tqdm import tqdm

from pipeline import run
from pipeline.incremental import Plan, plan_ingest
from pipeline.isolate import IsolatedExtractor
from pipeline.parallel import DocumentPool, WorkerSettings
from pipeline.quarantine import needs_quarantine, quarantine
from pipeline.records import DocumentResult, Status
from pipeline.scope import not_a_review
from pipeline.settings import MIB, ExtractSettings
from pipeline.store import Dataset
from pipeline.tag.embeddings import DEFAULT_ENCODER

FAILED_STATUSES = frozenset({Status.FAILED, Status.TIMEOUT, Status.OOM})


class IngestFailed(RuntimeError):
    """Too many documents failed in one run."""


def _retry_on_io(task: Any, task_run: Any, state: Any) -> bool:
    """Retry a task only on a transient I/O error, never on a bad document."""
    try:
        state.result()
    except (OSError, sqlite3.OperationalError):
        return True
    except Exception:
        return False
    return False


# The local worker processes of the running flow, if it has any (its tasks run in threads
# of this process, each handing its document to a worker and waiting for the result).
_local: dict[str, DocumentPool] = {}


@lru_cache(maxsize=2)
def _extractor(settings: ExtractSettings) -> IsolatedExtractor:
    """One isolated parsing worker per process (the flow's, or each Dask worker's)."""
    return IsolatedExtractor(settings)


@task(
    name="process-document",
    persist_result=False,
    cache_policy=NO_CACHE,
    retries=2,
    retry_delay_seconds=2,
    retry_condition_fn=_retry_on_io,
)
def process_document_task(
    path: str, password: str | None, settings: ExtractSettings, encoder: str = DEFAULT_ENCODER
) -> DocumentResult:
    with open(path, "rb"):  # an unreadable file raises OSError here, and is retried
        pass
    if "pool" in _local:
        return _local["pool"].submit(Path(path), password).result()
    pipeline = run.load_pipeline(encoder=encoder)  # once per process (each Dask worker's too)
    return run.process_document(
        Path(path), pipeline, password=password, extractor=_extractor(settings)
    )


@task(name="retag-document", persist_result=False, cache_policy=NO_CACHE)
def retag_document_task(
    document: Any, pages: list[Any], sentences: list[Any], encoder: str = DEFAULT_ENCODER
) -> DocumentResult:
    return run.retag_document(document, pages, sentences, run.load_pipeline(encoder=encoder))


@task(
    name="commit-document",
    persist_result=False,
    cache_policy=NO_CACHE,
    retries=2,
    retry_delay_seconds=1,
    retry_condition_fn=_retry_on_io,
)
def commit_task(out: str, result: DocumentResult, plan: Plan, source: str | None) -> None:
    """One document into the dataset, in one transaction; a bad file also to quarantine."""
    with Dataset(Path(out)) as dataset:
        dataset.commit(result, plan.files_of(result.document.id))
    if source and needs_quarantine(result.document):
        quarantine(Path(source), result.document, Path(out))


# One worker thread: spaCy and the encoder are shared in-process. Parallel documents run
# on Dask (see ``ingest``), each Dask worker with its own models and parsing worker.
@flow(
    name="ingest-reviews",
    persist_result=False,
    task_runner=ThreadPoolTaskRunner(max_workers=1),  # type: ignore[arg-type]
    validate_parameters=True,
)
def ingest_folder(
    folder: str,
    out: str,
    password: str | None = None,
    timeout_s: float = 120.0,
    memory_mib: int = 2048,
    ocr: bool = True,
    max_failed_share: float = 0.5,
    encoder: str = DEFAULT_ENCODER,
    local_workers: int = 0,
) -> dict[str, Any]:
    """Bring the dataset at ``out`` up to date with every PDF under ``folder``.

    ``encoder`` (an ``ENCODER_OPTIONS`` name) picks the sentence encoder and its head;
    documents tagged with another are re-tagged, since their model version differs.
    ``local_workers`` above 0 reads and tags new documents in that many local processes
    (run the flow with as many task threads, as ``ingest`` does).
    """
    os.umask(0o077)
    settings = ExtractSettings(timeout_s=timeout_s, memory_bytes=memory_mib * MIB, ocr=ocr)
    versions = run.current_versions(encoder=encoder)
    with Dataset(Path(out)) as dataset:
        plan = plan_ingest(
            run.find_documents(Path(folder)),
            dataset.files(),
            dataset.documents(),
            versions,
            password,
        )
        retag_inputs = [_retag_input(dataset, doc_id) for doc_id in plan.retag]
    if plan.retag or (plan.extract and not local_workers):
        run.load_pipeline(encoder=encoder)  # load (or build) the models before any task
    if plan.extract and local_workers:
        _local["pool"] = DocumentPool(local_workers, WorkerSettings(encoder, extract=settings))
    try:
        results = _process(out, plan, password, settings, encoder, retag_inputs)
    finally:
        if "pool" in _local:
            _local.pop("pool").close()
    summary = _finish(Path(out), plan, results)
    _record(summary)
    _check(summary, max_failed_share)
    return summary


def _process(
    out: str,
    plan: Plan,
    password: str | None,
    settings: ExtractSettings,
    encoder: str,
    retag_inputs: list[tuple[Any, list[Any], list[Any]]],
) -> list[DocumentResult]:
    """Every planned document read or re-tagged, each committed as soon as it is done."""
    futures = [
        process_document_task.submit(f.path, password, settings, encoder) for f in plan.extract
    ]
    futures += [retag_document_task.submit(*inputs, encoder) for inputs in retag_inputs]
    sources = {f.document_id: f.path for f in plan.extract}
    results = []
    for future in tqdm(as_completed(futures), total=len(futures), desc="ingest", unit="doc"):
        result = future.result()
        commit_task(out, result, plan, sources.get(result.document.id))
        results.append(result)
    return results


def _retag_input(dataset: Dataset, doc_id: str) -> tuple[Any, list[Any], list[Any]]:
    pages, sentences = dataset.stored_text(doc_id)
    return dataset.stored_document(doc_id), pages, sentences


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _finish(out: Path, plan: Plan, results: list[DocumentResult]) -> dict[str, Any]:
    """Replaced and removed documents, the export, and the summary of the run."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with Dataset(out) as dataset:
        for doc_id in plan.replaced:
            dataset.delete_document(doc_id)
        dataset.mark_removed(plan.removed, now)
        dataset.mark_removed(plan.restored, None)
        dataset.forget_files(plan.gone_paths)
        changed = results or plan.replaced or plan.removed or plan.restored
        exists = (out / "documents.parquet").exists()
        documents = dataset.export()["documents"] if changed or not exists else None
        if documents is None:
            documents = dataset.documents()
        themes = dataset.table("document_themes").query("present")
    present: dict[str, list[str]] = {}
    for doc_id, theme_id in zip(themes.document_id, themes.theme_id, strict=True):
        present.setdefault(str(doc_id), []).append(str(theme_id))
    return summarise(out, plan, results, documents, present)


def summarise(
    out: Path,
    plan: Plan,
    results: list[DocumentResult],
    documents: Any,
    present: dict[str, list[str]],
) -> dict[str, Any]:
    """Counts by status and the themes found: no document text."""
    current = {f.document_id for f in plan.files}
    rows = documents[documents.document_id.isin(current)]
    themes_of = {r.document.id: [t.theme_id for t in r.themes if t.present] for r in results}
    new_themes = Counter(theme for themes in themes_of.values() for theme in themes)
    return {
        "out": str(out),
        "status_counts": dict(Counter(rows.status)),
        "run": {
            "extracted": len(plan.extract),
            "retagged": len(plan.retag),
            "unchanged": len(plan.unchanged),
            "replaced": len(plan.replaced),
            "removed": len(plan.removed),
            "status_counts": dict(Counter(str(r.document.status) for r in results)),
            "new_themes": dict(sorted(new_themes.items())),
        },
        "documents": [
            {
                "file_name": row.file_name,
                "document_id": row.document_id,
                "status": row.status,
                "error": None if _missing(row.error) else row.error,
                "not_a_review": not_a_review(None if _missing(row.warnings) else row.warnings),
                "themes": present.get(row.document_id, []),
            }
            for row in rows.sort_values("file_name").itertuples()
        ],
    }


def _record(summary: dict[str, Any]) -> None:
    """The run's summary as a Prefect artifact: counts only."""
    run_counts = summary["run"]
    lines = ["| status | documents |", "|---|---|"]
    lines += [f"| {s} | {n} |" for s, n in sorted(summary["status_counts"].items())]
    lines += ["", "| this run | documents |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in run_counts.items() if isinstance(v, int)]
    lines += ["", "| theme newly found | documents |", "|---|---|"]
    lines += [f"| {t} | {n} |" for t, n in run_counts["new_themes"].items()]
    create_markdown_artifact(
        key="ingest-summary", markdown="\n".join(lines), description="ingest-reviews summary"
    )


def _check(summary: dict[str, Any], max_failed_share: float) -> None:
    counts = summary["run"]["status_counts"]
    processed = sum(counts.values())
    failed = sum(n for status, n in counts.items() if status in FAILED_STATUSES)
    if processed and failed / processed > max_failed_share:
        raise IngestFailed(
            f"{failed} of {processed} documents failed (over {max_failed_share:.0%}); "
            f"the dataset holds every committed document"
        )


def ingest(
    folder: Path,
    out: Path,
    *,
    password: str | None = None,
    workers: int | None = None,
    dask_address: str | None = None,
    dask: bool = False,
    **options: Any,
) -> dict[str, Any]:
    """Run the flow with its documents here, in ``workers`` local processes, or on Dask:
    an existing cluster (``dask_address``) or, with ``dask``, a local one of ``workers``."""
    if dask_address or (dask and workers and workers > 1):
        from prefect_dask import DaskTaskRunner

        if dask_address:
            runner = DaskTaskRunner(address=dask_address)
        else:
            runner = DaskTaskRunner(
                cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True}
            )
        configured = ingest_folder.with_options(task_runner=runner)  # type: ignore[arg-type]
        return configured(str(folder), str(out), password=password, **options)
    if workers and workers > 1:  # two documents in flight per worker, one being read
        threads: Any = ThreadPoolTaskRunner(max_workers=2 * workers)
        configured = ingest_folder.with_options(task_runner=threads)  # type: ignore[arg-type]
        return configured(
            str(folder), str(out), password=password, local_workers=workers, **options
        )
    return ingest_folder(str(folder), str(out), password=password, **options)
