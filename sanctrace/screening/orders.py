"""Checking an order before it ships: `clear`, `review` or `block`, with every reason (pure).

`block` is kept for what the law forbids outright: a party that is a listed party (a strong screening hit), a
party controlled 50% or more by listed parties, a destination under embargo (Russia, Belarus, Iran).
Everything else that should stop a shipment until someone looks is `review`: a weaker screening hit, listed
minority ownership, links to listed parties, a transshipment country, and the red flags — a new customer, a
company incorporated after 24 February 2022, a ship-to country differing from the customer's, an order of
tier-1/2 Common High Priority Items only, a customer seen in the custody chain of a component recovered from a
weapon. The CHPL tier of every item is reported.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from sanctrace.errors import InvalidInput
from sanctrace.screening.control import Control, Link
from sanctrace.screening.matching import Match

BLOCK_SCORE = 0.9  # a screening hit this strong is taken as the listed party itself
INVASION = "2022-02-24"
ROLES = ("customer", "ship_to", "end_user")
VERDICTS = ("clear", "review", "block")


@dataclass(frozen=True, slots=True)
class OrderParty:
    """A party named on an order; `id` is its identifier in the ledger, when it has one."""

    role: str
    name: str
    id: str | None = None
    schema: str = "LegalEntity"
    country: str | None = None
    address: str | None = None
    registration_number: str | None = None
    incorporation_date: str | None = None


@dataclass(frozen=True, slots=True)
class OrderItem:
    quantity: float
    part_number: str | None = None
    manufacturer: str | None = None
    hs_code: str | None = None


@dataclass(frozen=True, slots=True)
class Order:
    order_id: str
    customer: OrderParty
    items: tuple[OrderItem, ...]
    country: str | None = None  # the destination
    ship_to: OrderParty | None = None
    end_user: OrderParty | None = None

    @property
    def parties(self) -> list[OrderParty]:
        return [p for p in (self.customer, self.ship_to, self.end_user) if p is not None]

    @property
    def destination(self) -> str | None:
        shipped = self.ship_to.country if self.ship_to else None
        return (self.country or shipped or self.customer.country or "").lower() or None


def _text(data: Mapping[str, Any], key: str, where: str, required: bool = False) -> str | None:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InvalidInput(f"{where}.{key} is required")
        return None
    if not isinstance(value, (str, int, float)):
        raise InvalidInput(f"{where}.{key} must be text, not {type(value).__name__}")
    return str(value).strip()


def _party(data: Any, role: str) -> OrderParty:
    if not isinstance(data, Mapping):
        raise InvalidInput(f"order.{role} must be an object with at least a name")
    country = _text(data, "country", role)
    return OrderParty(role, _text(data, "name", role, required=True) or "", _text(data, "id", role),
                      _text(data, "schema", role) or "LegalEntity", country.lower() if country else None,
                      _text(data, "address", role), _text(data, "registration_number", role),
                      _text(data, "incorporation_date", role))


def _item(data: Any, index: int) -> OrderItem:
    where = f"items[{index}]"
    if not isinstance(data, Mapping):
        raise InvalidInput(f"order.{where} must be an object")
    quantity = data.get("quantity")
    if not isinstance(quantity, (int, float)) or isinstance(quantity, bool) or quantity <= 0:
        raise InvalidInput(f"order.{where}.quantity must be a positive number, not {quantity!r}")
    item = OrderItem(float(quantity), _text(data, "part_number", where), _text(data, "manufacturer", where),
                     _text(data, "hs_code", where))
    if item.part_number is None and item.hs_code is None:
        raise InvalidInput(f"order.{where} needs a part_number or an hs_code")
    return item


def read_order(data: Any) -> Order:
    """An order from its JSON form; InvalidInput names the field at fault."""
    if not isinstance(data, Mapping):
        raise InvalidInput("an order must be a JSON object")
    items = data.get("items")
    if not isinstance(items, list) or not items:
        raise InvalidInput("order.items must be a non-empty list")
    return Order(_text(data, "order_id", "order") or "order", _party(data.get("customer"), "customer"),
                 tuple(_item(item, i) for i, item in enumerate(items)), _text(data, "country", "order"),
                 _party(data["ship_to"], "ship_to") if data.get("ship_to") else None,
                 _party(data["end_user"], "end_user") if data.get("end_user") else None)


@cache
def destination_risks() -> dict[str, tuple[str, str]]:
    """country -> (block | review, why), from resources/screening_destinations.csv."""
    text = resources.files("sanctrace").joinpath("resources", "screening_destinations.csv").read_text("utf-8")
    return {row["country"]: (row["risk"], row["note"]) for row in csv.DictReader(io.StringIO(text))}


@dataclass(frozen=True, slots=True)
class Reason:
    verdict: str  # what this reason alone calls for: clear | review | block
    code: str  # screening_hit | listed_control | listed_ownership | link | destination | chpl_item | new_customer ...
    detail: str
    party: str | None = None  # the role it concerns

    def to_dict(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "code": self.code, "party": self.party, "detail": self.detail}


@dataclass(slots=True)
class PartyFacts:
    """What the ledger and the lists say about one party of the order."""

    party: OrderParty
    matches: list[Match] = field(default_factory=list)
    control: Control | None = None
    links: list[Link] = field(default_factory=list)
    incorporation_date: str | None = None
    ledger_events: int = 0


@dataclass(frozen=True, slots=True)
class ItemFacts:
    item: OrderItem
    hs_code: str | None  # as ordered, else from the parts catalogue
    tier: int | None  # CHPL tier, None when not a CHPL item


@dataclass(frozen=True, slots=True)
class OrderCheck:
    order_id: str
    verdict: str
    reasons: tuple[Reason, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"order_id": self.order_id, "verdict": self.verdict, "reasons": [r.to_dict() for r in self.reasons]}


def _party_reasons(facts: PartyFacts, captions: Mapping[str, str]) -> list[Reason]:
    role = facts.party.role
    reasons = []
    for match in facts.matches:
        verdict = "block" if match.score >= BLOCK_SCORE else "review"
        reasons.append(Reason(verdict, "screening_hit", f"{facts.party.name!r} matches listed party "
                              f"{match.caption!r} ({match.entity_id}) at {match.score:.2f}: {match.summary()}", role))
    if facts.control is not None and facts.control.paths:
        paths = "; ".join(p.describe(captions) for p in facts.control.paths)
        if facts.control.controlled:
            reasons.append(Reason("block", "listed_control", f"{facts.party.name!r} is {facts.control.share:.0%} "
                                  f"owned by listed parties (50% rule): {paths}", role))
        else:
            reasons.append(Reason("review", "listed_ownership", f"{facts.party.name!r} is "
                                  f"{facts.control.share:.0%} owned by listed parties: {paths}", role))
    for link in facts.links:
        reasons.append(Reason("review", "link", f"{facts.party.name!r}: {link.describe(captions)}", role))
    incorporated = facts.incorporation_date or facts.party.incorporation_date
    if incorporated and incorporated > INVASION:
        reasons.append(Reason("review", "incorporated_after_invasion",
                              f"{facts.party.name!r} was incorporated on {incorporated}, after {INVASION}", role))
    return reasons


def _destination_reasons(order: Order) -> list[Reason]:
    reasons = []
    countries = {order.destination} | {p.country for p in order.parties if p.role != "customer"}
    for country in sorted(c for c in countries if c):
        risk = destination_risks().get(country)
        if risk:
            reasons.append(Reason(risk[0], "destination", f"{country.upper()}: {risk[1]}"))
    customer_country = order.customer.country
    if order.ship_to and order.ship_to.country and customer_country and order.ship_to.country != customer_country:
        reasons.append(Reason("review", "ship_to_country_differs", f"ship-to country {order.ship_to.country.upper()}"
                              f" differs from the customer's {customer_country.upper()}", "ship_to"))
    return reasons


def _item_reasons(items: Sequence[ItemFacts]) -> list[Reason]:
    reasons = []
    for facts in items:
        label = facts.item.part_number or facts.hs_code or "item"
        if facts.tier is not None:
            reasons.append(Reason("clear", "chpl_item", f"{label} (HS {facts.hs_code}) is a Common High Priority "
                                  f"Item, tier {facts.tier}"))
        elif facts.hs_code is None:
            reasons.append(Reason("review", "unknown_hs_code", f"{label}: no HS code given and the part is not in "
                                  "the parts catalogue"))
    tiers = [f.tier for f in items]
    if tiers and all(t in (1, 2) for t in tiers):
        reasons.append(Reason("review", "high_priority_items_only",
                              "every item is a tier-1 or tier-2 Common High Priority Item"))
    return reasons


def decide(order: Order, parties: Sequence[PartyFacts], items: Sequence[ItemFacts],
           seen_in_chains: frozenset[str], captions: Mapping[str, str]) -> OrderCheck:
    """The verdict on an order, and every reason for it (the strictest reason wins)."""
    reasons: list[Reason] = []
    for facts in parties:
        reasons += _party_reasons(facts, captions)
    customer = next(f for f in parties if f.party.role == "customer")
    if customer.ledger_events == 0:
        reasons.append(Reason("review", "new_customer", f"{order.customer.name!r} has no earlier shipment in the "
                              "ledger", "customer"))
    if order.customer.id and order.customer.id in seen_in_chains:
        reasons.append(Reason("review", "seen_in_custody_chain", f"{order.customer.name!r} appears in the custody "
                              "chain of a component recovered from a weapon", "customer"))
    reasons += _destination_reasons(order)
    reasons += _item_reasons(items)
    verdict = max((r.verdict for r in reasons), key=VERDICTS.index, default="clear")
    ordered = sorted(reasons, key=lambda r: -VERDICTS.index(r.verdict))
    return OrderCheck(order.order_id, verdict, tuple(ordered))
