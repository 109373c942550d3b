"""Do the PDFium and pdfplumber extraction paths give the same cleaned text, and how fast?

For every sample PDF and every file of the bad-PDF corpus, each engine reads the file in
the isolated worker (the production limits: a file that hangs or blows memory ends as
``timeout``/``oom`` there, not here). Then, per document:

- status: the same end state from both;
- page similarity: difflib's character-level ratio of each page's cleaned text;
- sentences: the share of sentences (pipeline.segment, the spaCy parser) found by both;
- reading order, on the two-column samples (``layout: two_column`` in
  corpus_samples/reviews/*.txt): the share of consecutive sentences that come in the
  order of the review's source text, for each engine.

Speed and memory come from one fresh process per engine reading every readable file in
turn with OCR off: CPU seconds (``time.process_time``, so other load on the machine
counts less) and the peak resident set size (``ru_maxrss``).

    .venv/bin/python benchmarks/extraction_agreement.py [--json FILE]

Prints the numbers only (never document text); the headline is the mean page
similarity over all pages both engines read.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import textwrap
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from itertools import pairwise
from pathlib import Path
from typing import Any

from pipeline.isolate import IsolatedExtractor
from pipeline.records import READABLE, Extraction, Page
from pipeline.settings import Engine, ExtractSettings

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "corpus_samples"
BADPDFS = ROOT.parent / "shared" / "corpora" / "badpdfs"
ENGINES: tuple[Engine, ...] = ("pdfplumber", "auto")
TIMEOUT_S = 60.0
MANIFEST_ROW = re.compile(r"^\|\s*\d+\s*\|\s*([^|\s]+)\s*\|", re.MULTILINE)
SOURCE_TAG = re.compile(r"^\[[^\]]*\]\s*")


@dataclass
class Row:
    """One document read by both engines."""

    name: str
    statuses: tuple[str, str]
    pages: int = 0
    page_ratios: list[float] = field(default_factory=list)
    sentences: tuple[int, int, int] = (0, 0, 0)  # reference, fast, in both
    order: tuple[float, float] | None = None  # ordered share: reference, fast
    sources: dict[str, int] = field(default_factory=dict)


def corpus_files() -> list[Path]:
    """The sample PDFs, then every file the bad-PDF corpus's MANIFEST lists."""
    files = sorted(SAMPLES.glob("*.pdf"))
    if BADPDFS.is_dir():
        manifest = (BADPDFS / "MANIFEST.md").read_text(encoding="utf-8")
        files += [BADPDFS / name for name in MANIFEST_ROW.findall(manifest)]
    return files


def extract_all(files: list[Path], engine: Engine) -> dict[str, Extraction]:
    settings = ExtractSettings(timeout_s=TIMEOUT_S, engine=engine)
    with IsolatedExtractor(settings) as extractor:
        return {path.name: extractor.extract(path) for path in files}


def page_ratio(a: str, b: str) -> float:
    if a == b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def sentences(pages: list[Page], nlp: Any) -> list[str]:
    from pipeline.segment import segment_pages

    return [s.text for s in segment_pages("benchmark", pages, nlp)]


def source_text(name: str) -> str | None:
    """The review's own text, for a two-column sample: sentences in reading order."""
    path = SAMPLES / "reviews" / (Path(name).stem + ".txt")
    if not path.is_file():
        return None
    head, _, body = path.read_text(encoding="utf-8").partition("\n---\n")
    if "layout: two_column" not in head:
        return None
    lines = (SOURCE_TAG.sub("", line.lstrip("# ")) for line in body.splitlines())
    return _normal(" ".join(lines))


def _normal(text: str) -> str:
    return " ".join(text.split())


def ordered_share(found: list[str], source: str) -> float:
    """Share of consecutive matched sentences that come in the source's order."""
    positions = [source.find(_normal(s)) for s in found]
    matched = [p for p in positions if p >= 0]
    pairs = list(pairwise(matched))
    return sum(a < b for a, b in pairs) / len(pairs) if pairs else 1.0


def compare(name: str, ref: Extraction, fast: Extraction, nlp: Any) -> Row:
    row = Row(name, (str(ref.status), str(fast.status)))
    row.sources = dict(Counter(p.source for p in fast.pages))
    if not (ref.status in READABLE and fast.status in READABLE):
        return row
    row.pages = min(len(ref.pages), len(fast.pages))
    row.page_ratios = [
        page_ratio(a.text, b.text) for a, b in zip(ref.pages, fast.pages, strict=False)
    ]
    ref_sents, fast_sents = sentences(ref.pages, nlp), sentences(fast.pages, nlp)
    both = sum((Counter(ref_sents) & Counter(fast_sents)).values())
    row.sentences = (len(ref_sents), len(fast_sents), both)
    source = source_text(name)
    if source is not None:
        row.order = (ordered_share(ref_sents, source), ordered_share(fast_sents, source))
    return row


SPEED_SCRIPT = textwrap.dedent(
    """
    import json, re, sys, time
    from pathlib import Path
    from pipeline.extract import extract_document
    from pipeline.settings import Engine, ExtractSettings
    settings = ExtractSettings(engine=sys.argv[1], ocr=False)
    out = {}
    for name in sys.argv[2:]:
        start = time.process_time()
        result = extract_document(Path(name), None, settings)
        out[name] = [time.process_time() - start, len(result.pages)]
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across exec
    status = Path("/proc/self/status").read_text()
    peak = int(re.search(r"VmHWM:\\s*(\\d+) kB", status).group(1)) * 1024
    print(json.dumps({"docs": out, "peak_rss": peak}))
    """
)


def measure_speed(files: list[Path], engine: str) -> dict[str, Any]:
    """CPU seconds and pages per file, and peak RSS, in a fresh process for one engine."""
    command = [sys.executable, "-c", SPEED_SCRIPT, engine, *map(str, files)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _group(path: str) -> str:
    return "samples" if Path(path).parent.resolve() == SAMPLES else "badpdfs"


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else float("nan")


def report(rows: list[Row], speed: dict[str, dict[str, Any]]) -> dict[str, Any]:
    print(
        f"{'document':58} {'status ref/fast':22} {'pages':>5} {'min':>6} {'mean':>6} "
        f"{'sent':>6} {'order':>11} sources"
    )
    for row in rows:
        ratios = row.page_ratios
        ref_n, fast_n, both = row.sentences
        sent = f"{both / max(ref_n, fast_n):.3f}" if max(ref_n, fast_n) else "-"
        order = f"{row.order[0]:.2f}/{row.order[1]:.2f}" if row.order else "-"
        status = "/".join(row.statuses) + ("" if row.statuses[0] == row.statuses[1] else " !")
        print(
            f"{row.name[:58]:58} {status:22} {row.pages:5d} "
            f"{min(ratios, default=float('nan')):6.3f} {_mean(ratios):6.3f} {sent:>6} "
            f"{order:>11} {row.sources}"
        )
    all_ratios = [r for row in rows for r in row.page_ratios]
    sample_ratios = [r for row in rows if row.name.startswith("review_") for r in row.page_ratios]
    ref_total = sum(max(row.sentences[0], row.sentences[1]) for row in rows)
    both_total = sum(row.sentences[2] for row in rows)
    orders = [row.order for row in rows if row.order]
    summary = {
        "documents": len(rows),
        "same_status": sum(row.statuses[0] == row.statuses[1] for row in rows),
        "pages_compared": len(all_ratios),
        "mean_page_similarity": _mean(all_ratios),
        "pages_at_least_0.99": sum(r >= 0.99 for r in all_ratios),
        "mean_page_similarity_samples": _mean(sample_ratios),
        "min_page_similarity_samples": min(sample_ratios, default=float("nan")),
        "sentences_identical_share": both_total / ref_total if ref_total else float("nan"),
        "two_column_order_ref": _mean([o[0] for o in orders]),
        "two_column_order_fast": _mean([o[1] for o in orders]),
    }
    for engine, data in speed.items():
        for group in ("samples", "badpdfs", "all"):
            docs = [v for k, v in data["docs"].items() if group == "all" or _group(k) == group]
            seconds, pages = sum(v[0] for v in docs), sum(v[1] for v in docs)
            summary[f"{engine}_{group}_pages"] = pages
            summary[f"{engine}_{group}_cpu_s"] = seconds
            summary[f"{engine}_{group}_pages_per_s"] = pages / seconds if seconds else float("nan")
        summary[f"{engine}_peak_rss_mib"] = data["peak_rss"] / 2**20
    print()
    for key, value in summary.items():
        print(f"{key:32} {value:.4f}" if isinstance(value, float) else f"{key:32} {value}")
    print(
        f"\nHEADLINE: mean page similarity {summary['mean_page_similarity']:.4f} over "
        f"{summary['pages_compared']} pages ({summary['same_status']}/{len(rows)} same status); "
        f"on the samples auto reads {summary.get('auto_samples_pages_per_s', 0):.1f} pages/s, "
        f"pdfplumber {summary.get('pdfplumber_samples_pages_per_s', 0):.1f} (CPU time)"
    )
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", type=Path, help="also write the summary here")
    args = parser.parse_args(argv)
    from pipeline.nlp import load_nlp

    files = corpus_files()
    results = {engine: extract_all(files, engine) for engine in ENGINES}
    readable = [p for p in files if results["pdfplumber"][p.name].status in READABLE]
    speed: dict[str, dict[str, Any]] = {e: measure_speed(readable, e) for e in ENGINES}
    nlp = load_nlp()
    rows = [
        compare(path.name, results["pdfplumber"][path.name], results["auto"][path.name], nlp)
        for path in files
    ]
    summary = report(rows, speed)
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
