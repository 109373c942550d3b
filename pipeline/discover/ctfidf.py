"""Class-based TF-IDF (c-TF-IDF, as in BERTopic): the words that set one cluster apart.

All the sentences of a cluster are one document. A word's weight in cluster c is its
share of c's words times ``log(1 + A / f)``, where A is the mean number of words per
cluster and f the word's frequency across all clusters: frequent in this cluster, rare
in the others.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

TOKEN_PATTERN = r"(?u)\b[^\W\d_][\w'-]*[^\W\d_]\b"  # words of two letters or more, no numbers


def default_vectorizer() -> CountVectorizer:
    """Unigram counts with English stop words removed."""
    return CountVectorizer(stop_words="english", token_pattern=TOKEN_PATTERN, lowercase=True)


def class_tfidf(
    clusters: Sequence[Sequence[str]], vectorizer: CountVectorizer | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(clusters, words) c-TF-IDF weights and the vocabulary they index."""
    vectorizer = vectorizer or default_vectorizer()
    joined = [" ".join(texts) for texts in clusters]
    try:
        counts = vectorizer.fit_transform(joined).toarray().astype(np.float64)
    except ValueError:  # nothing but stop words: no vocabulary at all
        return np.zeros((len(clusters), 0)), np.array([], dtype=object)
    words_per_class = counts.sum(axis=1, keepdims=True)
    term_frequency = counts / np.where(words_per_class == 0, 1, words_per_class)
    frequency = counts.sum(axis=0)
    idf = np.log(1 + words_per_class.mean() / frequency)
    return term_frequency * idf, vectorizer.get_feature_names_out()


def top_keywords(
    weights: np.ndarray, vocabulary: np.ndarray, n: int = 8
) -> list[list[tuple[str, float]]]:
    """The n heaviest words of each cluster; ties broken alphabetically, zeros left out."""
    keywords = []
    for row in weights:
        order = sorted(range(len(vocabulary)), key=lambda j: (-row[j], vocabulary[j]))
        keywords.append(
            [(str(vocabulary[j]), round(float(row[j]), 4)) for j in order[:n] if row[j] > 0]
        )
    return keywords
