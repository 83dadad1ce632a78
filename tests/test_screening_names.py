"""The name matcher on the case table `tests/cases/screening_pairs.csv` (match / no match at the default
threshold: cross-script, legal forms, patronymics in any order, transliteration variants, abbreviations, short
forms, hard negatives), the explanation of each part, the upper bound that spares comparisons, and the blocking
index finding the company pairs."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from followthemoney import model
from hypothesis import example, given
from hypothesis import strategies as st
from rigour.names import NamePartTag, NameTypeTag

from sanctrace.ops.screening import score_pair
from sanctrace.screening.comparison import (
    _swapped_once,
    common_subsequence,
    compare_names,
    letter_layers,
    letter_positions,
    reaching_comparison,
    score_bound,
)
from sanctrace.screening.evaluation import NamePair
from sanctrace.screening.index import ScreeningIndex
from sanctrace.screening.matching import DEFAULT_THRESHOLD
from sanctrace.screening.names import (
    _any_legal_form,
    analyse_name,
    has_legal_form,
    legal_forms,
    name_kind,
    rewrite_legal_forms,
    skeleton_keys,
    skeletons,
    transliterate,
    variant_key,
)
from sanctrace.screening.parties import Query, party_from_entity

CASES = Path(__file__).parent / "cases" / "screening_pairs.csv"


def cases() -> list:
    with CASES.open(encoding="utf-8") as handle:
        return [pytest.param(row, id=f"{row['query']}|{row['candidate']}") for row in csv.DictReader(handle)]


@pytest.mark.parametrize("case", cases())
def test_case_table(case):
    expected = case["match"] == "true"
    score = score_pair(NamePair("cases", case["schema"], case["query"], case["candidate"], expected))
    assert (score >= DEFAULT_THRESHOLD) == expected, f"{score:.3f}: {case['why']}"


@pytest.mark.parametrize("case", cases())
def test_the_score_bound_never_understates_the_score(case):
    """A candidate is compared only when an upper bound on its score can reach the threshold: the bound must
    never be under the score (every pair of the case table, in every kind its schema is read as)."""
    for kind in {name_kind(model.get(case["schema"])), NameTypeTag.PER, NameTypeTag.ORG, NameTypeTag.ENT}:
        query, candidate = analyse_name(kind, case["query"], query=True), analyse_name(kind, case["candidate"])
        assert score_bound(query, candidate) >= compare_names(query, candidate).score - 1e-9, kind


FLOORS = (0.3, 0.5, 0.65, DEFAULT_THRESHOLD - 1e-9, 0.85, 0.95)


@pytest.mark.parametrize("case", cases())
def test_a_comparison_with_a_floor_is_the_comparison_or_none(case):
    """Screening asks for a candidate's comparison only if it reaches the floor its score needs, and the scorer
    passes over the pairings that cannot: what comes back must be the comparison itself, or None exactly when it
    scores under the floor."""
    for kind in {name_kind(model.get(case["schema"])), NameTypeTag.PER, NameTypeTag.ORG, NameTypeTag.ENT}:
        query, candidate = analyse_name(kind, case["query"], query=True), analyse_name(kind, case["candidate"])
        exact = compare_names(query, candidate)
        for floor in FLOORS:
            reached = reaching_comparison(query, candidate, floor)
            assert (reached is None) == (exact.score < floor), (kind, floor, exact.score)
            assert reached is None or reached == exact, (kind, floor)


WORDS = st.text(alphabet="abdehilmnorstuyzаеимнорсاحدمن中文", max_size=12)


@given(st.text(alphabet="abc", max_size=6), st.text(alphabet="abc", max_size=6))
@example("sko", "sok")
@example("donlad", "donald")
def test_swapped_letters_are_one_swap_of_neighbours(a, b):
    one_swap = any(a[:i] + a[i + 1] + a[i] + a[i + 2:] == b for i in range(len(a) - 1))
    assert _swapped_once(a, b) == (len(a) >= 3 and a != b and one_swap)


@given(WORDS, WORDS)
def test_shared_letters_are_never_fewer_than_the_longest_common_subsequence(a, b):
    # the check that spares the subsequence must never turn away a pair the subsequence would pass
    shared = sum((x & y).bit_count() for x, y in zip(letter_layers(a), letter_layers(b)))
    assert shared >= common_subsequence(letter_positions(a), len(a), b)
    assert letter_layers(a) == letter_layers("".join(sorted(a)))  # the letters, not their order
    counts = Counter(ord(letter) & 63 for letter in a)  # layer k: the bits of letters found more than k times
    assert letter_layers(a) == tuple(sum(1 << bit for bit, n in counts.items() if n > k)
                                     for k in range(max(counts.values(), default=1)))


def test_part_facts_belong_to_the_name_analysed():
    """rigour's names compare equal whatever kind they were read as: what the comparison works out about a
    name's parts is kept with each analysed name, not looked up by the name ("trading" is a generic word of an
    organisation, a plain word of a person, whichever was compared first)."""
    assert hows(compare(NameTypeTag.ORG, "Jin Yu", "Jin Yu Trading"))[("", "trading")] == \
        "generic word (short form)"
    assert hows(compare(NameTypeTag.PER, "Jin Yu", "Jin Yu Trading"))[("", "trading")] == "missing"


def compare(kind: NameTypeTag, query: str, candidate: str):
    return compare_names(analyse_name(kind, query, query=True), analyse_name(kind, candidate))


def test_each_part_says_how_it_matched():
    result = compare(NameTypeTag.PER, "Путин Владимир", "Vladimir Vladimirovich Putin")
    hows = {(p.query, p.candidate): p.how for p in result.parts}
    assert hows[("путин", "putin")] == "transliteration"
    assert hows[("", "vladimirovich")] == "patronymic"
    assert "'vladimirovich' only in the candidate: patronymic" in result.describe()


def test_legal_forms_are_explained():
    result = compare(NameTypeTag.ORG, "ТОО Алтын", "Altyn LLP")
    assert any(p.how == "legal form (LLP)" for p in result.parts)
    assert rewrite_legal_forms("TOO Altyn") == ("LLP Altyn", (("TOO", "LLP"),))
    assert rewrite_legal_forms("Metoo Holdings")[1] == ()  # only a whole word opening or closing the name


# names made of legal forms (as written, in other cases, cut short), other words, and the separators the patterns
# look for: spaces, commas, full stops, a closing newline
_FORM_PIECES = st.sampled_from([f.form for f in legal_forms()]).flatmap(lambda form: st.sampled_from(
    [form, form.lower(), form.upper(), form[1:], form[:-1]]))
_NAME_PIECES = st.one_of(_FORM_PIECES, st.text(alphabet="aotsAOTSиОТ有司 ,.\n\t", max_size=4))


@given(st.lists(_NAME_PIECES, max_size=6).map("".join))
@example("Altyn TOO\n")  # `$` matches before a closing newline
@example("Altyn, \t Limited Sirketi")
@example("有限公司")
def test_the_quick_legal_form_test_agrees_with_searching_the_whole_name(text):
    assert has_legal_form(text) == (_any_legal_form().search(text) is not None)


def test_arabic_is_compared_by_its_consonants():
    result = compare(NameTypeTag.PER, "كاتشو رينزي", "Cacho Renzi")
    assert result.transliterated and result.score >= DEFAULT_THRESHOLD
    assert {p.how for p in result.parts} == {"consonant skeleton"}
    assert transliterate("习近平") == "xijinping"
    assert "mhmd" in skeletons("mohammed") and "fldmr" in skeletons("vladimir")
    # the keys the index holds: h and al- dropped, w read as a vowel and as v (one skeleton without a w)
    assert skeleton_keys("walid") == {"ld", "fld"} and skeleton_keys("alwahab") == {"b", "fb"}
    assert skeleton_keys("mohammed") == {"md"} and skeleton_keys("vladimir") == {"fldmr"}


def test_different_numbers_count_against():
    result = compare(NameTypeTag.ORG, "Snow Storm 1", "Snow Storm 2")
    assert any(p.how == "number differs" for p in result.parts)
    assert result.score < DEFAULT_THRESHOLD


def hows(result) -> dict[tuple[str, str], str]:
    return {(p.query, p.candidate): p.how for p in result.parts}


def test_transliteration_variants_are_strong_but_not_exact():
    result = compare(NameTypeTag.ORG, 'OsOO "Wodiso Snab"', "Vodizo Snab LLC")
    wodiso = next(p for p in result.parts if p.query == "wodiso")
    assert (wodiso.candidate, wodiso.how) == ("vodizo", "transliteration variant (w/v, s/z)")
    assert 0.85 <= wodiso.score < 1.0 and DEFAULT_THRESHOLD <= result.score < 1.0
    assert hows(compare(NameTypeTag.ORG, "Choman", "Хоман"))[("choman", "хоман")] == "transliteration variant (ch/h)"
    assert hows(compare(NameTypeTag.ORG, "Shahin Elektronik", "Şahin Elektronik"))[("shahin", "şahin")] == \
        "transliteration variant (ş/sh)"
    assert variant_key("wodiso") == variant_key("vodizo")


def test_abbreviations_joined_syllables_and_qualifiers_are_explained():
    koros = compare(NameTypeTag.ORG, "Koros Gen. Trading L.L.C.", "Koros Components General Trading LLC")
    assert hows(koros)[("gen", "general")] == "abbreviation (gen = general)"
    assert hows(koros)[("", "components")] == "generic word (short form)"
    jinyu = compare(NameTypeTag.ORG, "Jin Yu Trading (HK) Limited", "Jinyu Trading (HK) Limited")
    assert hows(jinyu)[("jin yu", "jinyu")] == "joined syllables (jin yu = jinyu)"
    assert not any(p.query == "yu" for p in jinyu.parts)  # not aligned with 'ltd' as a legal form
    chinese = compare(NameTypeTag.ORG, "Jin Yu Trading (HK) Limited", "金宇贸易(香港)有限公司")
    assert chinese.transliterated and hows(chinese)[("trading", "maoyi")] == "translation (贸易 = trading)"
    assert hows(chinese)[("hk", "xianggang")] == "location qualifier differs"
    haohai = compare(NameTypeTag.ORG, "Haohai Trading (Kowloon) Limited", "Haohai Trading (HK) Limited")
    assert hows(haohai)[("kowloon", "hk")] == "location qualifier differs"
    assert transliterate("金宇贸易(香港)") == "jinyu maoyi ( xianggang )"


def test_a_legal_form_inside_a_name_is_read_as_a_word():
    jinyu = analyse_name(NameTypeTag.ORG, "Jin Yu Trading Limited")
    assert [p.tag == NamePartTag.LEGAL for p in jinyu.name.parts] == [False, False, False, True]
    siemens = analyse_name(NameTypeTag.ORG, "Siemens AG Österreich")  # the only legal form: kept
    assert [p.tag == NamePartTag.LEGAL for p in siemens.name.parts] == [False, True, False]


def test_a_short_form_costs_less_than_a_missing_distinctive_word():
    short = compare(NameTypeTag.ORG, "Deki", "Deki Technologie").score
    distinctive = compare(NameTypeTag.ORG, "Deki", "Deki Vostok").score
    both = compare(NameTypeTag.ORG, "Deki", "Deki Vostok Technologie")
    assert short > distinctive > both.score
    assert "generic word (short form)" not in hows(both).values()
    # a word of the query the listed name lacks still counts in full, generic or not
    assert compare(NameTypeTag.ORG, "CRYSTALORD SYSTEMS LIMITED", "CRYSTALORD LTD").score < DEFAULT_THRESHOLD


def test_the_index_finds_the_company_pairs():
    """Every listed company of the case table in one index: each company query (with its country) finds its
    match at the default threshold, and no hard negative."""
    rows = [row for row in (case.values[0] for case in cases()) if row["schema"] == "Company"]
    listed = sorted({row["candidate"] for row in rows})
    index = ScreeningIndex(party_from_entity({"id": f"c{i}", "schema": "Company",
                                              "properties": {"name": [name], "country": ["ae"]}})
                           for i, name in enumerate(listed))
    for row in rows:
        matches = index.screen(Query("q", row["query"], "Company", "ae"), threshold=DEFAULT_THRESHOLD)
        found = f"c{listed.index(row['candidate'])}" in {m.entity_id for m in matches}
        assert found == (row["match"] == "true"), f"{row['query']} | {row['candidate']}"
