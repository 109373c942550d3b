"""Discovery over a dataset, and its two output files."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pipeline.discover.model import (
    FINDINGS,
    SuggestedTheme,
    ThemeDiscovery,
    select_candidates,
)
from pipeline.discover.report import suggestions_dict, suggestions_markdown
from pipeline.records import DocumentResult, Section
from pipeline.store import atomic_write_bytes, make_private_folder
from pipeline.summary import CANDIDATE_FLOOR


def discover_themes(
    results: Sequence[DocumentResult],
    discovery: ThemeDiscovery,
    sections: Sequence[Section] = FINDINGS,
    floor: float = CANDIDATE_FLOOR,
) -> tuple[list[SuggestedTheme], dict[str, Any]]:
    """Suggested themes from the unexplained sentences of a dataset, and how they were made."""
    candidates = select_candidates(results, sections, floor)
    discovery.fit(candidates)
    settings = {
        "seed": discovery.random_state,
        "sections": [str(section) for section in sections],
        "floor": floor,
        "min_cluster_size": discovery.min_cluster_size,
        "encoder": getattr(discovery.encoder, "name", None),
        "n_documents": len(results),
        "n_candidates": len(candidates),
        "n_outliers": int((discovery.labels_ == -1).sum()),
        "silhouettes": {str(k): v for k, v in discovery.silhouettes_.items()},
    }
    return discovery.suggestions_, settings


def write_suggestions(
    path: Path, suggestions: Sequence[SuggestedTheme], settings: dict[str, Any]
) -> tuple[Path, Path]:
    """PATH.md for a domain expert and PATH.json beside it; returns both paths."""
    markdown, data = Path(path).with_suffix(".md"), Path(path).with_suffix(".json")
    if not markdown.parent.exists():  # an existing folder keeps its permissions
        make_private_folder(markdown.parent)
    text = json.dumps(suggestions_dict(suggestions, settings), ensure_ascii=False, indent=2)
    atomic_write_bytes(data, (text + "\n").encode())
    atomic_write_bytes(markdown, suggestions_markdown(suggestions, settings).encode())
    return markdown, data
