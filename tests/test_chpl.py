"""The CHPL resource against the reference transcription in the shared data."""

import csv

import pytest

from sanctrace.chpl import hs6_of, load_chpl, tier_of
from tests.shared import SHARED_DATA

REFERENCE = SHARED_DATA / "trade_controls" / "chpl" / "chpl_hs6_tiers_2024-02.csv"


def test_codes_and_tiers_match_the_reference():
    with REFERENCE.open(newline="", encoding="utf-8") as handle:
        expected = {row["hs6"]: row["tier"] for row in csv.DictReader(handle)}
    assert len(expected) == 50
    assert {code: item.tier for code, item in load_chpl().items()} == expected


def test_every_item_has_a_description():
    assert all(item.description for item in load_chpl().values())


@pytest.mark.parametrize(
    ("code", "tier"),
    [
        ("854231", 1),
        ("8542.31", 1),
        ("8542 33 00", 1),
        ("85423990", 1),
        ("8542.39.0090", 1),
        ("853224", 2),
        ("8541.10.00", 3),
        ("848210", 3),
        ("8534.00.11", 4),
        ("846693", 4),
        ("854290", None),
        ("8542", None),
        ("", None),
        ("abcdef", None),
    ],
)
def test_tier_of(code, tier):
    assert tier_of(code) == tier


def test_hs6_of():
    assert hs6_of("8542.31.90") == "854231"
    assert hs6_of("85 42") is None
