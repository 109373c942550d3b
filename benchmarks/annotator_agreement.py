"""Benchmark (issue 3): how far two annotators agree on cross_test, and the tagger with each.

    .venv/bin/python benchmarks/annotator_agreement.py [--encoder minilm-int8]

The first annotator's labels are the gold set (``cross_test.jsonl``: the writers of
``g202`` ... ``g224`` labelled their own text). A second annotator labelled the same
sentences blind, from ``themes.md`` and the gold README alone (``second_labels/``). Each
annotator is scored against the other exactly as the tagger is scored against gold: a
sentence counts for a theme when it is labelled ``present``; a document counts when any
of its sentences does. Scoring the second against the first gives the sentence and
document macro-F1 that two careful readers reach, the ceiling to read the tagger's
figures against. Then the tagger is scored against each annotator in turn.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from pathlib import Path

from pipeline.cli import OFFLINE_ENV

for key, value in OFFLINE_ENV.items():
    os.environ.setdefault(key, value)

from pipeline.evaluate import Evaluation  # noqa: E402
from pipeline.goldset import (  # noqa: E402
    DEFAULT_DIR,
    GoldRow,
    Label,
    load_gold_rows,
    score_counted,
    score_rows,
    tag_rows,
)
from pipeline.records import Section  # noqa: E402
from pipeline.taxonomy import CORE_THEMES  # noqa: E402

SECOND_DIR = DEFAULT_DIR / "second_labels"


def read_second_labels(folder: Path = SECOND_DIR) -> list[GoldRow]:
    """The second annotator's rows, parsed by the gold set's own validator."""
    spec = importlib.util.spec_from_file_location("gold_build", DEFAULT_DIR / "build.py")
    assert spec and spec.loader
    build = importlib.util.module_from_spec(spec)
    sys.modules["gold_build"] = build
    spec.loader.exec_module(build)
    rows = []
    for path in sorted(folder.glob("g*.txt")):
        for raw in build.parse_file(path).rows:
            labels = tuple(Label(x["theme"], x["assertion"], x["subject"]) for x in raw["labels"])
            rows.append(
                GoldRow(
                    raw["doc"],
                    raw["index"],
                    Section(raw["section"]),
                    raw["text"],
                    labels,
                    raw["needs_context"],
                )
            )
    return rows


def agreement(truth: list[GoldRow], other: dict[str, set[str]]) -> Evaluation:
    """``other`` (sentence id -> themes counted present) scored against ``truth``."""
    return score_counted(truth, other, CORE_THEMES)


def summary(evaluation: Evaluation) -> str:
    share, hits, counted = evaluation.evidence_precision()
    return (
        f"document macro-F1 {evaluation.macro_f1('document'):.3f}, "
        f"sentence macro-F1 {evaluation.macro_f1('sentence'):.3f}, "
        f"precision {share:.3f} ({hits}/{counted})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encoder", default=None, help="also score this encoder's tagger")
    parser.add_argument("--no-tagger", action="store_true", help="annotators only")
    args = parser.parse_args()

    first = load_gold_rows(DEFAULT_DIR / "cross_test.jsonl")
    second = read_second_labels()
    docs = sorted({row.doc for row in second})
    first = [row for row in first if row.doc in docs]
    if [(r.id, r.text) for r in first] != [(r.id, r.text) for r in second]:
        raise SystemExit("second_labels/ does not hold the same sentences as cross_test.jsonl")
    print(f"cross_test: {len(docs)} documents, {len(first)} sentences")
    second_present = {row.id: row.present() for row in second}
    first_present = {row.id: row.present() for row in first}
    between = agreement(first, second_present)
    print(f"second annotator against the first: {summary(between)}")
    print(f"{'theme':28}{'sentence F1':>12}{'document F1':>12}")
    for theme in CORE_THEMES:
        print(f"{theme:28}{between.sentence[theme].f1:>12.3f}{between.document[theme].f1:>12.3f}")
    if args.no_tagger:
        return

    from pipeline.run import load_pipeline
    from pipeline.tag.embeddings import DEFAULT_ENCODER

    pipeline = load_pipeline(encoder=args.encoder or DEFAULT_ENCODER)
    tags = tag_rows(pipeline.tagger, first)
    print(
        f"tagger ({pipeline.tagger.model_version}) against the first: "
        f"{summary(score_rows(first, tags, CORE_THEMES))}"
    )
    print(f"tagger against the second: {summary(score_rows(second, tags, CORE_THEMES))}")
    both = [row for row in first if first_present[row.id] == second_present[row.id]]
    print(
        f"tagger on the {len(both)} sentences both annotators label alike: "
        f"{summary(score_rows(both, tags, CORE_THEMES))}"
    )


if __name__ == "__main__":
    main()
