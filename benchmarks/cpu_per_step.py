"""Benchmark: CPU time per page of each step of the pipeline, in one process, one thread.

    .venv/bin/python benchmarks/cpu_per_step.py [--docs 6]

Runs ``process_document`` on the first documents of the benchmark archive (build it first
with ``make bench-archive``) with the worker's settings (one torch thread), timing each
step of the tag stage by wrapping the tagger's parts, and prints milliseconds of CPU per
page. CPU time, so other load on the machine changes the figures little.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline.cli import OFFLINE_ENV

for key, value in OFFLINE_ENV.items():
    os.environ.setdefault(key, value)

import torch  # noqa: E402

import pipeline.tag.combine as combine  # noqa: E402
from pipeline.run import load_pipeline, process_document  # noqa: E402

ARCHIVE = Path(__file__).resolve().parents[1] / "data" / "bench_archive" / "seed2026"


def timed(
    spent: dict[str, float], label: str, function: Callable[..., Any], drain: bool = False
) -> Any:
    """``function``, adding its CPU seconds to ``spent[label]``; ``drain`` a generator's."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        result = function(*args, **kwargs)
        if drain:
            result = list(result)
        spent[label] = spent.get(label, 0.0) + time.process_time() - started
        return result

    return wrapper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=6)
    args = parser.parse_args()
    paths = sorted(ARCHIVE.glob("*.pdf"))[: args.docs]
    if not paths:
        raise SystemExit(f"no archive in {ARCHIVE}: run `make bench-archive` first")
    torch.set_num_threads(1)
    pipeline = load_pipeline()
    tagger, spent = pipeline.tagger, dict[str, float]()
    assert tagger.classifier is not None
    tagger.classifier.predict = timed(  # type: ignore[method-assign]
        spent, "encoder + head", tagger.classifier.predict
    )
    tagger.rule_screen.screen_docs = timed(  # type: ignore[method-assign]
        spent, "rule screen", tagger.rule_screen.screen_docs
    )
    tagger.rules.find_hits = timed(spent, "rule matchers", tagger.rules.find_hits)  # type: ignore[method-assign]
    tagger.nlp.pipe = timed(  # type: ignore[method-assign]
        spent, "spaCy pipeline (tok2vec, tagger, parser, morphology)", tagger.nlp.pipe, drain=True
    )
    combine._assert_theme = timed(spent, "assertion", combine._assert_theme)  # type: ignore[attr-defined]
    combine.detect_subject = timed(spent, "subject", combine.detect_subject)  # type: ignore[attr-defined]
    stages: dict[str, float] = {}
    pages = sentences = 0
    started = time.process_time()
    for path in paths:
        result = process_document(path, pipeline)
        pages += result.document.pages
        sentences += len(result.sentences)
        for stage, seconds in result.timings.items():
            stages[stage] = stages.get(stage, 0.0) + seconds
    total = time.process_time() - started
    print(f"{len(paths)} documents, {pages} pages, {sentences / pages:.1f} sentences a page")
    print(f"CPU per page, all steps: {1000 * total / pages:.1f} ms")
    print("stage (wall time per page, one process):")
    for stage, seconds in stages.items():
        print(f"  {stage:<10} {1000 * seconds / pages:6.1f} ms")
    print("inside the tag stage (CPU per page):")
    for label, seconds in spent.items():
        print(f"  {label:<55} {1000 * seconds / pages:6.1f} ms")


if __name__ == "__main__":
    main()
