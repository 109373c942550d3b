"""Reviewer decisions survive a real re-ingest of the same PDF.

The flow skips a file it has already committed, so the PDF is read, tagged and committed
again through the library (what the flow's tasks call), with the real models.
"""

from __future__ import annotations

import shutil

import pytest

from pipeline.review import (
    DecisionKind,
    ReviewStore,
    current_effects,
    merged_tags,
    orphaned_decisions,
    store_path,
)
from pipeline.review.session import ReviewSession
from pipeline.run import process_document
from pipeline.store import write_dataset
from tests.conftest import SAMPLES

pytestmark = pytest.mark.slow


def test_a_real_reingest_of_the_same_pdf_keeps_every_decision(
    sample_dataset, real_pipeline, tmp_path
):
    dataset = tmp_path / "dataset"
    shutil.copytree(sample_dataset[1], dataset)
    session = ReviewSession(dataset, "ana")
    kinds = [DecisionKind.REJECT, DecisionKind.ACCEPT, DecisionKind.REJECT]
    for kind in kinds:
        session.decide(session.evidence()[0].sentence_id, kind)
        session.next_unreviewed()
    before_effects = {(e.sentence_id, e.theme_id, e.keep) for e in current_effects(dataset)}
    before_store = store_path(dataset).read_bytes()
    rejected = {(e.sentence_id, e.theme_id) for e in current_effects(dataset) if not e.keep}

    decided_documents = {e.document_id for e in current_effects(dataset)}
    file_names = session.data.documents.set_index("document_id").file_name
    results = [
        process_document(SAMPLES / file_names[doc_id], real_pipeline)
        for doc_id in sorted(decided_documents)
    ]
    assert {r.document.id for r in results} == decided_documents
    write_dataset(dataset, results)

    assert store_path(dataset).read_bytes() == before_store  # ingestion never wrote it
    assert {(e.sentence_id, e.theme_id, e.keep) for e in current_effects(dataset)} == before_effects
    assert len(orphaned_decisions(dataset)) == 0
    assert len(ReviewStore.for_dataset(dataset).decisions()) == len(kinds)
    merged = merged_tags(dataset).set_index(["sentence_id", "theme_id"])
    assert not merged.loc[list(rejected), "counted"].any()  # rejected stays rejected
