"""Rule tagger: the taxonomy's phrase and token patterns run through spaCy matchers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from spacy.matcher import Matcher, PhraseMatcher

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from pipeline.taxonomy import Taxonomy, Theme


@dataclass(frozen=True, slots=True)
class RuleHit:
    """One pattern match: a theme and the token span that triggered it."""

    theme_id: str
    start: int  # token index in the Doc
    end: int  # token index (exclusive)
    matched: str  # the matched words, verbatim


# Token attributes the tokenizer alone sets: a pattern of only these matches a Doc from
# ``nlp.make_doc`` as it matches the parsed Doc.
LEXICAL_KEYS = frozenset({"LOWER", "ORTH", "TEXT", "LIKE_NUM", "LENGTH", "OP"})
# A wildcard ({OP: "?"}) matches any word but these: "he did not drink" is no "he ... drink".
NEGATORS = ("not", "n't", "never", "no", "nor", "neither")


def is_lexical(pattern: list[dict[str, Any]]) -> bool:
    """Does the token pattern need only the tokenizer (no tags, lemmas or parse)?"""
    return all(set(token) <= LEXICAL_KEYS for token in pattern)


class RuleTagger:
    """spaCy PhraseMatcher + Matcher built from the taxonomy's patterns."""

    name = "rules.v1"

    def __init__(self, taxonomy: Taxonomy, nlp: Language) -> None:
        self.taxonomy = taxonomy
        self.nlp = nlp
        self.phrase_matcher_ = PhraseMatcher(nlp.vocab, attr="LOWER")
        # Token matchers per theme, and per whether the tokenizer suffices, so a sentence
        # runs only the patterns that could match it (``RuleScreen``): every pattern costs
        # time at every token.
        self.token_matchers_: dict[tuple[str, bool], Matcher] = {}
        for theme in taxonomy.themes:
            self._add_theme(theme)

    def _add_theme(self, theme: Theme) -> None:
        phrases = [pattern for pattern in theme.patterns if isinstance(pattern, str)]
        if phrases:
            # Only the tokenizer is needed for LOWER matching; make_doc skips the pipeline.
            self.phrase_matcher_.add(theme.id, [self.nlp.make_doc(text) for text in phrases])
        for number, pattern in enumerate(theme.patterns, start=1):
            if isinstance(pattern, str):
                continue
            pattern = [_without_negators(token) for token in pattern]
            key = (theme.id, is_lexical(pattern))
            if key not in self.token_matchers_:
                # validate=True makes spaCy check each token pattern when it is added, so a
                # typo in the taxonomy fails at load time rather than silently never matching.
                self.token_matchers_[key] = Matcher(self.nlp.vocab, validate=True)
            try:
                self.token_matchers_[key].add(theme.id, [pattern])
            except ValueError as exc:  # spaCy's MatchPatternError is a ValueError
                detail = " ".join(str(exc).split())
                raise ValueError(
                    f"theme '{theme.id}': pattern {number} is not a valid spaCy pattern: {detail}"
                ) from exc

    def find_hits(
        self, doc: Doc, themes: Collection[str] | None = None, lexical_only: bool = False
    ) -> list[RuleHit]:
        """Theme hits in ``doc``; overlapping hits of one theme collapse to the longest.

        ``themes`` limits the token patterns run to those themes' (phrases always run):
        the ones ``RuleScreen`` says could match give the hits of running them all.
        ``lexical_only`` runs only patterns that need no more than the tokenizer, for a
        Doc from ``nlp.make_doc``.
        """
        spans: dict[str, set[tuple[int, int]]] = defaultdict(set)
        matchers: list[Any] = [self.phrase_matcher_]
        matchers += [
            matcher
            for (theme_id, lexical), matcher in self.token_matchers_.items()
            if (themes is None or theme_id in themes) and (lexical or not lexical_only)
        ]
        for matcher in matchers:
            for match_id, start, end in matcher(doc):
                if end > start:
                    spans[doc.vocab.strings[match_id]].add((start, end))
        hits = [
            RuleHit(theme_id, start, end, doc[start:end].text)
            for theme_id, found in spans.items()
            for start, end in _longest_non_overlapping(found)
        ]
        return sorted(hits, key=lambda hit: (hit.start, hit.end, hit.theme_id))


def _without_negators(token: dict[str, Any]) -> dict[str, Any]:
    """A bare optional wildcard that skips negators; any other token pattern as it is."""
    if token == {"OP": "?"}:
        return {"OP": "?", "LOWER": {"NOT_IN": list(NEGATORS)}}
    return token


def _longest_non_overlapping(spans: set[tuple[int, int]]) -> list[tuple[int, int]]:
    """Greedy pick: longest first, earliest on ties; drop any span that overlaps a kept one."""
    kept: list[tuple[int, int]] = []
    for start, end in sorted(spans, key=lambda span: (span[0] - span[1], span[0])):
        if all(end <= k_start or start >= k_end for k_start, k_end in kept):
            kept.append((start, end))
    return kept


def hit_matrix(hits: list[list[RuleHit]], theme_ids: tuple[str, ...]) -> np.ndarray:
    """(sentences, themes) booleans: did any pattern of the theme match the sentence."""
    matrix = np.zeros((len(hits), len(theme_ids)), dtype=bool)
    column = {theme_id: i for i, theme_id in enumerate(theme_ids)}
    for row, sentence_hits in enumerate(hits):
        for hit in sentence_hits:
            matrix[row, column[hit.theme_id]] = True
    return matrix
