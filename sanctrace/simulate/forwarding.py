"""Freight forwarders: they take consignments in (labelling with their own SSCC those that arrive without
one), gather them per destination country into containers, ship the container (possessing party: the
forwarder, at both ends) and at the destination release each consignment to its consignee. The release
event names the owner before and after: for ordinary consignments the buyer is the consignee, but in the
forwarder scheme the goods a reseller bought change owner inside the container."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sanctrace.simulate.catalogue import Part
from sanctrace.simulate.clock import DAY
from sanctrace.simulate.events import Goods

if TYPE_CHECKING:
    from sanctrace.simulate.lifecycle import Record, Simulation

_WINDOW = 21 * DAY  # a consignment waits at most this long for its container to fill


@dataclass(slots=True)
class Consignment:
    """Goods handed to a forwarder: by SSCC, or (from a ledger-only seller) as lot contents to label."""

    sscc: str | None
    contents: tuple[Part, str, int] | None
    owner: str
    consignee: str
    country: str
    ready: float


class Forwarding:
    """The forwarders' side of a simulation: open containers per (forwarder, destination country)."""

    def __init__(self, sim: Simulation) -> None:
        self.sim = sim
        self.open: dict[tuple[str, str], list[Consignment]] = {}
        self.points: dict[str, dict[str, str]] = {}

    def receive(self, forwarder: str, consignment: Consignment) -> Iterator[Record]:
        """Take a consignment in (labelling it if it has no SSCC); ship the container when it is full or
        when its first consignment has waited long enough."""
        sim = self.sim
        seller = sim.world.sellers[forwarder]
        f, ids, site = sim.factories[forwarder], seller.ids, sim.site(seller, forwarder)
        if consignment.sscc is None:
            part, code, quantity = consignment.contents
            consignment.sscc = sim.new_sscc(sim.world.companies[forwarder])
            contents = Goods(quantities=[(sim.lgtin(seller, part, code), quantity)])
            yield "epcis", forwarder, f.packing(consignment.ready, ids.sscc(consignment.sscc), contents, site)
        elif seller.style.receiving:
            yield (
                "epcis",
                forwarder,
                f.receiving(consignment.ready, Goods([ids.sscc(consignment.sscc)]), site),
            )
        key = (forwarder, consignment.country)
        waiting = self.open.get(key)
        if waiting:  # lots are simulated one after another, so consignments may come in out of time order
            readies = [c.ready for c in waiting]
            if max(*readies, consignment.ready) - min(*readies, consignment.ready) > _WINDOW:
                yield from self._ship(key)
        self.open.setdefault(key, []).append(consignment)
        if len(self.open[key]) >= sim.config.container_size:
            yield from self._ship(key)

    def flush_all(self) -> Iterator[Record]:
        """Ship every container still being filled (at the end of the simulation)."""
        for key in sorted(self.open):
            yield from self._ship(key)

    def _delivery_point(self, forwarder: str, country: str) -> str:
        """The SGLN of the forwarder's delivery point in a destination country (numbered as first used)."""
        refs = self.points.setdefault(forwarder, {})
        if country not in refs:
            width = 12 - len(self.sim.world.companies[forwarder].gcp)
            refs[country] = f"{100 + len(refs):0{width}d}"
        return self.sim.site(self.sim.world.sellers[forwarder], forwarder, refs[country])

    def _ship(self, key: tuple[str, str]) -> Iterator[Record]:
        """Pack the waiting consignments into a container, ship it, unpack it and release each one."""
        sim, rng, world = self.sim, self.sim.rng, self.sim.world
        forwarder, country = key
        consignments = self.open.pop(key)
        seller = world.sellers[forwarder]
        f, ids, site = sim.factories[forwarder], seller.ids, sim.site(seller, forwarder)
        container = ids.sscc(sim.new_sscc(world.companies[forwarder]))
        children = [ids.sscc(c.sscc) for c in consignments]
        me = world.ref(seller, forwarder)
        t = max(c.ready for c in consignments) + rng.uniform(1, 3) * DAY
        yield "epcis", forwarder, f.packing(t, container, Goods(children), site)
        delivery = self._delivery_point(forwarder, country)
        t += rng.uniform(2, 12) * 3600
        bill = sim.transactions(seller, world.companies[forwarder], "bol")
        sources, destinations = (
            [("possessing_party", me), ("location", site)],
            [("possessing_party", me), ("location", delivery)],
        )
        yield "epcis", forwarder, f.container_shipping(t, container, children, sources, destinations, bill)
        t += rng.uniform(6, 18) * DAY
        yield "epcis", forwarder, f.unpacking(t, container, children, delivery)
        for consignment, child in zip(consignments, children, strict=True):
            t += rng.uniform(600, 7200)
            owner, consignee = world.ref(seller, consignment.owner), world.ref(seller, consignment.consignee)
            sources = [("owning_party", owner), ("possessing_party", me), ("location", delivery)]
            destinations = [("owning_party", consignee), ("possessing_party", consignee)]
            yield "epcis", forwarder, f.shipping(t, Goods([child]), sources, destinations)
