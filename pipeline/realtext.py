"""The labelled real-text corpus (``../shared/realtext``): rows in the gold set's shape.

Real published text about UK child case reviews, labelled by sentence. It is third-party
text: it is read where it lies, never copied into the repository, and anything trained on
it is scored by cross-validation over its fixed ``folds.json``.
"""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.goldset import GoldRow, Label
from pipeline.records import Section, Subject

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "realtext"
MISSING = (
    "the labelled real text is not here ({path}): it lives in the project's shared folder "
    "(../shared/realtext beside the checkout), or pass its path"
)


def is_realtext(path: Path) -> bool:
    """Whether ``path`` is a realtext folder (sentence files and ``folds.json``)."""
    return path.is_dir() and (path / "folds.json").exists() and any(path.glob("sentences_*.jsonl"))


def require_realtext(path: Path = DEFAULT_DIR) -> Path:
    """``path`` if it holds the corpus; else a FileNotFoundError that says where it lives."""
    if not is_realtext(path):
        raise FileNotFoundError(MISSING.format(path=path))
    return path


def load_realtext_rows(path: Path = DEFAULT_DIR) -> list[GoldRow]:
    """Every labelled sentence, as gold rows in document order.

    The texts have no review headings, so every row's section is ``other``, and the
    annotators gave no subject, so every label's subject is ``unknown``.
    """
    rows = []
    for sentence_file in sorted(require_realtext(path).glob("sentences_*.jsonl")):
        for line in sentence_file.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            raw = json.loads(line)
            labels = tuple(
                Label(m["theme"], m["assertion"], str(Subject.UNKNOWN)) for m in raw["mentions"]
            )
            rows.append(GoldRow(raw["doc"], raw["i"], Section.OTHER, raw["text"], labels, False))
    return sorted(rows, key=lambda row: (row.doc, row.index))


def load_folds(path: Path = DEFAULT_DIR) -> dict[str, int]:
    """Document name -> its cross-validation fold (0 to 4), from ``folds.json``."""
    raw = json.loads((require_realtext(path) / "folds.json").read_text())
    return {doc: int(fold) for doc, fold in raw["folds"].items()}


def document_texts(path: Path = DEFAULT_DIR) -> dict[str, str]:
    """Document name -> its text (what follows the ``---`` line; the header names the source)."""
    texts = {}
    for file in sorted((require_realtext(path) / "docs").glob("*.txt")):
        _, _, body = file.read_text(encoding="utf-8").partition("\n---\n")
        texts[file.name] = body.strip()
    return texts
