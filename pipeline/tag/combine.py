"""Rules + embeddings -> sentence-level tags, each with an assertion."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from pipeline.records import Assertion, Section, Sentence, Tag
from pipeline.tag.assertion import detect_assertion, detect_subject
from pipeline.tag.embeddings import model_version
from pipeline.tag.rules import RuleHit, RuleTagger, hit_matrix
from pipeline.tag.screen import Possible, RuleScreen
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
    # a tag the assertion rules call present, but the head's evidence check puts below
    # this, is left for review (0 turns the check off)
    evidence_floor: float = 0.5

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
        if self.classifier is None:
            return "none"
        return model_version(self.classifier.head, self.classifier.encoder.name)

    def tag_sentences(self, sentences: list[Sentence]) -> list[Tag]:
        """Every candidate theme of every sentence, counted or marked for review.

        ``sentences`` in reading order: each is classified with its predecessor in the
        same document as context. Only the sentences that can be candidates are parsed:
        those a rule matches, and those the classifier alone already makes candidates.
        """
        all_probabilities, all_evidence = self._probabilities(sentences)
        tokenizer: Any = self.nlp.tokenizer  # a spaCy Tokenizer, which has .pipe
        tokens = list(tokenizer.pipe([s.text for s in sentences]))
        parsed, possible = self._to_parse(tokens, all_probabilities)
        docs = list(self.nlp.pipe([tokens[row] for row in parsed]))  # parses them in place
        hits = [
            self.rules.find_hits(doc, possible[row].themes) if possible[row].themes else []
            for row, doc in zip(parsed, docs, strict=True)
        ]
        rule_hits = hit_matrix(hits, self.taxonomy.ids)
        probabilities = all_probabilities[parsed]
        doubted = all_evidence[parsed] < self.settings.evidence_floor
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
                        needs_review=score < theme.threshold
                        or (assertion is Assertion.PRESENT and bool(doubted[row, column])),
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
        self, tokens: list[Doc], probabilities: np.ndarray
    ) -> tuple[list[int], list[Possible]]:
        """Rows that hold a candidate, and for every row the themes a rule could match.

        ``tokens`` are the sentences as the tokenizer alone splits them. A row holds a
        candidate if the classifier alone makes it one, or if its rule hits lift a score
        over the candidate floor. Where only tokenizer-level patterns could match, the
        hits are found on ``tokens`` without parsing; any other row the screen passes is
        parsed. Every row left out has no tag whatever its parse.
        """
        possible = self.rule_screen.screen_docs(tokens)
        no_hits = np.zeros(probabilities.shape, dtype=bool)
        floor = self.settings.candidate_floor
        alone = [bool(row.any()) for row in self._scores(probabilities, no_hits) >= floor]
        rows = [
            row
            for row, found in enumerate(possible)
            if alone[row]
            or (
                found.themes
                and (not found.lexical or self._lifted(tokens[row], found, probabilities[row]))
            )
        ]
        return rows, possible

    def _lifted(self, tokens: Doc, found: Possible, probabilities: np.ndarray) -> bool:
        """Do the rule hits found on the tokenizer's Doc make any theme a candidate?"""
        hits = self.rules.find_hits(tokens, found.themes, lexical_only=True)
        if not hits:
            return False
        scores = self._scores(probabilities[None, :], hit_matrix([hits], self.taxonomy.ids))
        return bool((scores >= self.settings.candidate_floor).any())

    def _probabilities(self, sentences: list[Sentence]) -> tuple[np.ndarray, np.ndarray]:
        """Topic and evidence probabilities, (sentences, themes) each."""
        shape = (len(sentences), len(self.taxonomy.ids))
        if self.classifier is None:
            return np.zeros(shape), np.ones(shape)
        previous = [
            row - 1 if row and sentences[row - 1].document_id == s.document_id else None
            for row, s in enumerate(sentences)
        ]
        return self.classifier.predict([s.text for s in sentences], previous)

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
