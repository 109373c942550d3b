"""Benchmark (issue 3): other heads on the shipped encoder, on the dev splits only.

    .venv/bin/python benchmarks/compare_heads.py

Scores dev and cross_dev (combined method, one document at a time) for the shipped
adapters with:

- the shipped head, as ``scr-themes evaluate`` does;
- the head's topic probability blended with a character n-gram model, a member that sees
  spelling rather than meaning: per theme, a logistic regression (C = 4) on TF-IDF of
  3- to 5-character n-grams within words (sublinear counts, min_df 2) over the head's
  training sentences, at weight 0.5 and 0.25;
- neighbours as features of their own: the topic classifiers see the sentence's vector,
  its predecessor's and (in one variant) its successor's side by side (zeros where there
  is none), instead of the predecessor mixed in at weight 0.3;
- context by length: a short sentence leans more on its predecessor ("The father was
  never seen."), at weight 0.3 * max(1, 15 / words), at most 1.

Each non-shipped head is trained here by the shipped recipe (``pipeline.train``'s C by
cross-validation, evidence classifier, combiner) on the train split, in memory. Prints
document macro-F1 / sentence macro-F1 / counted-evidence precision per split and their
mean. The test splits are never read.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from pipeline.cli import OFFLINE_ENV

for key, value in OFFLINE_ENV.items():
    os.environ.setdefault(key, value)

import numpy as np  # noqa: E402
from dev_scores import print_scores  # noqa: E402

from pipeline.goldset import DEFAULT_DIR, load_gold_rows  # noqa: E402
from pipeline.nlp import load_nlp  # noqa: E402
from pipeline.tag.combine import ThemeTagger  # noqa: E402
from pipeline.tag.embeddings import (  # noqa: E402
    EmbeddingClassifier,
    ThemeHead,
    head_dir_for,
    make_encoder,
)
from pipeline.tag.rules import RuleTagger  # noqa: E402
from pipeline.taxonomy import load_taxonomy  # noqa: E402
from pipeline.train import (  # noqa: E402
    UNKNOWN,
    build_training_set,
    choose_c,
    fit_classifiers,
    fit_combiner,
    fit_evidence,
)

SPLITS = ("dev", "cross_dev")
CONTEXT_WEIGHT = 0.3  # as shipped
# vectors, each sentence's predecessor row, the texts -> the topic classifiers' features
Features = Callable[[np.ndarray, list[int | None], list[str]], np.ndarray]


def neighbours(with_next: bool) -> Features:
    def features(vectors: np.ndarray, previous: list[int | None], texts: list[str]) -> np.ndarray:
        before, after = np.zeros_like(vectors), np.zeros_like(vectors)
        for row, prior in enumerate(previous):
            if prior is not None:
                before[row], after[prior] = vectors[prior], vectors[row]
        return np.hstack([vectors, before] + ([after] if with_next else []))

    return features


def by_length(vectors: np.ndarray, previous: list[int | None], texts: list[str]) -> np.ndarray:
    mixed = vectors.copy()
    for row, prior in enumerate(previous):
        if prior is not None:
            weight = min(1.0, CONTEXT_WEIGHT * max(1.0, 15 / max(1, len(texts[row].split()))))
            mixed[row] = vectors[row] + weight * vectors[prior]
    return mixed / np.linalg.norm(mixed, axis=1, keepdims=True)


class FeatureHead(EmbeddingClassifier):
    """The shipped recipe, with the topic classifiers on other features of the vectors."""

    def __init__(self, encoder, taxonomy, rules, train, features: Features) -> None:
        data = build_training_set(taxonomy, train)
        plain = encoder.encode(data.texts)
        vectors = features(plain, data.previous, data.texts)
        c_values, _ = choose_c(vectors, data, taxonomy.ids)
        coef, intercept = fit_classifiers(vectors, data.labels, c_values)
        kinds = [theme.kind for theme in taxonomy.themes]
        evidence_coef, evidence_intercept, _ = fit_evidence(plain, data.evidence, kinds)
        gold_rows = np.arange(len(data.texts) - len(train), len(data.texts))
        combiner = fit_combiner(vectors, data, gold_rows, c_values, rules, train)
        head = ThemeHead(
            taxonomy.ids, coef, intercept, combiner, {}, evidence_coef, evidence_intercept
        )
        super().__init__(encoder, head)
        self.features = features

    def predict(self, texts: list[str], previous: list[int | None] | None = None):
        plain = self.encoder.encode(texts)
        previous = previous if previous is not None else [None] * len(texts)
        vectors = self.features(plain, previous, texts)
        return self.head.predict_proba(vectors), self.head.predict_evidence(plain)


class CharNgramBlend(EmbeddingClassifier):
    """The head's topic probability blended with a character n-gram model's."""

    def __init__(self, encoder, head, texts: list[str], labels: np.ndarray, weight: float):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        super().__init__(encoder, head)
        self.weight = weight
        self.vectorizer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2
        )
        x = self.vectorizer.fit_transform(texts)
        self.models = []
        for theme in range(labels.shape[1]):
            known = np.flatnonzero(labels[:, theme] != UNKNOWN)
            model = LogisticRegression(C=4, max_iter=2000).fit(x[known], labels[known, theme])
            self.models.append(model)

    def predict(self, texts: list[str], previous: list[int | None] | None = None):
        topic, evidence = super().predict(texts, previous)
        x = self.vectorizer.transform(texts)
        ngram = np.column_stack([model.predict_proba(x)[:, 1] for model in self.models])
        return (1 - self.weight) * topic + self.weight * ngram, evidence


def main() -> None:
    taxonomy, nlp = load_taxonomy(), load_nlp()
    splits = {split: load_gold_rows(DEFAULT_DIR / f"{split}.jsonl") for split in SPLITS}
    train = load_gold_rows(DEFAULT_DIR / "train.jsonl")
    rules = RuleTagger(taxonomy, nlp)

    def score(name: str, classifier: EmbeddingClassifier) -> None:
        print_scores(name, ThemeTagger(taxonomy, nlp, classifier), splits)

    print("document / sentence macro-F1 / counted-evidence precision, combined method")
    encoder = make_encoder("minilm-int8")
    shipped = EmbeddingClassifier(encoder, ThemeHead.load(Path(head_dir_for("minilm-int8"))))
    score("shipped head", shipped)
    data = build_training_set(taxonomy, train)
    for weight in (0.5, 0.25):
        blend = CharNgramBlend(encoder, shipped.head, data.texts, data.labels, weight)
        score(f"head + character n-grams at {weight}", blend)
    for with_next in (True, False):
        name = "neighbours: previous and next" if with_next else "neighbours: previous"
        score(name, FeatureHead(encoder, taxonomy, rules, train, neighbours(with_next)))
    score("context weight by length", FeatureHead(encoder, taxonomy, rules, train, by_length))


if __name__ == "__main__":
    main()
