"""Assertion detection: does a sentence report a theme as present in the case?

A theme cue can sit in a sentence that negates it, recommends it, talks about it in
general or hypothetically, or places it in someone's distant past. Each family of cues is
a small function over the dependency parse; ``detect_assertion`` applies them in a fixed
order. Every check walks the cue's head chain or a token's children, so the whole
decision is linear in the sentence length.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import pairwise
from typing import TYPE_CHECKING

from pipeline.records import Assertion, Section

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

RISK_FACTOR = "risk_factor"
PRACTICE_WEAKNESS = "practice_weakness"

# --- scope --------------------------------------------------------------------------
# Walking up from the cue stops at these edges: a negation or modal in the clause above
# an adverbial or relative clause does not reach into it ("did not attend because she
# was drinking").
SCOPE_BARRIERS = frozenset({"advcl", "relcl", "parataxis"})
# "did not drink or use drugs" negates both verbs; "did not attend and was drinking" not.
DISTRIBUTIVE_CC = frozenset({"or", "nor"})

# --- negation -----------------------------------------------------------------------
DENIAL_VERBS = frozenset({"deny", "refute"})
NEGATIVE_PRONOUNS = frozenset({"nothing"})
# Predicates whose negation presupposes the thing exists: "the GP did not explore her
# drinking" still reports drinking; only the practice around it was missing.
PRESUPPOSING_PREDICATES = frozenset(
    {
        "access", "act", "address", "appreciate", "assess", "attend", "aware", "challenge",
        "comply", "consider", "discuss", "engage", "escalate", "explore", "follow", "identify",
        "inform", "notice", "notify", "pass", "question", "receive", "recognise", "recognize",
        "record", "refer", "respond", "seek", "share", "support", "tackle", "treat", "understand",
    }
)  # fmt: skip
# Nouns whose negation says nothing was known or reported: "no concerns were raised".
REPORT_NOUNS = frozenset(
    {
        "allegation", "concern", "disclosure", "evidence", "history", "indication", "mention",
        "record", "reference", "report", "sign", "suggestion", "suspicion", "worry",
    }
)  # fmt: skip
# People whose problems the risk factors are: "neither parent used drugs" negates the
# factor, whereas "no one asked about drugs" says nothing about whether there were any.
BEARER_NOUNS = frozenset({"carer", "father", "mother", "parent", "partner"})
# For practice weaknesses, negating one of these denies the weakness ("staffing was not a
# factor"); negating anything else (the practice itself) is the weakness.
PROBLEM_WORDS = frozenset(
    {
        "barrier", "challenge", "concern", "confusion", "deficit", "delay", "deficiency",
        "difficulty", "factor", "failing", "failure", "gap", "issue", "omission", "pressure",
        "problem", "shortage", "shortcoming", "shortfall", "weakness",
    }
)  # fmt: skip
IMPACT_VERBS = frozenset({"affect", "contribute", "hamper", "hinder", "impact", "influence"})
EVIDENCE_WORDS = frozenset(
    {"establish", "evidence", "find", "indicate", "indication", "reason", "show", "sign",
     "suggest", "suggestion"}
)  # fmt: skip
# A cue phrased as the failure itself ("information was withheld"): negated evidence of it
# denies the weakness, whereas "no evidence that information was shared" reports it.
FAILURE_WORDS = PROBLEM_WORDS | frozenset(
    {
        "absence", "absent", "fail", "ignore", "inadequate", "insufficient", "lack", "late",
        "miss", "no", "not", "never", "overlook", "poor", "short", "turnover", "vacancy",
        "withhold", "without",
    }
)  # fmt: skip

# --- recommendation -----------------------------------------------------------------
DIRECTIVE_MODALS = frozenset({"should", "must", "ought", "shall"})
IMPORTANCE_ADJECTIVES = frozenset({"crucial", "essential", "imperative", "important", "vital"})
AGENCY_NOUNS = frozenset(
    {
        "agency", "board", "commissioner", "council", "manager", "organisation",
        "organization", "panel", "partner", "partnership", "practitioner", "professional",
        "service", "staff", "team", "trust",
    }
)  # fmt: skip

# --- hypothetical and general -------------------------------------------------------
CONDITIONAL_MARKERS = frozenset({"if", "unless", "where", "wherever", "whenever"})
INVERTING_AUXILIARIES = frozenset({"had", "should", "were"})
SPECULATIVE_MODALS = frozenset({"may", "might", "could"})
HEDGE_ADVERBS = frozenset({"perhaps", "possibly", "potentially"})
HEDGE_ADJECTIVES = frozenset({"possible", "uncertain", "unclear"})
RISK_NOUNS = frozenset({"danger", "likelihood", "possibility", "potential", "risk"})
SOURCE_NOUNS = frozenset({"evidence", "literature", "research", "study"})
NATIONAL_SCOPES = frozenset({"biennial", "national", "previous", "published", "triennial"})
SOURCE_VERBS = frozenset({"demonstrate", "find", "highlight", "indicate", "show", "suggest"})
KNOWLEDGE_PARTICIPLES = frozenset({"accept", "establish", "know", "recognise", "recognize"})
GENERIC_DETERMINERS = frozenset({"a", "an", "all", "any", "every", "many", "most", "some"})
# Bare singular "Mother" or "Baby" is case-review shorthand for a person in the case.
FAMILY_NOUNS = frozenset(
    {"baby", "brother", "child", "father", "grandmother", "mother", "partner", "sibling",
     "sister", "stepfather"}
)  # fmt: skip
CASE_NOUNS = FAMILY_NOUNS | frozenset({"case", "family", "household", "period", "review"})

# --- historical ---------------------------------------------------------------------
YOUTH_PERIODS = frozenset({"adolescence", "boyhood", "childhood", "girlhood", "teens", "youth"})
YOUTH_PERSONS = frozenset({"adolescent", "boy", "child", "girl", "teen", "teenager"})
TIME_BEFORE = frozenset({"ago", "before", "earlier", "previously", "prior"})
DISTANT_YEARS = 5  # "ten years earlier" is distant; "two years before the death" is not
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50,
}  # fmt: skip


def detect_assertion(
    doc: Doc,
    section: Section,
    cue: tuple[int, int] | None = None,
    theme_kind: str | None = None,
) -> Assertion:
    """How the sentence speaks of the theme whose cue is the token span ``cue``.

    ``cue=None`` judges the sentence as a whole. ``theme_kind`` ("risk_factor" or
    "practice_weakness") matters for negation: "the information was not shared" is
    evidence of a practice weakness, not a denial of it.
    """
    if cue is not None and not 0 <= cue[0] < cue[1] <= len(doc):
        raise ValueError(f"cue {cue} is not a non-empty token span of a {len(doc)}-token doc")
    if len(doc) == 0:
        return Assertion.PRESENT  # nothing qualifies an empty text
    span = doc[cue[0] : cue[1]] if cue else doc[:]
    chain = scope_chain(span.root)
    practice = theme_kind == PRACTICE_WEAKNESS
    sentence = span.root.sent
    if section == Section.RECOMMENDATIONS and not _reports_past(sentence.root):
        return Assertion.RECOMMENDATION
    if _is_conditional(chain, practice):
        return Assertion.HYPOTHETICAL
    if _is_recommendation(sentence, chain):
        return Assertion.RECOMMENDATION
    if _is_generic(sentence):  # before negation: "parents ... do not necessarily pose a risk"
        return Assertion.HYPOTHETICAL
    if _is_negated(chain, span, practice, whole=cue is None):
        return Assertion.NEGATED
    if _is_speculative(chain, practice):
        return Assertion.HYPOTHETICAL
    if _is_historical(chain):
        return Assertion.HISTORICAL
    return Assertion.PRESENT


# --- shared helpers -----------------------------------------------------------------


def scope_chain(anchor: Token) -> list[Token]:
    """The anchor and its heads up to the root, ending at the first clause barrier."""
    chain = [anchor]
    token = anchor
    while token.head.i != token.i and not _is_barrier(token):
        token = token.head
        chain.append(token)
    return chain


def _is_barrier(token: Token) -> bool:
    if token.dep_ == "relcl":
        # "nothing to suggest ...", "no reason to think ...": infinitival relatives
        # belong to the noun's scope.
        return not any(child.lower_ == "to" for child in token.children)
    if token.dep_ == "conj" and token.pos_ in ("VERB", "AUX"):
        return not any(child.lower_ in DISTRIBUTIVE_CC for child in token.head.children)
    return token.dep_ in SCOPE_BARRIERS


def _auxiliaries(token: Token) -> list[Token]:
    return [child for child in token.children if child.dep_ in ("aux", "auxpass")]


def _is_past(verb: Token) -> bool:
    """Finite past, or a past auxiliary: "was shared", "had been", "did not share"."""
    if verb.tag_ == "VBD":
        return True
    return any(aux.tag_ == "VBD" for aux in _auxiliaries(verb))


def _is_perfect_modal(verb: Token) -> bool:
    """A modal followed by "have": "should have shared", "could have been"."""
    lemmas = [aux.lemma_ for aux in _auxiliaries(verb)]
    return "have" in lemmas and any(aux.tag_ == "MD" for aux in _auxiliaries(verb))


def _modals(verb: Token) -> set[str]:
    return {aux.lower_ for aux in _auxiliaries(verb) if aux.tag_ == "MD"}


def _is_negated_token(token: Token) -> bool:
    return any(child.dep_ == "neg" for child in token.children)


def _subject(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass", "csubj", "expl"):
            return child
    return None


# --- recommendation -----------------------------------------------------------------


def _reports_past(verb: Token) -> bool:
    """The clause narrates what happened: past tense, or "should have" criticism."""
    return _is_perfect_modal(verb) or (_is_past(verb) and not _modals(verb))


def _is_recommendation(sentence: Span, chain: list[Token]) -> bool:
    if _has_recommendation_heading(sentence) or _is_imperative(sentence.root):
        return True
    if chain[-1].dep_ == "advcl" and any(c.lower_ == "to" for c in chain[-1].children):
        chain = [*chain, *scope_chain(chain[-1].head)]  # "must be supported to challenge ..."
    if chain[-1].i != sentence.root.i and _is_directive(sentence.root):
        return True  # "the partnership should ensure that every young person who goes missing"
    for position, token in enumerate(chain):
        if _is_directive(token):
            # "She was told she must stop drinking" reports advice given in the case.
            return not any(_is_past(above) for above in chain[position + 1 :])
    return False


def _has_recommendation_heading(sentence: Span) -> bool:
    words = [token.lower_ for token in sentence if token.is_alpha]
    if words and words[0] in ("recommendation", "recommendations"):
        return True
    return any(
        first == "learning" and second in ("point", "points") for first, second in pairwise(words)
    )


def _is_imperative(root: Token) -> bool:
    """ "Ensure that ...", "Consider ...": a bare verb opening the sentence, no subject."""
    first_word = next((token for token in root.sent if token.is_alpha), None)
    # A past-tense clausal object means a misparsed statement: "Think Family principles
    # were not applied" is not an order to think.
    past_clause = any(child.dep_ == "ccomp" and _is_past(child) for child in root.children)
    return (
        root.tag_ == "VB"
        and first_word is not None
        and first_word.i == root.i
        and _subject(root) is None
        and not _auxiliaries(root)
        and not past_clause
    )


def _is_directive(token: Token) -> bool:
    """should/must/ought to, need to, is recommended, it is important that, the board will."""
    modals = _modals(token)
    if modals & DIRECTIVE_MODALS and not _is_perfect_modal(token):
        return True
    if token.tag_ == "MD" and token.lower_ in DIRECTIVE_MODALS:
        return True  # "agencies ought to record": the parser heads the clause with "ought"
    present = token.tag_ in ("VBZ", "VBP") or any(
        aux.tag_ in ("VBZ", "VBP") for aux in _auxiliaries(token)
    )
    if token.lemma_ == "recommend" and present:
        return True
    if token.lemma_ == "need" and token.pos_ == "NOUN" and token.head.lemma_ == "be":
        return token.head.tag_ in ("VBZ", "VBP")  # "there is a need for ..."
    if token.lemma_ == "need" and present and any(c.dep_ == "xcomp" for c in token.children):
        return True  # "practitioners need to ...", not "young people need an assessment"
    if (
        token.lemma_ == "be"
        and present
        and any(
            child.dep_ == "acomp" and child.lemma_ in IMPORTANCE_ADJECTIVES
            for child in token.children
        )
    ):
        return True
    subject = _subject(token)
    return "will" in modals and subject is not None and subject.lemma_ in AGENCY_NOUNS


# --- hypothetical and general -------------------------------------------------------


def _is_conditional(chain: list[Token], practice: bool) -> bool:
    """The cue sits in an "if"/"where"/"whenever" clause or under "in cases of"."""
    for token in chain:
        if _is_condition_clause(token):
            # "If the information had been shared, ..." is a counterfactual that reports
            # the sharing did not happen: evidence of the weakness, not a hypothesis.
            return not (practice and any(aux.lower_ == "had" for aux in _auxiliaries(token)))
        if token.lemma_ == "case" and token.head.lower_ == "in" and _is_plural_or_any(token):
            return True
    last = chain[-1]
    # "in cases where there is domestic abuse": the relative clause hangs off "cases".
    return last.dep_ == "relcl" and last.head.lemma_ == "case" and _is_plural_or_any(last.head)


def _is_condition_clause(clause: Token) -> bool:
    if clause.dep_ == "advcl" and _conditional_marker(clause):
        return True
    # Inverted conditions: "Had the mother been drinking, ...", "Should there be concerns, ..."
    first = clause.left_edge
    subject = _subject(clause)
    return (
        clause.dep_ in ("advcl", "ccomp")
        and first.head.i == clause.i
        and first.dep_ == "aux"
        and first.lower_ in INVERTING_AUXILIARIES
        and subject is not None
        and first.i < subject.i
    )


def _conditional_marker(clause: Token) -> bool:
    for child in clause.children:
        if child.dep_ in ("mark", "advmod") and child.lower_ in CONDITIONAL_MARKERS:
            return True
        # "when" + present tense is generic ("when a mother discloses abuse, ...").
        if child.lower_ == "when" and clause.tag_ in ("VBZ", "VBP"):
            return True
    return False


def _is_plural_or_any(noun: Token) -> bool:
    if noun.tag_ == "NNS":
        return True
    return any(child.lower_ in ("any", "all", "such") for child in noun.children)


def _is_speculative(chain: list[Token], practice: bool) -> bool:
    """may/might/could, hedges ("possibly", "it is possible that"), and "risk of"."""
    for token in chain:
        modals = _modals(token) & SPECULATIVE_MODALS
        # "could not" is past inability; "could have shared" criticises practice.
        if modals == {"could"} and (
            _is_negated_token(token) or (practice and _is_perfect_modal(token))
        ):
            modals = set()
        if modals:
            return True
        for child in token.children:
            if child.dep_ == "advmod" and child.lower_ in HEDGE_ADVERBS:
                return True
            if child.dep_ == "acomp" and child.lemma_ in HEDGE_ADJECTIVES:
                subject = _subject(token)  # "it is possible that", not "staff were unclear"
                if subject is not None and subject.lower_ == "it":
                    return True
    return any(
        token.lemma_ in RISK_NOUNS and _is_risk_complement(below)
        for below, token in pairwise(chain)
    )


def _is_risk_complement(token: Token) -> bool:
    """ "at risk of neglect", "a risk that the baby would be neglected": a possible harm."""
    if token.dep_ == "prep":
        return token.lower_ in ("of", "for")
    return token.dep_ in ("acl", "ccomp") and any(
        child.dep_ == "mark" and child.lower_ == "that" for child in token.children
    )


def _is_generic(sentence: Span) -> bool:
    """A general statement: present tense, generic subject, nothing tying it to the case."""
    root = sentence.root
    subject = _subject(root)
    if subject is None or _mentions_case(sentence):
        return False
    if root.lemma_ in SOURCE_VERBS and _is_source(subject):
        return True  # "Research shows that ...", "The national analysis found that ..."
    if any(_is_past(token) for token in sentence if token.pos_ in ("VERB", "AUX")):
        return False
    if subject.lower_ == "it" and root.lemma_ in KNOWLEDGE_PARTICIPLES:
        return True  # "It is well known that ..."
    present = root.tag_ in ("VBZ", "VBP") or any(
        aux.tag_ in ("VBZ", "VBP", "MD") for aux in _auxiliaries(root)
    )
    return present and _is_generic_subject(subject)


def _is_source(subject: Token) -> bool:
    """Research and national analyses, not "the review" of this case."""
    if subject.lemma_ in SOURCE_NOUNS:
        return not any(child.dep_ in ("det", "poss") for child in subject.children)
    return subject.lemma_ in ("analysis", "review") and any(
        child.lower_ in NATIONAL_SCOPES for child in subject.children
    )


def _is_generic_subject(subject: Token) -> bool:
    if subject.dep_ == "csubj" or (subject.tag_ == "VBG" and subject.dep_ == "nsubj"):
        return True  # "Co-sleeping increases the risk ..."
    # An ADJ subject is a tagging slip on a bare noun ("Neglect is often cumulative").
    if subject.pos_ not in ("NOUN", "ADJ") or any(c.dep_ == "poss" for c in subject.children):
        return False
    determiners = [child.lower_ for child in subject.children if child.dep_ == "det"]
    if determiners:
        return all(word in GENERIC_DETERMINERS for word in determiners)
    return subject.tag_ == "NNS" or subject.lemma_ not in FAMILY_NOUNS


def _mentions_case(sentence: Span) -> bool:
    """Names, "this case", "the mother": the statement is about this case after all."""
    for token in sentence:
        if token.pos_ == "PROPN" or _is_initial(token):
            return True
        if token.lemma_ in CASE_NOUNS and any(
            child.lower_ in ("the", "this", "that") for child in token.children
        ):
            return True
    return False


# --- negation -----------------------------------------------------------------------


def _is_negated(chain: list[Token], cue: Span, practice: bool, whole: bool) -> bool:
    cue_ids = range(0) if whole else range(cue.start, cue.end)
    for position, site in _negation_sites(chain, cue_ids, whole):
        if not practice and not _presupposes(site):
            return True
        # What the negation scopes over: the cue and the chain below the site, or, when
        # judging the whole sentence, everything under the negated word.
        scope = list(site.subtree) if whole else [*cue, *chain[:position]]
        if practice and _denies_weakness(site, scope):
            return True
    return False


def _negation_sites(chain: list[Token], cue_ids: range, whole: bool) -> Iterator[tuple[int, Token]]:
    """Tokens on the cue's head chain that carry a negation outside the cue itself."""
    for position, token in enumerate(chain):
        if token.lemma_ in NEGATIVE_PRONOUNS or _is_without_evidence(token):
            yield position, token
        if token.lemma_ in DENIAL_VERBS or (
            token.lemma_ == "rule" and any(child.lower_ == "out" for child in token.children)
        ):
            yield position, token
        for child in token.children:
            if child.i in cue_ids:
                continue
            if _is_negator(child):
                yield position, token
            # "no concerns were raised about ...": the negated noun is the verb's argument;
            # "neither parent used drugs": the negated subject is the one with the problem.
            elif _is_negated_argument(child, chain, whole):
                yield position, child


def _is_without_evidence(token: Token) -> bool:
    """ "without any sign of neglect"; not "arrived without a coat", which is the neglect."""
    return token.lower_ == "without" and any(
        child.dep_ == "pobj" and child.lemma_ in REPORT_NOUNS | EVIDENCE_WORDS
        for child in token.children
    )


def _is_negated_argument(child: Token, chain: list[Token], whole: bool) -> bool:
    if child.dep_ not in ("nsubj", "nsubjpass", "dobj", "attr") or child in chain:
        return False
    return _has_no(child) and (whole or child.lemma_ in REPORT_NOUNS | BEARER_NOUNS | PROBLEM_WORDS)


def _is_negator(child: Token) -> bool:
    if child.dep_ == "neg":
        # "not only ... but also" adds rather than negates.
        return not (child.i + 1 < len(child.doc) and child.doc[child.i + 1].lower_ == "only")
    return child.dep_ == "det" and child.lower_ == "no"


def _has_no(noun: Token) -> bool:
    return any(child.dep_ == "det" and child.lower_ in ("neither", "no") for child in noun.children)


def _judged_words(site: Token) -> Iterable[Token]:
    """The site and what it predicates: "was not a factor" judges "factor"."""
    yield site
    for child in site.children:
        if child.dep_ in ("attr", "acomp", "dobj", "pobj"):
            yield child


def _presupposes(site: Token) -> bool:
    if any(child.dep_ == "xcomp" for child in site.children):
        return False  # "was not considered to pose a risk" is a judgement, not a practice
    return any(
        word.lemma_ in PRESUPPOSING_PREDICATES and word.pos_ in ("VERB", "ADJ", "AUX")
        for word in _judged_words(site)
    )


def _denies_weakness(site: Token, scope: list[Token]) -> bool:
    """For a practice weakness: does the negation deny the weakness, or state it?"""
    lemmas = {word.lemma_ for word in _judged_words(site)}
    if lemmas & (FAILURE_WORDS | IMPACT_VERBS):
        return True  # "staffing was not a factor", "no vacancies", "did not lack experience"
    if lemmas & (EVIDENCE_WORDS | DENIAL_VERBS | {"without"}):
        # "no evidence that information was withheld" denies it; "no evidence that
        # information was shared" reports the weakness.
        return any(word.lemma_ in FAILURE_WORDS for word in scope if word.i != site.i)
    return False


# --- historical ---------------------------------------------------------------------


def _is_historical(chain: list[Token]) -> bool:
    """Childhood or long-ago markers on the cue's clause ("as a child", "years earlier")."""
    clause = list(chain)
    if clause[-1].dep_ == "relcl":
        clause.extend(scope_chain(clause[-1].head))  # "a relationship ten years earlier in which"
    if any(_is_the_child(_subject(token)) for token in clause):
        return False  # the young person's own adolescence is the case, not history
    # Modifiers sometimes attach to an auxiliary ("When she was a teenager, she had ...")
    # or to an argument ("her first partner, some fifteen years earlier, had been ...").
    holders = [
        *clause,
        *(child for token in clause for child in token.children
          if child.dep_ in ("aux", "nsubj", "nsubjpass", "dobj", "attr")),
    ]  # fmt: skip
    for holder in holders:
        for child in holder.children:
            if child.dep_ not in ("prep", "advmod", "npadvmod", "advcl"):
                continue
            if any(_historical_marker(word) for word in (child, *child.children)):
                return True
    return False


def _historical_marker(token: Token) -> bool:
    if token.dep_ == "pobj" and token.lemma_ in YOUTH_PERIODS | {"teen"}:
        return True  # "in her own childhood", "in his teens"
    if _is_young(token):
        # "as a child", "as a young man", "when she was a teenager", "when he was young"
        return (token.dep_ == "pobj" and token.head.lower_ == "as") or (
            token.dep_ in ("attr", "acomp") and any(c.lower_ == "when" for c in token.head.children)
        )
    if token.lemma_ in ("year", "decade") and token.dep_ == "npadvmod":
        if not _is_time_before(token):
            return False  # "a nine-year-old"
        count = _count(token)
        return count is None or count >= DISTANT_YEARS or token.lemma_ == "decade"
    if token.lower_ == "before" and token.i > 0 and token.nbor(-1).lower_ in ("long", "well"):
        return True  # "long before these events", "well before the pregnancy"
    # "in the 1980s": a decade is long ago; a bare year is not, chronologies are full of them
    return (
        token.dep_ == "pobj"
        and len(token.text) == 5
        and token.text[:4].isdigit()
        and (token.text.endswith("s"))
    )


def _is_time_before(years: Token) -> bool:
    """ "ten years earlier", "years before Child K was born", "twenty years ago"."""
    following = years.nbor(1).lower_ if years.i + 1 < len(years.doc) else ""
    return following in TIME_BEFORE or years.head.lemma_ in TIME_BEFORE


def _is_young(token: Token) -> bool:
    if token.lemma_ in YOUTH_PERSONS or (token.lemma_ == "young" and token.dep_ == "acomp"):
        return True
    return token.lemma_ in ("man", "person", "woman") and any(
        child.lemma_ == "young" for child in token.children
    )


def _count(noun: Token) -> float | None:
    """How many years: None when unstated ("years before"), 0 when vague ("a few")."""
    for child in noun.children:
        if child.dep_ == "nummod" or (child.like_num and child.dep_ == "amod"):
            try:
                return float(child.text)
            except ValueError:
                return NUMBER_WORDS.get(child.lower_, 0)  # an unknown word is not proof
        if child.lower_ in ("few", "several", "couple"):
            return 0  # "a few years before" is not distant enough to be sure
    return None


def _is_initial(token: Token) -> bool:
    """ "K" in "Child K"; the sentence-opening article "A" is not one."""
    return len(token) == 1 and token.is_upper and token.i > token.sent.start


def _is_the_child(subject: Token | None) -> bool:
    """ "Child M", "Young Person N": the subject of the review."""
    if subject is None:
        return False
    words = {subject.lower_, *(c.lower_ for c in subject.children if c.dep_ == "compound")}
    named = subject.pos_ == "PROPN" or _is_initial(subject)
    return named and bool(words & {"child", "person", "yp"})
