"""Select the sentences no theme explains, cluster them, and describe each cluster."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score

from pipeline.discover.ctfidf import class_tfidf, top_keywords
from pipeline.records import DocumentResult, Section, Sentence
from pipeline.summary import CANDIDATE_FLOOR
from pipeline.tag.embeddings import Encoder

FINDINGS = (Section.ANALYSIS,)
MIN_WORDS = 6  # shorter "sentences" are headings or fragments cut by a column break


@dataclass(frozen=True, slots=True)
class Candidate:
    """A findings sentence that no theme explains, and the review it is from."""

    sentence: Sentence
    file_name: str


@dataclass(frozen=True, slots=True)
class Representative:
    """A sentence near its cluster's centroid, with where to find it."""

    text: str
    file_name: str
    document_id: str
    page: int
    sentence_id: str
    similarity: float  # cosine similarity to the centroid


@dataclass(frozen=True, slots=True)
class Source:
    """A review that gave sentences to a cluster."""

    file_name: str
    document_id: str
    n_sentences: int


@dataclass(frozen=True, slots=True)
class SuggestedTheme:
    """One cluster, described for a domain expert to name (or dismiss)."""

    suggestion_id: str
    size: int
    keywords: tuple[tuple[str, float], ...]
    representatives: tuple[Representative, ...]
    documents: tuple[Source, ...]
    sentence_ids: tuple[str, ...]


def select_candidates(
    results: Iterable[DocumentResult],
    sections: Sequence[Section] = FINDINGS,
    floor: float = CANDIDATE_FLOOR,
    min_words: int = MIN_WORDS,
) -> list[Candidate]:
    """Sentences of the given sections with no tag of any theme at or above ``floor``.

    Any tag counts, whatever its assertion or review flag: a sentence that negates,
    recommends or weakly suggests a known theme is already about that theme, and would
    only rediscover it.
    """
    candidates = []
    for result in results:
        explained = {tag.sentence_id for tag in result.tags if tag.score >= floor}
        candidates += [
            Candidate(sentence, result.document.file_name)
            for sentence in result.sentences
            if sentence.section in sections
            and sentence.id not in explained
            and len(sentence.text.split()) >= min_words
        ]
    return candidates


class ThemeDiscovery:
    """Clusters candidate sentences into suggested themes; deterministic for a fixed seed.

    ``encoder`` embeds the sentences unless ``fit`` is given embeddings; ``clusterer`` is
    any scikit-learn clusterer (cloned, never changed); without one, k-means with k chosen
    by the cosine silhouette over 2..``max_clusters`` unless ``n_clusters`` is given.
    Clusters smaller than ``min_cluster_size`` are left out as outliers (label -1).
    """

    def __init__(
        self,
        encoder: Encoder | None = None,
        clusterer: Any = None,
        n_clusters: int | None = None,
        max_clusters: int = 8,
        min_cluster_size: int = 3,
        n_keywords: int = 8,
        n_representatives: int = 3,
        random_state: int = 0,
        vectorizer: Any = None,
    ) -> None:
        self.encoder = encoder
        self.clusterer = clusterer
        self.n_clusters = n_clusters
        self.max_clusters = max_clusters
        self.min_cluster_size = min_cluster_size
        self.n_keywords = n_keywords
        self.n_representatives = n_representatives
        self.random_state = random_state
        self.vectorizer = vectorizer

    def fit(
        self, candidates: Sequence[Candidate], embeddings: np.ndarray | None = None
    ) -> ThemeDiscovery:
        """Embed (unless given embeddings), cluster and describe the candidates."""
        self.embeddings_ = self._embed([c.sentence.text for c in candidates], embeddings)
        self.silhouettes_: dict[int, float] = {}
        self.labels_ = self._drop_small(self._cluster(self.embeddings_))
        self.suggestions_ = self._suggest(candidates)
        return self

    def _embed(self, texts: list[str], embeddings: np.ndarray | None) -> np.ndarray:
        if embeddings is None:
            if self.encoder is None:
                raise ValueError("ThemeDiscovery needs an encoder or precomputed embeddings")
            embeddings = self.encoder.encode(texts) if texts else np.zeros((0, 1))
        vectors = np.asarray(embeddings, dtype=np.float64)
        if len(vectors) != len(texts):
            raise ValueError(f"{len(vectors)} embeddings for {len(texts)} sentences")
        norms = np.linalg.norm(vectors, axis=1, keepdims=True) if len(vectors) else 1.0
        return vectors / np.where(norms == 0, 1.0, norms)

    def _cluster(self, vectors: np.ndarray) -> np.ndarray:
        if len(vectors) < max(2, self.min_cluster_size):
            return np.full(len(vectors), -1)
        if self.clusterer is not None:
            return np.asarray(clone(self.clusterer).fit_predict(vectors))
        k = self.n_clusters or self._choose_k(vectors)
        k = min(k, _distinct(vectors))
        return self._kmeans(k).fit_predict(vectors)

    def _choose_k(self, vectors: np.ndarray) -> int:
        """The k with the best cosine silhouette; the smaller k on a tie."""
        most = min(self.max_clusters, len(vectors) // self.min_cluster_size, _distinct(vectors) - 1)
        for k in range(2, most + 1):
            labels = self._kmeans(k).fit_predict(vectors)
            if len(set(labels)) > 1:
                score = silhouette_score(vectors, labels, metric="cosine")
                self.silhouettes_[k] = round(float(score), 4)
        if not self.silhouettes_:
            return 1
        return max(self.silhouettes_, key=lambda k: (self.silhouettes_[k], -k))

    def _kmeans(self, k: int) -> KMeans:
        return KMeans(n_clusters=k, n_init=10, random_state=self.random_state)

    def _drop_small(self, labels: np.ndarray) -> np.ndarray:
        sizes = Counter(labels.tolist())
        return np.array([lab if sizes[lab] >= self.min_cluster_size else -1 for lab in labels])

    def _suggest(self, candidates: Sequence[Candidate]) -> list[SuggestedTheme]:
        members = {}
        for label in sorted(set(self.labels_.tolist()) - {-1}):
            members[label] = [i for i, lab in enumerate(self.labels_) if lab == label]
        clusters = sorted(members.values(), key=lambda rows: (-len(rows), rows[0]))
        texts = [[candidates[i].sentence.text for i in rows] for rows in clusters]
        weights, vocabulary = class_tfidf(texts, self.vectorizer)
        keywords = top_keywords(weights, vocabulary, self.n_keywords)
        return [
            SuggestedTheme(
                suggestion_id=f"suggestion_{number:02d}",
                size=len(rows),
                keywords=tuple(keywords[number - 1]),
                representatives=self._representatives(candidates, rows),
                documents=_sources(candidates, rows),
                sentence_ids=tuple(candidates[i].sentence.id for i in rows),
            )
            for number, rows in enumerate(clusters, start=1)
        ]

    def _representatives(
        self, candidates: Sequence[Candidate], rows: list[int]
    ) -> tuple[Representative, ...]:
        vectors = self.embeddings_[rows]
        centroid = vectors.mean(axis=0)
        similarity = vectors @ centroid / (np.linalg.norm(centroid) or 1.0)
        order = sorted(range(len(rows)), key=lambda j: (-round(float(similarity[j]), 6), rows[j]))
        chosen = []
        for j in order[: self.n_representatives]:
            sentence = candidates[rows[j]].sentence
            chosen.append(
                Representative(
                    text=sentence.text,
                    file_name=candidates[rows[j]].file_name,
                    document_id=sentence.document_id,
                    page=sentence.page,
                    sentence_id=sentence.id,
                    similarity=round(float(similarity[j]), 3),
                )
            )
        return tuple(chosen)


def _sources(candidates: Sequence[Candidate], rows: list[int]) -> tuple[Source, ...]:
    """The reviews a cluster's sentences came from, most sentences first."""
    counts = Counter((candidates[i].file_name, candidates[i].sentence.document_id) for i in rows)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return tuple(Source(name, doc_id, n) for (name, doc_id), n in ranked)


def _distinct(vectors: np.ndarray) -> int:
    return len(np.unique(vectors.round(6), axis=0))
