"""Which sentences can a rule match at all? Asked of the tokenizer alone, before parsing.

The taxonomy's rules need spaCy's tagger and lemmatizer (``LEMMA`` patterns) and the
assertion checks need the dependency parse, but only for sentences that a rule could
match or that the classifier already makes candidates. ``RuleScreen`` asks, from the
tokenizer alone, whether a text holds a word that some pattern requires (a ``LEMMA``
stands for every surface form the rule lemmatizer or the attribute ruler could map to
it): it says yes wherever ``RuleTagger`` matches, and more often. A sentence it rules
out has no rule hits, so it needs no parse. It also names the themes that could match,
so only their patterns run, and says when those patterns need only the tokenizer, so
their hits can be found before any parse.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from pipeline.tag.rules import is_lexical

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from pipeline.taxonomy import Taxonomy


class Possible(NamedTuple):
    """What the screen says of one text: the themes whose rules could match it, and
    whether every pattern that could match needs only the tokenizer."""

    themes: frozenset[str]
    lexical: bool


class _Entry(NamedTuple):
    theme_id: str
    needs: list[frozenset[str]]
    lexical: bool


class RuleScreen:
    """Could any of the taxonomy's patterns match a text? A superset of ``RuleTagger``.

    A pattern needs certain words: every word of a phrase; for each required token of a
    token pattern, one of its ``LOWER``/``ORTH`` values or a form of its ``LEMMA``. A
    text lacking them cannot match. Each pattern is indexed by its rarest requirement, so
    a text costs the tokenizer and a few set lookups.
    """

    name = "rule_screen.v1"

    def __init__(self, taxonomy: Taxonomy, nlp: Language) -> None:
        self.nlp = nlp
        forms = _Forms(nlp)
        stop_words = nlp.Defaults.stop_words
        self.always_: list[_Entry] = []  # patterns that require no word: always possible
        self.index_: dict[str, list[_Entry]] = {}
        for theme in taxonomy.themes:
            for pattern in theme.patterns:
                if isinstance(pattern, str):
                    needs = [frozenset([t.lower_]) for t in nlp.make_doc(pattern)]
                    lexical = True
                else:
                    needs = _required_words(pattern, forms)
                    lexical = is_lexical(pattern)
                entry = _Entry(theme.id, needs, lexical)
                if not needs:
                    self.always_.append(entry)
                    continue
                anchor = min(needs, key=lambda words: (len(words & stop_words), len(words)))
                for word in anchor:
                    self.index_.setdefault(word, []).append(entry)

    def hits(self, texts: list[str]) -> np.ndarray:
        """(texts,) booleans: could any theme's rule match this text."""
        return np.array([bool(found.themes) for found in self.screen(texts)], dtype=bool)

    def screen(self, texts: list[str]) -> list[Possible]:
        """For each text, the themes a rule could match, and whether the tokenizer suffices."""
        tokenizer: Any = self.nlp.tokenizer  # a spaCy Tokenizer, which has .pipe
        return self.screen_docs(list(tokenizer.pipe(texts)))

    def screen_docs(self, docs: list[Doc]) -> list[Possible]:
        """``screen`` of texts the tokenizer has already split."""
        return [self._possible({t.lower_ for t in doc}) for doc in docs]

    def _possible(self, words: set[str]) -> Possible:
        found = list(self.always_)
        for word in words.intersection(self.index_):
            found += [
                entry
                for entry in self.index_[word]
                if all(not need.isdisjoint(words) for need in entry.needs)
            ]
        themes = frozenset(entry.theme_id for entry in found)
        return Possible(themes, all(entry.lexical for entry in found))


def _required_words(pattern: list[dict[str, Any]], forms: _Forms) -> list[frozenset[str]]:
    """For each required token of ``pattern`` with fixed words, those words, lower-cased."""
    needs = []
    for token in pattern:
        if token.get("OP") in ("?", "*", "!"):
            continue
        words = _token_words(token, forms)
        if words is not None:
            needs.append(frozenset(words))
    return needs


def _token_words(token: dict[str, Any], forms: _Forms) -> set[str] | None:
    for key in ("LOWER", "ORTH", "LEMMA"):
        if key not in token:
            continue
        value = token[key]
        if isinstance(value, dict):
            if set(value) != {"IN"}:
                continue  # NOT_IN, REGEX, ...: not a fixed list of words
            values = value["IN"]
        else:
            values = [value]
        lowered = {str(v).lower() for v in values}
        if key == "LEMMA":
            return set().union(*(forms[v] for v in lowered))
        return lowered
    return None


@lru_cache(maxsize=1)
def _lemma_tables(nlp: Language) -> tuple[list[list[str]], dict[str, set[str]]]:
    lookups = nlp.get_pipe("lemmatizer").lookups  # type: ignore[attr-defined]
    rules = [rule for table in lookups.get_table("lemma_rules").values() for rule in table]
    by_lemma: dict[str, set[str]] = {}
    for table in lookups.get_table("lemma_exc").values():
        for form, lemmas in table.items():
            for lemma in lemmas:
                by_lemma.setdefault(lemma, set()).add(form)
    ruler = nlp.get_pipe("attribute_ruler")
    for entry in ruler.patterns:  # type: ignore[attr-defined]
        lemma = entry.get("attrs", {}).get("LEMMA")
        if lemma:
            for pattern in entry["patterns"]:
                for token in pattern:
                    for key in ("ORTH", "LOWER", "NORM"):
                        value = token.get(key)
                        values = value.get("IN", []) if isinstance(value, dict) else [value]
                        for text in values:
                            if isinstance(text, str):
                                by_lemma.setdefault(lemma, set()).add(text.lower())
    return rules, by_lemma


class _Forms(dict[str, set[str]]):
    """lemma -> every lower-cased form that the rule lemmatizer could map to it."""

    def __init__(self, nlp: Language) -> None:
        super().__init__()
        self._rules, self._exceptions = _lemma_tables(nlp)

    def __missing__(self, lemma: str) -> set[str]:
        forms = {lemma} | self._exceptions.get(lemma, set())
        for old, new in self._rules:
            if lemma.endswith(new):
                forms.add(lemma[: len(lemma) - len(new)] + old)
        self[lemma] = forms
        return forms
