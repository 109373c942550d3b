"""Rules + embeddings -> sentence-level tags, each with an assertion."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from pipeline.records import Assertion, Section, Sentence, Tag
from pipeline.tag.assertion import detect_assertion, detect_subject
from pipeline.tag.rules import RuleHit, RuleTagger, hit_matrix
from pipeline.tag.screen import RuleScreen
from pipeline.taxonomy import Taxonomy

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from pipeline.tag.embeddings import EmbeddingClassifier


METHODS = ("combined", "rules", "embeddings")


@dataclass(frozen=True)
class CombineSettings:
    """How sentence scores are made; "rules" and "embeddings" exist to compare methods."""

    method: str = "combined"
    candidate_floor: float = 0.2  # below this score a theme is not a candidate at all

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {', '.join(METHODS)}, got {self.method!r}")


class ThemeTagger:
    """Tags sentences with themes from the rule tagger and the embedding classifier."""

    def __init__(
        self,
        taxonomy: Taxonomy,
        nlp: Language,
        classifier: EmbeddingClassifier | None,
        settings: CombineSettings | None = None,
    ) -> None:
        self.taxonomy = taxonomy
        self.nlp = nlp
        self.rules = RuleTagger(taxonomy, nlp)
        self.rule_screen = RuleScreen(taxonomy, nlp)
        self.classifier = classifier
        self.settings = settings or CombineSettings()
        if classifier is None and self.settings.method != "rules":
            raise ValueError(f"method {self.settings.method!r} needs a trained classifier")
        if classifier is not None and classifier.head.theme_ids != taxonomy.ids:
            raise ValueError(
                "the theme head was trained on other themes than the taxonomy has: "
                "run `scr-themes train`"
            )

    @property
    def model_version(self) -> str:
        return self.classifier.head.version if self.classifier else "none"

    def tag_sentences(self, sentences: list[Sentence]) -> list[Tag]:
        """Every candidate theme of every sentence, counted or marked for review.

        ``sentences`` in reading order: each is classified with its predecessor in the
        same document as context. Only the sentences that can be candidates are parsed:
        those a rule could match, and those the classifier alone already makes candidates.
        """
        all_probabilities = self._probabilities(sentences)
        parsed, possible = self._to_parse(sentences, all_probabilities)
        docs = list(self.nlp.pipe([sentences[row].text for row in parsed]))
        hits = [
            self.rules.find_hits(doc) if possible[row] else []
            for row, doc in zip(parsed, docs, strict=True)
        ]
        rule_hits = hit_matrix(hits, self.taxonomy.ids)
        probabilities = all_probabilities[parsed]
        scores = self._scores(probabilities, rule_hits)
        tags: list[Tag] = []
        for row, sentence in enumerate(sentences[i] for i in parsed):
            for column, theme in enumerate(self.taxonomy.themes):
                if scores[row, column] < self.settings.candidate_floor:
                    continue
                theme_hits = [hit for hit in hits[row] if hit.theme_id == theme.id]
                score = float(scores[row, column])
                methods = [self.rules.name] if theme_hits else []
                if self.classifier is not None and (
                    probabilities[row, column] >= 0.5 or not theme_hits
                ):
                    methods.append(self.classifier.name)
                tags.append(
                    Tag(
                        sentence_id=sentence.id,
                        document_id=sentence.document_id,
                        theme_id=theme.id,
                        score=round(score, 4),
                        method="+".join(methods),
                        assertion=(
                            assertion := _assert_theme(
                                docs[row], sentence.section, theme_hits, theme.kind
                            )
                        ),
                        needs_review=score < theme.threshold,
                        matched="; ".join(hit.matched for hit in theme_hits) or None,
                        subject=detect_subject(
                            docs[row],
                            [(hit.start, hit.end) for hit in theme_hits],
                            theme.id,
                            theme.kind,
                            assertion,
                        ),
                    )
                )
        return tags

    def _to_parse(
        self, sentences: list[Sentence], probabilities: np.ndarray
    ) -> tuple[list[int], np.ndarray]:
        """Rows that can hold a candidate, and for every row whether a rule could match.

        A candidate row is one a rule could match, or one the classifier alone makes a
        candidate. Any other row has no rule hit, so its scores are those without one,
        all below the candidate floor: it would get no tag whatever its parse.
        """
        possible = self.rule_screen.hits([s.text for s in sentences])
        no_hits = np.zeros(probabilities.shape, dtype=bool)
        alone = self._scores(probabilities, no_hits) >= self.settings.candidate_floor
        rows = [int(row) for row in np.flatnonzero(possible | alone.any(axis=1))]
        return rows, possible

    def _probabilities(self, sentences: list[Sentence]) -> np.ndarray:
        if self.classifier is None:
            return np.zeros((len(sentences), len(self.taxonomy.ids)))
        previous = [
            row - 1 if row and sentences[row - 1].document_id == s.document_id else None
            for row, s in enumerate(sentences)
        ]
        return self.classifier.predict_proba([s.text for s in sentences], previous)

    def _scores(self, probabilities: np.ndarray, rule_hits: np.ndarray) -> np.ndarray:
        if self.settings.method == "rules":
            return rule_hits.astype(np.float64)
        if self.settings.method == "embeddings":
            return probabilities
        assert self.classifier is not None
        return self.classifier.head.combine(probabilities, rule_hits)


def _assert_theme(doc: Doc, section: Section, hits: list[RuleHit], kind: str) -> Assertion:
    """Judge every cue: one mention asserted present is enough ("witnessed violence as a
    child and was violent to the mother"); with no cue, judge the whole sentence."""
    if not hits:
        return detect_assertion(doc, section, None, theme_kind=kind)
    assertions = [detect_assertion(doc, section, (h.start, h.end), theme_kind=kind) for h in hits]
    return Assertion.PRESENT if Assertion.PRESENT in assertions else assertions[0]
