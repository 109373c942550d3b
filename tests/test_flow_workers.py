"""The flow with its documents read and tagged in local worker processes (``--workers``)."""

from __future__ import annotations

import pytest

from pipeline.store import read_dataset

pytestmark = pytest.mark.slow

TAG_COLUMNS = ["document_id", "sentence_id", "theme_id", "score", "assertion", "subject"]


def test_local_workers_give_the_dataset_of_the_flow_in_one_process(
    sample_dataset, small_archive, tmp_path
):
    from flows.ingest import _local, ingest

    out = tmp_path / "out"
    summary = ingest(small_archive, out, workers=2)
    assert summary["status_counts"] == {"ok": 3, "failed": 1}
    assert _local == {}  # the worker processes are shut down with the flow
    tags = read_dataset(out)["tags"]
    ids = set(tags.document_id)
    assert len(ids) == 3
    alone = read_dataset(sample_dataset[1])["tags"]
    alone = alone[alone.document_id.isin(ids)]
    key = TAG_COLUMNS[:3]
    ours = tags[TAG_COLUMNS].sort_values(key).reset_index(drop=True)
    theirs = alone[TAG_COLUMNS].sort_values(key).reset_index(drop=True)
    assert len(ours) > 20
    assert ours.equals(theirs)
