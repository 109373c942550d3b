"""Per-theme thresholds, chosen on the gold set's dev splits and written to the taxonomy.

A tag counts as evidence when its assertion is ``present`` and its score reaches its
theme's threshold; below it the tag is ``needs_review``. For each theme the rule picks
the lowest threshold, from a floor up to a cap, at which the counted evidence on dev is
at least ``target`` precise, over at least ``min_counted`` counted tags (a precision
measured on two tags proves nothing), among the thresholds that keep the theme's
document-level F1 on dev (raising every threshold to the precision target alone cost 6
points of document macro-F1 on dev). A theme that cannot reach the target gets the
allowed threshold with the best sentence F1, and is marked so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.aggregate import is_evidence
from pipeline.evaluate import Counts
from pipeline.goldset import GoldRow, load_gold_rows, score_rows, tag_rows
from pipeline.records import Tag
from pipeline.taxonomy import Taxonomy

if TYPE_CHECKING:
    from pipeline.tag.combine import ThemeTagger

TARGET_PRECISION = 0.90
FLOOR, CAP, STEP = 0.5, 0.9, 0.05
MIN_COUNTED = 5


@dataclass(frozen=True)
class Choice:
    """The threshold chosen for one theme, with its dev figures at that threshold."""

    theme_id: str
    threshold: float
    sentence: Counts
    document: Counts
    reached: bool  # False: the target precision was out of reach; F1 decided instead


def candidates(floor: float = FLOOR, cap: float = CAP, step: float = STEP) -> list[float]:
    """The thresholds tried, lowest first: floor, floor + step, ..., cap."""
    count = round((cap - floor) / step)
    return [round(floor + i * step, 4) for i in range(count + 1)]


def with_thresholds(tags: Iterable[Tag], thresholds: dict[str, float]) -> list[Tag]:
    """The same tags with ``needs_review`` recomputed from per-theme thresholds."""
    return [replace(t, needs_review=t.score < thresholds[t.theme_id]) for t in tags]


def without_held_back(tags: Iterable[Tag], taxonomy: Taxonomy) -> list[Tag]:
    """The tags less those the evidence check left for review: no threshold counts them.

    A tag marked ``needs_review`` although its score reached its theme's threshold was held
    back by the head's evidence check, whatever threshold is tried.
    """
    thresholds = {theme.id: theme.threshold for theme in taxonomy.themes}
    return [t for t in tags if not (t.needs_review and t.score >= thresholds[t.theme_id])]


def theme_counts(
    rows: list[GoldRow], tags: list[Tag], theme_id: str, threshold: float
) -> tuple[Counts, Counts]:
    """Sentence-level and document-level counts of one theme's evidence at one threshold."""
    own = with_thresholds((t for t in tags if t.theme_id == theme_id), {theme_id: threshold})
    counted = {t.sentence_id for t in own if is_evidence(t)}
    sentence, document = Counts(), Counts()
    truth: dict[str, bool] = {}
    predicted: dict[str, bool] = {}
    for row in rows:
        sentence.add(theme_id in row.present(), row.id in counted)
        truth[row.doc] = truth.get(row.doc, False) or theme_id in row.present()
        predicted[row.doc] = predicted.get(row.doc, False) or row.id in counted
    for doc in truth:
        document.add(truth[doc], predicted[doc])
    return sentence, document


def choose_threshold(
    rows: list[GoldRow],
    tags: list[Tag],
    theme_id: str,
    target: float = TARGET_PRECISION,
    min_counted: int = MIN_COUNTED,
    keep_documents: bool = True,
    tried: list[float] | None = None,
) -> Choice:
    """The lowest threshold reaching ``target`` precision, else the one with the best F1.

    With ``keep_documents``, only thresholds whose document-level F1 is at least the
    lowest threshold's are tried: a stricter threshold may trade sentence recall for
    precision, but not a theme found in a document.
    """
    table = [(t, *theme_counts(rows, tags, theme_id, t)) for t in tried or candidates()]
    if keep_documents:
        table = [item for item in table if item[2].f1 >= table[0][2].f1]
    for threshold, sentence, document in table:
        if sentence.tp + sentence.fp >= min_counted and sentence.precision >= target:
            return Choice(theme_id, threshold, sentence, document, reached=True)
    threshold, sentence, document = max(table, key=lambda item: (item[1].f1, -item[0]))
    return Choice(theme_id, threshold, sentence, document, reached=False)


def tune_thresholds(
    rows: list[GoldRow],
    tags: list[Tag],
    taxonomy: Taxonomy,
    target: float = TARGET_PRECISION,
    min_counted: int = MIN_COUNTED,
    keep_documents: bool = True,
) -> list[Choice]:
    """One choice per theme of the taxonomy, in its order."""
    return [
        choose_threshold(rows, tags, t, target, min_counted, keep_documents) for t in taxonomy.ids
    ]


def evidence_precision(tags: Iterable[Tag], rows: list[GoldRow]) -> tuple[float, int]:
    """Share of counted tags whose sentence the gold says is present evidence of the theme."""
    gold = {(row.id, theme) for row in rows for theme in row.present()}
    counted = [t for t in tags if is_evidence(t)]
    right = sum((t.sentence_id, t.theme_id) in gold for t in counted)
    return (right / len(counted) if counted else 1.0), len(counted)


def format_choices(choices: list[Choice], before: Taxonomy) -> str:
    """One line per theme: the old and new thresholds and the figures at the new one."""
    header = f"{'theme':28} {'was':>5} {'now':>5} {'sent P':>7} {'sent R':>7} {'doc F1':>7}  rule"
    lines = [header]
    for choice in choices:
        s, d = choice.sentence, choice.document
        rule = "precision target" if choice.reached else "best sentence F1 (target not reached)"
        lines.append(
            f"{choice.theme_id:28} {before.theme(choice.theme_id).threshold:5.2f} "
            f"{choice.threshold:5.2f} {s.precision:7.3f} {s.recall:7.3f} {d.f1:7.3f}  {rule}"
        )
    return "\n".join(lines)


THEME_LINE = re.compile(r"^\s*-\s+id:\s*([a-z_][a-z0-9_]*)\s*$")
THRESHOLD_LINE = re.compile(r"^(\s+threshold:\s*)([0-9.]+)(.*)$")
VERSION_LINE = re.compile(r'^version:\s*"?([^"\s]+)"?\s*$')


def write_thresholds(path: Path, thresholds: dict[str, float], version: str | None = None) -> None:
    """Set each theme's ``threshold:`` line (and optionally ``version:``), nothing else.

    Edits the text rather than dumping parsed YAML, so the comments and layout a domain
    reviewer relies on stay as they are.
    """
    lines = Path(path).read_text().splitlines(keepends=True)
    theme: str | None = None
    written: set[str] = set()
    for number, line in enumerate(lines):
        if match := THEME_LINE.match(line):
            theme = match.group(1)
        elif (match := THRESHOLD_LINE.match(line)) and theme in thresholds:
            lines[number] = f"{match.group(1)}{thresholds[theme]:g}{match.group(3)}\n"
            written.add(theme)
        elif version and VERSION_LINE.match(line):
            lines[number] = f'version: "{version}"\n'
    missing = sorted(set(thresholds) - written)
    if missing:
        raise ValueError(f"no 'threshold:' line for theme(s): {', '.join(missing)}")
    Path(path).write_text("".join(lines))


def next_version(version: str) -> str:
    """ "2026.11.0" -> "2026.11.1": a changed taxonomy gets a new version, so tags re-run."""
    head, _, last = version.rpartition(".")
    return f"{head}.{int(last) + 1}" if head and last.isdigit() else f"{version}.1"


def tune_from_gold(
    taxonomy_path: Path,
    taxonomy: Taxonomy,
    tagger: ThemeTagger,
    gold: Sequence[Path],
    write: bool = False,
    keep_documents: bool = True,
) -> str:
    """Tag gold splits, pooled, choose every theme's threshold, report, optionally write."""
    rows = [row for path in gold for row in load_gold_rows(path)]
    tags = without_held_back(tag_rows(tagger, rows), taxonomy)
    choices = tune_thresholds(rows, tags, taxonomy, keep_documents=keep_documents)
    chosen = {choice.theme_id: choice.threshold for choice in choices}
    lines = [format_choices(choices, taxonomy), ""]
    for name, thresholds in (
        ("before", {theme.id: theme.threshold for theme in taxonomy.themes}),
        ("after", chosen),
    ):
        counted = with_thresholds(tags, thresholds)
        evaluation = score_rows(rows, counted, taxonomy.ids)
        precision, n = evidence_precision(counted, rows)
        lines.append(
            f"{name:7} sentence macro-F1 {evaluation.macro_f1('sentence'):.3f}, "
            f"document macro-F1 {evaluation.macro_f1('document'):.3f}, "
            f"evidence precision {precision:.3f} over {n} counted tags"
        )
    if write:
        version = next_version(taxonomy.version)
        write_thresholds(taxonomy_path, chosen, version)
        lines.append(f"wrote the thresholds to {taxonomy_path} (version {version})")
    return "\n".join(lines)
