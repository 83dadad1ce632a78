"""The name matcher on the case table `tests/cases/screening_pairs.csv` (match / no match at the default
threshold: cross-script, legal forms, patronymics in any order, hard negatives), and the explanation of each
part."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from rigour.names import NameTypeTag

from sanctrace.ops.screening import score_pair
from sanctrace.screening.comparison import compare_names
from sanctrace.screening.evaluation import NamePair
from sanctrace.screening.matching import DEFAULT_THRESHOLD
from sanctrace.screening.names import analyse_name, rewrite_legal_forms, skeletons, transliterate

CASES = Path(__file__).parent / "cases" / "screening_pairs.csv"


def cases() -> list:
    with CASES.open(encoding="utf-8") as handle:
        return [pytest.param(row, id=f"{row['query']}|{row['candidate']}") for row in csv.DictReader(handle)]


@pytest.mark.parametrize("case", cases())
def test_case_table(case):
    expected = case["match"] == "true"
    score = score_pair(NamePair("cases", case["schema"], case["query"], case["candidate"], expected))
    assert (score >= DEFAULT_THRESHOLD) == expected, f"{score:.3f}: {case['why']}"


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


def test_arabic_is_compared_by_its_consonants():
    result = compare(NameTypeTag.PER, "كاتشو رينزي", "Cacho Renzi")
    assert result.transliterated and result.score >= DEFAULT_THRESHOLD
    assert {p.how for p in result.parts} == {"consonant skeleton"}
    assert transliterate("习近平") == "xijinping"
    assert "mhmd" in skeletons("mohammed") and "fldmr" in skeletons("vladimir")


def test_different_numbers_count_against():
    result = compare(NameTypeTag.ORG, "Snow Storm 1", "Snow Storm 2")
    assert any(p.how == "number differs" for p in result.parts)
    assert result.score < DEFAULT_THRESHOLD
