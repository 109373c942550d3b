"""Records <-> the tagged dataset on disk.

The source of truth is one SQLite database, ``dataset.sqlite`` (WAL journal), in the
dataset folder. Each document is committed in one transaction: its old rows in every
table are deleted, its new rows and its files in the manifest are inserted, together or
not at all. A run killed part-way leaves every committed document whole and nothing of
the others, and the next run (which skips what is committed) finishes the job. Parquet
is not transactional, so the Parquet tables and their CSV copies are exports, rewritten
from the database at the end of a run, each atomically (temporary file, fsync, rename).
Files and folders are readable by their owner only.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.records import (
    METADATA_FIELDS,
    Document,
    DocumentMetadata,
    DocumentResult,
    Page,
    Section,
    Sentence,
    Status,
)

DATABASE = "dataset.sqlite"
METADATA_TYPES = {"year": pa.int32(), "children": pa.int32()}  # the other values are strings
METADATA_COLUMNS = [
    column
    for name in METADATA_FIELDS
    for column in (
        (name, METADATA_TYPES.get(name, pa.string())),
        (f"{name}_evidence", pa.string()),
        (f"{name}_page", pa.int32()),
    )
]
FOLDER_MODE, FILE_MODE = 0o700, 0o600

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
            ("pdfium_pages", pa.int32()),
            ("warnings", pa.string()),
            ("findings", pa.string()),
            ("ocr_confidence", pa.float64()),
            ("removed_at", pa.string()),
            *METADATA_COLUMNS,
        ]
    ),
    "pages": pa.schema(
        [
            ("document_id", pa.string()),
            ("page", pa.int32()),
            ("text", pa.string()),
            ("source", pa.string()),
            ("ocr_confidence", pa.float64()),
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
            ("subject", pa.string()),
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
SQL_TYPES = {
    pa.string(): "TEXT",
    pa.int32(): "INTEGER",
    pa.float64(): "REAL",
    pa.bool_(): "INTEGER",
}


@dataclass(frozen=True)
class SeenFile:
    """One input file as the manifest records it: where it is and what its content is."""

    path: str
    document_id: str
    size: int
    mtime_ns: int


def result_rows(result: DocumentResult) -> dict[str, list[dict[str, Any]]]:
    """The rows one document adds to each table."""
    doc = result.document
    document = asdict(doc) | {"document_id": doc.id, "status": str(doc.status)}
    del document["id"], document["metadata"]
    document |= doc.metadata.columns()
    document["removed_at"] = None
    return {
        "documents": [document],
        "pages": [
            {
                "document_id": doc.id,
                "page": p.number,
                "text": p.text,
                "source": p.source,
                "ocr_confidence": p.ocr_confidence,
            }
            for p in result.pages
        ],
        "sentences": [
            asdict(s) | {"sentence_id": s.id, "section": str(s.section)} for s in result.sentences
        ],
        "tags": [
            asdict(t) | {"assertion": str(t.assertion), "subject": str(t.subject)}
            for t in result.tags
        ],
        "document_themes": [asdict(t) for t in result.themes],
    }


def to_frames(results: Iterable[DocumentResult]) -> dict[str, pd.DataFrame]:
    """Build one DataFrame per table, typed by its schema."""
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    for result in results:
        for name, table_rows in result_rows(result).items():
            rows[name].extend(table_rows)
    return {name: _frame(rows[name], SCHEMAS[name]) for name in TABLES}


class Dataset:
    """The dataset's database: per-document transactions, the file manifest, exports."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        make_private_folder(self.folder)
        path = self.folder / DATABASE
        new = not path.exists()
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        os.chmod(path, FILE_MODE)
        self._create_tables()
        if new:
            self._import_parquet()

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Dataset:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def commit(self, result: DocumentResult, files: Sequence[SeenFile] = ()) -> None:
        """Replace one document's rows and record its files, in one transaction."""
        doc_id = result.document.id
        with self._transaction():
            self._delete_rows(doc_id)
            for name, rows in result_rows(result).items():
                columns = SCHEMAS[name].names
                marks = ", ".join("?" * len(columns))
                self.db.executemany(
                    f"INSERT INTO {name} ({_names(columns)}) VALUES ({marks})",
                    [tuple(row[c] for c in columns) for row in rows],
                )
            self.db.executemany(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)",
                [(f.path, f.document_id, f.size, f.mtime_ns) for f in files],
            )

    def delete_document(self, doc_id: str) -> None:
        """Drop a document whose file was replaced by other content."""
        with self._transaction():
            self._delete_rows(doc_id)

    def forget_files(self, paths: Iterable[str]) -> None:
        with self._transaction():
            self.db.executemany("DELETE FROM files WHERE path = ?", [(p,) for p in paths])

    def mark_removed(self, doc_ids: Iterable[str], when: str | None) -> None:
        """Set (or, with None, clear) ``removed_at``: rows are kept, never silently dropped."""
        with self._transaction():
            self.db.executemany(
                "UPDATE documents SET removed_at = ? WHERE document_id = ?",
                [(when, doc_id) for doc_id in doc_ids],
            )

    def files(self) -> dict[str, SeenFile]:
        rows = self.db.execute("SELECT path, document_id, size, mtime_ns FROM files")
        return {row[0]: SeenFile(*row) for row in rows}

    def documents(self) -> pd.DataFrame:
        return self.table("documents")

    def table(self, name: str) -> pd.DataFrame:
        columns = SCHEMAS[name].names
        rows = self.db.execute(f"SELECT {_names(columns)} FROM {name} ORDER BY rowid").fetchall()
        return _arrow(rows, SCHEMAS[name]).to_pandas()

    def stored_document(self, doc_id: str) -> Document:
        """A document's row as a record (without ``removed_at``)."""
        columns = [c for c in SCHEMAS["documents"].names if c != "removed_at"]
        row = self.db.execute(
            f"SELECT {_names(columns)} FROM documents WHERE document_id = ?", (doc_id,)
        ).fetchone()
        if row is None:
            raise KeyError(doc_id)
        fields: dict[str, Any] = dict(zip(columns, row, strict=True))
        fields["id"] = fields.pop("document_id")
        fields["status"] = Status(fields["status"])
        fields["metadata"] = DocumentMetadata.from_columns(fields)
        return Document(**fields)

    def stored_text(self, doc_id: str) -> tuple[list[Page], list[Sentence]]:
        """A document's pages and sentences as stored: enough to tag it again."""
        pages = [
            Page(n, text, source=source, ocr_confidence=confidence)
            for n, text, source, confidence in self.db.execute(
                "SELECT page, text, source, ocr_confidence FROM pages "
                "WHERE document_id = ? ORDER BY page",
                (doc_id,),
            )
        ]
        sentences = [
            Sentence(sid, doc_id, page, start, end, Section(section), text)
            for sid, page, start, end, section, text in self.db.execute(
                'SELECT sentence_id, page, start, "end", section, text FROM sentences '
                "WHERE document_id = ? ORDER BY page, start",
                (doc_id,),
            )
        ]
        return pages, sentences

    def export(self) -> dict[str, pd.DataFrame]:
        """Rewrite every Parquet table and its CSV copy from the database."""
        frames = {}
        for name in TABLES:
            frames[name] = self.table(name)
            _write_table(self.folder, name, frames[name])
        return frames

    def _transaction(self) -> Any:
        return _Transaction(self.db)

    def _delete_rows(self, doc_id: str) -> None:
        for name in TABLES:
            self.db.execute(f"DELETE FROM {name} WHERE document_id = ?", (doc_id,))

    def _create_tables(self) -> None:
        for name, schema in SCHEMAS.items():
            columns = ", ".join(f'"{f.name}" {SQL_TYPES[f.type]}' for f in schema)
            self.db.execute(f"CREATE TABLE IF NOT EXISTS {name} ({columns})")
            have = {row[1] for row in self.db.execute(f"PRAGMA table_info({name})")}
            for f in schema:  # a database written by an older version: add the new columns
                if f.name not in have:
                    self.db.execute(f'ALTER TABLE {name} ADD COLUMN "{f.name}" {SQL_TYPES[f.type]}')
            self.db.execute(f"CREATE INDEX IF NOT EXISTS {name}_document ON {name} (document_id)")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, document_id TEXT, "
            "size INTEGER, mtime_ns INTEGER)"
        )

    def _import_parquet(self) -> None:
        """A dataset written before the database existed: its Parquet tables, once."""
        if not (self.folder / "documents.parquet").exists():
            return
        with self._transaction():
            for name in TABLES:
                frame = read_table(self.folder, name)
                columns = SCHEMAS[name].names
                marks = ", ".join("?" * len(columns))
                rows = pa.Table.from_pandas(frame, preserve_index=False).to_pylist()
                self.db.executemany(
                    f"INSERT INTO {name} ({_names(columns)}) VALUES ({marks})",
                    [tuple(row.get(c) for c in columns) for row in rows],
                )


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, *exc: object) -> None:
        self.db.execute("ROLLBACK" if kind else "COMMIT")


def write_dataset(folder: Path, results: Iterable[DocumentResult]) -> dict[str, pd.DataFrame]:
    """Upsert documents into the dataset: a document's old rows are replaced, never duplicated."""
    with Dataset(folder) as dataset:
        for result in results:
            dataset.commit(result)
        return dataset.export()


def read_table(folder: Path, name: str) -> pd.DataFrame:
    """One table of a dataset, empty (with its columns) when not written yet."""
    path = Path(folder) / f"{name}.parquet"
    if not path.exists():
        return _frame([], SCHEMAS[name])
    table = pq.read_table(path)
    missing = [f for f in SCHEMAS[name] if f.name not in table.column_names]
    for field in missing:  # a table written by an older version
        table = table.append_column(field, pa.nulls(len(table), field.type))
    return table.select(SCHEMAS[name].names).cast(SCHEMAS[name]).to_pandas()


def read_dataset(folder: Path) -> dict[str, pd.DataFrame]:
    """Every table of a dataset."""
    return {name: read_table(folder, name) for name in TABLES}


def make_private_folder(folder: Path) -> None:
    """Create a folder (and missing parents) readable by its owner only."""
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, FOLDER_MODE)


def atomic_write_bytes(target: Path, data: bytes) -> None:
    """Write a file whole or not at all, owner-only."""

    def write(path: str) -> None:
        Path(path).write_bytes(data)

    _atomic_write(target, write)


def _names(columns: Sequence[str]) -> str:
    return ", ".join(f'"{c}"' for c in columns)


def _arrow(rows: list[tuple[Any, ...]], schema: pa.Schema) -> pa.Table:
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in schema]
    arrays = []
    for field, values in zip(schema, columns, strict=True):
        if field.type == pa.bool_():
            values = tuple(None if v is None else bool(v) for v in values)
        arrays.append(pa.array(values, type=field.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def _frame(rows: list[dict[str, Any]], schema: pa.Schema) -> pd.DataFrame:
    table = pa.Table.from_pylist(rows, schema=schema)
    return table.to_pandas()


def _write_table(folder: Path, name: str, frame: pd.DataFrame) -> None:
    table = pa.Table.from_pandas(frame, schema=SCHEMAS[name], preserve_index=False)
    _atomic_write(folder / f"{name}.parquet", lambda path: pq.write_table(table, path))
    _atomic_write(folder / f"{name}.csv", lambda path: frame.to_csv(path, index=False))


def _atomic_write(target: Path, write: Any) -> None:
    # mkstemp creates the file 0600, and the rename keeps that mode.
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(temp)
        os.chmod(temp, FILE_MODE)
        with open(temp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
