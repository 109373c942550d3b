"""spaCy's attribute ruler and rule lemmatizer as one cached pass: same output, less work.

In ``en_core_web_sm`` the attribute ruler maps each fine tag (with some word and
dependency exceptions) to its coarse part of speech and morphology through a ``Matcher``
of 179 patterns, and the lemmatizer then looks up each word; together they cost about
a third of the parse time. Almost every pattern looks at one token only, so its outcome
depends on nothing but that token's tag, lowercase form, dependency label and whether it
is a space; the lemma depends only on the word, part of speech and morphology. Both
answers are therefore cached per key and applied in one loop over the tokens. The few
patterns that span two tokens still go through a ``Matcher``. ``tests/test_morphology.py``
checks that the parse is identical to the original components on every gold sentence.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens._retokenize import set_token_attrs

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

NAME = "scr_morphology"
REPLACED = ("attribute_ruler", "lemmatizer")
_KEYS = {"TAG": "tag_", "LOWER": "lower_", "DEP": "dep_", "IS_SPACE": "is_space"}

_TokenKey = tuple[int, int, int, bool]  # tag, lower, dep (string ids), is_space


class UnsupportedPattern(ValueError):
    """A single-token pattern uses an attribute or operator this cache does not read."""


class CachedMorphology:
    """The attribute ruler's rules and the lemmatizer's lemmas, cached per token key."""

    def __init__(self, ruler: Any, lemmatizer: Any) -> None:
        self.lemmatizer = lemmatizer
        self.vocab = ruler.vocab
        self.single_: list[tuple[int, dict[str, Any], dict[int, Any]]] = []
        self.multi_ = Matcher(ruler.vocab)
        lowers: set[str] | None = set()
        self.regexes_: list[re.Pattern[str]] = []
        for rule, (attrs, index) in enumerate(zip(ruler.attrs, ruler.indices, strict=True)):
            for pattern in ruler.matcher.get(str(rule))[1]:
                if len(pattern) == 1 and index in (0, -1):
                    self.single_.append((rule, _checks(pattern[0]), attrs))
                    condition = pattern[0].get("LOWER")
                    if isinstance(condition, dict) and set(condition) == {"REGEX"}:
                        self.regexes_.append(re.compile(condition["REGEX"]))
                        continue
                    named = _named_values(condition)
                    lowers = None if lowers is None or named is None else lowers | named
                else:
                    self.multi_.add(str(rule), [pattern])
        # A word no single-token rule names shares its cache entry with every such word.
        self.lowers_ = lowers
        self.lower_keys_: dict[int, int] = {}
        self.multi_index_ = dict(enumerate(ruler.indices))
        self.multi_attrs_ = dict(enumerate(ruler.attrs))
        self.attrs_: dict[_TokenKey, list[tuple[int, dict[int, Any]]]] = {}
        self.lemmas_: dict[tuple[int, int, int], int] = {}

    def __call__(self, doc: Doc) -> Doc:
        extra = self._multi_token_rules(doc) if len(self.multi_) else {}
        overwrite, lower_keys = self.lemmatizer.overwrite, self.lower_keys_
        for token in doc:
            lower = lower_keys.get(token.lower)
            if lower is None:
                lower = lower_keys[token.lower] = self._lower_key(token)
            key = (token.tag, lower, token.dep, token.is_space)
            rules = self.attrs_.get(key)
            if rules is None:
                rules = self.attrs_[key] = self._matching_rules(token)
            if token.i in extra:
                rules = sorted(rules + extra[token.i], key=lambda rule: rule[0])
            for _, attrs in rules:
                set_token_attrs(token, attrs)
            if overwrite or token.lemma == 0:
                token.lemma = self._lemma(token)
        return doc

    def pipe(self, docs: Any, batch_size: int = 128) -> Any:
        for doc in docs:
            yield self(doc)

    def _lower_key(self, token: Token) -> int:
        """The token's lowercase form if some single-token rule can match it, else 0."""
        text = token.lower_
        if self.lowers_ is None or text in self.lowers_:
            return token.lower
        return token.lower if any(regex.search(text) for regex in self.regexes_) else 0

    def _matching_rules(self, token: Token) -> list[tuple[int, dict[int, Any]]]:
        values = {name: getattr(token, attr) for name, attr in _KEYS.items()}
        return [
            (rule, attrs)
            for rule, checks, attrs in self.single_
            if all(check(values[name]) for name, check in checks.items())
        ]

    def _multi_token_rules(self, doc: Doc) -> dict[int, list[tuple[int, dict[int, Any]]]]:
        found: dict[int, list[tuple[int, dict[int, Any]]]] = {}
        for match_id, start, end in self.multi_(doc, allow_missing=True):
            rule = int(self.vocab.strings[match_id])
            index = self.multi_index_[rule]
            position = (start if index >= 0 else end) + index
            if not start <= position < end:
                raise ValueError(f"attribute rule {rule} points outside its match")
            found.setdefault(position, []).append((rule, self.multi_attrs_[rule]))
        return found

    def _lemma(self, token: Token) -> int:
        key = (token.orth, token.pos, token.morph.key)  # type: ignore[attr-defined]
        lemma = self.lemmas_.get(key)
        if lemma is None:
            text = self.lemmatizer.lemmatize(token)[0]
            lemma = self.lemmas_[key] = self.vocab.strings.add(text)
        return lemma


@Language.factory(NAME)
def make_cached_morphology(nlp: Language, name: str) -> CachedMorphology:
    """The component, built from the pipeline's own attribute ruler and lemmatizer."""
    return CachedMorphology(nlp.get_pipe("attribute_ruler"), nlp.get_pipe("lemmatizer"))


def use_cached_morphology(nlp: Language) -> Language:
    """Put the cached pass in place of the attribute ruler and lemmatizer (kept, disabled:
    the rule screen reads their tables). Leaves ``nlp`` as it was if a pattern is of a
    kind the cache does not read."""
    if not all(name in nlp.pipe_names for name in REPLACED):
        return nlp
    try:
        nlp.add_pipe(NAME, after="lemmatizer")
    except UnsupportedPattern:
        return nlp
    for name in REPLACED:
        nlp.disable_pipe(name)
    return nlp


def _checks(pattern: dict[str, Any]) -> dict[str, Any]:
    """One predicate per attribute of a single-token pattern."""
    checks = {}
    for attribute, condition in pattern.items():
        if attribute not in _KEYS:
            raise UnsupportedPattern(f"attribute {attribute!r}")
        checks[attribute] = _predicate(condition)
    return checks


def _named_values(condition: Any) -> set[str] | None:
    """The words a LOWER condition can match: none if absent, None if open-ended."""
    if condition is None:
        return set()
    if isinstance(condition, str):
        return {condition}
    if isinstance(condition, dict) and set(condition) == {"IN"}:
        return set(condition["IN"])
    return None


def _predicate(condition: Any) -> Any:
    if not isinstance(condition, dict):
        return lambda value: value == condition
    if len(condition) != 1:
        raise UnsupportedPattern(f"condition {condition!r}")
    ((operator, operand),) = condition.items()
    if operator == "IN":
        members = set(operand)
        return lambda value: value in members
    if operator == "NOT_IN":
        excluded = set(operand)
        return lambda value: value not in excluded
    if operator == "REGEX":
        regex = re.compile(operand)
        return lambda value: regex.search(value) is not None
    raise UnsupportedPattern(f"operator {operator!r}")
