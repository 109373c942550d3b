"""Bad files are copied, never moved, to ``<dataset>/quarantine/<status>/<sha256>.pdf``.

Beside each copy, ``<sha256>.json`` says why. Paths are built from the status and the
content hash only, never from the input's file name (which could hold ``../``); the
input is opened read-only and left as it was.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

from pipeline.records import READABLE, Document
from pipeline.store import FILE_MODE, atomic_write_bytes, make_private_folder

QUARANTINE = "quarantine"


def needs_quarantine(document: Document) -> bool:
    return document.status not in READABLE and bool(document.id)


def quarantine(source: Path, document: Document, dataset: Path) -> Path:
    """Copy a bad file and write its reason record; the copy's path."""
    if len(document.id) != 64 or not all(c in "0123456789abcdef" for c in document.id):
        raise ValueError("a document id is a SHA-256 hex digest")
    folder = Path(dataset) / QUARANTINE / str(document.status)
    make_private_folder(folder.parent)
    make_private_folder(folder)
    copy = folder / f"{document.id}.pdf"
    if not copy.exists():
        temp = folder / f".{document.id}.tmp"
        shutil.copyfile(source, temp)
        temp.chmod(FILE_MODE)
        temp.replace(copy)
    record = {
        "document_id": document.id,
        "status": str(document.status),
        "reason": document.error,
        "source_path": document.path,
        "bytes": copy.stat().st_size,
        "pdfium_pages": document.pdfium_pages,
        "findings": document.findings,
        "pipeline_version": document.pipeline_version,
        "quarantined_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    atomic_write_bytes(folder / f"{document.id}.json", json.dumps(record, indent=2).encode())
    return copy
