"""Parse each document in a worker process with a hard time limit and a memory cap.

A hang, a crash or a memory blow-up in pdfminer (or PDFium, or Tesseract) ends that one
document as ``timeout``, ``oom`` or ``failed``; the run goes on. One worker process is
started and reused for document after document, so a document costs a round trip over a
pipe rather than a new interpreter; it is killed and replaced when it times out or dies.
With the "auto" engine, a document the worker dies on is read once more with pdfplumber
alone (PDFium is native code), and a warning says so.

The worker is ``python -m pipeline.isolate``. It caps its own address space
(``RLIMIT_AS``) before importing any parser, reads one JSON request per line on stdin and
answers one JSON line on a private copy of stdout. Its stdout and stderr go to
/dev/null, so nothing a parser prints (raw stream bytes, document text) reaches a log.
Requests and answers are JSON, never pickle: the parent trusts nothing the worker sends
beyond plain data.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import resource
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

from pipeline.records import Extraction, Page, Status
from pipeline.settings import ExtractSettings

STARTUP_TIMEOUT_S = 60.0  # importing the parsers; not counted against a document's limit
CRASH_REREAD = "parser_crashed: the worker died reading with PDFium; text read with pdfplumber"


class Extractor(Protocol):
    """Reads one document to an ``Extraction``; never raises for a bad document."""

    def extract(self, path: Path, password: str | None = None) -> Extraction: ...


class InProcessExtractor:
    """Extraction in this process: no limits. For the ``tag`` command and tests."""

    def __init__(self, settings: ExtractSettings | None = None):
        self.settings = settings or ExtractSettings()

    def extract(self, path: Path, password: str | None = None) -> Extraction:
        return _load(self.settings.parser)(Path(path), password, self.settings)


class IsolatedExtractor:
    """Extraction in a reusable worker process, under the settings' time and memory limits."""

    def __init__(self, settings: ExtractSettings | None = None):
        self.settings = settings or ExtractSettings()
        self._worker: _Worker | None = None
        self._lock = threading.Lock()
        self.started = 0  # worker processes started: one, plus one per replacement

    def extract(self, path: Path, password: str | None = None) -> Extraction:
        with self._lock:
            extraction, crashed = self._extract(path, password, None)
            if crashed and self.settings.engine == "auto":
                # PDFium is native code: where it brings the worker down, pdfplumber
                # (pure Python) may still read the file, in a fresh worker.
                retry, _ = self._extract(path, password, "pdfplumber")
                if retry.status != Status.FAILED:
                    return replace(retry, warnings=(*retry.warnings, CRASH_REREAD))
            return extraction

    def _extract(
        self, path: Path, password: str | None, engine: str | None
    ) -> tuple[Extraction, bool]:
        """One document through the worker; whether the worker crashed on it."""
        worker = self._ensure_worker()
        request = {"path": str(Path(path).resolve()), "password": password, "engine": engine}
        try:
            reply = worker.ask(request, self.settings.timeout_s)
        except TimeoutError:
            self._discard()
            limit = f"{self.settings.timeout_s:g}"
            return Extraction(Status.TIMEOUT, f"parsing took longer than {limit} s"), False
        except EOFError:
            extraction = self._died()
            return extraction, extraction.status == Status.FAILED
        extraction = extraction_from_json(reply)
        if reply.get("exiting"):  # the worker ran out of memory and is ending itself
            self._discard()
        return extraction, False

    def close(self) -> None:
        with self._lock:
            self._discard()

    def __enter__(self) -> IsolatedExtractor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _ensure_worker(self) -> _Worker:
        if self._worker is None or not self._worker.alive():
            self._discard()
            self._worker = _Worker.start(self.settings)
            self.started += 1
        return self._worker

    def _discard(self) -> None:
        if self._worker is not None:
            self._worker.kill()
            self._worker = None

    def _died(self) -> Extraction:
        worker, self._worker = self._worker, None
        code = worker.kill() if worker else None
        if code == -signal.SIGKILL:  # the kernel's OOM killer, past the memory cap
            return Extraction(Status.OOM, "the parser was killed (out of memory)")
        what = f"signal {signal.Signals(-code).name}" if code and code < 0 else f"status {code}"
        return Extraction(Status.FAILED, f"the parser process crashed ({what})")


class _Worker:
    """The parent's handle on one worker process."""

    def __init__(self, process: subprocess.Popen[bytes]):
        self.process = process
        self._buffer = b""

    @classmethod
    def start(cls, settings: ExtractSettings) -> _Worker:
        read_fd, write_fd = os.pipe()
        process = subprocess.Popen(
            [sys.executable, "-m", "pipeline.isolate", str(write_fd)],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(write_fd,),
            start_new_session=True,  # its own process group: Tesseract dies with it
            close_fds=True,
        )
        os.close(write_fd)
        worker = cls(process)
        worker.reply_fd = read_fd
        sys_path = [os.path.abspath(p) for p in sys.path]  # "" is the parent's folder
        hello = {"settings": settings.to_json(), "sys_path": sys_path}
        try:
            worker.ask(hello, STARTUP_TIMEOUT_S)
        except (TimeoutError, EOFError):
            worker.kill()
            raise RuntimeError("the parsing worker did not start") from None
        return worker

    reply_fd: int

    def alive(self) -> bool:
        return self.process.poll() is None

    def ask(self, request: dict[str, Any], timeout_s: float) -> dict[str, Any]:
        """Send one request and wait for its answer; TimeoutError or EOFError otherwise."""
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(json.dumps(request).encode() + b"\n")
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            raise EOFError from None
        deadline = time.monotonic() + timeout_s
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            ready, _, _ = select.select([self.reply_fd], [], [], left)
            if ready:
                chunk = os.read(self.reply_fd, 1 << 20)
                if not chunk:
                    raise EOFError
                self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return dict(json.loads(line))

    def kill(self) -> int | None:
        """End the worker and everything it started; its exit code."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)
        code = self.process.wait()
        for handle in (self.process.stdin,):
            with contextlib.suppress(OSError):
                if handle:
                    handle.close()
        with contextlib.suppress(OSError):
            os.close(self.reply_fd)
        return code


def extraction_to_json(extraction: Extraction) -> dict[str, Any]:
    return {
        "status": str(extraction.status),
        "reason": extraction.reason,
        "pages": [
            {"n": p.number, "text": p.text, "source": p.source, "conf": p.ocr_confidence}
            for p in extraction.pages
        ],
        "pdfium_pages": extraction.pdfium_pages,
        "warnings": list(extraction.warnings),
        "findings": list(extraction.findings),
    }


def extraction_from_json(data: dict[str, Any]) -> Extraction:
    pages = [
        Page(int(p["n"]), str(p["text"]), source=str(p["source"]), ocr_confidence=p["conf"])
        for p in data.get("pages", [])
    ]
    return Extraction(
        Status(data["status"]),
        data.get("reason"),
        pages,
        pdfium_pages=data.get("pdfium_pages"),
        warnings=tuple(data.get("warnings", ())),
        findings=tuple(data.get("findings", ())),
    )


def _load(name: str) -> Callable[[Path, str | None, ExtractSettings], Extraction]:
    module, _, function = name.partition(":")
    return getattr(importlib.import_module(module), function)  # type: ignore[no-any-return]


def _serve(reply_fd: int) -> None:
    """The worker's loop: the first line configures it, then one document per line."""
    replies = os.fdopen(reply_fd, "wb")
    hello = json.loads(sys.stdin.buffer.readline())
    settings = ExtractSettings.from_json(hello["settings"])
    if settings.memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (settings.memory_bytes, settings.memory_bytes))
    sys.path[:] = hello["sys_path"]
    parse = _load(settings.parser)
    _reply(replies, {"ready": True})
    for line in sys.stdin.buffer:
        request = json.loads(line)
        engine = request.get("engine") or settings.engine
        try:
            extraction = parse(
                Path(request["path"]), request["password"], replace(settings, engine=engine)
            )
        except MemoryError:
            _reply(
                replies, {"status": "oom", "reason": "out of memory while parsing", "exiting": True}
            )
            return
        except Exception as error:  # a parser bug: the type only, never its message
            extraction = Extraction(Status.FAILED, f"internal error ({type(error).__name__})")
        _reply(replies, extraction_to_json(extraction))


def _reply(replies: Any, message: dict[str, Any]) -> None:
    replies.write(json.dumps(message).encode() + b"\n")
    replies.flush()


if __name__ == "__main__":
    _serve(int(sys.argv[1]))
