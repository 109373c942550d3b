from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pipeline.aggregate import aggregate_themes
from pipeline.records import Assertion
from pipeline.taxonomy import load_taxonomy
from tests.records_factory import make_sentence, make_tag

TAXONOMY = load_taxonomy()
SENTENCES = [make_sentence("d", page, 0, f"Sentence number {page}.") for page in range(1, 6)]


def test_only_present_counted_evidence_makes_a_theme_present():
    tags = [
        make_tag(SENTENCES[0], "domestic_abuse", 0.95, Assertion.NEGATED),
        make_tag(SENTENCES[1], "domestic_abuse", 0.9, Assertion.RECOMMENDATION),
        make_tag(SENTENCES[2], "domestic_abuse", 0.4, needs_review=True),
        make_tag(SENTENCES[3], "neglect", 0.7),
        make_tag(SENTENCES[4], "neglect", 0.8),
    ]
    themes = {t.theme_id: t for t in aggregate_themes("d", SENTENCES, tags, TAXONOMY)}
    assert set(themes) == set(TAXONOMY.ids)
    abuse = themes["domestic_abuse"]
    assert not abuse.present and abuse.n_evidence == 0
    assert abuse.evidence_sentence_id == SENTENCES[2].id  # best candidate, for reviewers
    neglect = themes["neglect"]
    assert neglect.present and neglect.n_evidence == 2 and neglect.score == 0.8
    assert neglect.evidence_sentence_id == SENTENCES[4].id and neglect.page == 5
    assert not themes["unsafe_sleep"].present and themes["unsafe_sleep"].page is None


tag_lists = st.lists(
    st.tuples(
        st.integers(0, 4),
        st.sampled_from(["neglect", "unsafe_sleep"]),
        st.sampled_from([0.2, 0.55, 0.9]),
        st.sampled_from(list(Assertion)),
    ),
    max_size=12,
)


@given(tag_lists, st.randoms())
def test_aggregation_does_not_depend_on_tag_order(spec, random):
    tags = [
        make_tag(SENTENCES[i], theme, score, assertion, needs_review=score < 0.5)
        for i, theme, score, assertion in spec
    ]
    shuffled = list(tags)
    random.shuffle(shuffled)
    assert aggregate_themes("d", SENTENCES, tags, TAXONOMY) == aggregate_themes(
        "d", SENTENCES, shuffled, TAXONOMY
    )
