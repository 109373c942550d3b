"""Parser stubs that misbehave on purpose, run inside the isolated worker by tests."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from pipeline.records import Extraction, Page, Status
from pipeline.settings import ExtractSettings


def sleep_forever(path: Path, password: str | None, settings: ExtractSettings) -> Extraction:
    while True:
        time.sleep(60)


def allocate_forever(path: Path, password: str | None, settings: ExtractSettings) -> Extraction:
    hoard = []
    while True:
        hoard.append(bytearray(64 * 1024 * 1024))


def crash(path: Path, password: str | None, settings: ExtractSettings) -> Extraction:
    os.kill(os.getpid(), signal.SIGSEGV)
    raise AssertionError("unreachable")


def by_name(path: Path, password: str | None, settings: ExtractSettings) -> Extraction:
    """Behaves as the file's name says: hang.pdf, hog.pdf, crash.pdf, else one page."""
    stubs = {"hang": sleep_forever, "hog": allocate_forever, "crash": crash}
    stub = stubs.get(Path(path).stem)
    if stub:
        return stub(path, password, settings)
    return Extraction(Status.OK, None, [Page(1, f"pid {os.getpid()}")])
