"""Score tagged documents against gold labels, per theme, at document and sentence level."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from pipeline.aggregate import is_evidence
from pipeline.records import DocumentResult


@dataclass(frozen=True)
class GoldSentence:
    text: str
    page: int | None
    themes: tuple[str, ...]
    assertion: str


@dataclass(frozen=True)
class GoldDocument:
    path: Path
    themes: frozenset[str]
    sentences: tuple[GoldSentence, ...]

    def evidence(self, theme_id: str) -> list[GoldSentence]:
        return [s for s in self.sentences if theme_id in s.themes and s.assertion == "present"]


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, truth: bool, predicted: bool) -> None:
        self.tp += truth and predicted
        self.fp += predicted and not truth
        self.fn += truth and not predicted

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Evaluation:
    themes: tuple[str, ...]
    document: dict[str, Counts] = field(default_factory=dict)
    sentence: dict[str, Counts] = field(default_factory=dict)

    def macro_f1(self, level: str) -> float:
        counts = self.document if level == "document" else self.sentence
        return sum(counts[t].f1 for t in self.themes) / len(self.themes)

    def evidence_precision(self) -> tuple[float, int, int]:
        """Share of counted evidence that gold gives the theme too: (share, hits, counted)."""
        hits = sum(self.sentence[t].tp for t in self.themes)
        counted = hits + sum(self.sentence[t].fp for t in self.themes)
        return (hits / counted if counted else 0.0), hits, counted

    def evidence_recall(self) -> tuple[float, int, int]:
        """Share of gold present sentences counted for their theme: (share, found, present)."""
        found = sum(self.sentence[t].tp for t in self.themes)
        present = found + sum(self.sentence[t].fn for t in self.themes)
        return (found / present if present else 0.0), found, present


BOOTSTRAP_DRAWS = 2000


@dataclass(frozen=True)
class Intervals:
    """95% intervals of the three headline figures, from resampling whole documents."""

    documents: int
    document_f1: tuple[float, float]
    sentence_f1: tuple[float, float]
    precision: tuple[float, float]

    def __str__(self) -> str:
        if not self.documents:
            return "95% intervals: no documents to resample"

        def span(pair: tuple[float, float]) -> str:
            return f"{pair[0]:.3f} to {pair[1]:.3f}"

        return (
            f"95% intervals, resampling the {self.documents} "
            f"document{'' if self.documents == 1 else 's'} "
            f"({BOOTSTRAP_DRAWS} draws): document macro-F1 {span(self.document_f1)}, "
            f"sentence macro-F1 {span(self.sentence_f1)}, precision {span(self.precision)}"
        )


def bootstrap_intervals(per_document: list[Evaluation], seed: int = 13) -> Intervals:
    """Percentile intervals of macro-F1 (both levels) and counted-evidence precision.

    A split's documents are few (12 or 13), and a document's sentences are not
    independent of each other, so whole documents are drawn with replacement; each draw
    sums the documents' counts and scores them as :class:`Counts` does.
    """
    if not per_document:
        nothing = (float("nan"), float("nan"))
        return Intervals(0, nothing, nothing, nothing)
    themes = per_document[0].themes
    counts = {  # (documents, themes, [tp, fp, fn]) at each level
        level: np.array(
            [[_tp_fp_fn(getattr(e, level)[t]) for t in themes] for e in per_document],
            dtype=np.float64,
        )
        for level in ("document", "sentence")
    }
    draws = np.random.default_rng(seed).multinomial(
        len(per_document), [1 / len(per_document)] * len(per_document), size=BOOTSTRAP_DRAWS
    )
    summed = {level: np.einsum("rd,dtk->rtk", draws, c) for level, c in counts.items()}

    def macro_f1(c: np.ndarray) -> np.ndarray:
        tp, fp, fn = c[..., 0], c[..., 1], c[..., 2]
        errors = 2 * tp + fp + fn  # F1 = 2tp / (2tp + fp + fn); 1 with nothing to find
        return np.where(errors > 0, 2 * tp / np.maximum(errors, 1), 1.0).mean(axis=1)

    sentence = summed["sentence"]
    hits, counted = sentence[..., 0].sum(axis=1), (sentence[..., 0] + sentence[..., 1]).sum(axis=1)
    precision = np.where(counted > 0, hits / np.maximum(counted, 1), np.nan)  # none counted

    def interval(values: np.ndarray) -> tuple[float, float]:
        low, high = np.nanpercentile(values, [2.5, 97.5])
        return float(low), float(high)

    return Intervals(
        len(per_document),
        interval(macro_f1(summed["document"])),
        interval(macro_f1(sentence)),
        interval(precision),
    )


def _tp_fp_fn(counts: Counts) -> tuple[int, int, int]:
    return counts.tp, counts.fp, counts.fn


def load_gold(path: Path) -> list[GoldDocument]:
    """Read a gold JSONL file; document paths are relative to it."""
    documents = []
    for line in Path(path).read_text().splitlines():
        if not line.strip():
            continue
        raw = json.loads(line)
        sentences = tuple(
            GoldSentence(s["text"], s.get("page"), tuple(s["themes"]), s["assertion"])
            for s in raw.get("sentences", [])
        )
        documents.append(
            GoldDocument(Path(path).parent / raw["file"], frozenset(raw["themes"]), sentences)
        )
    return documents


def normalise(text: str) -> str:
    """Lower-case letters and digits only, so layout differences do not decide a match."""
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def score(
    gold: Iterable[GoldDocument], results: Iterable[DocumentResult], theme_ids: tuple[str, ...]
) -> Evaluation:
    """Document-level and sentence-level counts per theme.

    A gold sentence and a tagged sentence match when one's normalised text contains the
    other's, so a sentence split differently by the segmenter still meets its gold.
    """
    evaluation = Evaluation(themes=theme_ids)
    for theme_id in theme_ids:
        evaluation.document[theme_id] = Counts()
        evaluation.sentence[theme_id] = Counts()
    for doc_gold, result in zip(gold, results, strict=True):
        predicted = {t.theme_id for t in result.themes if t.present}
        for theme_id in theme_ids:
            evaluation.document[theme_id].add(theme_id in doc_gold.themes, theme_id in predicted)
        _score_sentences(evaluation, doc_gold, result)
    return evaluation


def _score_sentences(evaluation: Evaluation, gold: GoldDocument, result: DocumentResult) -> None:
    text_of = {s.id: normalise(s.text) for s in result.sentences}
    for theme_id in evaluation.themes:
        counts = evaluation.sentence[theme_id]
        gold_texts = [normalise(s.text) for s in gold.evidence(theme_id)]
        tagged = {
            text_of[t.sentence_id] for t in result.tags if t.theme_id == theme_id and is_evidence(t)
        }
        for text in tagged:
            if any(_overlaps(text, g) for g in gold_texts):
                counts.tp += 1
            else:
                counts.fp += 1
        counts.fn += sum(not any(_overlaps(t, g) for t in tagged) for g in gold_texts)


MIN_CONTAINED = 20  # a shorter fragment must equal its gold sentence, not merely sit inside it


def _overlaps(a: str, b: str) -> bool:
    if min(len(a), len(b)) < MIN_CONTAINED:
        return a == b and bool(a)
    return a in b or b in a


def format_table(evaluation: Evaluation) -> str:
    """A plain-text table: precision, recall and F1 per theme at both levels, then macros."""
    header = (
        f"{'theme':28} {'doc P':>6} {'doc R':>6} {'doc F1':>6}   "
        f"{'sent P':>6} {'sent R':>6} {'sent F1':>7}  {'n_sent':>6}"
    )
    lines = [header, "-" * len(header)]
    for theme_id in evaluation.themes:
        d, s = evaluation.document[theme_id], evaluation.sentence[theme_id]
        lines.append(
            f"{theme_id:28} {d.precision:6.3f} {d.recall:6.3f} {d.f1:6.3f}   "
            f"{s.precision:6.3f} {s.recall:6.3f} {s.f1:7.3f}  {s.tp + s.fn:6d}"
        )
    lines.append("-" * len(header))
    lines.append(
        f"{'macro F1':28} {'':6} {'':6} {evaluation.macro_f1('document'):6.3f}   "
        f"{'':6} {'':6} {evaluation.macro_f1('sentence'):7.3f}"
    )
    share, hits, counted = evaluation.evidence_precision()
    lines.append(f"precision of counted evidence sentences: {share:.3f} ({hits}/{counted})")
    found, hits, present = evaluation.evidence_recall()
    if present:
        lines.append(f"share of gold present sentences found: {found:.3f} ({hits}/{present})")
    return "\n".join(lines)
