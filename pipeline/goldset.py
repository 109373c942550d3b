"""The sentence-level gold set: labelled fictional review sentences in train/dev/test splits."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.aggregate import is_evidence
from pipeline.evaluate import Counts, Evaluation
from pipeline.records import Section, Sentence, Subject, Tag

if TYPE_CHECKING:
    from pipeline.tag.combine import ThemeTagger

DEFAULT_DIR = Path(__file__).resolve().parents[1] / "corpus_samples" / "gold_sentences"
NO_TAG = "none"


@dataclass(frozen=True, slots=True)
class Label:
    theme: str
    assertion: str
    subject: str


@dataclass(frozen=True, slots=True)
class GoldRow:
    """One gold sentence, in its document's reading order."""

    doc: str
    index: int
    section: Section
    text: str
    labels: tuple[Label, ...]
    needs_context: bool

    @property
    def id(self) -> str:
        return f"{self.doc}:{self.index}"

    def present(self) -> set[str]:
        return {label.theme for label in self.labels if label.assertion == "present"}


def is_sentence_gold(path: Path) -> bool:
    """Whether a JSONL file holds gold sentences (rather than gold documents)."""
    with open(path) as handle:
        first = next((line for line in handle if line.strip()), "{}")
    return "labels" in json.loads(first)


def load_gold_rows(path: Path) -> list[GoldRow]:
    """Read one split (a JSONL file) of the gold set."""
    rows = []
    for line in Path(path).read_text().splitlines():
        if not line.strip():
            continue
        raw = json.loads(line)
        labels = tuple(Label(x["theme"], x["assertion"], x["subject"]) for x in raw["labels"])
        rows.append(
            GoldRow(
                doc=raw["doc"],
                index=raw["index"],
                section=Section(raw["section"]),
                text=raw["text"],
                labels=labels,
                needs_context=bool(raw.get("needs_context", False)),
            )
        )
    return sorted(rows, key=lambda row: (row.doc, row.index))


def as_sentences(rows: list[GoldRow]) -> list[Sentence]:
    """Gold rows as sentence records, so the tagger runs on them as on extracted text."""
    sentences = []
    offset: Counter[str] = Counter()
    for row in rows:
        start = offset[row.doc]
        offset[row.doc] += len(row.text) + 1
        sentences.append(
            Sentence(row.id, row.doc, 1, start, start + len(row.text), row.section, row.text)
        )
    return sentences


def tag_rows(tagger: ThemeTagger, rows: list[GoldRow]) -> list[Tag]:
    """Tag gold rows one document at a time, as the pipeline tags a document.

    int8 MiniLM scales its activations per batch, so a sentence's vector moves a little
    with the sentences encoded beside it (cosine down to 0.94 between a split encoded
    whole and one document at a time): a document's gold tags must not depend on which
    other documents share its split.
    """
    return [tag for doc in by_document(rows) for tag in tagger.tag_sentences(as_sentences(doc))]


def score_rows(rows: list[GoldRow], tags: list[Tag], theme_ids: tuple[str, ...]) -> Evaluation:
    """Sentence-level and document-level counts per theme over gold rows."""
    counted: dict[str, set[str]] = {}
    for tag in tags:
        if is_evidence(tag):
            counted.setdefault(tag.sentence_id, set()).add(tag.theme_id)
    return score_counted(rows, counted, theme_ids)


def score_by_document(
    rows: list[GoldRow], tags: list[Tag], theme_ids: tuple[str, ...]
) -> list[Evaluation]:
    """:func:`score_rows` for each document of ``rows`` alone (for resampling documents)."""
    return [score_rows(doc_rows, tags, theme_ids) for doc_rows in by_document(rows)]


def by_document(rows: list[GoldRow]) -> list[list[GoldRow]]:
    """``rows`` grouped by document, in order of first appearance."""
    groups: dict[str, list[GoldRow]] = {}
    for row in rows:
        groups.setdefault(row.doc, []).append(row)
    return list(groups.values())


def score_counted(
    rows: list[GoldRow], counted: dict[str, set[str]], theme_ids: tuple[str, ...]
) -> Evaluation:
    """Counts per theme of ``counted`` (sentence id -> themes counted present) against gold."""
    evaluation = Evaluation(themes=theme_ids)
    docs = sorted({row.doc for row in rows})
    for theme_id in theme_ids:
        sentence, document = Counts(), Counts()
        for row in rows:
            sentence.add(theme_id in row.present(), theme_id in counted.get(row.id, set()))
        for doc in docs:
            doc_rows = [row for row in rows if row.doc == doc]
            truth = any(theme_id in row.present() for row in doc_rows)
            predicted = any(theme_id in counted.get(row.id, set()) for row in doc_rows)
            document.add(truth, predicted)
        evaluation.sentence[theme_id], evaluation.document[theme_id] = sentence, document
    return evaluation


def assertion_confusion(rows: list[GoldRow], tags: list[Tag]) -> Counter[tuple[str, str]]:
    """(gold assertion, predicted assertion) for every gold label; 'none' when not tagged."""
    predicted = {(t.sentence_id, t.theme_id): str(t.assertion) for t in tags if not t.needs_review}
    return Counter(
        (label.assertion, predicted.get((row.id, label.theme), NO_TAG))
        for row in rows
        for label in row.labels
    )


ASSERTIONS = ("present", "negated", "hypothetical", "recommendation", "historical")


def format_confusion(confusion: Counter[tuple[str, str]]) -> str:
    """Gold assertion (rows) against the tagger's (columns) for every gold label."""
    columns = (*ASSERTIONS, NO_TAG)
    lines = [f"{'gold / tagged':16}" + "".join(f"{c[:8]:>9}" for c in columns)]
    for gold in ASSERTIONS:
        counts = "".join(f"{confusion[(gold, c)]:9d}" for c in columns)
        lines.append(f"{gold:16}{counts}")
    return "\n".join(lines)


SUBJECTS = tuple(str(s) for s in Subject)


def subject_confusion(rows: list[GoldRow], tags: list[Tag]) -> Counter[tuple[str, str, str]]:
    """(gold assertion, gold subject, tagged subject) for every gold label the tagger tagged.

    A label counts when the tagger gave its sentence a tag of its theme, counted or for
    review: the subject is judged only where there is a tag to carry it.
    """
    tagged = {(t.sentence_id, t.theme_id): str(t.subject) for t in tags}
    return Counter(
        (label.assertion, label.subject, tagged[(row.id, label.theme)])
        for row in rows
        for label in row.labels
        if (row.id, label.theme) in tagged
    )


def subject_accuracy(
    confusion: Counter[tuple[str, str, str]], assertion: str | None = None
) -> tuple[float, int]:
    """(share of tagged gold labels whose subject the tagger got right, number of labels)."""
    items = [(key, n) for key, n in confusion.items() if assertion in (None, key[0])]
    total = sum(n for _, n in items)
    right = sum(n for (_, gold, tagged), n in items if gold == tagged)
    return (right / total if total else 0.0), total


def format_subject_confusion(confusion: Counter[tuple[str, str, str]]) -> str:
    """Gold subject (rows) against the tagger's (columns), then accuracy, all and present."""
    pairs: Counter[tuple[str, str]] = Counter()
    for (_, gold, tagged), n in confusion.items():
        pairs[(gold, tagged)] += n
    lines = [f"{'gold / tagged':16}" + "".join(f"{c[:8]:>9}" for c in SUBJECTS)]
    for gold in SUBJECTS[:-1]:  # gold labels are never "unknown"
        lines.append(f"{gold:16}" + "".join(f"{pairs[(gold, c)]:9d}" for c in SUBJECTS))
    every, n_every = subject_accuracy(confusion)
    present, n_present = subject_accuracy(confusion, "present")
    lines.append(
        f"subject accuracy {every:.3f} over {n_every} tagged gold labels; "
        f"{present:.3f} over the {n_present} asserted present"
    )
    return "\n".join(lines)


def reliability(
    rows: list[GoldRow], tags: list[Tag], bins: int = 5
) -> list[tuple[str, int, float, float]]:
    """(score bin, tags, mean score, share whose sentence really mentions the theme).

    Scores estimate the probability that a sentence is about the theme; a calibrated tagger
    has a mean score close to the observed share in every bin.
    """
    mentioned = {(row.id, label.theme) for row in rows for label in row.labels}
    table = []
    for index in range(bins):
        low, high = index / bins, (index + 1) / bins
        inside = [t for t in tags if low <= t.score < high or (high == 1.0 and t.score == 1.0)]
        if not inside:
            continue
        share = sum((t.sentence_id, t.theme_id) in mentioned for t in inside) / len(inside)
        mean = sum(t.score for t in inside) / len(inside)
        table.append((f"{low:.1f}-{high:.1f}", len(inside), mean, share))
    return table


def format_reliability(table: list[tuple[str, int, float, float]]) -> str:
    lines = [f"{'score':10} {'tags':>6} {'mean score':>11} {'observed':>9}"]
    lines += [f"{name:10} {n:6d} {mean:11.3f} {share:9.3f}" for name, n, mean, share in table]
    return "\n".join(lines)


def error_report(rows: list[GoldRow], tags: list[Tag], theme_ids: tuple[str, ...]) -> str:
    """Markdown: per theme and kind of error, the false positives and negatives with scores.

    A false positive is on topic (gold mentions the theme, but not as present) or off topic;
    a false negative had no candidate, a candidate below its threshold, one the evidence
    check held back, or one the assertion rules judged other than present.
    """
    by_row = {row.id: row for row in rows}
    counted = {(t.sentence_id, t.theme_id): t for t in tags if is_evidence(t)}
    candidates = {(t.sentence_id, t.theme_id): t for t in tags}
    lines = ["# Errors against the gold sentences", ""]
    for theme_id in theme_ids:
        false_pos: dict[str, list[str]] = {}
        for (sentence_id, tagged), tag in counted.items():
            row = by_row[sentence_id]
            if tagged != theme_id or theme_id in row.present():
                continue
            mentioned = any(label.theme == theme_id for label in row.labels)
            gold = ", ".join(f"{x.theme}:{x.assertion}" for x in row.labels) or "no theme"
            false_pos.setdefault("on topic, not present" if mentioned else "off topic", []).append(
                f"- `{row.id}` {tag.score:.2f} {tag.method} [gold: {gold}] {row.text}"
            )
        false_neg: dict[str, list[str]] = {}
        for row in rows:
            if theme_id not in row.present() or (row.id, theme_id) in counted:
                continue
            candidate = candidates.get((row.id, theme_id))
            kind = _missed_kind(candidate)
            seen = f"{candidate.score:.2f} {candidate.assertion}" if candidate else "-"
            false_neg.setdefault(kind, []).append(f"- `{row.id}` [{seen}] {row.text}")
        if not false_pos and not false_neg:
            continue
        lines += [f"## {theme_id}", ""]
        for title, groups in (("False positives", false_pos), ("False negatives", false_neg)):
            total = sum(len(items) for items in groups.values())
            lines += [f"### {title} ({total})", ""]
            for kind, items in sorted(groups.items(), key=lambda pair: -len(pair[1])):
                lines += [f"{kind} ({len(items)}):", "", *items, ""]
    return "\n".join(lines)


def _missed_kind(candidate: Tag | None) -> str:
    if candidate is None:
        return "no candidate"
    if candidate.assertion != "present":
        return f"judged {candidate.assertion}"
    return "below threshold or held back by the evidence check"
