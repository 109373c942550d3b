"""Benchmark (issue 3): ways of combining encoders and heads, on the dev splits only.

    .venv/bin/python benchmarks/compare_ensembles.py
    .venv/bin/python benchmarks/compare_ensembles.py --member DIR14 --member DIR15 --soup

Scores dev and cross_dev (combined method, one document at a time) for:

- the shipped adapters and head, as ``scr-themes evaluate`` does;
- those with MiniLM as installed and its head (``minilm-base``): the mean of the two
  members' logits, for the topic and the evidence probabilities, through the shipped
  head's combiner (double the encoding cost);
- the shipped head's topic probability averaged with a k=15 nearest-neighbour vote over
  the head's own training sentences (cosine-weighted, on the same contextual vectors);
- a review floor: a theme a rule hits keeps at least the candidate floor's score, so it
  reaches the review queue however low the classifier scores it (how many tags that
  adds, and how many of them gold calls present);
- with ``--member``: the shipped adapters ensembled with other adapter folders (other
  seeds: ``scr-themes train-encoder --seed S --out DIR``), each with a head trained here
  by the shipped recipe; with ``--soup`` also one adapter whose weight update is the mean
  of all their updates (their ranks concatenated: no extra cost at run time), with a head
  trained for it. Heads and the soup go to temporary folders, never into the repository.

Prints document macro-F1 / sentence macro-F1 / counted-evidence precision per split and
their mean over the two splits. The test splits are never read.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from pipeline.cli import OFFLINE_ENV

for key, value in OFFLINE_ENV.items():
    os.environ.setdefault(key, value)

import numpy as np  # noqa: E402
from dev_scores import print_scores  # noqa: E402

from pipeline.goldset import DEFAULT_DIR, load_gold_rows, tag_rows  # noqa: E402
from pipeline.nlp import load_nlp  # noqa: E402
from pipeline.tag.adapter import load_adapter, save_adapter  # noqa: E402
from pipeline.tag.combine import ThemeTagger  # noqa: E402
from pipeline.tag.embeddings import (  # noqa: E402
    DEFAULT_ADAPTER_DIR,
    EmbeddingClassifier,
    MiniLMEncoder,
    ThemeHead,
    contextual,
    head_dir_for,
)
from pipeline.tag.rules import RuleTagger  # noqa: E402
from pipeline.taxonomy import load_taxonomy  # noqa: E402
from pipeline.train import UNKNOWN, build_training_set, train_head  # noqa: E402

SPLITS = ("dev", "cross_dev")
CONTEXT_WEIGHT = 0.3  # as shipped
NEIGHBOURS = 15


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


class MeanLogitEnsemble:
    """Members' topic and evidence probabilities averaged as logits; the first's combiner."""

    name = "embeddings.v1"

    def __init__(self, members: list[EmbeddingClassifier]) -> None:
        self.members = members
        self.head, self.encoder = members[0].head, members[0].encoder

    def predict(self, texts: list[str], previous: list[int | None] | None = None):
        outputs = [member.predict(texts, previous) for member in self.members]
        return tuple(
            1 / (1 + np.exp(-np.mean([_logit(out[i]) for out in outputs], axis=0))) for i in (0, 1)
        )


class NeighbourBlend(EmbeddingClassifier):
    """The head's topic probability averaged with a nearest-neighbour vote."""

    def __init__(self, encoder, head, texts, previous, labels) -> None:
        super().__init__(encoder, head)
        self.train_vectors = contextual(encoder.encode(texts), previous, head.context_weight)
        self.labels = labels

    def predict(self, texts: list[str], previous: list[int | None] | None = None):
        vectors = self.encoder.encode(texts)
        evidence = self.head.predict_evidence(vectors)
        if previous is not None:
            vectors = contextual(vectors, previous, self.head.context_weight)
        logistic = self.head.predict_proba(vectors)
        similarity = vectors @ self.train_vectors.T
        vote = np.zeros_like(logistic)
        for theme in range(self.labels.shape[1]):
            known = np.flatnonzero(self.labels[:, theme] != UNKNOWN)
            nearest = np.argpartition(-similarity[:, known], NEIGHBOURS, axis=1)[:, :NEIGHBOURS]
            weights = np.clip(np.take_along_axis(similarity[:, known], nearest, 1), 0, None)
            votes = self.labels[known, theme][nearest]
            vote[:, theme] = (weights * votes).sum(1) / np.maximum(weights.sum(1), 1e-9)
        return (logistic + vote) / 2, evidence


class FlooredRuleHits(ThemeTagger):
    """A theme's score raised to the candidate floor wherever a rule hits: never dropped."""

    def _scores(self, probabilities: np.ndarray, rule_hits: np.ndarray) -> np.ndarray:
        scores = super()._scores(probabilities, rule_hits)
        floor = self.settings.candidate_floor
        return np.where(rule_hits.astype(bool), np.maximum(scores, floor), scores)


def review_floor(taxonomy, nlp, classifier, splits) -> None:
    """What a review floor for rule hits adds to the review queue, and how much is right."""
    for split, rows in splits.items():
        gold = {(row.id, theme) for row in rows for theme in row.present()}
        before = {
            (t.sentence_id, t.theme_id)
            for t in tag_rows(ThemeTagger(taxonomy, nlp, classifier), rows)
        }
        after = tag_rows(FlooredRuleHits(taxonomy, nlp, classifier), rows)
        added = {(t.sentence_id, t.theme_id) for t in after} - before
        counted = sum(not t.needs_review for t in after if (t.sentence_id, t.theme_id) in added)
        print(
            f"review floor for rule hits, {split}: {len(before)} tags, {len(added)} more "
            f"({counted} of them counted), {len(added & gold)} of those gold present"
        )


def soup(adapters: list[Path], out: Path) -> Path:
    """One adapter whose update ``scale * b @ a`` is the mean of the adapters' updates."""
    loaded = [load_adapter(folder) for folder in adapters]
    tensors = {}
    for name in loaded[0][0]:
        if name.endswith(".a"):
            tensors[name] = np.vstack([t[name] for t, _ in loaded]).astype(np.float32)
        else:  # each b carries its own scale over the count; the soup's scale is 1
            tensors[name] = np.hstack(
                [t[name] * c["alpha"] / c["rank"] / len(loaded) for t, c in loaded]
            ).astype(np.float32)
    rank = sum(config["rank"] for _, config in loaded)
    meta = {"rank": rank, "alpha": float(rank), "soup_of": [c["version"] for _, c in loaded]}
    print(f"soup {save_adapter(out, tensors, meta)} of {meta['soup_of']}", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--member", type=Path, action="append", default=[], metavar="ADAPTER")
    parser.add_argument("--soup", action="store_true", help="also the soup of all adapters")
    args = parser.parse_args()

    taxonomy, nlp = load_taxonomy(), load_nlp()
    splits = {split: load_gold_rows(DEFAULT_DIR / f"{split}.jsonl") for split in SPLITS}
    train = load_gold_rows(DEFAULT_DIR / "train.jsonl")
    rules = RuleTagger(taxonomy, nlp)

    def score(name: str, classifier) -> None:
        print_scores(name, ThemeTagger(taxonomy, nlp, classifier), splits)

    def with_head(adapter: Path | None, head_dir: Path | None = None) -> EmbeddingClassifier:
        encoder = MiniLMEncoder(quantized=True, adapter=adapter)
        if head_dir is None:
            head_dir = Path(tempfile.mkdtemp(prefix="head-"))
            head = train_head(taxonomy, encoder, rules, train, head_dir, CONTEXT_WEIGHT)
        else:
            head = ThemeHead.load(head_dir)
        return EmbeddingClassifier(encoder, head)

    print("document / sentence macro-F1 / counted-evidence precision, combined method")
    shipped = with_head(DEFAULT_ADAPTER_DIR, head_dir_for("minilm-int8"))
    score("shipped adapters", shipped)
    installed = with_head(None, head_dir_for("minilm-base"))
    score("ensemble: adapters + MiniLM as installed", MeanLogitEnsemble([shipped, installed]))
    data = build_training_set(taxonomy, train)
    blend = NeighbourBlend(shipped.encoder, shipped.head, data.texts, data.previous, data.labels)
    score(f"adapters, head + {NEIGHBOURS}-neighbour vote", blend)
    review_floor(taxonomy, nlp, shipped, splits)
    if args.member:
        members = [shipped] + [with_head(folder) for folder in args.member]
        score(f"ensemble: {len(members)} adapters", MeanLogitEnsemble(members))
    if args.soup:
        folder = soup([DEFAULT_ADAPTER_DIR, *args.member], Path(tempfile.mkdtemp(prefix="soup-")))
        score(f"soup of {len(args.member) + 1} adapters", with_head(folder))


if __name__ == "__main__":
    main()
