"""What a run has to do: compare the files under a folder with the dataset's manifest.

A file's identity is the SHA-256 of its bytes. A file whose path, size and modification
time match the manifest keeps its recorded hash (no re-read); any other is hashed. Then:

- new content (or content read by another pipeline version) is extracted;
- a readable document tagged by another taxonomy or model version is re-tagged from its
  stored sentences, without extracting;
- an encrypted document is tried again when a password is given;
- a document whose every file is gone is marked removed (its rows stay);
- a document whose file now holds other content is replaced (its rows are deleted once
  the new content is committed);
- anything else is left alone: a re-run over an unchanged folder does nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.records import READABLE, Status
from pipeline.run import Versions
from pipeline.store import SeenFile

HASH_CHUNK = 1 << 20


@dataclass
class Plan:
    files: list[SeenFile]  # every file found, with its content hash
    extract: list[SeenFile] = field(default_factory=list)  # one file per document to read
    retag: list[str] = field(default_factory=list)  # document ids to tag again
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # every file gone: mark removed_at
    restored: list[str] = field(default_factory=list)  # marked removed, but back again
    replaced: list[str] = field(default_factory=list)  # its file now holds other content
    gone_paths: list[str] = field(default_factory=list)  # manifest paths no longer found

    def files_of(self, doc_id: str) -> list[SeenFile]:
        return [f for f in self.files if f.document_id == doc_id]


def plan_ingest(
    paths: list[Path],
    manifest: dict[str, SeenFile],
    documents: pd.DataFrame,
    versions: Versions,
    password: str | None = None,
) -> Plan:
    """The work to bring a dataset up to date with ``paths``."""
    files = [_seen(path, manifest) for path in paths]
    plan = Plan(files=files)
    known = {row.document_id: row for row in documents.itertuples(index=False)}
    current = {f.document_id for f in files}
    planned: set[str] = set()
    for seen in files:
        doc_id = seen.document_id
        if doc_id in planned:
            continue  # the same content under a second name: one document
        planned.add(doc_id)
        row = known.get(doc_id)
        if row is None or _needs_extracting(row, versions, password):
            plan.extract.append(seen)
        elif row.status in READABLE and (
            (row.taxonomy_version, row.model_version) != (versions.taxonomy, versions.model)
        ):
            plan.retag.append(doc_id)
        else:
            plan.unchanged.append(doc_id)
        if row is not None and isinstance(row.removed_at, str):
            plan.restored.append(doc_id)
    found = {f.path for f in files}
    plan.gone_paths = sorted(set(manifest) - found)
    paths_changed = {p for p, f in manifest.items() if p in found}
    for doc_id in sorted({f.document_id for f in manifest.values()} - current):
        if doc_id not in known:
            continue
        if any(manifest[p].document_id == doc_id for p in paths_changed):
            plan.replaced.append(doc_id)
        elif not isinstance(known[doc_id].removed_at, str):
            plan.removed.append(doc_id)
    return plan


def _needs_extracting(row: Any, versions: Versions, password: str | None) -> bool:
    if row.pipeline_version != versions.pipeline:
        return True
    return row.status == Status.ENCRYPTED and bool(password)


def _seen(path: Path, manifest: dict[str, SeenFile]) -> SeenFile:
    key = str(Path(path).resolve())
    stat = Path(path).stat()
    known = manifest.get(key)
    if known and (known.size, known.mtime_ns) == (stat.st_size, stat.st_mtime_ns):
        return known
    return SeenFile(key, file_sha256(Path(path)), stat.st_size, stat.st_mtime_ns)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
