"""Reviewers check and correct the tags: the review store, the merged view, the queue.

The widgets live in ``pipeline.review.ui`` (needs the ``notebooks`` extra); nothing here
imports them.
"""

from pipeline.review.decisions import current_effects, orphaned_decisions
from pipeline.review.merge import merged_document_themes, merged_tags, reviewed_examples
from pipeline.review.store import Decision, DecisionKind, ReviewStore, store_path

__all__ = [
    "Decision",
    "DecisionKind",
    "ReviewStore",
    "current_effects",
    "merged_document_themes",
    "merged_tags",
    "orphaned_decisions",
    "reviewed_examples",
    "store_path",
]
