"""Ownership and control by listed parties, and the links that are not matches (pure).

**The 50% rule.** An entity is controlled when listed parties own 50% or more of it, directly or through chains
of holdings: the shares along a chain are multiplied, and the chains from every listed party are summed. A chain
stops at the first listed party met going up (a listed parent's own owners are not counted twice). A holding
without a stated percentage counts fully when the list itself states control ("Owned or Controlled By"), and is
otherwise shown in the paths but not counted.

**Links.** A shared director or a shared address with a listed party is reported as a link — a reason to look,
never a match.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sanctrace.screening.parties import normalise_address

CONTROL_SHARE = 0.5
MAX_CHAIN = 12  # holdings followed up from an entity, at most
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_STATED_CONTROL = ("controlled", "control")


@dataclass(frozen=True, slots=True)
class Holding:
    """`owner` holds `share` (0..1, None when not stated) of `asset`."""

    owner: str
    asset: str
    share: float | None
    source: str  # the Ownership entity it was read from


@dataclass(frozen=True, slots=True)
class ControlPath:
    """One chain from a listed party down to the entity: the holdings, top first, and their product."""

    holdings: tuple[Holding, ...]
    share: float | None  # None when a holding on the chain states no share

    def describe(self, captions: Mapping[str, str]) -> str:
        steps = [captions.get(self.holdings[0].owner, self.holdings[0].owner)]
        for holding in self.holdings:
            stated = f"{holding.share:.0%}" if holding.share is not None else "share not stated"
            steps.append(f"--{stated}--> {captions.get(holding.asset, holding.asset)}")
        total = f" = {self.share:.1%}" if self.share is not None else ""
        return " ".join(steps) + total

    def to_dict(self) -> dict[str, Any]:
        return {"share": self.share, "holdings": [
            {"owner": h.owner, "asset": h.asset, "share": h.share, "source": h.source} for h in self.holdings]}


@dataclass(frozen=True, slots=True)
class Control:
    """How much of an entity listed parties own, and through which chains."""

    entity_id: str
    share: float
    paths: tuple[ControlPath, ...]

    @property
    def controlled(self) -> bool:
        return self.share >= CONTROL_SHARE - 1e-9

    def to_dict(self, captions: Mapping[str, str] | None = None) -> dict[str, Any]:
        captions = captions or {}
        return {"entity_id": self.entity_id, "share": round(self.share, 4), "controlled": self.controlled,
                "paths": [p.describe(captions) for p in self.paths]}


@dataclass(frozen=True, slots=True)
class Link:
    """A shared director or address with a listed party: reported, never a match."""

    entity_id: str
    listed_party: str
    kind: str  # "shared director" | "shared address" | "directed by a listed party"
    via: str  # the director's id, or the address

    def describe(self, captions: Mapping[str, str]) -> str:
        listed = captions.get(self.listed_party, self.listed_party)
        via = captions.get(self.via, self.via)
        return f"{self.kind} with listed party {listed}: {via}"

    def to_dict(self) -> dict[str, Any]:
        return {"entity_id": self.entity_id, "listed_party": self.listed_party, "kind": self.kind, "via": self.via}


def parse_share(values: Sequence[str]) -> float | None:
    """An Ownership's `percentage` ("51", "51.5%", "51,5") as a share of 1; None when not stated."""
    for value in values:
        found = _NUMBER.search(value)
        if found:
            return min(float(found.group(0).replace(",", ".")) / 100.0, 1.0)
    return None


def holdings_from_entities(entities: Iterable[Mapping[str, Any]]) -> list[Holding]:
    """Holdings from FollowTheMoney Ownership entities (owner, asset, percentage, role)."""
    holdings = []
    for entity in entities:
        properties = entity.get("properties") or {}
        share = parse_share(properties.get("percentage", ()))
        if share is None and any(word in role.lower() for role in properties.get("role", ())
                                 for word in _STATED_CONTROL):
            share = 1.0
        for owner in properties.get("owner", ()):
            for asset in properties.get("asset", ()):
                holdings.append(Holding(owner, asset, share, entity.get("id", "")))
    return holdings


class OwnershipGraph:
    """Who holds what, walked upwards from an entity to the listed parties that own it."""

    def __init__(self, holdings: Iterable[Holding], listed: Iterable[str]) -> None:
        self.owners: dict[str, list[Holding]] = defaultdict(list)
        for holding in holdings:
            self.owners[holding.asset].append(holding)
        self.listed = frozenset(listed)

    def _chains(self, entity_id: str, below: tuple[Holding, ...], visited: frozenset[str]) -> Iterable[ControlPath]:
        for holding in self.owners.get(entity_id, ()):
            if holding.owner in visited:
                continue  # a cycle
            chain = (holding, *below)
            if holding.owner in self.listed:
                yield ControlPath(chain, _product([h.share for h in chain]))
            elif len(chain) < MAX_CHAIN:
                yield from self._chains(holding.owner, chain, visited | {holding.owner})

    def control(self, entity_id: str) -> Control:
        """The listed ownership of an entity: every chain from a listed party, and the sum of their shares."""
        paths = tuple(sorted(self._chains(entity_id, (), frozenset({entity_id})),
                             key=lambda p: -(p.share or 0.0)))
        return Control(entity_id, sum(p.share for p in paths if p.share is not None), paths)


def _product(shares: Sequence[float | None]) -> float | None:
    """The shares multiplied along a chain; None when one of them is not stated."""
    result = 1.0
    for share in shares:
        if share is None:
            return None
        result *= share
    return result


def shared_director_links(entity_id: str, directorships: Iterable[Mapping[str, Any]],
                          listed: Iterable[str]) -> list[Link]:
    """Listed parties sharing a director with the entity, and listed persons directing it."""
    listed = frozenset(listed)
    directors_of: dict[str, set[str]] = defaultdict(set)
    for entity in directorships:
        properties = entity.get("properties") or {}
        for director in properties.get("director", ()):
            for organization in properties.get("organization", ()):
                directors_of[organization].add(director)
    links = [Link(entity_id, director, "directed by a listed party", director)
             for director in sorted(directors_of.get(entity_id, ())) if director in listed]
    for organization, directors in sorted(directors_of.items()):
        if organization in listed and organization != entity_id:
            for director in sorted(directors & directors_of.get(entity_id, set())):
                links.append(Link(entity_id, organization, "shared director", director))
    return links


def shared_address_links(entity_id: str, addresses: Iterable[str],
                         listed_addresses: Mapping[str, Iterable[str]]) -> list[Link]:
    """Listed parties at one of the entity's addresses (compared without case or punctuation)."""
    mine = {normalise_address(a) for a in addresses if a.strip()}
    return [Link(entity_id, party, "shared address", address)
            for party, theirs in sorted(listed_addresses.items()) if party != entity_id
            for address in sorted(mine & set(theirs))]
