"""The same flow with its document tasks on a local Dask cluster of two workers."""

from __future__ import annotations

import pytest

from pipeline.store import read_dataset

pytestmark = pytest.mark.slow


def test_ingest_on_a_local_cluster_of_two_workers(prefect_server, small_archive, tmp_path):
    pytest.importorskip("prefect_dask")
    from flows.ingest import ingest

    out = tmp_path / "out"
    summary = ingest(small_archive, out, workers=2, dask=True)
    assert summary["status_counts"] == {"ok": 3, "failed": 1}
    documents = read_dataset(out)["documents"]
    assert len(documents) == 4 and documents.document_id.is_unique
    assert (out / "quarantine" / "failed").is_dir()
