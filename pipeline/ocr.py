"""OCR of pages with no text layer: PDFium renders the page, Tesseract reads the image.

Tesseract runs as a subprocess (the ``tesseract`` binary, Debian's ``tesseract-ocr``) fed a
PNG on stdin; its TSV output gives the words, their layout and a confidence per word.
Nothing here logs text; Tesseract's own messages are discarded.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from pipeline.pagetext import clean_paragraph, join_lines

POINTS_PER_INCH = 72
TSV_WORD_LEVEL = "5"


class OcrUnavailable(RuntimeError):
    """Tesseract is not installed, or the language asked for is missing."""


@dataclass(frozen=True)
class OcrText:
    """One page read by Tesseract: paragraphs as in the page contract, and its confidence."""

    text: str
    confidence: float | None  # mean word confidence, 0-100; None when no word was found


def tesseract_available(binary: str = "tesseract") -> bool:
    return shutil.which(binary) is not None


def render_page_png(path: Path, page_index: int, dpi: int, password: str | None = None) -> bytes:
    """One page (0-based) as a greyscale PNG at ``dpi``."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path), password=password)
    try:
        page = document[page_index]
        bitmap = page.render(scale=dpi / POINTS_PER_INCH, grayscale=True)
        image = bitmap.to_pil()
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        return buffer.getvalue()
    finally:
        document.close()


def ocr_png(png: bytes, language: str = "eng", binary: str = "tesseract") -> OcrText:
    """Text and mean confidence of one page image."""
    if not tesseract_available(binary):
        raise OcrUnavailable("tesseract is not installed (Debian: apt-get install tesseract-ocr)")
    done = subprocess.run(
        [binary, "stdin", "stdout", "-l", language, "--psm", "3", "tsv"],
        input=png,
        capture_output=True,
        check=False,
        env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/local/bin:/usr/bin:/bin"},
    )
    if done.returncode != 0:  # stderr may name the file or language, never page text
        raise OcrUnavailable(f"tesseract exited with status {done.returncode}")
    return parse_tsv(done.stdout.decode("utf-8", errors="replace"))


def parse_tsv(tsv: str) -> OcrText:
    """Tesseract TSV to paragraphs (its blocks and paragraphs) and a mean word confidence."""
    lines: dict[tuple[int, int, int], list[str]] = defaultdict(list)
    confidences: list[float] = []
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        word = (row.get("text") or "").strip()
        if row.get("level") != TSV_WORD_LEVEL or not word:
            continue
        key = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
        lines[key].append(word)
        confidence = float(row["conf"])
        if confidence >= 0:
            confidences.append(confidence)
    paragraphs: dict[tuple[int, int], list[str]] = defaultdict(list)
    for (block, par, _), words in sorted(lines.items()):
        paragraphs[(block, par)].append(" ".join(words))
    texts = (clean_paragraph(join_lines(rows)) for _, rows in sorted(paragraphs.items()))
    text = "\n\n".join(t for t in texts if t)
    mean = round(sum(confidences) / len(confidences), 1) if confidences else None
    return OcrText(text=text, confidence=mean)
