"""The ingest flow: one Prefect task per document, each a call into ``pipeline.run``."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.task_runners import ThreadPoolTaskRunner
from tqdm import tqdm

from pipeline import run, store
from pipeline.records import DocumentResult


# Results hold document text: never persisted, never cached.
@task(name="process-document", persist_result=False, cache_policy=NO_CACHE)
def process_document_task(path: str, password: str | None = None) -> DocumentResult:
    return run.process_document(Path(path), run.load_pipeline(), password=password)


# One worker: spaCy and the encoder are shared in-process, and a thread pool would only
# contend for the GIL. Parallel documents belong in worker processes.
@flow(
    name="ingest-reviews",
    persist_result=False,
    task_runner=ThreadPoolTaskRunner(max_workers=1),  # type: ignore[arg-type]
    validate_parameters=True,
)
def ingest_folder(folder: str, out: str, password: str | None = None) -> dict[str, Any]:
    """Tag every PDF under ``folder`` and upsert the results into the dataset at ``out``."""
    paths = run.find_documents(Path(folder))
    run.load_pipeline()  # load the models once, before any task needs them
    futures = [process_document_task.submit(str(path), password) for path in paths]
    results = [
        future.result()
        for future in tqdm(as_completed(futures), total=len(futures), desc="ingest", unit="doc")
    ]
    results.sort(key=lambda result: result.document.file_name)
    store.write_dataset(Path(out), results)
    return summarise(results, out)


def summarise(results: list[DocumentResult], out: str) -> dict[str, Any]:
    """Counts by status and the themes present per document: no document text."""
    return {
        "out": out,
        "status_counts": dict(Counter(str(r.document.status) for r in results)),
        "documents": [
            {
                "file_name": r.document.file_name,
                "document_id": r.document.id,
                "status": str(r.document.status),
                "error": r.document.error,
                "themes": [t.theme_id for t in r.themes if t.present],
            }
            for r in results
        ],
    }
