"""Word lists for assertion detection, grouped by the cue family that reads them."""

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
# Being known to, or in contact with, a service: negated for a parent, no service was
# involved to miss anything.
INVOLVEMENT_WORDS = frozenset({"contact", "involved", "known", "open", "touch"})
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
        "miss", "missed", "no", "not", "never", "overlook", "poor", "short", "turnover", "vacancy",
        "withhold", "without",
    }
)  # fmt: skip

# --- good practice ------------------------------------------------------------------
# Praise of a practice, which for a practice weakness is evidence against it.
PRAISE_WORDS = frozenset(
    {
        "appropriate", "appropriately", "carefully", "comprehensive", "consistent",
        "correctly", "effective", "effectively", "excellent", "exemplary", "good", "prompt",
        "promptly", "quickly", "robust", "sound", "stable", "swift", "swiftly", "thorough",
        "thoroughly", "timely", "well",
    }
)  # fmt: skip
# Words that turn a sentence against its own praise: "thorough, but ...".
CONTRAST_WORDS = frozenset({"although", "but", "despite", "however", "though", "yet"})

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
