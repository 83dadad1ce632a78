"""The diversion schemes: the companies behind them, and the plan of which lot is diverted how.

Every scheme ends with units in the hands of someone who should not have them, and each has its truth:

scheme                   buys from the distributor     last authorised    diversion point   facilitators
                                                       custodian
front_company            new unlisted front            the branch         the front         front
linked_front             front linked (registry) to a  the branch         the front         front
                         listed party by ownership, a
                         director or an address
unlisted_broker          one broker, at many           the branch         the broker        broker
                         distributors (its own id at
                         each)
forwarder_consolidation  EU reseller; the forwarder    the branch         the reseller      reseller,
                         hands the goods to a                                               consignee
                         consignee inside its
                         container
module_maker             module maker (legitimate);    the module maker   the broker        broker
                         it sells modules to a broker                     buying modules
insider                  small clean customer, whole   the customer       none              none
                         reel, no next hop
listed_transliterated    listed party (listed in       the branch         the listed party  listed party
                         Cyrillic/Chinese) under a
                         Latin spelling
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from sanctrace.simulate.names import transliterate
from sanctrace.simulate.population import Populator, random_day
from sanctrace.simulate.world import Company, Link, World

_FRONT_COUNTRIES = ("TR", "AE", "KZ", "KG", "AM", "GE", "HK", "UZ")
_BROKER_COUNTRIES = ("HK", "AE", "TR", "CN", "KG")
_RESELLER_COUNTRIES = ("DE", "PL", "LT", "CZ", "EE", "LV", "FI")
_CONSIGNEE_COUNTRIES = ("KZ", "KG", "AM", "UZ", "GE")
_LINKS = ("ownership", "directorship", "shared_address")


@dataclass(frozen=True, slots=True)
class Diversion:
    """One diverted consignment as planned: which distributor group (`seller`) and branch sell to `buyer`,
    and the truth. `onward` is the consignee (forwarder scheme) or the broker buying the modules (module
    scheme); `earliest` the first day it may happen; `note` says more (the link of a linked front)."""

    scheme: str
    seller: str
    branch: str
    buyer: str
    last_custodian: str
    diversion_point: str | None
    facilitators: tuple[str, ...]
    earliest: date
    onward: str | None = None
    forwarder: str | None = None
    note: str | None = None


@dataclass
class Actors:
    """The companies each scheme draws on, by scheme, and the link of each linked front."""

    by_scheme: dict[str, list[str]] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)
    consignees: list[str] = field(default_factory=list)


class SchemeBuilder:
    """Creates the diverters (on top of a populated world) and plans the diversions."""

    def __init__(self, populator: Populator) -> None:
        self.pop = populator
        self.world: World = populator.world
        self.rng: random.Random = populator.rng
        self.config = populator.config
        self.actors = Actors()

    def _count(self, n: int) -> int:
        return self.config.population(n, self.world.scale)

    def _enrol(self, company: Company, groups: int) -> None:
        """Make a diverter known to `groups` distributor groups (not among their ordinary customers)."""
        for seller in self.rng.sample(self.pop.groups, min(groups, len(self.pop.groups))):
            self.pop.serve(seller, company, listed=False)

    def _new(self, key: str, role: str, countries: tuple[str, ...], first: date, last: date) -> Company:
        company = self.pop.company(
            key, role, self.rng.choice(countries), incorporated=random_day(self.rng, first, last)
        )
        self.pop.register(company)
        return company

    # -- actors ------------------------------------------------------------------------------------------

    def build(self) -> Actors:
        schemes = self.config.schemes
        by = self.actors.by_scheme
        if "front_company" in schemes:
            fronts = self._count(self.config.fronts)
            by["front_company"] = [self._front(f"front-{i + 1:03d}").key for i in range(fronts)]
        if "linked_front" in schemes:
            by["linked_front"] = [
                self._linked_front(i).key for i in range(self._count(self.config.linked_fronts))
            ]
        if {"unlisted_broker", "module_maker"} & set(schemes):
            brokers = [self._broker(i) for i in range(self._count(self.config.brokers))]
            by["unlisted_broker"] = by["module_maker"] = [b.key for b in brokers]
        if "forwarder_consolidation" in schemes:
            resellers = self._count(self.config.resellers)
            by["forwarder_consolidation"] = [self._reseller(i).key for i in range(resellers)]
            self.actors.consignees = [
                self._new(
                    f"consignee-{i + 1:03d}",
                    "consignee",
                    _CONSIGNEE_COUNTRIES,
                    date(2022, 3, 1),
                    date(2022, 10, 31),
                ).key
                for i in range(self._count(self.config.consignees))
            ]
        if "listed_transliterated" in schemes:
            by["listed_transliterated"] = [
                self._listed_buyer(i).key for i in range(self._count(self.config.listed_buyers))
            ]
        return self.actors

    def _front(
        self,
        key: str,
        role: str = "front",
        countries: tuple[str, ...] = _FRONT_COUNTRIES,
        address_of: Company | None = None,
    ) -> Company:
        """A company set up after the invasion in a transit country (at `address_of`'s address if given)."""
        front = self._new(key, role, countries, date(2022, 3, 1), date(2022, 8, 31))
        if address_of is not None:
            front.address, front.address_key, front.city = (
                address_of.address,
                address_of.address_key,
                address_of.city,
            )
        self._enrol(front, 1)
        return front

    def _linked_front(self, i: int) -> Company:
        """A front tied in the registry to a listed party: owned by one, sharing a director, or registered at
        a listed trader's address."""
        world, rng = self.world, self.rng
        kind = _LINKS[i % len(_LINKS)]
        listed = [
            world.companies[listing.subject]
            for listing in world.listings
            if listing.subject in world.companies
        ]
        if kind == "shared_address":
            traders = [c for c in listed if c.role == "listed_trader"]
            target = traders[i % len(traders)]
            front = self._front(f"linked-front-{i + 1:03d}", "linked_front", (target.country,), target)
        else:
            target = listed[rng.randrange(len(listed))]
            front = self._front(f"linked-front-{i + 1:03d}", "linked_front")
            if kind == "ownership":
                world.link(
                    Link(
                        "ownership",
                        target.key,
                        front.key,
                        front.incorporated,
                        share=float(rng.choice((25, 33, 51, 100))),
                    )
                )
            else:
                director = next(
                    link.holder
                    for link in world.links
                    if link.kind == "directorship" and link.entity == target.key
                )
                world.link(Link("directorship", director, front.key, front.incorporated, role="director"))
        self.actors.links[front.key] = f"{kind}:{target.key}"
        return front

    def _broker(self, i: int) -> Company:
        broker = self._new(
            f"broker-{i + 1:03d}", "broker", _BROKER_COUNTRIES, date(2016, 1, 1), date(2020, 12, 31)
        )
        self._enrol(broker, self.rng.randint(3, 4))
        return broker

    def _reseller(self, i: int) -> Company:
        reseller = self._new(
            f"reseller-{i + 1:03d}", "reseller", _RESELLER_COUNTRIES, date(2022, 3, 1), date(2022, 9, 30)
        )
        reseller.forwarder = self.rng.choice(self.pop.forwarder_keys)
        self.world.enrol(self.world.sellers[reseller.forwarder], reseller.key, self.rng)
        self._enrol(reseller, self.rng.randint(1, 2))
        return reseller

    def _listed_buyer(self, i: int) -> Company:
        """A procurement company listed under its Cyrillic or Chinese name only, that distributors know by
        a Latin spelling; Russian ones take delivery in a transit country."""
        rng = self.rng
        country = "RU" if i % 3 != 2 else rng.choice(("CN", "HK"))
        buyer = self._new(
            f"listed-buyer-{i + 1:03d}", "listed_buyer", (country,), date(2005, 1, 1), date(2020, 12, 31)
        )
        if country == "RU":
            buyer.ship_to = rng.choice(("KZ", "AM", "KG"))
        aliases = []
        if country == "RU" and rng.random() < 0.5:
            aliases = [
                f"{transliterate(buyer.naming.native_stem, 'german')} "
                f"{transliterate(buyer.naming.native_word, 'german')}"
            ]
        self.pop.list_company(buyer, random_day(rng, date(2022, 3, 1), date(2022, 5, 15)), aliases)
        self._enrol(buyer, rng.randint(1, 2))
        return buyer

    # -- the plan ----------------------------------------------------------------------------------------

    def plan(self, eligible: range) -> dict[int, Diversion]:
        """Which lot (index) is diverted how. Lots in `eligible` were made after `diversion_from`; each
        diverted lot carries one diversion. Schemes take turns, so a small world has one of each first."""
        rng, config, world = self.rng, self.config, self.world
        wanted = sorted(
            ((n, s) for s in config.schemes for n in range(config.diversion_count(s, world.scale))),
            key=lambda pair: (pair[0], config.schemes.index(pair[1])),
        )
        slots = rng.sample(eligible, min(len(wanted), len(eligible)))
        self._listed_on = {}
        for listing in world.listings:
            self._listed_on[listing.subject] = min(m[2] for m in listing.measures)
        self._insiders = sorted(
            (seller, key)
            for (seller, key) in world.branch_of
            if small_customer(world.companies[key]) and world.sellers[seller].role == "distributor"
        )
        return {index: self._diversion(scheme, n) for index, (n, scheme) in zip(slots, wanted, strict=False)}

    def _distributors_of(self, key: str) -> list[str]:
        return sorted(s for s in self.world.sellers_of[key] if self.world.sellers[s].role == "distributor")

    def _diversion(self, scheme: str, n: int) -> Diversion:
        if scheme == "insider":
            return self._insider()
        actors = self.actors.by_scheme[scheme]
        if scheme == "module_maker":
            return self._module(actors[n % len(actors)], n)
        world, rng = self.world, self.rng
        buyer = world.companies[actors[n % len(actors)]]
        groups = self._distributors_of(buyer.key)
        seller = groups[n % len(groups)] if scheme == "unlisted_broker" else rng.choice(groups)
        branch = world.branch_of[seller, buyer.key]
        earliest = max(
            self.config.diversion_from,
            buyer.incorporated + timedelta(days=30),
            self._listed_on.get(buyer.key, date.min) + timedelta(days=10),
        )
        if scheme != "forwarder_consolidation":
            note = self.actors.links.get(buyer.key)
            return Diversion(
                scheme, seller, branch, buyer.key, branch, buyer.key, (buyer.key,), earliest, note=note
            )
        consignee = self.actors.consignees[n % len(self.actors.consignees)]
        world.enrol(world.sellers[buyer.forwarder], consignee, rng)
        earliest = max(earliest, world.companies[consignee].incorporated + timedelta(days=30))
        facilitators = (buyer.key, consignee)
        return Diversion(
            scheme,
            seller,
            branch,
            buyer.key,
            branch,
            buyer.key,
            facilitators,
            earliest,
            consignee,
            buyer.forwarder,
        )

    def _module(self, broker: str, n: int) -> Diversion:
        """Chips bought by a module maker; one sale of the modules goes to a broker."""
        world = self.world
        makers = world.of_role("module_maker")
        maker = makers[n % len(makers)].key
        world.enrol(world.sellers[maker], broker, self.rng)
        seller = self.rng.choice(self._distributors_of(maker))
        earliest = max(self.config.diversion_from, world.companies[broker].incorporated)
        branch = world.branch_of[seller, maker]
        return Diversion(
            "module_maker", seller, branch, maker, maker, broker, (broker,), earliest, onward=broker
        )

    def _insider(self) -> Diversion:
        """A small, clean customer whose whole-reel order (far above its usual cut-tape orders) vanishes."""
        seller, key = self._insiders[self.rng.randrange(len(self._insiders))]
        branch = self.world.branch_of[seller, key]
        return Diversion("insider", seller, branch, key, key, None, (), self.config.diversion_from)


def small_customer(company: Company) -> bool:
    """An ordinary, currently trading customer of below-median size."""
    return company.role == "customer" and company.active_until is None and company.weight < 1.7
