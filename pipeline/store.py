"""Records <-> the tagged dataset on disk: Parquet tables with CSV copies.

Column names and types are defined once, here. Every write replaces a table atomically
(write a temporary file in the same folder, then rename), so a crash leaves the last good
table in place.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.records import DocumentResult

SCHEMAS: dict[str, pa.Schema] = {
    "documents": pa.schema(
        [
            ("document_id", pa.string()),
            ("file_name", pa.string()),
            ("path", pa.string()),
            ("pages", pa.int32()),
            ("status", pa.string()),
            ("error", pa.string()),
            ("pipeline_version", pa.string()),
            ("taxonomy_version", pa.string()),
            ("model_version", pa.string()),
            ("ingested_at", pa.string()),
        ]
    ),
    "pages": pa.schema(
        [
            ("document_id", pa.string()),
            ("page", pa.int32()),
            ("text", pa.string()),
        ]
    ),
    "sentences": pa.schema(
        [
            ("sentence_id", pa.string()),
            ("document_id", pa.string()),
            ("page", pa.int32()),
            ("start", pa.int32()),
            ("end", pa.int32()),
            ("section", pa.string()),
            ("text", pa.string()),
        ]
    ),
    "tags": pa.schema(
        [
            ("sentence_id", pa.string()),
            ("document_id", pa.string()),
            ("theme_id", pa.string()),
            ("score", pa.float64()),
            ("method", pa.string()),
            ("assertion", pa.string()),
            ("needs_review", pa.bool_()),
            ("matched", pa.string()),
        ]
    ),
    "document_themes": pa.schema(
        [
            ("document_id", pa.string()),
            ("theme_id", pa.string()),
            ("present", pa.bool_()),
            ("score", pa.float64()),
            ("n_evidence", pa.int32()),
            ("evidence_sentence_id", pa.string()),
            ("page", pa.int32()),
            ("evidence_text", pa.string()),
        ]
    ),
}
TABLES = tuple(SCHEMAS)


def result_rows(result: DocumentResult) -> dict[str, list[dict[str, Any]]]:
    """The rows one document adds to each table."""
    doc = result.document
    document = asdict(doc) | {"document_id": doc.id, "status": str(doc.status)}
    del document["id"]
    return {
        "documents": [document],
        "pages": [{"document_id": doc.id, "page": p.number, "text": p.text} for p in result.pages],
        "sentences": [
            asdict(s) | {"sentence_id": s.id, "section": str(s.section)} for s in result.sentences
        ],
        "tags": [asdict(t) | {"assertion": str(t.assertion)} for t in result.tags],
        "document_themes": [asdict(t) for t in result.themes],
    }


def to_frames(results: Iterable[DocumentResult]) -> dict[str, pd.DataFrame]:
    """Build one DataFrame per table, typed by its schema."""
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    for result in results:
        for name, table_rows in result_rows(result).items():
            rows[name].extend(table_rows)
    return {name: _frame(rows[name], SCHEMAS[name]) for name in TABLES}


def write_dataset(folder: Path, results: Iterable[DocumentResult]) -> dict[str, pd.DataFrame]:
    """Upsert documents into the dataset: a document's old rows are replaced, never duplicated."""
    folder.mkdir(parents=True, exist_ok=True)
    new = to_frames(results)
    replaced = set(new["documents"]["document_id"])
    merged = {}
    for name in TABLES:
        old = read_table(folder, name)
        kept = old[~old["document_id"].isin(replaced)]
        merged[name] = pd.concat([kept, new[name]], ignore_index=True) if len(kept) else new[name]
        _write_table(folder, name, merged[name])
    return merged


def read_table(folder: Path, name: str) -> pd.DataFrame:
    """One table of a dataset, empty (with its columns) when not written yet."""
    path = Path(folder) / f"{name}.parquet"
    if not path.exists():
        return _frame([], SCHEMAS[name])
    return pq.read_table(path, schema=SCHEMAS[name]).to_pandas()


def read_dataset(folder: Path) -> dict[str, pd.DataFrame]:
    """Every table of a dataset."""
    return {name: read_table(folder, name) for name in TABLES}


def _frame(rows: list[dict[str, Any]], schema: pa.Schema) -> pd.DataFrame:
    table = pa.Table.from_pylist(rows, schema=schema)
    return table.to_pandas()


def _write_table(folder: Path, name: str, frame: pd.DataFrame) -> None:
    table = pa.Table.from_pandas(frame, schema=SCHEMAS[name], preserve_index=False)
    _atomic_write(folder / f"{name}.parquet", lambda path: pq.write_table(table, path))
    _atomic_write(folder / f"{name}.csv", lambda path: frame.to_csv(path, index=False))


def _atomic_write(target: Path, write: Any) -> None:
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(temp)
        with open(temp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
