"""The flow fails loudly: a failed task must not leave a run that looks Completed."""

from __future__ import annotations

import shutil

import pytest

from pipeline.store import read_dataset
from tests.conftest import SAMPLES

pytestmark = pytest.mark.slow


def test_too_many_failed_documents_fail_the_run_after_committing_the_rest(
    prefect_server, real_pipeline, tmp_path
):
    from flows.ingest import IngestFailed, ingest_folder

    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    shutil.copy(sorted(SAMPLES.glob("*.pdf"))[0], folder / "good.pdf")
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "notes.pdf").write_bytes(b"PK\x03\x04 not a pdf")
    with pytest.raises(IngestFailed, match="2 of 3 documents failed"):
        ingest_folder(str(folder), str(out), max_failed_share=0.5)
    documents = read_dataset(out)["documents"].set_index("file_name")
    assert documents.loc["good.pdf", "status"] == "ok"
    assert set(documents.status) == {"ok", "failed"}


def test_the_same_failures_under_the_threshold_complete(prefect_server, real_pipeline, tmp_path):
    from flows.ingest import ingest_folder

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.pdf").write_bytes(b"")
    shutil.copy(sorted(SAMPLES.glob("*.pdf"))[0], folder / "good.pdf")
    summary = ingest_folder(str(folder), str(tmp_path / "out"), max_failed_share=0.6)
    assert summary["run"]["status_counts"] == {"failed": 1, "ok": 1}


def test_a_dataset_that_cannot_be_written_fails_the_run(prefect_server, real_pipeline, tmp_path):
    from flows.ingest import ingest_folder

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(sorted(SAMPLES.glob("*.pdf"))[0], folder / "good.pdf")
    blocked = tmp_path / "out"
    blocked.write_text("a file where the dataset folder should be")
    with pytest.raises(OSError):
        ingest_folder(str(folder), str(blocked))
