"""The evaluation sets and their scorecard: the pairs built from ../shared/data/name_matching, the arithmetic
of precision / recall / F1, and (slow) the matcher's figures on every set."""

from __future__ import annotations

from collections import Counter

import pytest
from followthemoney import model
from rigour.names import NameTypeTag

from sanctrace.ops.screening import eval_names, name_pairs
from sanctrace.screening.comparison import compare_names, reaching_comparison, score_bound
from sanctrace.screening.evaluation import NamePair, Scorecard, scorecard
from sanctrace.screening.names import analyse_name, name_kind
from tests.shared import SHARED_DATA

NAME_MATCHING = SHARED_DATA / "name_matching"


def test_the_sets_are_built_deterministically():
    pairs = name_pairs(NAME_MATCHING)
    sizes = Counter((p.case_set, p.is_match) for p in pairs)
    assert sizes == {("name_bench", True): 191, ("name_bench", False): 117, ("yente", True): 683,
                     ("yente", False): 1000, ("cross_script", True): 103, ("cross_script", False): 21,
                     ("transliteration", True): 400, ("transliteration", False): 400}
    assert pairs == name_pairs(NAME_MATCHING)


def test_scorecard_arithmetic():
    pairs = [NamePair("s", "Person", "a", "b", label) for label in (True, True, False, False)]
    card = scorecard("s", "x", pairs, [0.9, 0.5, 0.8, 0.1], 0.7)
    assert (card.true_positives, card.false_negatives, card.false_positives, card.true_negatives) == (1, 1, 1, 1)
    assert card.precision == card.recall == card.f1 == 0.5
    assert Scorecard("s", "x", 0.7, 0, 0, 3, 5).precision == 1.0  # nothing flagged: no false positive


@pytest.mark.slow
def test_the_matcher_on_every_set():
    cards = {card.case_set: card for card in eval_names(NAME_MATCHING).scorecards}
    assert cards["name_bench"].f1 >= 0.91 and cards["name_bench"].precision >= 0.95
    assert cards["yente"].f1 >= 0.995 and cards["yente"].precision == 1.0
    assert cards["cross_script"].f1 >= 0.88 and cards["cross_script"].precision == 1.0
    assert cards["transliteration"].f1 >= 0.55 and cards["transliteration"].precision == 1.0


@pytest.mark.slow
def test_the_score_bound_never_understates_the_score_on_every_set():
    """The upper bound that spares the comparison of candidates that cannot reach a threshold, on every pair
    of every set (read as the pair's schema, and as a person and as an organisation)."""
    for pair in name_pairs(NAME_MATCHING):
        for kind in {name_kind(model.get(pair.schema) or model.get("LegalEntity")), NameTypeTag.PER, NameTypeTag.ORG}:
            query, candidate = analyse_name(kind, pair.query, query=True), analyse_name(kind, pair.candidate)
            if query is None or candidate is None:
                continue
            assert score_bound(query, candidate) >= compare_names(query, candidate).score - 1e-9, \
                (pair.query, pair.candidate, kind)


@pytest.mark.slow
def test_a_comparison_with_a_floor_is_the_comparison_or_none_on_every_set():
    """The comparison screening asks for with a floor (the score the name needs to reach the threshold) is the
    comparison itself, or None exactly when it scores under the floor, on every pair of every set."""
    for pair in name_pairs(NAME_MATCHING):
        for kind in {name_kind(model.get(pair.schema) or model.get("LegalEntity")), NameTypeTag.PER, NameTypeTag.ORG}:
            query, candidate = analyse_name(kind, pair.query, query=True), analyse_name(kind, pair.candidate)
            if query is None or candidate is None:
                continue
            exact = compare_names(query, candidate)
            for floor in (0.5, 0.7 - 1e-9, 0.9):
                reached = reaching_comparison(query, candidate, floor)
                assert (reached is None) == (exact.score < floor), (pair.query, pair.candidate, kind, floor)
                assert reached is None or reached == exact, (pair.query, pair.candidate, kind, floor)
