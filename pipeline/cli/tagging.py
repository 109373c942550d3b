"""`ingest`, `tag`, `train` and `train-encoder`: documents in, themes out, the models that tag."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def cmd_ingest(args: argparse.Namespace) -> int:
    from flows.ingest import ingest  # Prefect is imported here and only here

    summary = ingest(
        args.folder,
        args.out,
        password=args.password,
        workers=args.workers,
        dask_address=args.dask_address,
        dask=args.dask,
        timeout_s=args.timeout,
        memory_mib=args.memory_mib,
        ocr=args.ocr,
        max_failed_share=args.max_failed_share,
        encoder=args.encoder,
    )
    print(format_summary(summary))
    return 0


def format_summary(summary: dict[str, Any]) -> str:
    """Themes per document, then one line per document that could not be read."""
    lines = [f"Dataset: {summary['out']}", ""]
    for doc in summary["documents"]:
        if doc.get("not_a_review"):
            lines.append(f"{doc['file_name']}: (not a case review: {doc['not_a_review']})")
        elif doc["status"] in ("ok", "ocr"):
            lines.append(f"{doc['file_name']}: {', '.join(doc['themes']) or '(no theme found)'}")
        else:
            lines.append(f"{doc['file_name']}: [{doc['status']}] {doc['error']}")
    counts = ", ".join(f"{n} {status}" for status, n in sorted(summary["status_counts"].items()))
    lines += ["", f"{len(summary['documents'])} documents: {counts}"]
    return "\n".join(lines)


def cmd_tag(args: argparse.Namespace) -> int:
    from pipeline.aggregate import is_evidence
    from pipeline.run import load_pipeline, process_document

    pipeline = load_pipeline()
    for path in args.files:
        result = process_document(path, pipeline, password=args.password)
        record = tag_record(str(path), result, pipeline.taxonomy.ids, is_evidence)
        if args.format == "jsonl":
            print(json.dumps(record, ensure_ascii=False))
        else:
            present = [t for t, v in record["themes"].items() if v["present"]]
            if record["not_a_review"]:
                print(f"{path}: (not a case review: {record['not_a_review']})")
            else:
                print(f"{path}: {', '.join(present) or '(none)'}")
        if result.document.error:
            print(f"{path}: {result.document.status}: {result.document.error}", file=sys.stderr)
    return 0


def tag_record(
    path: str, result: Any, theme_ids: tuple[str, ...], is_evidence: Any
) -> dict[str, Any]:
    """The JSON line for one document: every theme, with its counted evidence.

    ``not_a_review`` says why a document that is not a child case review (or a report
    about one) has no theme; it is null for a review.
    """
    from pipeline.scope import not_a_review

    sentences = {s.id: s for s in result.sentences}
    themes: dict[str, Any] = {}
    by_theme = {t.theme_id: t for t in result.themes}
    for theme_id in theme_ids:
        evidence = sorted(
            (t for t in result.tags if t.theme_id == theme_id and is_evidence(t)),
            key=lambda t: -t.score,
        )
        row = by_theme.get(theme_id)
        themes[theme_id] = {
            "present": bool(row and row.present),
            "score": round(row.score, 3) if row else 0.0,
            "evidence": [
                {
                    "text": sentences[t.sentence_id].text,
                    "page": sentences[t.sentence_id].page,
                    "start": sentences[t.sentence_id].start,
                    "end": sentences[t.sentence_id].end,
                }
                for t in evidence
            ],
        }
    doc = result.document
    return {
        "document": path,
        "status": str(doc.status),
        "error": doc.error,
        "not_a_review": not_a_review(doc.warnings),
        "themes": themes,
    }


def cmd_train(args: argparse.Namespace) -> int:
    from pipeline.goldset import DEFAULT_DIR, load_gold_rows
    from pipeline.nlp import load_nlp
    from pipeline.tag.embeddings import head_dir_for, make_encoder
    from pipeline.tag.rules import RuleTagger
    from pipeline.taxonomy import DEFAULT_PATH, load_taxonomy
    from pipeline.train import train_head

    taxonomy = load_taxonomy(args.taxonomy or DEFAULT_PATH)
    gold_dir = args.gold.parent if args.gold else DEFAULT_DIR
    gold = load_gold_rows(args.gold or DEFAULT_DIR / "train.jsonl")
    out = args.out or head_dir_for(args.encoder)
    reviewed = _reviewed(args.with_reviews, gold_dir) if args.with_reviews else []
    if args.with_reviews:
        print(f"{len(reviewed)} reviewer decisions from {args.with_reviews}")
        before = _dev_scores(taxonomy, head_dir_for(args.encoder), gold_dir, args.encoder)
        print(f"dev before: {before}")
    real = _real_rows(args.realtext)
    rules = RuleTagger(taxonomy, load_nlp())
    encoder = make_encoder(args.encoder)  # the encoder inference uses: the head fits its vectors
    head = train_head(taxonomy, encoder, rules, gold, out, args.context_weight, reviewed, real=real)
    print(f"Trained {head.version} on {head.meta['training_sentences']} sentences -> {out}")
    for theme_id, row in head.meta["cv_scores"].items():
        print(f"  {theme_id:28} cross-validated F1 {row['cv_f1']:.3f} (C={row['C']:g})")
    if args.with_reviews:
        print(f"dev after:  {_dev_scores(taxonomy, out, gold_dir, args.encoder)}")
    return 0


def cmd_train_encoder(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from pipeline.finetune import FineTuneSettings, train_adapter
    from pipeline.goldset import DEFAULT_DIR, load_gold_rows
    from pipeline.tag.embeddings import DEFAULT_ADAPTER_DIR
    from pipeline.taxonomy import DEFAULT_PATH, load_taxonomy
    from pipeline.train import build_training_set

    taxonomy = load_taxonomy(args.taxonomy or DEFAULT_PATH)
    gold = load_gold_rows(args.gold or DEFAULT_DIR / "train.jsonl")
    out = args.out or DEFAULT_ADAPTER_DIR
    data = build_training_set(taxonomy, gold)
    bar = tqdm(desc="fine-tune", unit="step", file=sys.stderr, disable=not sys.stderr.isatty())

    def progress(step: int, total: int, loss: float) -> None:
        bar.total = total
        bar.update(step - bar.n)
        bar.set_postfix(loss=f"{loss:.4f}")

    settings = FineTuneSettings(seed=args.seed)
    version = train_adapter(data, out, settings, progress, args.max_steps)
    bar.close()
    print(f"Trained {version} on {len(data.texts)} sentences -> {out}")
    print("The head was fitted to the old vectors: run `scr-themes train` next.")
    return 0


def _real_rows(folder: Path | None) -> list[Any]:
    """The labelled real sentences to train on: from ``folder``, else ../shared/realtext if
    it is there; none with ``--realtext none``. Says which, since the head differs."""
    from pipeline.realtext import DEFAULT_DIR, is_realtext, load_realtext_rows

    if folder is not None and str(folder) == "none":
        print("Training without real text (--realtext none)")
        return []
    path = folder or DEFAULT_DIR
    if not is_realtext(path):
        if folder is not None:
            raise SystemExit(f"scr-themes train: no realtext corpus at {folder}")
        print(f"No labelled real text at {path}: training on the fictional gold set alone")
        return []
    rows = load_realtext_rows(path)
    print(f"Training with {len(rows)} real sentences from {path}")
    return rows


def _reviewed(dataset: Path, gold_dir: Path) -> list[tuple[str, str, bool]]:
    """Reviewer decisions, less any sentence of the dev or test split (they score the model)."""
    from pipeline.goldset import load_gold_rows
    from pipeline.review import reviewed_examples

    held_out = {
        row.text for split in ("dev", "test") for row in load_gold_rows(gold_dir / f"{split}.jsonl")
    }
    return [example for example in reviewed_examples(dataset) if example[0] not in held_out]


def _dev_scores(taxonomy: Any, head_dir: Path, gold_dir: Path, encoder: str) -> str:
    """Macro-F1 of a head on the dev split, document and sentence level."""
    from pipeline.goldset import load_gold_rows, score_rows, tag_rows
    from pipeline.nlp import load_nlp
    from pipeline.tag.combine import ThemeTagger
    from pipeline.tag.embeddings import EmbeddingClassifier, ThemeHead, make_encoder

    head = ThemeHead.load(head_dir)
    tagger = ThemeTagger(taxonomy, load_nlp(), EmbeddingClassifier(make_encoder(encoder), head))
    rows = load_gold_rows(gold_dir / "dev.jsonl")
    evaluation = score_rows(rows, tag_rows(tagger, rows), taxonomy.ids)
    return (
        f"{head.version}: document macro-F1 {evaluation.macro_f1('document'):.3f}, "
        f"sentence macro-F1 {evaluation.macro_f1('sentence'):.3f}"
    )
