"""Who a tag is about: the child, a parent, another adult, or the professionals.

The gold set's convention decides what "about" means: a practice weakness and a
recommendation are about the professionals; unsafe sleep, neglect and a young person's
own risks are about the child; domestic abuse is about the abusing adult; a parent's
mental health or substance misuse is about that parent; a general statement is about
adults in general. Within that, the dependency parse names the person: the cue's
possessor ("his mother's drinking"), the subject or agent of the clause around the cue
("Mr B hit her"), then the person mentioned nearest to the cue. A pronoun takes the
nearest earlier person of its gender in the sentence; with none, "she" is taken for the
mother and "he" for the father or partner, the two adults most reviews are about.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.records import Assertion, Subject
from pipeline.tag.assertion.syntax import scope_chain

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from spacy.tokens import Doc, Token

CHILD, MOTHER, FATHER = Subject.CHILD, Subject.MOTHER, Subject.FATHER_PARTNER
OTHER, PROFESSIONAL, UNKNOWN = Subject.OTHER_ADULT, Subject.PROFESSIONAL, Subject.UNKNOWN
# The adults a risk factor can be about: a child's own risks are the child themes' focus,
# so "his" in "his ketamine use" is never the baby named before it.
ADULTS = frozenset({MOTHER, FATHER, OTHER})
RELATIVE_PRONOUNS = frozenset({"who", "that", "which"})

# What each core theme is about, by the gold set's convention, and who that is when the
# parse names no one (an unnamed abuser is most often the father or a partner). A theme
# not named here is about the professionals when it is a practice weakness.
THEME_FOCUS: dict[str, tuple[str, Subject]] = {
    "domestic_abuse": ("abuser", FATHER),
    "parental_mental_health": ("parent", MOTHER),
    "parental_substance_misuse": ("parent", FATHER),
    "neglect": ("child", CHILD),
    "unsafe_sleep": ("child", CHILD),
    "adolescent_risk": ("child", CHILD),
}

# --- words ----------------------------------------------------------------------------
PERSON_WORDS: dict[str, Subject] = {
    **dict.fromkeys(
        ("child", "baby", "infant", "newborn", "toddler", "son", "daughter", "boy", "girl",
         "teenager", "adolescent", "youngster", "sibling", "brother", "sister", "twin",
         "pupil", "student", "kid"),
        CHILD,
    ),
    **dict.fromkeys(("mother", "mum", "mummy", "mom", "stepmother", "wife", "girlfriend"), MOTHER),
    **dict.fromkeys(
        ("father", "dad", "daddy", "stepfather", "partner", "boyfriend", "husband", "fiance",
         "ex", "ex-partner"),
        FATHER,
    ),
    **dict.fromkeys(
        ("grandmother", "grandfather", "grandparent", "gran", "nan", "grandad", "uncle",
         "aunt", "auntie", "cousin", "friend", "neighbour", "neighbor", "lodger", "relative",
         "adult", "man", "woman", "stranger", "carer", "people", "person"),
        OTHER,
    ),
    **dict.fromkeys(
        ("visitor", "worker", "practitioner", "professional", "staff", "agency", "service",
         "team", "gp", "doctor", "nurse", "midwife", "paediatrician", "pediatrician",
         "psychiatrist", "psychologist", "therapist", "counsellor", "clinician", "consultant",
         "police", "officer", "constable", "detective", "sergeant", "paramedic", "teacher",
         "school", "nursery", "college", "council", "authority", "board", "partnership",
         "panel", "hospital", "clinic", "manager", "coordinator", "co-ordinator", "adviser",
         "advisor", "camhs", "care", "probation", "trust", "department", "unit", "provider",
         "commissioner", "organisation", "organization", "reviewer", "review", "lead",
         "mash", "ward", "surgery", "practice", "services", "agencies"),
        PROFESSIONAL,
    ),
}  # fmt: skip
# Words a parent's "partner" shares with an agency ("partner agencies"): the head decides.
ORGANISATION_HEADS = frozenset(
    {"agency", "care", "centre", "hospital", "service", "team", "unit", "ward", "home"}
)
TITLES = {"mr": FATHER, "mrs": MOTHER, "ms": MOTHER, "miss": MOTHER, "child": CHILD,
          "baby": CHILD, "infant": CHILD}  # fmt: skip
MALE = frozenset({"he", "him", "his", "himself"})
FEMALE = frozenset({"she", "her", "hers", "herself"})
MALE_WORDS = frozenset({"grandfather", "grandad", "uncle", "man", "men"})
FEMALE_WORDS = frozenset({"grandmother", "gran", "nan", "aunt", "auntie", "woman", "women"})
SPECIFIC_DETERMINERS = frozenset({"the", "this", "that"})


def detect_subject(
    doc: Doc,
    cues: Sequence[tuple[int, int]],
    theme_id: str,
    theme_kind: str,
    assertion: Assertion,
) -> Subject:
    """Who the tag of ``theme_id`` on ``doc`` is about; ``cues`` are its rule hits' spans."""
    practice = ("practice", PROFESSIONAL) if theme_kind == "practice_weakness" else ("", UNKNOWN)
    focus, default = THEME_FOCUS.get(theme_id, practice)
    if focus == "practice" or assertion is Assertion.RECOMMENDATION:
        return PROFESSIONAL
    if focus == "child" and assertion is not Assertion.HISTORICAL:
        return CHILD  # neglect and unsafe sleep are the child's, whoever caused them
    if len(doc) == 0:
        return default
    # Abuse is the abuser's: a woman or a child named beside it is taken for the victim,
    # except in her own past ("the mother had been in a violent relationship as a teenager").
    skip_victims = focus == "abuser" and assertion is not Assertion.HISTORICAL
    found = _find_person(doc, cues, skip_victims)
    if assertion is Assertion.HYPOTHETICAL and (found is None or not _is_specific(found[0])):
        return OTHER  # "a parent who drinks", "children living with coercive control"
    return found[1] if found is not None else default


def _find_person(
    doc: Doc, cues: Sequence[tuple[int, int]], skip_victims: bool
) -> tuple[Token, Subject] | None:
    """The first family member named around a cue, else the one nearest the first cue."""
    anchors = [doc[start:end].root for start, end in cues] or [doc[:].root]
    for anchor in anchors:
        for token in _around(anchor):
            subject = _family(token, skip_victims)
            if subject is not None:
                return token, subject
    # Elsewhere in the sentence, a parent before anyone else: neighbours and relatives
    # are more often witnesses ("neighbours heard the father shouting").
    near = sorted(doc, key=lambda token: abs(token.i - anchors[0].i))
    found = [(token, s) for token in near if (s := _family(token, skip_victims)) is not None]
    parents = [(token, s) for token, s in found if s is not OTHER]
    return (parents or found)[0] if found else None


def _around(anchor: Token) -> Iterator[Token]:
    """Possessors, subjects, agents and "of"/"by" objects up the cue's heads, nearest first."""
    chain = scope_chain(anchor)
    for token in [*chain, anchor.sent.root]:
        yield token
        for child in token.children:
            if child.dep_ in ("poss", "nsubj", "nsubjpass", "csubj"):
                # "his mother, who had been drinking": the relative pronoun is the noun
                relative = token.dep_ == "relcl" and child.lower_ in RELATIVE_PRONOUNS
                yield token.head if relative else child
            elif child.dep_ in ("agent", "prep") and child.lower_ in ("by", "of"):
                yield from (grand for grand in child.children if grand.dep_ == "pobj")


def _family(token: Token, skip_victims: bool) -> Subject | None:
    """The family member (or adult) ``token`` names, if it names one; never a professional."""
    subject = _resolve(token) if token.lower_ in MALE | FEMALE else person_class(token)
    if subject is None or subject not in ADULTS:
        return None
    if skip_victims and _is_victim(token, subject):
        return None
    return subject


def person_class(token: Token) -> Subject | None:
    """Which kind of person a noun names: "the health visitor", "Ms A", "Child K"."""
    lower = token.lower_
    for child in token.children:  # "Mr B", "Child K", "Baby L"
        if child.dep_ == "compound" and child.lower_.rstrip(".") in TITLES:
            return TITLES[child.lower_.rstrip(".")]
    if token.dep_ == "compound" and lower in ("child", "baby") and token.head.pos_ == "PROPN":
        return CHILD
    for child in token.children:  # "the man who caused the injuries, her new partner"
        if child.dep_ == "appos" and (named := person_class(child)) is not None:
            return named
    lemma = token.lemma_.lower()
    subject = PERSON_WORDS.get(lemma) or PERSON_WORDS.get(lower)
    if subject is None:
        return None
    if subject is PROFESSIONAL or token.dep_ not in ("poss", "compound", "amod"):
        return subject
    if token.head.lemma_.lower() in ORGANISATION_HEADS:
        return PROFESSIONAL  # "children's services", "partner agencies"
    return None if token.dep_ == "compound" else subject  # "child protection", "baby unit"


def _resolve(pronoun: Token) -> Subject:
    """The nearest earlier adult of the pronoun's gender in the sentence, else a parent."""
    male = pronoun.lower_ in MALE
    own = FATHER if male else MOTHER
    other_words = FEMALE_WORDS if male else MALE_WORDS
    for token in reversed(pronoun.doc[pronoun.sent.start : pronoun.i]):
        subject = person_class(token)
        if subject is own:
            return subject
        words = {token.lower_, *(child.lower_.rstrip(".") for child in token.children)}
        if subject is OTHER and not words & other_words:
            return subject  # "her friend", "the grandmother ... she"
    return own


def _is_victim(token: Token, subject: Subject) -> bool:
    """A woman: in these reviews, nearly always the one harmed by the abuse."""
    return subject is MOTHER or token.lower_ in FEMALE


def _is_specific(token: Token) -> bool:
    """A person in this case ("the mother", "her partner", "Ms A"), not anyone at all."""
    if token.lower_ in MALE | FEMALE or token.pos_ == "PROPN":
        return True
    return any(
        child.dep_ == "poss"
        or child.lower_ in SPECIFIC_DETERMINERS
        or (child.dep_ == "compound" and child.lower_.rstrip(".") in TITLES)
        for child in token.children
    )
