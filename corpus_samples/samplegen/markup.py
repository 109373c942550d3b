"""Read one review source file: metadata, headings, paragraphs, labelled sentences.

Format (see ``corpus_samples/README.md``)::

    key: value            metadata lines, up to a line "---"
    # Heading             a numbered section heading
    ## Subheading         an unnumbered subheading
    Plain sentences.      unlabelled text, one or more sentences per line
    [present: neglect, unsafe_sleep] One sentence.   a labelled sentence
    [neutral] One sentence.    unlabelled, but allowed to contain a theme keyword
    @chronology k=v ...   generated dated entries (see chronology.py)
    % comment

A blank line ends a paragraph.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.records import Assertion
from pipeline.taxonomy import CORE_THEMES
from samplegen.chronology import generate_entries

THEMES = CORE_THEMES
ASSERTIONS = tuple(str(a) for a in Assertion)

# Words that almost always signal a theme: an unlabelled sentence using one is an error
# unless marked [neutral], so the gold cannot silently miss a themed sentence.
TELLTALE = re.compile(
    r"alcohol|drunk|drinking|drug|cannabis|heroin|cocaine|methadone|violen|abus|coerc"
    r"|mental|depress|anxiety|psychos|self-harm|suicid|neglect|sleep|cot death|missing"
    r"|exploit|train|turnover|vacanc|agency staff|caseload|workload|unborn|pre-birth"
    r"|information was|not shared|not told|curiosity|overdose|hungry|hunger|underweight"
    r"|dirty|head lice|vodka|lager|intoxicat|smelled of|locum|newly qualified|moved between"
    r"|police were called|cutting|cut (?:his|her)",
    re.IGNORECASE,
)
_LABEL = re.compile(r"^\[(\w+)(?::\s*([\w, ]+))?\]\s+(.*)$")
_INNER_STOP = re.compile(r"[.?!]\s+[A-Z\"“]")


@dataclass(frozen=True)
class Sentence:
    text: str
    themes: tuple[str, ...] = ()
    assertion: str | None = None


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass
class Paragraph:
    sentences: list[Sentence] = field(default_factory=list)


@dataclass
class Review:
    meta: dict[str, str]
    blocks: list[Heading | Paragraph]

    @property
    def sentences(self) -> list[Sentence]:
        return [s for b in self.blocks if isinstance(b, Paragraph) for s in b.sentences]


def read_review(path: Path) -> Review:
    """Parse one source file into a ``Review``."""
    head, _, body = path.read_text(encoding="utf-8").partition("\n---\n")
    meta = dict(_split_meta(line) for line in head.splitlines() if line.strip())
    blocks: list[Heading | Paragraph] = []
    current: Paragraph | None = None
    for number, raw in enumerate(body.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("%"):
            current = None
            continue
        where = f"{path.name}: body line {number}"
        if line.startswith(("# ", "## ")):
            marks, _, text = line.partition(" ")
            blocks.append(Heading(text.strip(), level=len(marks)))
            current = None
        elif line.startswith("@chronology"):
            blocks.extend(_chronology(line, meta))
            current = None
        else:
            if current is None:
                current = Paragraph()
                blocks.append(current)
            current.sentences.append(_parse_sentence(line, where))
    return Review(meta, blocks)


def _split_meta(line: str) -> tuple[str, str]:
    key, _, value = line.partition(":")
    return key.strip(), value.strip()


def _parse_sentence(line: str, where: str) -> Sentence:
    if not line.endswith("."):
        raise ValueError(f"{where}: every line must end with a full stop")
    match = _LABEL.match(line)
    if not match:
        if TELLTALE.search(line):
            raise ValueError(f"{where}: unlabelled text looks themed: {line!r}")
        return Sentence(line)
    assertion, themes, text = match.groups()
    if assertion == "neutral":
        return Sentence(text)
    if assertion not in ASSERTIONS:
        raise ValueError(f"{where}: unknown assertion {assertion!r}")
    ids = tuple(sorted(t.strip() for t in (themes or "").split(",") if t.strip()))
    if not ids or any(t not in THEMES for t in ids):
        raise ValueError(f"{where}: bad theme list {themes!r}")
    if _INNER_STOP.search(text):
        raise ValueError(f"{where}: a labelled line must hold exactly one sentence")
    return Sentence(text, ids, assertion)


def _chronology(line: str, meta: dict[str, str]) -> list[Paragraph]:
    args = dict(item.split("=", 1) for item in shlex.split(line)[1:])
    entries = generate_entries(
        seed=int(args["seed"]),
        start=args["from"],
        end=args["to"],
        count=int(args["count"]),
        names={**meta, **args},
    )
    return [Paragraph([Sentence(text) for text in entry]) for entry in entries]
