"""Rules + embeddings -> sentence-level tags, each with an assertion."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.records import Assertion, Section, Sentence, Tag
from pipeline.tag.assertion import detect_assertion
from pipeline.tag.rules import RuleHit, RuleTagger
from pipeline.taxonomy import Taxonomy

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from pipeline.tag.embeddings import EmbeddingClassifier


@dataclass(frozen=True)
class CombineSettings:
    # A rule hit alone scores 0.45: below the usual threshold, so a pattern by itself only
    # flags a sentence for review; the classifier has to agree before it counts.
    rule_weight: float = 0.45
    candidate_floor: float = 0.3  # below this, a theme is not a candidate at all


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
        self.classifier = classifier
        self.settings = settings or CombineSettings()
        if classifier is not None and classifier.head.theme_ids != taxonomy.ids:
            raise ValueError(
                "the theme head was trained on other themes than the taxonomy has: "
                "run `scr-themes train`"
            )

    @property
    def model_version(self) -> str:
        return self.classifier.head.version if self.classifier else "none"

    def tag_sentences(self, sentences: list[Sentence]) -> list[Tag]:
        """Every candidate theme of every sentence, counted or marked for review."""
        texts = [sentence.text for sentence in sentences]
        probabilities = self.classifier.predict_proba(texts) if self.classifier else None
        tags: list[Tag] = []
        for row, (sentence, doc) in enumerate(zip(sentences, self.nlp.pipe(texts), strict=True)):
            hits = self.rules.find_hits(doc)
            for column, theme in enumerate(self.taxonomy.themes):
                probability = (
                    float(probabilities[row, column]) if probabilities is not None else 0.0
                )
                theme_hits = [hit for hit in hits if hit.theme_id == theme.id]
                tag = self._tag(
                    sentence, doc, theme.id, theme.kind, theme.threshold, probability, theme_hits
                )
                if tag is not None:
                    tags.append(tag)
        return tags

    def _tag(
        self,
        sentence: Sentence,
        doc,
        theme_id: str,
        kind: str,
        threshold: float,
        probability: float,
        hits: list[RuleHit],
    ) -> Tag | None:
        rule_score = self.settings.rule_weight if hits else 0.0
        score = 1.0 - (1.0 - probability) * (1.0 - rule_score)
        if score < self.settings.candidate_floor:
            return None
        methods = [self.rules.name] if hits else []
        if self.classifier is not None and probability >= self.settings.candidate_floor:
            methods.append(self.classifier.name)
        assertion = _assert_theme(doc, sentence.section, hits, kind)
        return Tag(
            sentence_id=sentence.id,
            document_id=sentence.document_id,
            theme_id=theme_id,
            score=round(score, 4),
            method="+".join(methods),
            assertion=assertion,
            needs_review=score < threshold,
            matched="; ".join(hit.matched for hit in hits) or None,
        )


def _assert_theme(doc: Doc, section: Section, hits: list[RuleHit], kind: str) -> Assertion:
    """Judge every cue: one mention asserted present is enough ("witnessed violence as a
    child and was violent to the mother"); with no cue, judge the whole sentence."""
    if not hits:
        return detect_assertion(doc, section, None, theme_kind=kind)
    assertions = [detect_assertion(doc, section, (h.start, h.end), theme_kind=kind) for h in hits]
    return Assertion.PRESENT if Assertion.PRESENT in assertions else assertions[0]
