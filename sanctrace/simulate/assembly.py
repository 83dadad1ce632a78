"""Module makers: they receive the chips they bought, build them into a module lot (a TransformationEvent:
chip lot or serials in, module lot out, with the module lot's ILMD) and sell the modules to their own
customers; in the module scheme one of those sales goes to a broker."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sanctrace.simulate.catalogue import Part, lot_code
from sanctrace.simulate.clock import DAY, at, date_code, day_of
from sanctrace.simulate.events import Goods
from sanctrace.simulate.recoveries import DivertedBatch

if TYPE_CHECKING:
    from sanctrace.simulate.lifecycle import Lot, Record, Sale, Simulation

# Which module a chip goes into (others go into whichever module the maker picks).
_MODULE_FOR = {"gnss_ic": "gnss_module", "rf_transceiver": "radio_module", "rf_amp": "radio_module"}


class Assembly:
    """The module makers' side of a simulation."""

    def __init__(self, sim: Simulation) -> None:
        self.sim = sim
        self.modules: dict[str, list[Part]] = {}
        for part in sim.world.parts:
            self.modules.setdefault(part.maker, []).append(part)

    def build(self, lot: Lot, sale: Sale) -> Iterator[Record]:
        """The records of a module maker that bought `sale` of `lot`."""
        sim, rng = self.sim, self.sim.rng
        maker = sim.world.sellers[sale.buyer]
        f, site = sim.factories[maker.key], sim.site(maker, maker.key)
        t = sale.time + rng.uniform(3, 12) * DAY
        if maker.style.receiving:
            yield "epcis", maker.key, f.receiving(t, sim.goods(maker, lot, sale), site)
        modules = self.modules[maker.key]
        wanted = _MODULE_FOR.get(lot.part.category.name)
        module = next((m for m in modules if m.category.name == wanted), None) or rng.choice(modules)
        t += rng.uniform(2, 20) * DAY
        year, week, _ = day_of(t).isocalendar()
        code = lot_code(
            sim.world.makers[maker.key].lot_style, year, week, sim.number("lot:" + maker.key), rng
        )
        if sale.serials is not None:
            inputs = Goods(sim.sgtins(maker, lot.part, sale.serials))
        else:
            inputs = Goods(quantities=[(sim.lgtin(maker, lot.part, lot.code), sale.quantity)])
        outputs = [(sim.lgtin(maker, module, code), sale.quantity)]
        ilmd = {"cbvmda:lotNumber": code, f"{maker.namespace[0]}:dateCode": date_code(t)}
        yield "epcis", maker.key, f.transformation(t, inputs, outputs, site, ilmd)
        yield from self._sell(lot, sale, module, code, t)

    def _sell(self, lot: Lot, sale: Sale, module: Part, code: str, made: float) -> Iterator[Record]:
        """Two to four module sales (a tenth stays in stock); the diverted one goes to the broker."""
        sim, rng, world = self.sim, self.sim.rng, self.sim.world
        maker = world.sellers[sale.buyer]
        f, site = sim.factories[maker.key], sim.site(maker, maker.key)
        cuts = [rng.random() + 0.3 for _ in range(rng.randint(2, 4))]
        portions = [max(1, int(sale.quantity * 0.9 * c / sum(cuts))) for c in cuts]
        diverted = rng.randrange(len(portions)) if sale.diversion else -1
        for n, quantity in enumerate(portions):
            ts = made + rng.uniform(5, 120) * DAY
            buyer = sale.diversion.onward if n == diverted else sim.customer(maker, maker.key, ts)
            if buyer is None:
                continue
            if n == diverted:
                ts = max(ts, at(sale.diversion.earliest))
                module_lot = (module, code, made)
                batch = DivertedBatch(
                    sale.diversion, lot.part, lot.code, lot.made, quantity, sale.serials, ts, module_lot
                )
                sim.batches.append(batch)
            destinations = [("owning_party", world.ref(maker, buyer))]
            if world.companies[buyer].gcp:
                destinations.append(("location", sim.site(maker, buyer)))
            sources = [("owning_party", world.ref(maker, maker.key)), ("location", site)]
            transactions = sim.transactions(maker, world.companies[maker.key], "po", "inv")
            goods = Goods(quantities=[(sim.lgtin(maker, module, code), quantity)])
            yield "epcis", maker.key, f.shipping(ts, goods, sources, destinations, transactions)
