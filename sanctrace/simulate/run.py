"""`simulate_world`: build a world, stream its records to disk, sample the recoveries, write the reference
data and the truth, and say what was made."""

from __future__ import annotations

import random
import shutil
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from sanctrace.simulate.build import build_world
from sanctrace.simulate.config import WorldConfig
from sanctrace.simulate.entities import customer_entities, registry_entities, sanctions_entities
from sanctrace.simulate.lifecycle import EPCIS, SALES_COLUMNS, Simulation
from sanctrace.simulate.recoveries import RECOVERY_COLUMNS, recover
from sanctrace.simulate.world import World
from sanctrace.simulate.writers import CsvFiles, EpcisWriter, write_csv, write_json, write_jsonl

Progress = Callable[[str, int, int], None]
PARTS_COLUMNS = ("gtin", "manufacturer", "part_number", "hs_code", "description")


@dataclass
class WorldSummary:
    """What a simulation wrote. `seconds` is the wall time of the whole run; `events_per_s` its event rate."""

    out_dir: str
    seed: int
    scale: float
    companies: dict[str, int]
    parts: int
    lots: int
    events: int
    events_by_type: dict[str, int]
    sales_rows: int
    recoveries: dict[str, int]
    entities: dict[str, int]
    files: int
    seconds: float = 0.0
    diversions: dict[str, int] = field(default_factory=dict)

    @property
    def events_per_s(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"events_per_s": round(self.events_per_s)}


def simulate_world(
    out_dir: Path,
    seed: int = 1,
    scale: float = 1.0,
    progress: Progress | None = None,
    config: WorldConfig | None = None,
    overwrite: bool = False,
) -> WorldSummary:
    """Simulate a supply chain with known diversions and write it to `out_dir` (layout: see the package
    docstring). Deterministic for a given seed, scale and config. `progress(step, done, total)` is called
    for the steps "world", "lots" (lots done out of all), "reference" and "done". An earlier world in
    `out_dir` is an error unless `overwrite`, which removes it first (only the paths a world consists of)."""
    started = time.perf_counter()
    config = config or WorldConfig()
    report = progress or (lambda step, done, total: None)
    out = _prepare(Path(out_dir), overwrite)
    report("world", 0, 1)
    world, schemes = build_world(config, scale, seed)
    sim = Simulation(world, seed)
    sim.plan = schemes.plan(sim.lots_made_from(config.diversion_from))
    report("world", 1, 1)
    epcis, ledgers, files = _write_trade(world, sim, out, report)
    report("reference", 0, 1)
    recoveries, truth = _recoveries(world, sim, seed)
    entities = _write_reference(world, out, recoveries, seed)
    write_json(out / "truth.json", _truth(world, seed, scale, truth))
    report("reference", 1, 1)
    report("done", 1, 1)
    return WorldSummary(
        out_dir=str(out),
        seed=seed,
        scale=scale,
        companies=dict(sorted(Counter(c.role for c in world.companies.values()).items())),
        parts=len(world.parts),
        lots=sim.lots,
        events=sum(epcis.types.values()),
        events_by_type=dict(sorted(epcis.types.items())),
        sales_rows=ledgers.rows,
        recoveries=dict(sorted(Counter(t["scheme"] for t in truth).items())),
        entities=entities,
        files=len(files) + len(entities) + 3,  # + parts.csv, recoveries.csv, truth.json
        seconds=time.perf_counter() - started,
        diversions=dict(sorted(Counter(d.scheme for d in sim.plan.values()).items())),
    )


_OUTPUTS = ("epcis", "sales", "entities", "parts.csv", "recoveries.csv", "truth.json")


def _prepare(out: Path, overwrite: bool) -> Path:
    """Make the output folders; refuse (or with `overwrite`, remove) an earlier world."""
    existing = [out / name for name in _OUTPUTS if (out / name).exists()]
    if existing and not overwrite:
        raise FileExistsError(f"{out} already holds a simulated world ({existing[0].name}); use overwrite")
    for path in existing:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    for sub in ("epcis", "sales", "entities"):
        (out / sub).mkdir(parents=True)
    return out


def _write_trade(
    world: World, sim: Simulation, out: Path, report: Progress
) -> tuple[EpcisWriter, CsvFiles, list[Path]]:
    """Stream every event and ledger row, lot by lot."""
    created = f"{(world.config.end + timedelta(days=365)).isoformat()}T00:00:00.000Z"
    namespaces = {key: seller.namespace for key, seller in world.sellers.items()}
    epcis = EpcisWriter(out / "epcis", namespaces, world.config.max_events_per_file, created)
    ledgers = CsvFiles(out / "sales", SALES_COLUMNS)
    step = max(1, sim.lots // 200)
    try:
        for index in range(sim.lots):
            for kind, key, payload in sim.lot(index):
                (epcis.write if kind == EPCIS else ledgers.write)(key, payload)
            if index % step == 0 or index == sim.lots - 1:
                report("lots", index + 1, sim.lots)
        for _, key, payload in sim.forwarding.flush_all():
            epcis.write(key, payload)
    finally:
        files = epcis.close() + ledgers.close()
    return epcis, ledgers, files


def _recoveries(
    world: World, sim: Simulation, seed: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Sample the recoveries of every diverted batch; ids follow the recovery dates."""
    rng = random.Random(f"{seed}/recoveries")
    pairs = [pair for batch in sim.batches for pair in recover(world, batch, rng)]
    pairs.sort(key=lambda pair: pair[0]["recovered_on"])
    rows, truth = [], []
    for n, (row, record) in enumerate(pairs, 1):
        recovery_id = f"R{n:06d}"
        rows.append({"recovery_id": recovery_id} | row)
        truth.append({"recovery_id": recovery_id} | record)
    return rows, truth


def _write_reference(world: World, out: Path, recoveries: list[dict[str, Any]], seed: int) -> dict[str, int]:
    """The parts catalogue, the recoveries and the entity files; returns the entities written per file."""
    parts = (
        (p.gtin, world.makers[p.maker].name, p.part_number, p.hs_code, p.description) for p in world.parts
    )
    write_csv(out / "parts.csv", PARTS_COLUMNS, parts)
    write_csv(
        out / "recoveries.csv", RECOVERY_COLUMNS, ([r[c] for c in RECOVERY_COLUMNS] for r in recoveries)
    )
    entities = out / "entities"
    counts = {}
    for key, seller in sorted(world.sellers.items()):
        if seller.book:
            counts[f"customers-{key}"] = write_jsonl(
                entities / f"customers-{key}.jsonl", customer_entities(world, seller)
            )
    counts["registry"] = write_jsonl(entities / "registry.jsonl", registry_entities(world))
    lists = sanctions_entities(world, random.Random(f"{seed}/lists"))
    counts["sanctions"] = write_jsonl(entities / "sanctions.jsonl", lists)
    return counts


def party_identifiers(world: World) -> dict[str, list[str]]:
    """Every identifier each company appears under: in events and ledgers, in customer master data, in
    the registry and on the sanctions lists."""
    ids: dict[str, set[str]] = {key: set(found) for key, found in world.used.items()}
    for seller in world.sellers.values():
        for key, entry in seller.book.items():
            ids.setdefault(key, set()).add(entry.identifier)
    for company in world.companies.values():
        if company.registry_id:
            ids.setdefault(company.key, set()).add(company.registry_id)
    for listing in world.listings:
        if listing.subject in world.companies:
            ids.setdefault(listing.subject, set()).add(listing.list_id)
    return {key: sorted(found) for key, found in sorted(ids.items())}


def _truth(world: World, seed: int, scale: float, recoveries: list[dict[str, Any]]) -> dict[str, Any]:
    """truth.json: `recoveries` (per recovery: scheme; `lots`, the EPC URNs of the component's lot and, in
    the module scheme, of the module lot; `serial`, the recovered unit's SGTIN or null;
    `last_authorized_custodian`, `diversion_point` (null: none documented) and `facilitators` as company
    keys; `diverted_on`; `note`), all true `facilitators`, `parties` (company key -> every identifier it
    appears under in the data) and `companies` (key -> name, country, role)."""
    facilitators = sorted({f for r in recoveries for f in r["facilitators"]})
    return {
        "seed": seed,
        "scale": scale,
        "schemes": list(world.config.schemes),
        "recoveries": recoveries,
        "facilitators": facilitators,
        "parties": party_identifiers(world),
        "companies": {
            key: {"name": c.name, "country": c.country, "role": c.role}
            for key, c in sorted(world.companies.items())
        },
    }
