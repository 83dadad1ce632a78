"""The 50% rule: listed ownership multiplied along chains and summed across them, with the paths; shared
directors and addresses reported as links, never as matches."""

from __future__ import annotations

import pytest

from sanctrace.screening.control import (
    OwnershipGraph,
    holdings_from_entities,
    parse_share,
    shared_address_links,
    shared_director_links,
)


def ownership(owner: str, asset: str, percentage: str | None = None, role: str | None = None) -> dict:
    properties = {"owner": [owner], "asset": [asset]}
    if percentage is not None:
        properties["percentage"] = [percentage]
    if role is not None:
        properties["role"] = [role]
    return {"id": f"own-{owner}-{asset}", "schema": "Ownership", "properties": properties}


def graph(*entities: dict, listed: tuple[str, ...] = ("L",)) -> OwnershipGraph:
    return OwnershipGraph(holdings_from_entities(entities), listed)


def test_three_level_chain_multiplies_the_shares():
    # L -80%-> A -80%-> B -80%-> C : 51.2% of C is held by L
    control = graph(ownership("L", "A", "80"), ownership("A", "B", "80"), ownership("B", "C", "80")).control("C")
    assert control.share == pytest.approx(0.512) and control.controlled
    [path] = control.paths
    assert [h.owner for h in path.holdings] == ["L", "A", "B"]
    assert path.describe({"L": "Listed Holding", "C": "Target"}) == \
        "Listed Holding --80%--> A --80%--> B --80%--> Target = 51.2%"


def test_three_level_chain_below_half_is_not_control():
    control = graph(ownership("L", "A", "70"), ownership("A", "B", "70"), ownership("B", "C", "70")).control("C")
    assert control.share == pytest.approx(0.343) and not control.controlled


def test_chains_are_summed_across_listed_parties():
    # L1 holds 30% of C directly; L2 holds 40% of A which holds 60% of C: 30% + 24% = 54%
    control = graph(ownership("L1", "C", "30"), ownership("L2", "A", "40"), ownership("A", "C", "60"),
                    listed=("L1", "L2")).control("C")
    assert control.share == pytest.approx(0.54) and control.controlled
    assert [round(p.share, 2) for p in control.paths] == [0.3, 0.24]


def test_a_listed_parent_is_not_counted_twice_and_cycles_end():
    # L2 owns L1 (both listed); L1 owns half of C. A and B own each other.
    control = graph(ownership("L2", "L1", "100"), ownership("L1", "C", "50"), ownership("A", "B", "50"),
                    ownership("B", "A", "50"), ownership("A", "C", "10"), listed=("L1", "L2")).control("C")
    assert control.share == pytest.approx(0.5) and len(control.paths) == 1


def test_unstated_shares():
    stated = graph(ownership("L", "C", role="Owned or Controlled By")).control("C")
    unknown = graph(ownership("L", "C")).control("C")
    assert stated.controlled
    assert unknown.share == 0 and unknown.paths[0].share is None and not unknown.controlled


@pytest.mark.parametrize(("text", "share"), [("51", 0.51), ("51.5%", 0.515), ("12,5", 0.125), ("n/a", None)])
def test_percentages(text, share):
    assert parse_share([text]) == (pytest.approx(share) if share is not None else None)


def test_shared_directors_and_addresses_are_links():
    directorships = [
        {"id": "d1", "schema": "Directorship", "properties": {"director": ["P1"], "organization": ["C"]}},
        {"id": "d2", "schema": "Directorship", "properties": {"director": ["P1"], "organization": ["L"]}},
        {"id": "d3", "schema": "Directorship", "properties": {"director": ["LP"], "organization": ["C"]}},
    ]
    links = shared_director_links("C", directorships, {"L", "LP"})
    assert [(link.kind, link.listed_party, link.via) for link in links] == [
        ("directed by a listed party", "LP", "LP"), ("shared director", "L", "P1")]
    [address] = shared_address_links("C", ["Abai Avenue 10, Almaty"], {"L": ["abai avenue 10 almaty"]})
    assert address.kind == "shared address" and address.describe({"L": "Listed"}).startswith("shared address")
