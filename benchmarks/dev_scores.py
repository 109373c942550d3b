"""Shared by the benchmarks that compare classifiers on gold splits: score and print."""

from __future__ import annotations

import numpy as np

from pipeline.goldset import GoldRow, score_rows, tag_rows
from pipeline.tag.combine import ThemeTagger


def print_scores(name: str, tagger: ThemeTagger, splits: dict[str, list[GoldRow]]) -> np.ndarray:
    """Print document / sentence macro-F1 / counted-evidence precision per split and their
    mean; returns the mean."""
    figures = []
    for split, rows in splits.items():
        evaluation = score_rows(rows, tag_rows(tagger, rows), tagger.taxonomy.ids)
        precision, hits, counted = evaluation.evidence_precision()
        document, sentence = evaluation.macro_f1("document"), evaluation.macro_f1("sentence")
        figures.append((document, sentence, precision))
        print(
            f"{name:42} {split:10} {document:.3f} / {sentence:.3f} / {precision:.3f}"
            f" ({hits}/{counted})",
            flush=True,
        )
    mean = np.mean(figures, axis=0)
    print(f"{name:42} {'mean':10} {mean[0]:.4f} / {mean[1]:.4f} / {mean[2]:.4f}", flush=True)
    return mean
