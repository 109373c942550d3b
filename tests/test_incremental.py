"""Incremental, idempotent ingestion, and a run killed part-way that loses nothing."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.store import DATABASE, read_dataset
from tests.conftest import SAMPLES

pytestmark = pytest.mark.slow
PDFS = sorted(SAMPLES.glob("*.pdf"))


def _ingest(folder: Path, out: Path) -> dict:
    from flows.ingest import ingest_folder

    return ingest_folder(str(folder), str(out))


def test_reruns_do_only_what_changed_and_keep_ids(prefect_server, real_pipeline, tmp_path):
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    shutil.copy(PDFS[0], folder / "a.pdf")
    shutil.copy(PDFS[1], folder / "b.pdf")
    first = _ingest(folder, out)
    assert first["run"]["extracted"] == 2
    before = read_dataset(out)

    again = _ingest(folder, out)  # nothing changed: nothing re-read, nothing rewritten
    assert again["run"] | {"new_themes": {}} == {
        "extracted": 0,
        "retagged": 0,
        "unchanged": 2,
        "replaced": 0,
        "removed": 0,
        "status_counts": {},
        "new_themes": {},
    }
    after = read_dataset(out)
    assert after["documents"].equals(before["documents"])
    assert after["sentences"].sentence_id.tolist() == before["sentences"].sentence_id.tolist()

    old_b = after["documents"].set_index("file_name").loc["b.pdf", "document_id"]
    shutil.copy(PDFS[2], folder / "b.pdf")  # b.pdf now holds other content
    shutil.copy(PDFS[2], folder / "b-copy.pdf")  # and the same content under a second name
    (folder / "a.pdf").unlink()
    changed = _ingest(folder, out)
    assert (changed["run"]["extracted"], changed["run"]["replaced"]) == (1, 1)
    assert changed["run"]["removed"] == 1
    tables = read_dataset(out)
    documents = tables["documents"].set_index("document_id")
    assert old_b not in documents.index
    assert old_b not in set(tables["sentences"].document_id)
    assert len(documents) == 2  # a (removed) and the new b; its copy is the same document
    a_id = before["documents"].set_index("file_name").loc["a.pdf", "document_id"]
    assert isinstance(documents.loc[a_id, "removed_at"], str)
    assert (tables["sentences"].document_id == a_id).sum() > 0  # marked, not dropped

    # A new taxonomy or model version: re-tag from stored sentences, no extraction.
    with sqlite3.connect(out / DATABASE) as db:
        db.execute("UPDATE documents SET taxonomy_version = 'old'")
    retag = _ingest(folder, out)
    assert (retag["run"]["retagged"], retag["run"]["extracted"]) == (1, 0)
    tables = read_dataset(out)
    current = tables["documents"].set_index("document_id").drop(index=a_id)
    assert set(current.taxonomy_version) == {real_pipeline.taxonomy.version}
    assert tables["sentences"].sentence_id.is_unique


def test_a_killed_ingest_is_finished_by_the_next_run_without_duplicates(
    prefect_server, real_pipeline, tmp_path
):
    from prefect.settings import PREFECT_API_URL

    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    for pdf in PDFS[:4]:
        shutil.copy(pdf, folder / pdf.name)
    cli = Path(sys.executable).with_name("scr-themes")
    env = os.environ | {"PREFECT_API_URL": str(PREFECT_API_URL.value())}
    process = subprocess.Popen(
        [str(cli), "ingest", str(folder), "--out", str(out)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while _committed(out) < 1:
            assert process.poll() is None, "the ingest ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    assert 1 <= _committed(out) < 4

    summary = _ingest(folder, out)
    assert summary["run"]["extracted"] == 4 - summary["run"]["unchanged"]
    assert summary["run"]["unchanged"] >= 1
    tables = read_dataset(out)
    assert len(tables["documents"]) == 4 and tables["documents"].document_id.is_unique
    assert tables["sentences"].sentence_id.is_unique
    assert not tables["tags"].duplicated(["sentence_id", "theme_id"]).any()
    assert not tables["pages"].duplicated(["document_id", "page"]).any()
    assert (tables["document_themes"].groupby("document_id").size() == 12).all()


def _committed(out: Path) -> int:
    if not (out / DATABASE).exists():
        return 0
    try:
        with sqlite3.connect(f"file:{out / DATABASE}?mode=ro", uri=True) as db:
            return int(db.execute("SELECT count(*) FROM documents").fetchone()[0])
    except sqlite3.OperationalError:  # the tables are not created yet
        return 0
