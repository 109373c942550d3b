"""Document metadata read by rules from a review's title page and sentences.

Every value comes with the verbatim text and page it was read from; a field with no
evidence is null (all three parts), never a guess.
"""

from __future__ import annotations

from pipeline.metadata.child import (
    AGE_BANDS,
    find_age_band,
    find_outcome,
    find_subjects,
    find_unborn,
)
from pipeline.metadata.report import (
    REVIEW_TYPES,
    find_area,
    find_nation,
    find_review_type,
    find_year,
)
from pipeline.metadata.text import text_units
from pipeline.records import DocumentMetadata, Page, Sentence

__all__ = ["AGE_BANDS", "REVIEW_TYPES", "extract_metadata"]


def extract_metadata(pages: list[Page], sentences: list[Sentence]) -> DocumentMetadata:
    """Review type, nation, area, year, age band, outcome and number of children."""
    units = text_units(pages, sentences)
    review_type = find_review_type(units)
    subjects = find_subjects(units)
    outcome = find_outcome(units, subjects)
    return DocumentMetadata(
        review_type=review_type,
        nation=find_nation(units, review_type),
        area=find_area(units),
        year=find_year(units),
        age_band=find_unborn(units, outcome) or find_age_band(units, subjects),
        outcome=outcome,
        children=subjects.count,
    )
