"""The same flow with its document tasks on a local Dask cluster of two workers."""

from __future__ import annotations

import shutil

import pytest

from pipeline.store import read_dataset
from tests.conftest import SAMPLES

pytestmark = pytest.mark.slow


def test_ingest_on_a_local_cluster_of_two_workers(prefect_server, tmp_path):
    pytest.importorskip("prefect_dask")
    from flows.ingest import ingest

    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    pdfs = sorted(SAMPLES.glob("*.pdf"))[:3]
    for pdf in pdfs:
        shutil.copy(pdf, folder / pdf.name)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog")
    summary = ingest(folder, out, workers=2, dask=True)
    assert summary["status_counts"] == {"ok": 3, "failed": 1}
    documents = read_dataset(out)["documents"]
    assert len(documents) == 4 and documents.document_id.is_unique
    assert (out / "quarantine" / "failed").is_dir()
