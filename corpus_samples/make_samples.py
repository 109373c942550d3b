"""Generate the fictional sample reviews (PDF) and their gold labels.

Run from the repository root::

    .venv/bin/python corpus_samples/make_samples.py [--out DIR]

Content lives in ``corpus_samples/reviews/*.txt`` (one file per review, each
sentence carrying its labels); layout and drawing live in ``samplegen/``.
Output is deterministic: re-running gives byte-identical PDFs and gold.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from samplegen.layout import Laid, Style, lay_out  # noqa: E402
from samplegen.markup import Review, read_review  # noqa: E402
from samplegen.render import register_vera, render_pdf  # noqa: E402

REVIEWS_DIR = HERE / "reviews"
GOLD_NAME = "gold.jsonl"


@dataclass(frozen=True)
class Built:
    """One generated sample: its gold record and layout statistics."""

    gold: dict
    pages: int
    hyphenated: int
    compound_breaks: int


def style_for(meta: dict[str, str]) -> Style:
    """Typography of one review from its metadata."""
    features = {f.strip() for f in meta.get("features", "").split(",") if f.strip()}
    kwargs: dict = {"hyphenate": "no_hyphenation" not in features}
    if meta.get("layout") == "two_column":
        kwargs |= {"columns": 2, "margin": 54.0, "body_size": 9.5, "leading": 12.5}
        kwargs |= {"heading_size": 11.5}
    if "ligatures" in features:
        register_vera()
        kwargs |= {"body_font": "Vera", "heading_font": "Vera-Bold", "header_font": "Vera"}
        kwargs |= {"body_size": 10.0, "leading": 14.0, "ligatures": True}
    if "fake_bold" in features:
        kwargs |= {"heading_font": "Helvetica", "fake_bold": True}
    for key in ("body_size", "leading"):
        if key in meta:
            kwargs[key] = float(meta[key])
    return Style(**kwargs)


def gold_record(review: Review, laid: Laid) -> dict:
    """The gold line for one review; document themes derive from its sentences."""
    sentences = []
    for sentence, page in zip(review.sentences, laid.sentence_pages, strict=True):
        if sentence.themes:
            sentences.append(
                {
                    "text": sentence.text,
                    "page": page + 2,  # page 1 is the title page
                    "themes": list(sentence.themes),
                    "assertion": sentence.assertion,
                }
            )
    themes = sorted({t for s in sentences if s["assertion"] == "present" for t in s["themes"]})
    declared = sorted(t.strip() for t in review.meta["themes_present"].split(","))
    assert themes == declared, f"{review.meta['file']}: labels give {themes}, meta {declared}"
    meta = review.meta
    return {
        "file": meta["file"],
        "review_type": meta["review_type"],
        "nation": meta["nation"],
        **metadata_gold(meta),
        "themes": themes,
        "sentences": sentences,
    }


def metadata_gold(meta: dict[str, str]) -> dict:
    """Gold document metadata (see ``pipeline.metadata``): what the title page and text state.

    ``area`` and ``year`` are printed on the title page; ``age_band``, ``outcome`` and
    ``children`` are declared in the source header from what its text says ("null" if silent).
    """
    published = meta["published"].split()[-1]
    values = {
        "area": meta["partnership"],
        "year": int(published) if published.isdigit() else None,
        "age_band": meta.get("age_band", "null"),
        "outcome": meta.get("outcome", "null"),
        "children": meta.get("children", "null"),
    }
    values = {k: None if v == "null" else v for k, v in values.items()}
    if values["children"] is not None:
        values["children"] = int(values["children"])
    return values


def build_review(path: Path, out_dir: Path) -> Built:
    """Lay out, draw and write one review; return its gold record."""
    review = read_review(path)
    style = style_for(review.meta)
    laid = lay_out(review, style)
    (out_dir / review.meta["file"]).write_bytes(render_pdf(review, style, laid))
    return Built(
        gold_record(review, laid),
        len(laid.pages) + 1,
        laid.stats.hyphenated,
        laid.stats.compound_breaks,
    )


def build_corpus(out_dir: Path) -> list[Built]:
    """Write every sample PDF and ``gold.jsonl`` into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    built = [build_review(path, out_dir) for path in sorted(REVIEWS_DIR.glob("*.txt"))]
    with (out_dir / GOLD_NAME).open("w", encoding="utf-8") as handle:
        for item in built:
            handle.write(json.dumps(item.gold, ensure_ascii=False) + "\n")
    return built


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="output folder")
    args = parser.parse_args(argv)
    for item in build_corpus(args.out):
        gold = item.gold
        print(
            f"{gold['file']}: {item.pages} pages, {len(gold['sentences'])} labelled, "
            f"{item.hyphenated} hyphenated, {item.compound_breaks} compound breaks, "
            f"themes={','.join(gold['themes'])}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
