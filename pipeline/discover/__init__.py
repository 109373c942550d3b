"""Theme discovery: findings sentences no theme explains, clustered into suggested new themes.

BERTopic's design on a small scale: the encoder and the clusterer are objects passed in
(or precomputed embeddings), keywords come from class-based TF-IDF, and each cluster is
shown by the sentences nearest its centroid. The output is a list of suggestions for a
domain expert to read, name and, where they are real, add to ``models/taxonomy.yaml``.
"""

from pipeline.discover.ctfidf import class_tfidf, top_keywords
from pipeline.discover.model import (
    Candidate,
    Representative,
    SuggestedTheme,
    ThemeDiscovery,
    select_candidates,
)
from pipeline.discover.report import suggestions_dict, suggestions_markdown
from pipeline.discover.run import discover_themes, write_suggestions

__all__ = [
    "Candidate",
    "Representative",
    "SuggestedTheme",
    "ThemeDiscovery",
    "class_tfidf",
    "discover_themes",
    "select_candidates",
    "suggestions_dict",
    "suggestions_markdown",
    "top_keywords",
    "write_suggestions",
]
