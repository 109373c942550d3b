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
