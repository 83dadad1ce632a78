"""The simulated world: valid formats, consistent truth, determinism.

Three small worlds (one per seed) are generated once per test session; seed 1 twice, for determinism.
"""

from __future__ import annotations

import csv
import json
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from followthemoney import model
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from sanctrace.chpl import tier_of
from sanctrace.identifiers import canonical_uri
from sanctrace.simulate import SCHEMES, WorldConfig, simulate_world
from sanctrace.simulate.lifecycle import INSIDER_ORDER_MULTIPLE
from sanctrace.simulate.score import score_world
from tests.shared import GS1_EPCIS

SCALE = 0.05
SEEDS = (1, 2, 3)
SALES = [
    "date",
    "seller",
    "buyer",
    "manufacturer",
    "part_number",
    "lot_code",
    "quantity",
    "ship_to_country",
    "invoice",
]
PARTS = ["gtin", "manufacturer", "part_number", "hs_code", "description"]
RECOVERIES = [
    "recovery_id",
    "recovered_on",
    "country",
    "weapon_system",
    "manufacturer",
    "part_number",
    "lot_code",
    "date_code",
    "serial",
    "source",
]
_PARTY_TYPES = {
    "owning_party",
    "possessing_party",
    "https://ref.gs1.org/cbv/SDT-owning_party",
    "https://ref.gs1.org/cbv/SDT-possessing_party",
}


@pytest.fixture(scope="session")
def worlds(tmp_path_factory) -> dict[int, Path]:
    out = {}
    for seed in SEEDS:
        out[seed] = tmp_path_factory.mktemp(f"world{seed}")
        simulate_world(out[seed], seed=seed, scale=SCALE)
    return out


@pytest.fixture(scope="session")
def epcis_validator() -> Draft7Validator:
    """GS1's EPCIS JSON Schema, its files joined by a referencing registry (no network). References are
    resolved once through the registry and inlined, which makes validating thousands of events fast."""
    schema_dir = GS1_EPCIS / "JSON-Schema"
    resources = []
    for path in [*schema_dir.glob("*.json"), *(schema_dir / "schemas").glob("*.json")]:
        contents = json.loads(path.read_text(encoding="utf-8"))
        if "$id" in contents:
            resources.append(
                (contents["$id"], Resource.from_contents(contents, default_specification=DRAFT7))
            )
    registry = Registry().with_resources(resources)
    root = json.loads((schema_dir / "EPCIS-JSON-Schema-root.json").read_text(encoding="utf-8"))

    def inline(node, resolver):
        if isinstance(node, dict):
            if "$ref" in node:
                resolved = resolver.lookup(node["$ref"])
                return inline(resolved.contents, resolved.resolver)
            return {k: v if k in ("enum", "const") else inline(v, resolver) for k, v in node.items()}
        if isinstance(node, list):
            return [inline(item, resolver) for item in node]
        return node

    return Draft7Validator(inline(root, registry.resolver(base_uri=root["$id"])))


def _csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _events(world: Path):
    for path in sorted((world / "epcis").glob("*.jsonld")):
        yield from json.loads(path.read_bytes())["epcisBody"]["eventList"]


def _entities(world: Path):
    for path in sorted((world / "entities").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            yield path.name, json.loads(line)


def _truth(world: Path) -> dict:
    return json.loads((world / "truth.json").read_bytes())


@pytest.mark.parametrize("seed", SEEDS)
def test_epcis_documents_are_valid(worlds, epcis_validator, seed):
    files = sorted((worlds[seed] / "epcis").glob("*.jsonld"))
    assert files
    for path in files:
        errors = list(epcis_validator.iter_errors(json.loads(path.read_bytes())))
        assert not errors, f"{path.name}: {errors[0].message} at {list(errors[0].absolute_path)}"


@pytest.mark.parametrize("seed", SEEDS)
def test_gs1_identifiers_are_well_formed(worlds, seed):
    """Every GS1 key parses (syntax and check digits) in whichever form the reporter wrote it."""
    for event in _events(worlds[seed]):
        keys = [*event.get("epcList", []), *event.get("childEPCs", []), *event.get("inputEPCList", [])]
        keys += [
            q["epcClass"]
            for f in ("quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList")
            for q in event.get(f, [])
        ]
        keys += [event[f] for f in ("parentID",) if f in event]
        keys += [p["source"] for p in event.get("sourceList", [])] + [
            p["destination"] for p in event.get("destinationList", [])
        ]
        for key in keys:
            if "gs1" in key or key.startswith("urn:epc:"):
                assert canonical_uri(key).startswith("https://id.gs1.org/"), key


@pytest.mark.parametrize("seed", SEEDS)
def test_csv_files_have_the_contract_columns(worlds, seed):
    world = worlds[seed]
    ledgers = sorted((world / "sales").glob("*.csv"))
    assert ledgers
    parts = {(r["manufacturer"], r["part_number"]) for r in _csv(world / "parts.csv")[1]}
    assert _csv(world / "parts.csv")[0] == PARTS
    assert _csv(world / "recoveries.csv")[0] == RECOVERIES
    for path in ledgers:
        header, rows = _csv(path)
        assert header == SALES
        for row in rows:
            assert (row["manufacturer"], row["part_number"]) in parts
            assert int(row["quantity"]) > 0 and row["seller"] != row["buyer"]


@pytest.mark.parametrize("seed", SEEDS)
def test_parts_are_common_high_priority_items(worlds, seed):
    assert all(tier_of(row["hs_code"]) for row in _csv(worlds[seed] / "parts.csv")[1])


@pytest.mark.parametrize("seed", SEEDS)
def test_entities_load_with_followthemoney(worlds, seed):
    listed, sanctions = set(), []
    for name, data in _entities(worlds[seed]):
        proxy = model.get_proxy(data)
        assert proxy.id == data["id"]
        if name == "sanctions.jsonl":
            if proxy.schema.name == "Sanction":
                sanctions.append(proxy)
            else:
                assert "sanction" in proxy.get("topics")
                listed.add(proxy.id)
    assert sanctions and all(set(s.get("entity")) <= listed for s in sanctions)
    assert all(s.get("authority") and s.get("program") and s.get("listingDate") for s in sanctions)


@pytest.mark.parametrize("seed", SEEDS)
def test_recoveries_and_truth_agree(worlds, seed):
    world = worlds[seed]
    truth = _truth(world)
    recorded = {row["recovery_id"] for row in _csv(world / "recoveries.csv")[1]}
    assert recorded == {r["recovery_id"] for r in truth["recoveries"]}
    assert {r["scheme"] for r in truth["recoveries"]} == set(SCHEMES)


@pytest.mark.parametrize("seed", SEEDS)
def test_truth_identifiers_appear_in_the_data(worlds, seed):
    world = worlds[seed]
    seen = {data["id"] for _, data in _entities(world)}
    for path in (world / "sales").glob("*.csv"):
        for row in _csv(path)[1]:
            seen |= {row["seller"], row["buyer"]}
    for event in _events(world):
        for party in event.get("sourceList", []):
            seen.add(party["source"])
        for party in event.get("destinationList", []):
            seen.add(party["destination"])
    truth = _truth(world)
    parties = truth["parties"]
    assert all(set(ids) <= seen for ids in parties.values())
    for recovery in truth["recoveries"]:
        keys = [recovery["last_authorized_custodian"], recovery["diversion_point"], *recovery["facilitators"]]
        assert all(parties.get(key) for key in keys if key is not None)


@pytest.mark.parametrize("seed", SEEDS)
def test_no_identifier_names_two_companies(worlds, seed):
    owners = {}
    for key, identifiers in _truth(worlds[seed])["parties"].items():
        for identifier in identifiers:
            assert owners.setdefault(canonical_uri(identifier), key) == key, identifier


def test_the_truth_scores_full_marks(worlds):
    """Answering with any identifier of the right companies is all right (scorer and truth agree)."""
    truth = _truth(worlds[1])
    parties = truth["parties"]

    def some_id(key):
        return parties[key][-1] if key else None

    traces = [
        {
            "recovery_id": r["recovery_id"],
            "status": "traced",
            "last_authorized_custodian": some_id(r["last_authorized_custodian"]),
            "diversion_point": some_id(r["diversion_point"]),
        }
        for r in truth["recoveries"]
    ]
    ranking = [{"party": parties[key][0], "score": 1.0} for key in truth["facilitators"]]
    report = score_world(truth, traces, ranking)
    assert report.overall.both == report.overall.recoveries and not report.misses
    assert report.facilitators.average_precision == 1.0


@pytest.mark.parametrize("seed", SEEDS)
def test_diversions_hand_goods_to_the_diversion_point(worlds, seed):
    """Where the truth names a diversion point, some record shows goods going to it."""
    world = worlds[seed]
    truth = _truth(world)
    receivers = set()
    for event in _events(world):
        receivers |= {p["destination"] for p in event.get("destinationList", []) if p["type"] in _PARTY_TYPES}
    for path in (world / "sales").glob("*.csv"):
        receivers |= {row["buyer"] for row in _csv(path)[1]}
    for recovery in truth["recoveries"]:
        point = recovery["diversion_point"]
        assert point is None or set(truth["parties"][point]) & receivers, recovery


def test_same_seed_same_bytes(worlds, tmp_path):
    simulate_world(tmp_path, seed=1, scale=SCALE)

    def files(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

    assert files(tmp_path) == files(worlds[1])
    assert files(worlds[2]) != files(worlds[1])


def test_an_earlier_world_is_kept_unless_overwritten(worlds):
    with pytest.raises(FileExistsError):
        simulate_world(worlds[1], seed=1, scale=SCALE)


def test_scheme_selection_and_document_splitting(tmp_path):
    """Only the enabled schemes divert; a reporter with more events than a document holds gets numbered
    documents, each valid on its own."""
    config = WorldConfig(schemes=("insider",), max_events_per_file=50)
    summary = simulate_world(tmp_path, seed=4, scale=0.03, config=config)
    assert set(summary.recoveries) == {"insider"}
    truth = _truth(tmp_path)
    assert all(r["diversion_point"] is None and not r["facilitators"] for r in truth["recoveries"])
    numbered = sorted((tmp_path / "epcis").glob("*-0002.jsonld"))
    assert numbered
    for path in numbered:
        assert not (tmp_path / "epcis" / path.name.replace("-0002", "")).exists()
        assert len(json.loads(path.read_bytes())["epcisBody"]["eventList"]) <= 50


@pytest.mark.parametrize("seed", SEEDS)
def test_containers_hold_consignments_of_a_few_weeks(worlds, seed):
    """A forwarder's container waits at most three weeks for consignments to fill it, in event time, even
    though lots are simulated one after another: no consignment sits in a container for months."""
    events = list(_events(world := worlds[seed]))
    first_seen: dict[str, str] = {}
    for event in events:
        for epc in [event.get("parentID"), *event.get("childEPCs", []), *event.get("epcList", [])]:
            if epc and (epc not in first_seen or event["eventTime"] < first_seen[epc]):
                first_seen[epc] = event["eventTime"]
    containers = 0
    for event in events:
        children = event.get("childEPCs", [])
        if event["type"] != "AggregationEvent" or event.get("action") != "OBSERVE" or len(children) < 2:
            continue
        containers += 1
        seen = sorted(datetime.fromisoformat(first_seen[child]) for child in children)
        assert seen[-1] - seen[0] <= timedelta(days=30), (world.name, event["parentID"], seen[0], seen[-1])
    assert containers


@pytest.mark.parametrize("seed", SEEDS)
def test_an_insider_takes_an_order_far_above_its_usual_ones(worlds, seed):
    """The insider scheme as documented: a whole reel, several times the customer's average order so far."""
    notes = [r["note"] for r in _truth(worlds[seed])["recoveries"] if r["scheme"] == "insider"]
    multiples = [float(m[1]) for note in notes if (m := re.search(r"([0-9.]+) times its average order", note))]
    assert multiples and len(multiples) >= len(notes) * 0.8, notes
    assert min(multiples) >= INSIDER_ORDER_MULTIPLE


def test_whole_reels_go_mostly_to_production_buyers():
    """Legitimate whole reels are drawn by customer size squared, cut tape by size: a small customer rarely
    takes a whole reel, so one that does stands out (the insider scheme's only trace in the data)."""
    from sanctrace.simulate.build import build_world
    from sanctrace.simulate.lifecycle import Simulation
    from sanctrace.simulate.schemes import small_customer

    world, _ = build_world(WorldConfig(), 0.05, 1)
    sim = Simulation(world, 1)
    group = next(s for s in world.sellers.values() if s.role == "distributor")
    branch = max(group.members, key=lambda m: len(group.served.get(m, [])))
    when = sim.lot_time(sim.lots // 2)
    draws = {whole: [sim.customer(group, branch, when, whole_reel=whole) for _ in range(3000)]
             for whole in (False, True)}
    small = {whole: sum(small_customer(world.companies[k]) for k in keys if k) / len(keys)
             for whole, keys in draws.items()}
    size = {whole: sum(world.companies[k].weight for k in keys if k) / len(keys) for whole, keys in draws.items()}
    assert small[True] < small[False] * 0.7, small
    assert size[True] > size[False] * 1.3, size
