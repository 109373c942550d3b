"""Limits and switches for reading documents: one object, built by the caller, passed in.

Library code never reads the environment; the CLI and the flows build these from their
arguments.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Engine = Literal["auto", "pdfium", "pdfplumber"]
ENGINES = ("auto", "pdfium", "pdfplumber")
MIB = 1024 * 1024
GIB = 1024 * MIB


@dataclass(frozen=True)
class ExtractSettings:
    """How one document is read, and the limits on reading it."""

    timeout_s: float = 120.0  # wall clock per document, parse and OCR together
    memory_bytes: int | None = 2 * GIB  # RLIMIT_AS of the parsing worker process
    max_stream_bytes: int | None = 256 * MIB  # cap on one decompressed PDF stream
    ocr: bool = True  # OCR pages that have images and no text layer
    ocr_language: str = "eng"
    ocr_dpi: int = 300
    tesseract: str = "tesseract"  # the Tesseract binary (a name on PATH, or a path)
    # Which parser reads the text layer: "auto" reads with PDFium (fast) and rereads with
    # pdfplumber the pages where PDFium finds glyphs with no Unicode mapping; "pdfium"
    # and "pdfplumber" use one parser only. Each page records its parser in Page.source.
    engine: Engine = "auto"
    # The function the worker calls, as "module:function"; tests swap in stubs.
    parser: str = "pipeline.extract:extract_document"

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {self.engine!r}")

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ExtractSettings:
        return cls(**data)
