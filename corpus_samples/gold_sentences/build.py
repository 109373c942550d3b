"""Build the sentence-level gold set from its plain-text sources.

Sources live in ``src/gNNN.txt``, one fictional review ("document") per file, one
sentence per line, labels inline at the start of the line::

    # doc g001 | child safeguarding practice review | England
    ## summary
    [] The review concerns Child A.
    [domestic_abuse:present:father_partner] Police were called after Mr B hit the mother.
    [information_sharing:present:professional ctx] The receiving authority was not told.

Each label is ``theme:assertion:subject``; several labels are separated by commas;
a trailing ``ctx`` inside the brackets marks a sentence that needs the sentence
before it to be understood. ``[]`` is a sentence with no theme. Blank lines and
lines starting with ``//`` are ignored.

Run ``python corpus_samples/gold_sentences/build.py`` to validate the sources,
write ``train.jsonl``, ``dev.jsonl``, ``test.jsonl``, ``cross_dev.jsonl`` and
``cross_test.jsonl`` next to this file and
print the coverage table. ``--check`` validates and compares with the committed
files without writing; ``--out DIR`` writes elsewhere.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.records import Assertion
from pipeline.taxonomy import CORE_THEMES

HERE = Path(__file__).resolve().parent
SRC = HERE / "src"
SPLITS = ("train", "dev", "test", "cross_dev", "cross_test")


THEMES = CORE_THEMES
ASSERTIONS = tuple(str(a) for a in Assertion)
SUBJECTS = ("child", "mother", "father_partner", "other_adult", "professional")
SECTIONS = ("summary", "background", "analysis", "recommendations", "other")
NATIONS = ("England", "Scotland", "Wales")
REVIEW_TYPES = (
    "serious case review",
    "child safeguarding practice review",
    "local child safeguarding practice review",
    "significant case review",
    "learning review",
    "concise child practice review",
    "extended child practice review",
)
MIN_SENTENCES, MAX_SENTENCES = 15, 35

# Split by document, once: sorted ids, position i (0-based) goes to test when
# i % 5 == 4, to dev when i % 5 == 0, else to train. OVERRIDES moves named
# documents after that rule (empty unless a split would lack a theme).
OVERRIDES: dict[str, str] = {}

# The split above was made when the set held g001..g065. Documents written after
# it (ids sorting above LAST_SPLIT_DOC) always go to train, so that adding
# training text never changes dev or test.
LAST_SPLIT_DOC = "g065"

# Documents from FIRST_CROSS_DOC on were written by writers whose text is in no other
# split, to measure how the tagger carries over to a voice it has never seen. An odd
# number goes to cross_dev (for choices), an even one to cross_test (for reporting).
FIRST_CROSS_DOC = "g201"

HEADER = re.compile(r"^# doc (g\d{3}) \| ([^|]+?) \| (\w+)\s*$")
SECTION = re.compile(r"^## (\w+)\s*$")
LINE = re.compile(r"^\[([^\]]*)\]\s+(\S.*)$")
LABEL = re.compile(r"^([a-z_]+):([a-z_]+):([a-z_]+)$")


class GoldError(ValueError):
    """A source file breaks the format or the rules."""


@dataclass
class Doc:
    id: str
    review_type: str
    nation: str
    rows: list[dict] = field(default_factory=list)


def parse_labels(inner: str, where: str) -> tuple[list[dict], bool]:
    """Parse the text between brackets into labels and the needs_context flag."""
    inner = inner.strip()
    ctx = False
    if inner == "ctx":
        return [], True
    if inner.endswith(" ctx"):
        ctx = True
        inner = inner[: -len(" ctx")].strip()
    if not inner:
        return [], ctx
    labels = []
    for part in inner.split(","):
        m = LABEL.match(part.strip())
        if not m:
            raise GoldError(f"{where}: bad label {part.strip()!r}")
        theme, assertion, subject = m.groups()
        if theme not in THEMES:
            raise GoldError(f"{where}: unknown theme {theme!r}")
        if assertion not in ASSERTIONS:
            raise GoldError(f"{where}: unknown assertion {assertion!r}")
        if subject not in SUBJECTS:
            raise GoldError(f"{where}: unknown subject {subject!r}")
        labels.append({"theme": theme, "assertion": assertion, "subject": subject})
    themes = [label["theme"] for label in labels]
    if len(set(themes)) != len(themes):
        raise GoldError(f"{where}: theme repeated on one sentence")
    return labels, ctx


def parse_file(path: Path) -> Doc:
    """Parse one source file into a document with its rows in reading order."""
    lines = path.read_text("utf-8").splitlines()
    doc: Doc | None = None
    section: str | None = None
    for number, raw in enumerate(lines, 1):
        where = f"{path.name}:{number}"
        line = raw.strip()
        if not line or line.startswith("//"):
            continue
        if doc is None:
            m = HEADER.match(line)
            if not m:
                raise GoldError(f"{where}: first line must be '# doc gNNN | type | nation'")
            doc_id, review_type, nation = m.groups()
            if doc_id != path.stem:
                raise GoldError(f"{where}: doc id {doc_id} does not match file name")
            if review_type not in REVIEW_TYPES:
                raise GoldError(f"{where}: unknown review type {review_type!r}")
            if nation not in NATIONS:
                raise GoldError(f"{where}: unknown nation {nation!r}")
            doc = Doc(doc_id, review_type, nation)
            continue
        m = SECTION.match(line)
        if m:
            if m.group(1) not in SECTIONS:
                raise GoldError(f"{where}: unknown section {m.group(1)!r}")
            section = m.group(1)
            continue
        m = LINE.match(line)
        if not m:
            raise GoldError(f"{where}: expected '[labels] sentence', got {line[:40]!r}")
        if section is None:
            raise GoldError(f"{where}: sentence before the first '## section' line")
        labels, ctx = parse_labels(m.group(1), where)
        text = re.sub(r"\s+", " ", m.group(2)).strip()
        if text[-1] not in ".?!:" and not text.endswith(('."', ".'", ".)")):
            raise GoldError(f"{where}: sentence does not end with punctuation: {text[-30:]!r}")
        if ctx and not doc.rows:
            raise GoldError(f"{where}: first sentence cannot need context")
        doc.rows.append(
            {
                "doc": doc.id,
                "index": len(doc.rows),
                "section": section,
                "review_type": doc.review_type,
                "nation": doc.nation,
                "text": text,
                "labels": labels,
                "needs_context": ctx,
            }
        )
    if doc is None:
        raise GoldError(f"{path.name}: empty file")
    if not MIN_SENTENCES <= len(doc.rows) <= MAX_SENTENCES:
        raise GoldError(
            f"{path.name}: {len(doc.rows)} sentences, expected {MIN_SENTENCES}-{MAX_SENTENCES}"
        )
    return doc


def load_docs(src: Path = SRC) -> list[Doc]:
    """Parse every source file and check rules that span documents."""
    docs = [parse_file(p) for p in sorted(src.glob("g*.txt"))]
    if not docs:
        raise GoldError(f"no sources in {src}")
    seen: dict[str, str] = {}
    for doc in docs:
        for row in doc.rows:
            key = row["text"].casefold()
            if key in seen:
                raise GoldError(f"duplicate sentence in {doc.id} and {seen[key]}: {row['text']!r}")
            seen[key] = doc.id
    return docs


def assign_splits(docs: list[Doc]) -> dict[str, str]:
    """Document id -> split, deterministically from the sorted ids."""
    out = {}
    for doc_id in (d.id for d in docs if d.id >= FIRST_CROSS_DOC):
        out[doc_id] = "cross_dev" if int(doc_id[1:]) % 2 else "cross_test"
    for i, doc_id in enumerate(sorted(d.id for d in docs if d.id < FIRST_CROSS_DOC)):
        if doc_id > LAST_SPLIT_DOC:
            out[doc_id] = "train"  # written after the split: train only
            continue
        out[doc_id] = "test" if i % 5 == 4 else "dev" if i % 5 == 0 else "train"
    for doc_id, split in OVERRIDES.items():
        if doc_id in out:
            out[doc_id] = split
    return out


def render(docs: list[Doc]) -> dict[str, str]:
    """Split name -> JSONL text."""
    splits = assign_splits(docs)
    lines: dict[str, list[str]] = {s: [] for s in SPLITS}
    for doc in sorted(docs, key=lambda d: d.id):
        for row in doc.rows:
            lines[splits[doc.id]].append(json.dumps(row, ensure_ascii=False))
    return {s: "\n".join(rows) + "\n" for s, rows in lines.items()}


def rows_by_split(docs: list[Doc]) -> dict[str, list[dict]]:
    splits = assign_splits(docs)
    out: dict[str, list[dict]] = {s: [] for s in SPLITS}
    for doc in sorted(docs, key=lambda d: d.id):
        out[splits[doc.id]].extend(doc.rows)
    return out


def coverage(rows: list[dict]) -> dict[str, Counter]:
    """Theme -> Counter of assertions over the rows."""
    table: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        for label in row["labels"]:
            table[label["theme"]][label["assertion"]] += 1
    return table


def report(docs: list[Doc]) -> str:
    """The coverage table per split and overall, plus hard-case counts."""
    by_split = rows_by_split(docs)
    by_split["all"] = [r for s in SPLITS for r in by_split[s]]
    out = []
    short = {"negated": "neg", "hypothetical": "hyp", "recommendation": "rec", "historical": "hist"}
    for name, rows in by_split.items():
        n_docs = len({r["doc"] for r in rows})
        neutral = sum(1 for r in rows if not r["labels"])
        out.append(
            f"\n== {name}: {n_docs} documents, {len(rows)} sentences, "
            f"{neutral} with no theme ({neutral / max(len(rows), 1):.0%})"
        )
        out.append(f"{'theme':<26}{'present':>8}" + "".join(f"{v:>6}" for v in short.values()))
        table = coverage(rows)
        for theme in THEMES:
            c = table.get(theme, Counter())
            cells = "".join(f"{c[a]:>6}" for a in short)
            out.append(f"{theme:<26}{c['present']:>8}{cells}")
    rows = by_split["all"]
    hard = {
        "needs_context": sum(r["needs_context"] for r in rows),
        "two+ themes": sum(len(r["labels"]) >= 2 for r in rows),
        "40+ words": sum(len(r["text"].split()) >= 40 for r in rows),
        "recommendations section, present": sum(
            r["section"] == "recommendations"
            and any(lb["assertion"] == "present" for lb in r["labels"])
            for r in rows
        ),
    }
    out.append("\nhard cases (all splits): " + ", ".join(f"{k} {v}" for k, v in hard.items()))
    sections = Counter(r["section"] for r in rows)
    out.append("sections: " + ", ".join(f"{s} {sections[s]}" for s in SECTIONS))
    splits = assign_splits(docs)
    out.append(
        "split documents: "
        + "; ".join(
            f"{s}: {' '.join(sorted(d for d, v in splits.items() if v == s))}" for s in SPLITS
        )
    )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="where to write the JSONL files")
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    try:
        docs = load_docs()
    except GoldError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    rendered = render(docs)
    if args.check:
        stale = [s for s in SPLITS if (args.out / f"{s}.jsonl").read_text("utf-8") != rendered[s]]
        if stale:
            print(f"stale: {', '.join(stale)}; run build.py", file=sys.stderr)
            return 1
    else:
        args.out.mkdir(parents=True, exist_ok=True)
        for split, text in rendered.items():
            (args.out / f"{split}.jsonl").write_text(text, "utf-8")
    print(report(docs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
