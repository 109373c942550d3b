"""Sentence tags -> document themes: a theme is present only on counted, present evidence."""

from __future__ import annotations

from pipeline.records import Assertion, DocumentTheme, Sentence, Tag
from pipeline.taxonomy import Taxonomy


def is_evidence(tag: Tag) -> bool:
    """A tag that counts: asserted present in the case and scored above its threshold."""
    return tag.assertion is Assertion.PRESENT and not tag.needs_review


def aggregate_themes(
    document_id: str, sentences: list[Sentence], tags: list[Tag], taxonomy: Taxonomy
) -> list[DocumentTheme]:
    """One row per taxonomy theme; the best evidence is the highest score, then the earliest."""
    position = {s.id: (s.page, s.start) for s in sentences}
    by_id = {s.id: s for s in sentences}
    themes = []
    for theme_id in taxonomy.ids:
        present_tags = [
            t for t in tags if t.theme_id == theme_id and t.assertion is Assertion.PRESENT
        ]
        evidence = [t for t in present_tags if is_evidence(t)]
        ranked = sorted(evidence or present_tags, key=lambda t: (-t.score, position[t.sentence_id]))
        best = by_id[ranked[0].sentence_id] if ranked else None
        themes.append(
            DocumentTheme(
                document_id=document_id,
                theme_id=theme_id,
                present=bool(evidence),
                score=ranked[0].score if ranked else 0.0,
                n_evidence=len(evidence),
                evidence_sentence_id=best.id if best else None,
                page=best.page if best else None,
                evidence_text=best.text if best else None,
            )
        )
    return themes
