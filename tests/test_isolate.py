"""Isolation: a hang, a memory blow-up or a crash ends one document, never the run."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from pipeline.isolate import InProcessExtractor, IsolatedExtractor
from pipeline.records import Status
from pipeline.settings import MIB, ExtractSettings
from tests.bomb_factory import flate_bomb_pdf
from tests.conftest import SAMPLES

STUBS = "tests.isolation_stubs:by_name"


@pytest.fixture
def stub_extractor():
    settings = ExtractSettings(timeout_s=2, memory_bytes=512 * MIB, parser=STUBS)
    with IsolatedExtractor(settings) as extractor:
        yield extractor


def _pid(extractor: IsolatedExtractor, tmp_path: Path, name: str) -> str:
    result = extractor.extract(tmp_path / f"{name}.pdf")
    assert result.status == Status.OK
    return result.pages[0].text


def test_worker_is_reused_from_document_to_document(stub_extractor, tmp_path):
    first = _pid(stub_extractor, tmp_path, "a")
    assert _pid(stub_extractor, tmp_path, "b") == first
    assert stub_extractor.started == 1


def test_a_parser_that_never_returns_times_out_and_the_next_document_is_read(
    stub_extractor, tmp_path
):
    before = _pid(stub_extractor, tmp_path, "a")
    started = time.monotonic()
    result = stub_extractor.extract(tmp_path / "hang.pdf")
    assert result.status == Status.TIMEOUT
    assert result.reason == "parsing took longer than 2 s"
    assert 2 <= time.monotonic() - started < 5
    assert _pid(stub_extractor, tmp_path, "b") != before  # a fresh worker
    assert stub_extractor.started == 2


def test_a_parser_that_allocates_past_the_cap_ends_oom(stub_extractor, tmp_path):
    result = stub_extractor.extract(tmp_path / "hog.pdf")
    assert result.status == Status.OOM and result.pages == []
    assert _pid(stub_extractor, tmp_path, "next")


def test_a_crashing_parser_ends_failed_with_the_signal(stub_extractor, tmp_path):
    result = stub_extractor.extract(tmp_path / "crash.pdf")
    assert result.status == Status.FAILED
    assert result.reason == "the parser process crashed (signal SIGSEGV)"
    assert _pid(stub_extractor, tmp_path, "next")


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> Path:
    return flate_bomb_pdf(tmp_path_factory.mktemp("bomb") / "bomb.pdf")


def test_flate_bomb_is_stopped_by_the_stream_cap(bomb):
    assert bomb.stat().st_size < 20_000  # inflates to 4 GiB
    with IsolatedExtractor(ExtractSettings(timeout_s=30)) as extractor:
        result = extractor.extract(bomb)
        assert result.status == Status.OOM
        assert "decompresses past 256 MiB" in (result.reason or "")
        sample = sorted(SAMPLES.glob("*.pdf"))[0]
        assert extractor.extract(sample).status == Status.OK


def test_flate_bomb_without_the_stream_cap_is_stopped_by_the_memory_cap(bomb):
    settings = ExtractSettings(timeout_s=60, memory_bytes=1024 * MIB, max_stream_bytes=None)
    with IsolatedExtractor(settings) as extractor:
        result = extractor.extract(bomb)
    assert result.status == Status.OOM
    assert result.reason == "page 1: out of memory while parsing"


def test_isolated_and_in_process_extraction_agree_on_a_sample():
    sample = sorted(SAMPLES.glob("*.pdf"))[1]
    with IsolatedExtractor() as extractor:
        isolated = extractor.extract(sample)
    assert isolated == InProcessExtractor().extract(sample)
