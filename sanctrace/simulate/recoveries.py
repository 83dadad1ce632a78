"""Components recovered from weapons: sampled from the diverted consignments, recorded with the markings
investigators read (see `markings.py`), each with its truth for the scorer."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sanctrace.simulate.catalogue import Part
from sanctrace.simulate.clock import DAY, at, date_code, day_of
from sanctrace.simulate.markings import lot_marking, manufacturer_marking, part_marking

if TYPE_CHECKING:
    from sanctrace.simulate.schemes import Diversion
    from sanctrace.simulate.world import World

# days from a diversion to the unit's recovery from a weapon: the goods must still be forwarded, cross
# borders, be built in and fielded (a forwarder's container alone may take some seven weeks)
FIELD_DELAY_DAYS = (60, 420)

# fmt: off
RECOVERY_COLUMNS = (
    "recovery_id", "recovered_on", "country", "weapon_system", "manufacturer", "part_number",
    "lot_code", "date_code", "serial", "source",
)
# fmt: on
# fmt: off
WEAPON_SYSTEMS = (
    "Geran-2 loitering munition", "Kh-101 cruise missile", "Orlan-10 reconnaissance UAV",
    "Lancet loitering munition", "Kalibr cruise missile", "Iskander-M ballistic missile",
    "UMPK glide bomb kit", "Supercam reconnaissance UAV", "Zala reconnaissance UAV",
)
# fmt: on
# fmt: off
SOURCES = (
    "teardown lab, Kyiv", "field team East", "field team South", "partner NGO report",
    "open-source teardown",
)
# fmt: on


@dataclass(slots=True)
class DivertedBatch:
    """Units that left authorised hands in one diversion: `quantity` of lot `lot` of `part` (made at
    `made`), with their `serials` when serialised, gone at `shipped`; `module` is (module part, module lot,
    made) when the chips went out inside modules."""

    diversion: Diversion
    part: Part
    lot: str
    made: float
    quantity: int
    serials: range | None
    shipped: float
    module: tuple[Part, str, float] | None = None


def lgtin_urn(part: Part, lot: str) -> str:
    return f"urn:epc:class:lgtin:{part.gcp}.{part.item}.{lot}"


def recover(
    world: World, batch: DivertedBatch, rng: random.Random
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """The recoveries from one batch: (recoveries.csv row, truth record), recovery ids not yet assigned."""
    config = world.config
    low, high = config.recoveries_per_diversion
    count = min(rng.randint(low, high), batch.quantity)
    serials = rng.sample(batch.serials, count) if batch.serials is not None else [None] * count
    last = at(config.end + timedelta(days=180))
    lots = [lgtin_urn(batch.part, batch.lot)]
    if batch.module:
        lots.append(lgtin_urn(batch.module[0], batch.module[1]))
    out = []
    for serial in serials:
        recovered = min(batch.shipped + rng.uniform(*FIELD_DELAY_DAYS) * DAY,
                        max(last, batch.shipped + FIELD_DELAY_DAYS[0] * DAY))
        if batch.module and rng.random() < config.module_marking_share:
            part, lot, made = batch.module
            serial = None
        else:
            part, lot, made = batch.part, batch.lot, batch.made
        read_serial = serial is not None and rng.random() < config.serial_share
        legible = rng.random() < config.lot_code_share
        row = {
            "recovered_on": day_of(recovered).isoformat(),
            "country": "UA",
            "weapon_system": rng.choice(WEAPON_SYSTEMS),
            "manufacturer": manufacturer_marking(world.makers[part.maker], rng),
            "part_number": part_marking(part, rng),
            "lot_code": lot_marking(lot, rng) if legible else "",
            "date_code": date_code(made) if not legible or rng.random() < 0.5 else "",
            "serial": str(serial) if read_serial else "",
            "source": rng.choice(SOURCES),
        }
        out.append((row, _truth(batch, lots, serial)))
    return out


def _truth(batch: DivertedBatch, lots: list[str], serial: int | None) -> dict[str, Any]:
    diversion = batch.diversion
    part = batch.part
    return {
        "scheme": diversion.scheme,
        "lots": lots,
        "serial": f"urn:epc:id:sgtin:{part.gcp}.{part.item}.{serial}" if serial is not None else None,
        "last_authorized_custodian": diversion.last_custodian,
        "diversion_point": diversion.diversion_point,
        "facilitators": list(diversion.facilitators),
        "diverted_on": day_of(batch.shipped).isoformat(),
        "note": diversion.note,
    }
