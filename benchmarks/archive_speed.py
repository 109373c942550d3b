"""Benchmark: a national archive's worth of reviews through the pipeline on this machine.

Run with `make bench-archive`, or::

    .venv/bin/python benchmarks/archive_speed.py [--docs 200] [--workers 2] [--encoder all]

It generates (once, cached under data/bench_archive/) an archive of fictional review PDFs
of 20 to 80 pages, single and two-column, recombined from the sample texts in
corpus_samples/ with a fixed seed; ingests it into a fresh dataset with documents spread
over worker processes (``pipeline.parallel``, the flow's ``--workers`` equivalent without
Prefect's server), committing each document as the flow does; and prints pages/s and
documents/min end to end, seconds per stage, encoder sentences/s, the peak memory (RSS) of
every process, and the document-level macro-F1 on the gold samples with the same settings.
With ``--encoder all`` it does all of that for every encoder option and ends with a table.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.cli import OFFLINE_ENV

for key, value in OFFLINE_ENV.items():
    os.environ.setdefault(key, value)

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "corpus_samples"
sys.path.insert(0, str(SAMPLES))

import psutil  # noqa: E402
from make_samples import style_for  # noqa: E402
from samplegen.layout import Laid, Style, lay_out  # noqa: E402
from samplegen.markup import Heading, Paragraph, Review, Sentence, read_review  # noqa: E402
from samplegen.render import render_pdf  # noqa: E402

from pipeline import run  # noqa: E402
from pipeline.evaluate import load_gold, score  # noqa: E402
from pipeline.incremental import plan_ingest  # noqa: E402
from pipeline.parallel import WorkerSettings, process_documents  # noqa: E402
from pipeline.store import Dataset  # noqa: E402
from pipeline.tag.embeddings import DEFAULT_ENCODER, ENCODER_OPTIONS, make_encoder  # noqa: E402

ARCHIVE = REPO / "data" / "bench_archive"
SEED = 2026
MIN_PAGES, MAX_PAGES = 20, 80
STAGES = ("extract", "segment", "tag", "write")
GOLD_SECTIONS = {
    "summary": "Summary",
    "other": "About this review",
    "background": "Background",
    "analysis": "Analysis",
    "recommendations": "Recommendations",
}


# ---- the archive --------------------------------------------------------------------


def source_bodies() -> list[list[Heading | Paragraph]]:
    """Block lists to recombine: every sample review and every gold-set source text."""
    bodies = [read_review(path).blocks for path in sorted((SAMPLES / "reviews").glob("*.txt"))]
    for path in sorted((SAMPLES / "gold_sentences" / "src").glob("*.txt")):
        bodies.append(_gold_blocks(path))
    return bodies


def _gold_blocks(path: Path) -> list[Heading | Paragraph]:
    blocks: list[Heading | Paragraph] = []
    paragraph: Paragraph | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            blocks.append(Heading(GOLD_SECTIONS.get(line[3:].strip(), "Discussion")))
            paragraph = None
        elif line.startswith("["):
            if paragraph is None or len(paragraph.sentences) >= 4:
                paragraph = Paragraph()
                blocks.append(paragraph)
            paragraph.sentences.append(Sentence(line.split("] ", 1)[1].strip()))
    return blocks


@dataclass(frozen=True)
class Draw:
    """The random choices that make review ``number`` of the archive."""

    rng: random.Random
    base: int  # which sample review lends its metadata and typography
    layout: str
    pages: int


def draw(number: int, bases: int) -> Draw:
    rng = random.Random(SEED * 1000 + number)
    base = rng.randrange(bases)
    layout = "two_column" if rng.random() < 0.4 else "single"
    return Draw(rng, base, layout, rng.randint(MIN_PAGES + 1, MAX_PAGES))


def archive_review(number: int, bases: list[Review], bodies: list[list]) -> Review:
    """Review ``number`` of the archive: a base review's look, recombined body text."""
    choice = draw(number, len(bases))
    rng = choice.rng
    meta = dict(bases[choice.base].meta)
    meta["layout"] = choice.layout
    meta["subject"] = f"Child A{number:03d}"
    meta["title"] = f"Child Safeguarding Practice Review: Child A{number:03d}"
    target = choice.pages - 1  # the title page is the extra one
    style = style_for(meta)
    blocks: list[Heading | Paragraph] = []
    laid = lay_out(Review(meta, blocks), style)
    while len(laid.pages) < target:
        blocks += rng.choice(bodies)
        if _estimate(blocks, style) >= target + 1:
            laid = lay_out(Review(meta, blocks), style)
    # a paragraph that starts on the last page may run one page on
    return Review(meta, _cut(blocks, laid, target - 1))


def _estimate(blocks: list[Heading | Paragraph], style: Style) -> float:
    """Body pages the blocks will fill, from their word count (a lay-out is slow)."""
    words = sum(
        len(s.text.split()) for b in blocks if isinstance(b, Paragraph) for s in b.sentences
    )
    per_page = 530 if style.columns == 1 else 850
    return words / per_page


def _cut(blocks: list[Heading | Paragraph], laid: Laid, target: int) -> list[Heading | Paragraph]:
    """The blocks before the first paragraph that starts past body page ``target``."""
    sentence = 0
    for index, block in enumerate(blocks):
        if isinstance(block, Paragraph):
            if laid.sentence_pages[sentence] >= target:
                return blocks[:index]
            sentence += len(block.sentences)
    return blocks


def _render(job: tuple[int, Path]) -> int:
    number, path = job
    bases = [read_review(p) for p in sorted((SAMPLES / "reviews").glob("*.txt"))]
    review = archive_review(number, bases, source_bodies())
    style = style_for(review.meta)
    laid = lay_out(review, style)
    part = path.with_suffix(".part")
    part.write_bytes(render_pdf(review, style, laid))
    part.rename(path)
    return len(laid.pages) + 1


def ensure_archive(docs: int, workers: int) -> list[Path]:
    """The first ``docs`` PDFs of the archive, generating the missing ones."""
    folder = ARCHIVE / f"seed{SEED}"
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"review_{number:04d}.pdf" for number in range(docs)]
    missing = [(n, p) for n, p in enumerate(paths) if not p.exists()]
    if missing:
        print(f"generating {len(missing)} archive PDFs into {folder} (once) ...", flush=True)
        started = time.perf_counter()
        with ProcessPoolExecutor(max_workers=workers) as pool:
            list(pool.map(_render, missing, chunksize=4))
        print(f"  generated in {time.perf_counter() - started:.0f} s", flush=True)
    return paths


# ---- measuring ----------------------------------------------------------------------


class MemoryWatch:
    """Peak RSS and CPU time of this process and every descendant, sampled every 0.2 s."""

    def __init__(self) -> None:
        self.peaks: dict[int, tuple[str, int]] = {}
        self.cpu: dict[int, float] = {}  # user + system seconds, as last seen
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> MemoryWatch:
        times = psutil.Process().cpu_times()
        self._before = times.user + times.system  # this process's CPU before the run
        self._thread.start()
        return self

    def cpu_s(self) -> float:
        """CPU seconds of the run: every process's, less this one's before it started."""
        return sum(self.cpu.values()) - self._before

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        me = psutil.Process()
        while not self._stop.wait(0.2):
            for process in [me, *me.children(recursive=True)]:
                try:
                    rss = process.memory_info().rss
                    times = process.cpu_times()
                    role = _role(process)
                except psutil.Error:
                    continue
                self.cpu[process.pid] = times.user + times.system
                if rss > self.peaks.get(process.pid, ("", 0))[1]:
                    self.peaks[process.pid] = (role, rss)


def _role(process: psutil.Process) -> str:
    line = " ".join(process.cmdline())
    if process.pid == os.getpid():
        return "main (writer)"
    if "pipeline.isolate" in line:
        return "parser (isolated)"
    if "resource_tracker" in line:
        return "resource tracker"
    if "multiprocessing" in line or "spawn_main" in line:
        return "worker"
    return process.name()


@dataclass
class RunResult:
    encoder: str
    docs: int = 0
    pages: int = 0
    sentences: int = 0
    wall_s: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    peaks: dict[int, tuple[str, int]] = field(default_factory=dict)
    cpu_s: float = 0.0  # CPU seconds of every process in the run
    page_counts: list[int] = field(default_factory=list)
    encoder_sps: float = 0.0
    encoder_per_cpu_s: float = 0.0
    doc_f1: float = 0.0
    sentence_f1: float = 0.0


def ingest_archive(
    paths: list[Path], out: Path, settings: WorkerSettings, workers: int
) -> RunResult:
    """Plan, process in parallel and commit every document, as ``scr-themes ingest`` does."""
    shutil.rmtree(out, ignore_errors=True)
    result = RunResult(settings.encoder, stages=dict.fromkeys(STAGES, 0.0))
    started = time.perf_counter()
    with MemoryWatch() as watch, Dataset(out) as dataset:
        versions = run.current_versions(encoder=settings.encoder)
        plan = plan_ingest(paths, dataset.files(), dataset.documents(), versions)
        todo = [Path(f.path) for f in plan.extract]
        for document in process_documents(todo, workers, settings):
            t0 = time.perf_counter()
            dataset.commit(document, plan.files_of(document.document.id))
            result.stages["write"] += time.perf_counter() - t0
            for stage, seconds in document.timings.items():
                result.stages[stage] = result.stages.get(stage, 0.0) + seconds
            status = str(document.document.status)
            result.statuses[status] = result.statuses.get(status, 0) + 1
            result.docs += 1
            result.pages += document.document.pages
            result.page_counts.append(document.document.pages)
            result.sentences += len(document.sentences)
        t0 = time.perf_counter()
        dataset.export()
        result.stages["write"] += time.perf_counter() - t0
    result.wall_s = time.perf_counter() - started
    result.peaks = watch.peaks
    result.cpu_s = watch.cpu_s()
    return result


def encoder_speed(option: str, texts: list[str], threads: int) -> tuple[float, float]:
    """Sentences per second through the encoder alone on ``threads`` torch threads, and
    sentences per CPU-second (which other load on the machine does not lower)."""
    import torch

    torch.set_num_threads(threads)
    encoder = make_encoder(option)
    encoder.encode(texts[:64])
    started, cpu = time.perf_counter(), time.process_time()
    encoder.encode(texts)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    return len(texts) / wall, len(texts) / cpu


def gold_f1(option: str) -> tuple[float, float]:
    """Document- and sentence-level macro-F1 on corpus_samples/gold.jsonl with ``option``."""
    pipeline = run.load_pipeline(encoder=option)
    gold = load_gold(SAMPLES / "gold.jsonl")
    results = [run.process_document(doc.path, pipeline) for doc in gold]
    evaluation = score(gold, results, pipeline.taxonomy.ids)
    return evaluation.macro_f1("document"), evaluation.macro_f1("sentence")


def sample_sentences(n: int = 2000) -> list[str]:
    from pipeline.goldset import load_gold_rows

    rows = []
    for split in ("train", "dev", "test"):
        rows += load_gold_rows(SAMPLES / "gold_sentences" / f"{split}.jsonl")
    texts = [row.text for row in rows]
    return (texts * (n // max(1, len(texts)) + 1))[:n]


# ---- reporting ----------------------------------------------------------------------


def machine() -> str:
    model = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = psutil.virtual_memory().total / 2**30
    return (
        f"{model}, {os.cpu_count()} logical cores ({psutil.cpu_count(logical=False)} physical), "
        f"{memory:.0f} GiB RAM, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}"
    )


def report(result: RunResult, workers: int) -> Iterator[str]:
    yield f"--- encoder {result.encoder}, {workers} worker processes ---"
    statuses = ", ".join(f"{n} {s}" for s, n in sorted(result.statuses.items()))
    counts = result.page_counts or [0]
    yield (
        f"documents: {result.docs} ({statuses})  pages: {result.pages} "
        f"({min(counts)} to {max(counts)} per document)"
    )
    yield f"sentences: {result.sentences}"
    yield (
        f"end to end: {result.wall_s:.1f} s, {result.pages / result.wall_s:.1f} pages/s, "
        f"{60 * result.docs / result.wall_s:.1f} documents/min (models loading included)"
    )
    cores = os.cpu_count() or 1
    yield (
        f"CPU: {result.cpu_s:.1f} s over all processes, {1000 * result.cpu_s / result.pages:.0f} "
        f"ms per page; at full use of {cores} cores: {cores * result.pages / result.cpu_s:.1f} "
        f"pages/s (a figure that other load on the machine does not lower)"
    )
    busy = sum(result.stages.values())
    yield "time per stage (seconds summed over documents; workers run side by side):"
    for stage in STAGES:
        seconds = result.stages.get(stage, 0.0)
        rate = result.pages / seconds if seconds else float("inf")
        where = "main process" if stage == "write" else "workers"
        share = 100 * seconds / busy
        yield f"  {stage:8} {seconds:8.1f} s  {share:5.1f} %  ({rate:7.1f} pages/s, {where})"
    tag_s = result.stages.get("tag", 0.0)
    rate = result.sentences / tag_s if tag_s else 0.0
    yield f"tag stage: {rate:.1f} sentences/s per worker (rules, assertion, encoder)"
    yield (
        f"encoder alone: {result.encoder_sps:.1f} sentences/s ({workers} threads, one process); "
        f"{result.encoder_per_cpu_s:.1f} sentences per CPU-second"
    )
    yield "peak RSS per process:"
    for pid, (role, rss) in sorted(result.peaks.items(), key=lambda item: item[1][0]):
        yield f"  {role:20} pid {pid:7}  {rss / 2**20:7.0f} MiB"
    yield (
        f"gold samples (corpus_samples/gold.jsonl): document macro-F1 {result.doc_f1:.3f}, "
        f"sentence macro-F1 {result.sentence_f1:.3f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=200, help="archive size (default 200)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument(
        "--encoder",
        default=DEFAULT_ENCODER,
        help=f"{', '.join(ENCODER_OPTIONS)}, a comma list, or 'all' (default {DEFAULT_ENCODER})",
    )
    args = parser.parse_args(argv)
    options = ENCODER_OPTIONS if args.encoder == "all" else tuple(args.encoder.split(","))
    print(f"machine: {machine()}", flush=True)
    paths = ensure_archive(args.docs, args.workers)
    bases = len(list((SAMPLES / "reviews").glob("*.txt")))
    two_column = sum(1 for n in range(args.docs) if draw(n, bases).layout == "two_column")
    print(f"archive: {len(paths)} PDFs ({two_column} two-column), seed {SEED}", flush=True)
    results = []
    for option in options:
        settings = WorkerSettings(encoder=option)
        result = ingest_archive(paths, ARCHIVE / "out", settings, args.workers)
        speeds = encoder_speed(option, sample_sentences(), args.workers)
        result.encoder_sps, result.encoder_per_cpu_s = speeds
        result.doc_f1, result.sentence_f1 = gold_f1(option)
        results.append(result)
        for line in report(result, args.workers):
            print(line, flush=True)
    print("--- summary ---")
    print(
        "| encoder | pages/s | documents/min | pages/s at full CPU "
        "| encoder sentences/s (per CPU-s) | doc macro-F1 | sentence macro-F1 | max worker RSS |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        worker_mib = (
            max((rss for role, rss in r.peaks.values() if role == "worker"), default=0) / 2**20
        )
        print(
            f"| {r.encoder} | {r.pages / r.wall_s:.1f} | {60 * r.docs / r.wall_s:.1f} | "
            f"{(os.cpu_count() or 1) * r.pages / r.cpu_s:.1f} | "
            f"{r.encoder_sps:.0f} ({r.encoder_per_cpu_s:.0f}) | "
            f"{r.doc_f1:.3f} | {r.sentence_f1:.3f} | {worker_mib:.0f} MiB |"
        )
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"main process peak RSS (getrusage, whole run incl. F1): {own:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
