"""Chain-of-custody reconstruction for one lot or serial (pure: events in, custody tree out).

How a unit moves, and how this module follows it:

* **directly** — any event naming the lot (LGTIN, in a quantity list) or the serial (SGTIN, in an EPC list);
* **inside a container** — an AggregationEvent ADD puts the lot (or a container holding it) into a parent
  (reel -> carton -> pallet -> container, nested to any depth); until a DELETE takes it out again (or
  empties the parent), every shipment of the parent is a shipment of the lot;
* **through a transformation** — a TransformationEvent with the lot (or serial) among its inputs: its outputs
  (a module lot, module serials) carry the chips on, and are followed from then on;
* **as its serials** — a lot of serialised parts is named only in the ILMD (CBV `lotNumber`) of the event that
  commissions its instances: those instances are the lot's *members*, each followed like the lot itself, and
  what they do together counts once (a reel holding 500 of them carries 500 units of the lot).

A *hop* is a shipment that changes hands: a source and a destination party on the event (`owning_party`
first; `possessing_party` when no owner is named, which makes the hop a possession-only one: a forwarder
holding goods it does not own). Sales-ledger rows are hops like any other.

The caller (an operation with a store) feeds the events of each object the builder asks for (`pending`),
until nothing is pending; then `tree()` gives the hops arranged by who received what from whom.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sanctrace.epcis.model import ilmd_lot_number

SHIPPING_STEPS = frozenset({
    "https://ref.gs1.org/cbv/BizStep-shipping",
    "https://ref.gs1.org/cbv/BizStep-departing",
    "https://ref.gs1.org/cbv/BizStep-transporting",
    "https://ref.gs1.org/cbv/BizStep-void_shipping",
})
OWNING = "https://ref.gs1.org/cbv/SDT-owning_party"
POSSESSING = "https://ref.gs1.org/cbv/SDT-possessing_party"
LEDGER_NS = "{https://sanctrace.org/ns/ledger#}"


@dataclass(frozen=True, slots=True)
class EventRecord:
    """What custody needs from one stored event (canonical identifiers and vocabulary)."""

    event_id: str
    event_type: str
    action: str | None
    event_time: datetime
    biz_step: str | None
    origin: str  # epcis | sales_ledger
    reporter: str | None
    epcs: tuple[str, ...] = ()
    quantities: tuple[tuple[str, float | None], ...] = ()
    parent: str | None = None
    children: tuple[str, ...] = ()
    child_quantities: tuple[tuple[str, float | None], ...] = ()
    inputs: tuple[str, ...] = ()
    input_quantities: tuple[tuple[str, float | None], ...] = ()
    outputs: tuple[str, ...] = ()
    output_quantities: tuple[tuple[str, float | None], ...] = ()
    sources: tuple[tuple[str, str], ...] = ()  # (type, party)
    lot_number: str | None = None  # the ILMD's CBV lotNumber of the instances it commissions
    # the instances named, as sets: a commissioning or packing event may name thousands of serials
    epc_set: frozenset[str] = frozenset()
    child_set: frozenset[str] = frozenset()
    input_set: frozenset[str] = frozenset()
    destinations: tuple[tuple[str, str], ...] = ()
    ship_to_country: str | None = None

    @classmethod
    def from_body(cls, event_id: str, body: dict[str, Any], event_time: datetime, origin: str,
                  reporter: str | None) -> EventRecord:
        def quantities(key: str) -> tuple[tuple[str, float | None], ...]:
            return tuple((q["epcClass"], q.get("quantity")) for q in body.get(key, ()))

        return cls(
            event_id=event_id, event_type=body["type"], action=body.get("action"), event_time=event_time,
            biz_step=body.get("bizStep"), origin=origin, reporter=reporter,
            epcs=tuple(body.get("epcList", ())), quantities=quantities("quantityList"),
            parent=body.get("parentID"), children=tuple(body.get("childEPCs", ())),
            child_quantities=quantities("childQuantityList"),
            inputs=tuple(body.get("inputEPCList", ())), input_quantities=quantities("inputQuantityList"),
            outputs=tuple(body.get("outputEPCList", ())), output_quantities=quantities("outputQuantityList"),
            sources=tuple((s["type"], s["source"]) for s in body.get("sourceList", ())),
            destinations=tuple((d["type"], d["destination"]) for d in body.get("destinationList", ())),
            ship_to_country=body.get(LEDGER_NS + "shipToCountry"),
            lot_number=ilmd_lot_number(body.get("ilmd")),
            epc_set=frozenset(body.get("epcList", ())), child_set=frozenset(body.get("childEPCs", ())),
            input_set=frozenset(body.get("inputEPCList", ())),
        )

    def amount_of(self, obj: str) -> float | None:
        """How much of `obj` the event moves directly (None: an instance, or no quantity given)."""
        for epc_class, quantity in self.quantities + self.child_quantities + self.input_quantities:
            if epc_class == obj:
                return quantity
        return None

    def named(self) -> set[str]:
        """Every identifier the event names, in any role (as the store's event_objects has them, less the lot
        of an ILMD)."""
        named = {*self.epcs, *self.children, *self.inputs, *self.outputs}
        named.update(c for c, _ in (*self.quantities, *self.child_quantities, *self.input_quantities,
                                    *self.output_quantities))
        if self.parent is not None:
            named.add(self.parent)
        return named

    def names_directly(self, obj: str) -> bool:
        return obj in self.epc_set or any(c == obj for c, _ in self.quantities) or self.parent == obj


@dataclass(frozen=True, slots=True)
class Route:
    """How the traced unit is present in `object`: directly, or packed / transformed into it."""

    object: str
    since: datetime | None  # when the unit went into the object (None: from the start)
    until: datetime | None  # when it came out again (None: never)
    via: str  # lot | container | transformation
    path: tuple[str, ...]  # the objects from the traced lot/serial to this one
    quantity: float | None  # how much of the traced lot is inside, when known
    evidence: tuple[str, ...] = ()  # event ids that put the unit in this object

    def covers(self, moment: datetime) -> bool:
        return (self.since is None or moment >= self.since) and (self.until is None or moment < self.until)


@dataclass(frozen=True, slots=True)
class Hop:
    """A transfer of the traced unit from one party to another."""

    source: str
    destination: str
    time: datetime
    event_ids: tuple[str, ...]
    via: str  # lot | container | transformation | sales_ledger
    quantity: float | None
    possession_only: bool  # a possessing party, not a new owner
    object: str  # what was shipped (the lot, a container, a module lot...)
    ship_to_country: str | None = None
    possessor: str | None = None  # who holds the goods for the new owner (a forwarder), when named

    def to_dict(self) -> dict[str, Any]:
        return {"from": self.source, "to": self.destination, "time": self.time.isoformat(),
                "event_ids": list(self.event_ids), "via": self.via, "quantity": self.quantity,
                "possession_only": self.possession_only, "object": self.object,
                **({"ship_to_country": self.ship_to_country} if self.ship_to_country else {}),
                **({"possessor": self.possessor} if self.possessor else {})}


@dataclass(slots=True)
class CustodyBuilder:
    """Collects the routes of one traced lot or serial and the hops along them."""

    start: str
    routes: dict[tuple[str, datetime | None, tuple[str, ...]], Route] = field(default_factory=dict)
    pending: list[Route] = field(default_factory=list)
    shipments: dict[str, Hop] = field(default_factory=dict)  # by event id
    first_seen: datetime | None = None  # commissioning (or the earliest event) of the traced unit
    members: set[str] = field(default_factory=set)  # the serials of a lot known from its ILMD
    _fetched: dict[str, list[EventRecord]] = field(default_factory=dict)
    _member_counts: dict[tuple[str, str], int] = field(default_factory=dict)  # (event id, role) -> members named
    # members packed into a container by one event (route key): when each came out again (None: never)
    _member_stays: dict[tuple[str, datetime | None, tuple[str, ...]], list[datetime | None]] = field(
        default_factory=dict)

    def __post_init__(self) -> None:
        self._add(Route(self.start, None, None, "lot", (self.start,), None))

    @property
    def hops(self) -> list[Hop]:
        return list(self.shipments.values())

    def _add(self, route: Route) -> None:
        key = (route.object, route.since, route.path)  # one route per way in: two reels in one pallet are two
        if key not in self.routes:
            self.routes[key] = route
            self.pending.append(route)

    def next_objects(self) -> list[str]:
        """Objects whose events are needed and not yet given."""
        return sorted({r.object for r in self.pending if r.object not in self._fetched})

    def add_events(self, obj: str, events: Iterable[EventRecord]) -> None:
        self._fetched[obj] = sorted(events, key=lambda e: (e.event_time, e.event_id))

    def run(self) -> None:
        """Process every pending route whose events have been given (call after each add_events)."""
        while True:
            ready = [r for r in self.pending if r.object in self._fetched]
            if not ready:
                return
            for route in ready:
                self.pending.remove(route)
                self._follow(route, self._fetched[route.object])

    def _follow(self, route: Route, events: Sequence[EventRecord]) -> None:
        obj = route.object
        for event in events:
            if not route.covers(event.event_time):
                continue
            if route.via == "container" and _empties(event, obj):
                break  # a DELETE naming no children takes every child out (EPCIS 2.0 §7.4.3)
            if route.object == self.start and (self.first_seen is None or event.event_time < self.first_seen):
                self.first_seen = event.event_time
            if route.object == self.start and event.lot_number is not None and event.action == "ADD":
                self._add_members(route, event)
            if event.event_type in ("AggregationEvent", "AssociationEvent") and event.action == "ADD" \
                    and event.parent and (obj in event.child_set or any(c == obj for c, _ in event.child_quantities)):
                self._enter_container(route, event, events)
            elif event.event_type == "TransformationEvent" and (
                    obj in event.input_set or any(c == obj for c, _ in event.input_quantities)):
                for output in (*event.outputs, *(c for c, _ in event.output_quantities)):
                    self._add(Route(output, event.event_time, None, "transformation", (*route.path, output),
                                    None, (event.event_id,)))
            if self._is_shipment(event, obj):
                self._hop(route, event)

    def _add_members(self, route: Route, commissioned: EventRecord) -> None:
        """The instances of the traced lot commissioned by this event (same GTIN, the lot in the ILMD)."""
        gtin_part, _, _ = self.start.partition("/10/")
        for epc in commissioned.epcs:
            if epc.startswith(gtin_part + "/21/") and epc not in self.members:
                self.members.add(epc)
                self._add(Route(epc, None, None, "lot", route.path, 1.0, (commissioned.event_id,)))

    def _members_in(self, event: EventRecord, role: str) -> int:
        """How many of the lot's members an event names as children (`child`) or in its EPC list (`epc`)."""
        key = (event.event_id, role)
        if key not in self._member_counts:
            named = event.children if role == "child" else event.epcs
            self._member_counts[key] = sum(1 for epc in named if epc in self.members)
        return self._member_counts[key]

    def _enter_container(self, route: Route, added: EventRecord, events: Sequence[EventRecord]) -> None:
        parent = added.parent
        assert parent is not None
        until = route.until
        for later in events:  # the unit taken out of that parent again (DELETE naming it as a child)
            if later.event_time > added.event_time and later.event_type == added.event_type \
                    and later.action == "DELETE" and later.parent == parent \
                    and (route.object in later.child_set or any(c == route.object for c, _ in later.child_quantities)):
                until = later.event_time if until is None else min(until, later.event_time)
                break
        quantity = added.amount_of(route.object)
        container = Route(parent, added.event_time, until, "container", (*route.path, parent), quantity,
                          (added.event_id,))
        if route.object in self.members:
            self._add_member_container(replace(container, quantity=float(self._members_in(added, "child"))))
            return
        if quantity is None:
            container = replace(container, quantity=route.quantity)
        self._add(container)

    def _add_member_container(self, container: Route) -> None:
        """A member of the traced lot packed into a container: the members one event packs share one route,
        followed until the last of them comes out (each member's own way in names the same container)."""
        key = (container.object, container.since, container.path)
        stays = self._member_stays.setdefault(key, [])
        stays.append(container.until)
        known = self.routes.get(key)
        if known is None:
            self._add(container)
            return
        until = None if None in stays else max(u for u in stays if u is not None)
        if known.until != until and known in self.pending:  # not followed yet: all its members count
            widened = replace(known, until=until)
            self.routes[key] = widened
            self.pending[self.pending.index(known)] = widened

    def _members_inside(self, route: Route, moment: datetime) -> float | None:
        """How many members of the traced lot a container route holds at `moment` (None: not a members' route)."""
        stays = self._member_stays.get((route.object, route.since, route.path))
        if stays is None:
            return None
        return float(sum(1 for until in stays if until is None or until > moment))

    @staticmethod
    def _is_shipment(event: EventRecord, obj: str) -> bool:
        if not (event.sources and event.destinations):
            return False
        if event.biz_step is not None and event.biz_step not in SHIPPING_STEPS and event.origin != "sales_ledger":
            return False
        return event.names_directly(obj)

    def _hop(self, route: Route, event: EventRecord) -> None:
        source, source_owner = _party(event.sources)
        destination, destination_owner = _party(event.destinations)
        possessor = next((p for kind, p in event.destinations if kind == POSSESSING and p != destination), None)
        if source is None or destination is None or source == destination:
            return
        quantity = event.amount_of(route.object) if route.via != "container" else route.quantity
        if route.via == "container" and (inside := self._members_inside(route, event.event_time)) is not None:
            quantity = inside  # members of the lot taken out before this shipment are not in it
        via = "sales_ledger" if event.origin == "sales_ledger" else route.via
        earlier = self.shipments.get(event.event_id)
        if route.object in self.members:
            if earlier is not None:
                return  # counted in full when the first member was
            quantity = float(self._members_in(event, "epc"))
        elif earlier is not None:  # the same shipment reached through another reel of the lot: add it up
            total = None if earlier.quantity is None or quantity is None else earlier.quantity + quantity
            self.shipments[event.event_id] = replace(earlier, quantity=total)
            return
        self.shipments[event.event_id] = Hop(source, destination, event.event_time,
                                             (*route.evidence, event.event_id), via, quantity,
                                             not (source_owner and destination_owner),
                                             self.start if route.object in self.members else route.object,
                                             event.ship_to_country, possessor)


def _empties(event: EventRecord, parent: str) -> bool:
    return (event.event_type in ("AggregationEvent", "AssociationEvent") and event.action == "DELETE"
            and event.parent == parent and not event.children and not event.child_quantities)


def _party(entries: tuple[tuple[str, str], ...]) -> tuple[str | None, bool]:
    """The owner named on one side of an event, else the possessor; and whether it is an owner."""
    for kind, party in entries:
        if kind == OWNING:
            return party, True
    for kind, party in entries:
        if kind == POSSESSING:
            return party, False
    return None, False
