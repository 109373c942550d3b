from __future__ import annotations

import sqlite3

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.store import SCHEMAS, TABLES, read_dataset, read_table, write_dataset
from tests.records_factory import make_result


def test_every_table_is_written_as_parquet_and_csv(tmp_path):
    write_dataset(tmp_path, [make_result("a" * 64)])
    for name in TABLES:
        assert (tmp_path / f"{name}.parquet").exists()
        csv = pd.read_csv(tmp_path / f"{name}.csv")
        assert list(csv.columns) == SCHEMAS[name].names
    assert not list(tmp_path.glob(".*.tmp"))


def test_reingesting_a_document_replaces_its_rows(tmp_path):
    write_dataset(tmp_path, [make_result("a" * 64), make_result("b" * 64, "b.pdf")])
    write_dataset(tmp_path, [make_result("a" * 64, theme_id="unsafe_sleep")])
    tags = read_table(tmp_path, "tags")
    assert len(tags) == 2
    assert set(tags[tags.document_id == "a" * 64].theme_id) == {"unsafe_sleep"}
    assert read_table(tmp_path, "documents").document_id.is_unique


def test_reading_a_missing_dataset_gives_empty_typed_tables(tmp_path):
    tables = read_dataset(tmp_path / "nothing")
    assert all(len(frame) == 0 for frame in tables.values())
    assert list(tables["document_themes"].columns) == SCHEMAS["document_themes"].names


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=200))
def test_sentence_text_round_trips_through_storage(tmp_path, text):
    from dataclasses import replace

    result = make_result("c" * 64)
    sentence = replace(result.sentences[0], text=text)
    write_dataset(tmp_path, [replace(result, sentences=[sentence])])
    assert read_table(tmp_path, "sentences").text.tolist() == [text]


def test_dataset_files_and_folders_are_owner_only(tmp_path):
    import stat

    out = tmp_path / "out"
    write_dataset(out, [make_result("a" * 64)])
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    for path in out.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path.name


def test_a_commit_that_fails_part_way_leaves_the_document_as_it_was(tmp_path):
    from dataclasses import replace

    from pipeline.store import Dataset

    with Dataset(tmp_path) as dataset:
        dataset.commit(make_result("a" * 64))
        broken = make_result("a" * 64, theme_id="unsafe_sleep")
        bad_tag = replace(broken.tags[0], score=object())  # type: ignore[arg-type]
        with pytest.raises(sqlite3.Error):
            dataset.commit(replace(broken, tags=[bad_tag]))
        assert dataset.table("tags").theme_id.tolist() == ["neglect"]
        assert len(dataset.table("documents")) == 1
