"""Shared fixtures: the real models and one Prefect server per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.cli import OFFLINE_ENV

for _key, _value in OFFLINE_ENV.items():
    os.environ.setdefault(_key, _value)

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "corpus_samples"
GOLD = SAMPLES / "gold.jsonl"
BADPDFS = REPO.parent / "shared" / "corpora" / "badpdfs"


@pytest.fixture(scope="session")
def real_pipeline():
    """The real taxonomy, spaCy pipeline, MiniLM encoder and trained head."""
    from pipeline.run import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="session")
def prefect_server():
    """One temporary Prefect server (SQLite) for the whole session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def sample_dataset(prefect_server, real_pipeline, tmp_path_factory):
    """corpus_samples/ ingested once through the real flow: (summary, dataset folder)."""
    from flows.ingest import ingest_folder

    out = tmp_path_factory.mktemp("dataset")
    summary = ingest_folder(str(SAMPLES), str(out))
    return summary, out


@pytest.fixture
def small_archive(tmp_path):
    """A folder of three sample PDFs and one broken file, for flows run in parallel."""
    import shutil

    folder = tmp_path / "in"
    folder.mkdir()
    for pdf in sorted(SAMPLES.glob("*.pdf"))[:3]:
        shutil.copy(pdf, folder / pdf.name)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog")
    return folder
