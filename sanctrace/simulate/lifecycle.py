"""The life of each lot, as the records of everyone who handles it: the manufacturer commissions, packs
(reel -> carton -> pallet) and ships it to a distributor group's head office; the group unpacks it, sends
reels to its branches, and they sell them whole or cut to customers (EPCIS events, or sales-ledger rows for
groups that keep no EPCIS); module makers build the chips they buy into modules (`assembly.py`);
forwarders consolidate consignments (`forwarding.py`). A planned diversion takes the place of one sale.
Pure: yields records, writes nothing.

Records are tuples `(kind, seller key, payload)`: `("epcis", reporter, event dict)` or
`("sale", ledger keeper, row tuple in SALES_COLUMNS order)`.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache
from typing import Any

from sanctrace.identifiers import make_gln
from sanctrace.simulate.assembly import Assembly
from sanctrace.simulate.catalogue import Part, lot_code
from sanctrace.simulate.clock import DAY, at, date_code, day_of
from sanctrace.simulate.events import EventFactory, Goods, Transaction
from sanctrace.simulate.forwarding import Consignment, Forwarding
from sanctrace.simulate.ids import sscc_tail
from sanctrace.simulate.recoveries import DivertedBatch
from sanctrace.simulate.schemes import Diversion, small_customer
from sanctrace.simulate.world import Company, Seller, World

Record = tuple[str, str, Any]
EPCIS, SALE = "epcis", "sale"
# fmt: off
SALES_COLUMNS = (
    "date", "seller", "buyer", "manufacturer", "part_number", "lot_code", "quantity", "ship_to_country",
    "invoice",
)
# fmt: on


@dataclass(slots=True)
class Reel:
    sscc: str
    quantity: int
    serials: range | None
    branch: str = ""
    available: float = 0.0  # when the branch holding it can sell it


@dataclass(slots=True)
class Lot:
    part: Part
    code: str
    made: float
    reels: list[Reel]
    cartons: list[tuple[str, list[Reel]]]
    pallet: str

    @property
    def quantity(self) -> int:
        return sum(r.quantity for r in self.reels)

    @property
    def serials(self) -> range | None:
        if self.reels[0].serials is None:
            return None
        return range(self.reels[0].serials.start, self.reels[-1].serials.stop)


@dataclass(slots=True)
class Sale:
    """A branch's sale of (part of) one reel: a `whole` reel ships by its SSCC; a forwarded sale is packed
    into `consignment` (an SSCC) and handed to `forwarder` for `consignee`."""

    reel: Reel
    buyer: str
    quantity: int
    time: float
    whole: bool = False
    serials: range | None = None
    forwarder: str | None = None
    consignee: str | None = None
    consignment: str | None = None
    diversion: Diversion | None = None

    @property
    def branch(self) -> str:
        return self.reel.branch


INSIDER_ORDER_MULTIPLE = 3  # an insider's whole reel is at least this many of the customer's average orders
INSIDER_MIN_REEL = 2500  # an insider takes chips that come on reels at least this large


class Simulation:
    """Generates the records of a world lot by lot, lots in order of manufacture (`lot(index)`), then
    the containers forwarders still hold (`forwarding.flush_all()`). `plan` maps lot indices to the
    diversion each carries; `batches` collects the diverted units."""

    def __init__(self, world: World, seed: int) -> None:
        self.world = world
        self.config = world.config
        self.plan: dict[int, Diversion] = {}
        self.rng = random.Random(f"{seed}/trade")
        self.lots = self.config.lot_count(world.scale)
        self.factories = {key: EventFactory(s.style, self.rng) for key, s in world.sellers.items()}
        self.batches: list[DivertedBatch] = []
        self.forwarding = Forwarding(self)
        self.assembly = Assembly(self)
        self._numbers: dict[str, int] = {}
        self._serials: dict[int, int] = {}
        self._sites: dict[tuple[str, str], str | None] = {}
        self._samplers: dict[tuple[str, str, bool], tuple[list[str], list[float]]] = {}
        self._orders: dict[str, list[float]] = {}  # customer -> [units bought, orders], as simulated so far
        self._groups = [s for s in world.sellers.values() if s.role == "distributor"]
        self._parts = [p for p in world.parts if world.companies[p.maker].role == "manufacturer"]
        self._part_weights = [3.0 if p.tier == 1 else 1.0 for p in self._parts]

    # -- shared helpers ----------------------------------------------------------------------------------

    def _schedule(self) -> tuple[float, float]:
        """Lots are made evenly from `start` to 300 days before `end` (time for sales and diversions)."""
        return at(self.config.start), at(self.config.end - timedelta(days=300))

    def lot_time(self, index: int) -> float:
        first, last = self._schedule()
        return first + (index + self.rng.random()) / self.lots * (last - first)

    def lots_made_from(self, day: date) -> range:
        """The indices of the lots made on or after `day`."""
        first, last = self._schedule()
        start = math.ceil((at(day) - first) / (last - first) * self.lots)
        return range(min(self.lots, max(0, start)), self.lots)

    def number(self, counter: str) -> int:
        """The next number of a named counter (SSCC serials, lot numbers, invoices, ...)."""
        self._numbers[counter] = value = self._numbers.get(counter, 0) + 1
        return value

    def new_sscc(self, company: Company) -> str:
        return sscc_tail(company.gcp, self.number("sscc:" + company.gcp))

    def site(self, seller: Seller, company_key: str, ref: str | None = None) -> str | None:
        """The SGLN a seller writes for a company's site (main site unless `ref`), None without a GLN."""
        key = (seller.key, company_key + (ref or ""))
        if key not in self._sites:
            self._sites[key] = self.world.sgln(seller, self.world.companies[company_key], ref)
        return self._sites[key]

    def transactions(self, seller: Seller, company: Company, *kinds: str) -> list[Transaction]:
        """Business transaction URIs (CBV `urn:epcglobal:cbv:bt:<GLN>:<id>`) numbered by the seller."""
        prefix = f"urn:epcglobal:cbv:bt:{_gln(company.gcp, company.party_ref)}:"
        return [(kind, f"{prefix}{kind.upper()}-{self.number(kind + seller.key):07d}") for kind in kinds]

    def lgtin(self, seller: Seller, part: Part, code: str) -> str:
        return seller.ids.lgtin(part.gcp, part.item, part.gtin, code)

    def sgtins(self, seller: Seller, part: Part, serials: range) -> list[str]:
        ids = seller.ids
        return [ids.sgtin(part.gcp, part.item, part.gtin, str(s)) for s in serials]

    def goods(self, seller: Seller, lot: Lot, sale: Sale) -> Goods:
        """The goods of a sale as a seller writes them: a whole reel by SSCC, serials, or a lot quantity."""
        if sale.whole:
            return Goods([seller.ids.sscc(sale.reel.sscc)])
        if sale.serials is not None:
            return Goods(self.sgtins(seller, lot.part, sale.serials))
        return Goods(quantities=[(self.lgtin(seller, lot.part, lot.code), sale.quantity)])

    def customer(self, seller: Seller, member: str, ts: float, whole_reel: bool = False) -> str | None:
        """An ordinary customer of a branch that is trading on that day, drawn by size; a whole reel by size
        squared: production buyers take full reels, small customers mostly buy cut tape."""
        key = (seller.key, member, whole_reel)
        if key not in self._samplers:
            keys = seller.served.get(member, [])
            weights, total = [], 0.0
            for k in keys:
                total += self.world.companies[k].weight ** (2 if whole_reel else 1)
                weights.append(total)
            self._samplers[key] = (keys, weights)
        keys, weights = self._samplers[key]
        day = day_of(ts)
        for _ in range(8 if keys else 0):
            pick = self.world.companies[self.rng.choices(keys, cum_weights=weights)[0]]
            if pick.active(day):
                return pick.key
        return None

    # -- a lot -------------------------------------------------------------------------------------------

    def lot(self, index: int) -> Iterator[Record]:
        """Every record about one lot."""
        diversion = self.plan.get(index)
        part = self._choose_part(diversion)
        group = self.world.sellers[diversion.seller] if diversion else self.rng.choice(self._groups)
        lot = self._make_lot(part, self.lot_time(index))
        arrival = yield from self._manufacture(lot, group)
        sales = self._plan_sales(lot, group, arrival, diversion)
        if group.epcis:
            yield from self._group_events(group, lot, arrival)
        else:
            yield from self._transfer_rows(group, lot)
        for sale in sales:
            if group.epcis:
                yield from self._sale_events(group, lot, sale)
            else:
                yield self._sale_row(group, lot, sale)
            if sale.forwarder:
                yield from self.forwarding.receive(sale.forwarder, self._consignment(group, lot, sale))
            if self.world.companies[sale.buyer].role == "module_maker":
                yield from self.assembly.build(lot, sale)

    def _choose_part(self, diversion: Diversion | None) -> Part:
        """A part, tier-1 chips favoured; the module scheme needs a chip module makers build in, the insider
        one a chip on large reels."""
        if diversion and diversion.scheme == "module_maker":
            return self.rng.choice([p for p in self._parts if p.category.modular])
        if diversion and diversion.scheme == "insider":  # a whole reel that is a large order: chips on big reels
            return self.rng.choice([p for p in self._parts if min(p.category.reel) >= INSIDER_MIN_REEL])
        return self.rng.choices(self._parts, self._part_weights)[0]

    def _make_lot(self, part: Part, made: float) -> Lot:
        rng, world = self.rng, self.world
        maker = world.companies[part.maker]
        year, week, _ = day_of(made).isocalendar()
        code = lot_code(world.makers[part.maker].lot_style, year, week, self.number("lot:" + part.maker), rng)
        reels = []
        for _ in range(rng.randint(*self.config.reels)):
            quantity = rng.choice(part.category.reel)
            serials = None
            if part.serialised:
                start = self._serials.get(part.index, 100000)
                serials = range(start, start + quantity)
                self._serials[part.index] = serials.stop
            reels.append(Reel(self.new_sscc(maker), quantity, serials))
        cartons, i = [], 0
        while i < len(reels):
            size = rng.choice((2, 3))
            cartons.append((self.new_sscc(maker), reels[i : i + size]))
            i += size
        return Lot(part, code, made, reels, cartons, self.new_sscc(maker))

    # -- manufacturer ------------------------------------------------------------------------------------

    def _manufacture(self, lot: Lot, group: Seller) -> Iterator[Record]:
        """Commissioning, packing and shipping to the group's head office; returns the arrival time."""
        rng, world, part = self.rng, self.world, lot.part
        maker, company = world.sellers[part.maker], world.companies[part.maker]
        f, ids, site = self.factories[maker.key], maker.ids, self.site(maker, part.maker)
        lgtin = self.lgtin(maker, part, lot.code)
        prefix = maker.namespace[0]
        ilmd = {
            "cbvmda:lotNumber": lot.code,
            "cbvmda:countryOfOrigin": company.country,
            f"{prefix}:dateCode": date_code(lot.made),
            f"{prefix}:productionDate": day_of(lot.made).isoformat(),
        }

        def units(serials: range | None, quantity: int) -> Goods:
            return (
                Goods(self.sgtins(maker, part, serials)) if serials else Goods(quantities=[(lgtin, quantity)])
            )

        yield EPCIS, maker.key, f.commissioning(lot.made, units(lot.serials, lot.quantity), site, ilmd)
        t = lot.made + rng.uniform(1, 6) * 3600
        for reel in lot.reels:
            t += rng.uniform(60, 900)
            yield (
                EPCIS,
                maker.key,
                f.packing(t, ids.sscc(reel.sscc), units(reel.serials, reel.quantity), site),
            )
        for carton, reels in lot.cartons:
            t += rng.uniform(300, 3600)
            yield (
                EPCIS,
                maker.key,
                f.packing(t, ids.sscc(carton), Goods([ids.sscc(r.sscc) for r in reels]), site),
            )
        t += rng.uniform(1, 3) * DAY
        cartons = Goods([ids.sscc(c) for c, _ in lot.cartons])
        yield EPCIS, maker.key, f.packing(t, ids.sscc(lot.pallet), cartons, site)
        hq = group.members[0]
        t += rng.uniform(3, 35) * DAY
        sources = [("owning_party", world.ref(maker, part.maker)), ("location", site)]
        destinations = [("owning_party", world.ref(maker, hq)), ("location", self.site(maker, hq))]
        transactions = self.transactions(maker, company, "po", "inv")
        yield (
            EPCIS,
            maker.key,
            f.shipping(t, Goods([ids.sscc(lot.pallet)]), sources, destinations, transactions),
        )
        return t + rng.uniform(2, 10) * DAY

    # -- distributor: who buys what ----------------------------------------------------------------------

    def _plan_sales(self, lot: Lot, group: Seller, arrival: float, diversion: Diversion | None) -> list[Sale]:
        """Which branch gets which reel, and who buys what when; the planned diversion replaces one sale."""
        rng, config = self.rng, self.config
        hq = group.members[0]
        transfer = {m: arrival + rng.uniform(2, 10) * DAY for m in group.members[1:]}
        for reel in lot.reels:
            reel.branch = hq if rng.random() < 0.4 else rng.choice(group.members)
        if diversion and all(r.branch != diversion.branch for r in lot.reels):
            lot.reels[-1].branch = diversion.branch
        sales: list[Sale] = []
        for reel in lot.reels:
            reel.available = arrival + DAY if reel.branch == hq else transfer[reel.branch] + 3 * DAY
            sales.extend(self._reel_sales(group, reel))
        if diversion:
            self._divert(lot, sales, diversion)
        for sale in sales:
            buyer = self.world.companies[sale.buyer]
            if sale.diversion is None and buyer.forwarder and rng.random() < config.forwarded_share:
                sale.forwarder, sale.consignee = buyer.forwarder, buyer.key
            if sale.diversion is None:
                bought = self._orders.setdefault(sale.buyer, [0.0, 0.0])
                bought[0] += sale.quantity
                bought[1] += 1
        return sorted(sales, key=lambda s: s.time)

    def _reel_sales(self, group: Seller, reel: Reel) -> list[Sale]:
        """A reel sold whole, or cut into two to five portions (part of it may stay in stock)."""
        rng, config = self.rng, self.config
        if rng.random() < config.whole_reel_share:
            portions = [reel.quantity]
        else:
            sold = reel.quantity * (1 - rng.uniform(0, 2 * config.unsold_share))
            cuts = [rng.random() + 0.2 for _ in range(rng.randint(2, 5))]
            portions = [max(10, int(sold * c / sum(cuts)) // 10 * 10) for c in cuts]
        sales, first, stop = [], reel.serials.start if reel.serials else 0, reel.quantity
        if reel.serials:
            stop = reel.serials.stop
        for quantity in portions:
            ts = reel.available + rng.triangular(1, config.sale_days, 10) * DAY
            buyer = self.customer(group, reel.branch, ts, whole_reel=len(portions) == 1)
            if buyer is None or first + quantity > stop:
                continue
            serials = range(first, first + quantity) if reel.serials else None
            first += quantity
            sales.append(Sale(reel, buyer, quantity, ts, len(portions) == 1, serials))
        return sales

    def _divert(self, lot: Lot, sales: list[Sale], diversion: Diversion) -> None:
        """Turn one sale at the diversion's branch into the diversion (an insider takes a whole reel)."""
        rng = self.rng
        candidates = [s for s in sales if s.branch == diversion.branch]
        if diversion.scheme == "insider" or not candidates:
            reels = [r for r in lot.reels if r.branch == diversion.branch]
            reel = reels[0]
            if diversion.scheme == "insider":
                reel = max(reels, key=lambda r: r.quantity)
                diversion = self._insider_for(diversion, reel.quantity)
            sales[:] = [s for s in sales if s.reel is not reel]
            ts = reel.available + rng.uniform(5, 60) * DAY
            sale = Sale(reel, diversion.buyer, reel.quantity, ts, True, reel.serials)
            sales.append(sale)
        else:
            sale = rng.choice(candidates)
            sale.buyer = diversion.buyer
        sale.time = max(sale.time, at(diversion.earliest) + rng.uniform(0, 30) * DAY)
        sale.diversion = diversion
        if diversion.scheme == "forwarder_consolidation":
            sale.forwarder, sale.consignee = diversion.forwarder, diversion.onward
        if diversion.scheme != "module_maker":  # there the modules, not the chips, leave authorised hands
            batch = DivertedBatch(
                diversion, lot.part, lot.code, lot.made, sale.quantity, sale.serials, sale.time
            )
            self.batches.append(batch)

    def _insider_for(self, diversion: Diversion, quantity: int) -> Diversion:
        """The insider scheme is an order far above the customer's usual ones (`INSIDER_ORDER_MULTIPLE` of its
        average order so far): the planned customer if the reel is that for it, else another small customer
        of the same branch for which it is; the plan stands when there is none."""

        def far_above_usual(key: str) -> bool:
            bought, orders = self._orders.get(key, (0.0, 0.0))
            return orders >= 3 and bought / orders * INSIDER_ORDER_MULTIPLE <= quantity

        key = diversion.buyer
        if not far_above_usual(key):
            served = self.world.sellers[diversion.seller].served.get(diversion.branch, [])
            fitting = sorted(k for k in served if small_customer(self.world.companies[k]) and far_above_usual(k))
            if not fitting:
                return replace(diversion, note=f"a whole reel of {quantity}; no small customer of the branch "
                                               "orders that little: the planned customer kept")
            key = self.rng.choice(fitting)
        bought, orders = self._orders[key]
        return replace(diversion, buyer=key, last_custodian=key,
                       note=f"a whole reel of {quantity}: {quantity * orders / bought:.1f} times its average "
                            f"order of {bought / orders:.0f} so far")

    # -- distributor: the records ------------------------------------------------------------------------

    def _group_events(self, group: Seller, lot: Lot, arrival: float) -> Iterator[Record]:
        """Receiving and unpacking at the head office, transfers of reels to the branches."""
        rng, world = self.rng, self.world
        f, ids, hq = self.factories[group.key], group.ids, group.members[0]
        site = self.site(group, hq)
        if group.style.receiving:
            yield EPCIS, group.key, f.receiving(arrival, Goods([ids.sscc(lot.pallet)]), site)
        t = arrival + rng.uniform(2, 20) * 3600
        yield (
            EPCIS,
            group.key,
            f.unpacking(t, ids.sscc(lot.pallet), [ids.sscc(c) for c, _ in lot.cartons], site),
        )
        for carton, reels in lot.cartons:
            t += rng.uniform(60, 1800)
            yield EPCIS, group.key, f.unpacking(t, ids.sscc(carton), [ids.sscc(r.sscc) for r in reels], site)
        for branch in group.members[1:]:
            reels = Goods([ids.sscc(r.sscc) for r in lot.reels if r.branch == branch])
            if not reels.epcs:
                continue
            sent = next(r.available for r in lot.reels if r.branch == branch) - 3 * DAY
            branch_site = self.site(group, branch)
            sources = [("owning_party", world.ref(group, hq)), ("location", site)]
            destinations = [("owning_party", world.ref(group, branch)), ("location", branch_site)]
            advice = self.transactions(group, world.companies[hq], "desadv")
            yield EPCIS, group.key, f.shipping(sent, reels, sources, destinations, advice)
            if group.style.receiving:
                yield EPCIS, group.key, f.receiving(sent + rng.uniform(1, 2.5) * DAY, reels, branch_site)

    def _sale_events(self, group: Seller, lot: Lot, sale: Sale) -> Iterator[Record]:
        """A branch ships a sale; a forwarded one is first packed into a consignment SSCC and goes to the
        forwarder (possessing party) for the buyer (owning party)."""
        world = self.world
        f, ids, branch = self.factories[group.key], group.ids, world.companies[sale.branch]
        site = self.site(group, sale.branch)
        goods = self.goods(group, lot, sale)
        destinations = [("owning_party", world.ref(group, sale.buyer))]
        if sale.forwarder:
            sale.consignment = self.new_sscc(branch)
            parent = ids.sscc(sale.consignment)
            yield EPCIS, group.key, f.packing(sale.time - self.rng.uniform(1, 6) * 3600, parent, goods, site)
            goods = Goods([parent])
            destinations.append(("possessing_party", world.ref(group, sale.forwarder)))
            destinations.append(("location", self.site(group, sale.forwarder)))
        elif world.companies[sale.buyer].gcp:
            destinations.append(("location", self.site(group, sale.buyer)))
        sources = [("owning_party", world.ref(group, sale.branch)), ("location", site)]
        transactions = self.transactions(group, branch, "po", "inv")
        yield EPCIS, group.key, f.shipping(sale.time, goods, sources, destinations, transactions)

    def _transfer_rows(self, group: Seller, lot: Lot) -> Iterator[Record]:
        """A ledger-only group books its transfers to branches as intercompany sales."""
        hq = group.members[0]
        for branch in group.members[1:]:
            quantity = sum(r.quantity for r in lot.reels if r.branch == branch)
            if quantity:
                sent = next(r.available for r in lot.reels if r.branch == branch) - 3 * DAY
                yield self._row(
                    group, lot, sent, (hq, branch), quantity, self.world.companies[branch].country
                )

    def _sale_row(self, group: Seller, lot: Lot, sale: Sale) -> Record:
        ship_to = self.world.companies[sale.forwarder or sale.buyer].ship_to
        return self._row(group, lot, sale.time, (sale.branch, sale.buyer), sale.quantity, ship_to)

    def _row(
        self, group: Seller, lot: Lot, ts: float, parties: tuple[str, str], quantity: int, ship_to: str
    ) -> Record:
        """A ledger row: on `ts`, `parties` (seller, buyer) traded `quantity` of the lot."""
        world, part = self.world, lot.part
        seller, buyer = (world.ref(group, key) for key in parties)
        invoice = f"{group.key[:3].upper()}-{self.number('invoice:' + group.key):07d}"
        maker = world.makers[part.maker].name
        row = (
            day_of(ts).isoformat(),
            seller,
            buyer,
            maker,
            part.part_number,
            lot.code,
            quantity,
            ship_to,
            invoice,
        )
        return SALE, group.key, row

    def _consignment(self, group: Seller, lot: Lot, sale: Sale) -> Consignment:
        ready = sale.time + self.rng.uniform(1, 5) * DAY
        country = self.world.companies[sale.consignee].ship_to
        contents = None if group.epcis else (lot.part, lot.code, sale.quantity)
        return Consignment(sale.consignment, contents, sale.buyer, sale.consignee, country, ready)


@cache
def _gln(gcp: str, ref: str) -> str:
    return make_gln(gcp, ref)
