"""Score extracted metadata against gold: per field, a value equal to the gold (null = null)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.records import METADATA_FIELDS, DocumentMetadata


@dataclass
class MetadataScores:
    """Correct values per field, and the mismatches as (file, field, predicted, gold)."""

    documents: int = 0
    correct: dict[str, int] = field(default_factory=lambda: dict.fromkeys(METADATA_FIELDS, 0))
    all_correct: int = 0  # documents with every field right
    errors: list[tuple[str, str, object, object]] = field(default_factory=list)

    def accuracy(self, name: str) -> float:
        return self.correct[name] / self.documents if self.documents else 0.0

    def table(self) -> str:
        """A Markdown table: one row per field, then every field at once."""
        lines = ["| field | correct | accuracy |", "|---|---|---|"]
        for name in METADATA_FIELDS:
            lines.append(
                f"| {name} | {self.correct[name]}/{self.documents} | {self.accuracy(name):.2f} |"
            )
        share = self.all_correct / self.documents if self.documents else 0.0
        lines.append(f"| all fields | {self.all_correct}/{self.documents} | {share:.2f} |")
        return "\n".join(lines)


def load_metadata_gold(path: Path) -> dict[str, dict[str, object]]:
    """File name -> gold metadata value per field (missing keys are null)."""
    gold = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            raw = json.loads(line)
            gold[raw["file"]] = {name: raw.get(name) for name in METADATA_FIELDS}
    return gold


def score_metadata(
    predicted: Mapping[str, DocumentMetadata], gold: Mapping[str, Mapping[str, object]]
) -> MetadataScores:
    """Compare each gold document's fields with the prediction (a missing one is all null)."""
    scores = MetadataScores()
    for file_name, expected in sorted(gold.items()):
        metadata = predicted.get(file_name, DocumentMetadata())
        scores.documents += 1
        right = 0
        for name in METADATA_FIELDS:
            value = getattr(metadata, name).value
            if value == expected.get(name):
                scores.correct[name] += 1
                right += 1
            else:
                scores.errors.append((file_name, name, value, expected.get(name)))
        scores.all_correct += right == len(METADATA_FIELDS)
    return scores
