"""Tracing recovered components: hand-built scenarios with known answers, one per test, and invariants.

Every scenario starts from the same manufacturer (Veldhoven Semiconductors, NL) and authorised distributor
(Nordparts, DE); `World` collects a scenario's events, entities and recoveries, ingests them through the
public operations and traces.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sanctrace.errors import InvalidInput
from sanctrace.identifiers import canonical_uri
from sanctrace.ops.ingest import ingest_entities, ingest_epcis, ingest_parts, ingest_recoveries, ingest_sales
from sanctrace.ops.trace import Tracer, trace_recoveries
from sanctrace.store import Store
from sanctrace.tracing.judge import Weights
from sanctrace.tracing.trace import evidence_factor
from tests.factories import doc_bytes

GTIN_URN = "4012345.012345"  # GTIN 04012345123456
MODULE_URN = "4012345.112399"
MAKER = "urn:epc:id:pgln:4012345.00000"
DIST = "urn:epc:id:pgln:0614141.00001"
PARTS = (b"gtin,manufacturer,part_number,hs_code,description\n"
         b"04012345123456,Veldhoven Semiconductors N.V.,VS-STM32X7-TR,854231,MCU\n"
         b"14012345123992,Veldhoven Semiconductors N.V.,VS-GNSS-MOD1,852691,GNSS module\n")
DAY0 = date(2023, 1, 2)


def lot(code: str, urn: str = GTIN_URN) -> str:
    return f"urn:epc:class:lgtin:{urn}.{code}"


def when(day: int) -> str:
    return f"{(DAY0 + timedelta(days=day)).isoformat()}T10:00:00.000+00:00"


def owners(source: str, destination: str, possessor: str | None = None) -> dict[str, Any]:
    destinations = [{"type": "owning_party", "destination": destination}]
    if possessor:
        destinations.append({"type": "possessing_party", "destination": possessor})
    return {"sourceList": [{"type": "owning_party", "source": source}], "destinationList": destinations}


@dataclass
class World:
    events: list[dict[str, Any]] = field(default_factory=list)
    entities: list[dict[str, Any]] = field(default_factory=list)
    recoveries: list[str] = field(default_factory=list)
    sales: list[str] = field(default_factory=list)
    parts: bytes = PARTS

    def event(self, kind: str, day: int, **fields: Any) -> None:
        self.events.append({"type": kind, "eventTime": when(day), "eventTimeZoneOffset": "+00:00", **fields})

    def commission(self, code: str, quantity: int, day: int = 0, urn: str = GTIN_URN) -> None:
        self.event("ObjectEvent", day, action="ADD", bizStep="commissioning",
                   quantityList=[{"epcClass": lot(code, urn), "quantity": quantity}])

    def serialised_lot(self, *reel_sizes: int) -> tuple[list[str], list[str]]:
        """Lot SER1 of serialised units (the lot only in the commissioning's ILMD, day 0), packed on day 1 into reels
        of the given sizes, each shipped maker -> distributor on day 10: (serials, reels)."""
        serials = [f"urn:epc:id:sgtin:{GTIN_URN}.S{i}" for i in range(sum(reel_sizes))]
        self.event("ObjectEvent", 0, action="ADD", bizStep="commissioning", epcList=serials,
                   ilmd={"cbvmda:lotNumber": "SER1"})
        reels, first = [], 0
        for number, size in enumerate(reel_sizes, start=1):
            reels.append(f"urn:epc:id:sscc:4012345.{number:010d}")
            self.pack(reels[-1], 1, children=serials[first:first + size])
            self.ship(reels[-1], MAKER, DIST, 10)
            first += size
        return serials, reels

    def ship(self, what: str, source: str, destination: str, day: int, quantity: int | None = None,
             possessor: str | None = None) -> None:
        objects = ({"quantityList": [{"epcClass": what, "quantity": quantity}]} if quantity is not None
                   else {"epcList": [what]})
        self.event("ObjectEvent", day, action="OBSERVE", bizStep="shipping", disposition="in_transit",
                   **objects, **owners(source, destination, possessor))

    def pack(self, parent: str, day: int, children: list[str] | None = None,
             lots: list[tuple[str, int]] | None = None) -> None:
        fields: dict[str, Any] = {"parentID": parent}
        if children:
            fields["childEPCs"] = children
        if lots:
            fields["childQuantityList"] = [{"epcClass": c, "quantity": q} for c, q in lots]
        self.event("AggregationEvent", day, action="ADD", bizStep="packing", **fields)

    def unpack(self, parent: str, day: int) -> None:
        self.event("AggregationEvent", day, action="DELETE", bizStep="unpacking", parentID=parent)

    def company(self, party: str, name: str, country: str, **props: Any) -> None:
        properties = {"name": [name], "country": [country.lower()], **{k: [v] for k, v in props.items()}}
        self.entities.append({"id": party, "schema": "Company", "properties": properties})

    def entity(self, schema: str, entity_id: str, **props: Any) -> None:
        self.entities.append({"id": entity_id, "schema": schema,
                              "properties": {k: v if isinstance(v, list) else [v] for k, v in props.items()}})

    def listed(self, entity_id: str, name: str, country: str, **props: Any) -> None:
        self.entity("Company", entity_id, name=name, country=country.lower(), topics="sanction", **props)

    def recovered(self, recovery_id: str, manufacturer: str = "VELDHOVEN", part: str = "VSSTM32X7",
                  lot_code: str = "", date_code: str = "", serial: str = "", on: str = "2024-03-01") -> None:
        self.recoveries.append(f"{recovery_id},{on},UA,Shahed-136,{manufacturer},{part},{lot_code},"
                               f"{date_code},{serial},test")

    def trace(self, tmp_path, now) -> dict[str, Any]:
        with Store.open(tmp_path / "world.duckdb") as store:
            self.ingest(store, now)
            results = trace_recoveries(store, None, Weights.load())
        return {r.recovery_id: r.to_dict() for r in results}

    def ingest(self, store: Store, now) -> None:
        ingest_parts(store, [("parts.csv", self.parts)], now)
        base = [
            {"id": MAKER, "schema": "Company", "properties": {"name": ["Veldhoven Semiconductors N.V."],
                                                             "country": ["nl"]}},
            {"id": DIST, "schema": "Company", "properties": {"name": ["Nordparts Distribution GmbH"],
                                                            "country": ["de"]}},
        ]
        lines = b"\n".join(orjson.dumps(e) for e in base + self.entities)
        assert all(r.ok for r in ingest_entities(store, [("entities.jsonl", lines)], now))
        assert all(r.ok for r in ingest_epcis(store, [("events.jsonld", doc_bytes(*self.events))], now))
        if self.sales:
            ledger = ("date,seller,buyer,manufacturer,part_number,lot_code,quantity,ship_to_country,invoice\n"
                      + "\n".join(self.sales) + "\n").encode()
            assert all(r.ok for r in ingest_sales(store, [("ledger.csv", ledger)], now))
        table = ("recovery_id,recovered_on,country,weapon_system,manufacturer,part_number,lot_code,date_code,"
                 "serial,source\n" + "\n".join(self.recoveries) + "\n").encode()
        assert all(r.ok for r in ingest_recoveries(store, [("recoveries.csv", table)], now))


def standard_start(world: World, code: str = "L1", quantity: int = 1000) -> None:
    world.commission(code, quantity)
    world.ship(lot(code), MAKER, DIST, 10, quantity)


def test_direct_lot(tmp_path, now):
    world = World()
    standard_start(world)
    world.company("urn:x:c:1", "Steppe Avionics LLP", "KZ", incorporationDate="2022-09-01")
    world.ship(lot("L1"), DIST, "urn:x:c:1", 40, 300)
    world.recovered("R1", lot_code="L1")
    [(_, r)] = world.trace(tmp_path, now).items()
    assert r["status"] == "traced"
    assert r["part"]["gtin"] == "04012345123456"
    assert [(h["from"], h["to"], h["via"]) for h in r["chain"]] == [
        ("https://id.gs1.org/417/4012345000009", "https://id.gs1.org/417/0614141000012", "lot"),
        ("https://id.gs1.org/417/0614141000012", "urn:x:c:1", "lot")]
    assert r["last_known_custodian"] == "urn:x:c:1"
    assert r["diversion_point"] == "urn:x:c:1"  # new company (0.4) in a transit country buying CHPL (0.2)
    assert r["last_authorized_custodian"] == "https://id.gs1.org/417/0614141000012"
    assert any(e["kind"] == "flag" and e["flag"] == "new_company" for e in r["evidence"])
    assert all(e["event_ids"] for e in r["evidence"] if e["kind"] == "hop")


def test_serial_resolves_to_its_sgtin(tmp_path, now):
    world = World()
    serials = [f"urn:epc:id:sgtin:{GTIN_URN}.S{i}" for i in range(3)]
    world.event("ObjectEvent", 0, action="ADD", bizStep="commissioning", epcList=serials)
    world.ship(serials[0], MAKER, DIST, 5)
    world.ship(serials[1], MAKER, DIST, 5)
    world.ship(serials[1], DIST, "urn:x:c:2", 9)
    world.company("urn:x:c:2", "Qazaq Drone Parts TOO", "KZ", incorporationDate="2023-01-01")
    world.recovered("R1", serial="S1")
    r = world.trace(tmp_path, now)["R1"]
    assert r["lots"][0]["serial"] and r["lots"][0]["lot"].endswith("/21/S1")
    assert r["status"] == "traced" and r["confidence"] > 0.9
    assert r["last_known_custodian"] == "urn:x:c:2"


def test_lot_code_of_a_serialised_part_follows_the_lot_through_its_serials(tmp_path, now):
    """Serialised parts: only the commissioning ILMD names the lot; the reels hold serials. A unit marked with
    the lot code (its serial unread) is traced through them, each reel counting the lot's units it holds."""
    world = World()
    serials, reels = world.serialised_lot(6, 4)
    world.unpack(reels[1], 20)
    world.company("urn:x:c:front", "Silk Road Components FZE", "AE", incorporationDate="2022-11-11")
    world.company("urn:x:c:clean", "Rheinland Elektronik GmbH", "DE", incorporationDate="1990-01-01")
    world.ship(reels[0], DIST, "urn:x:c:clean", 30)
    world.event("ObjectEvent", 40, action="OBSERVE", bizStep="shipping", epcList=serials[6:],
                **owners(DIST, "urn:x:c:front"))
    world.recovered("R1", lot_code="SER1")
    r = world.trace(tmp_path, now)["R1"]
    assert [entry["lot"] for entry in r["lots"]] == ["https://id.gs1.org/01/04012345123456/10/SER1"]
    assert r["diversion_point"] == "urn:x:c:front"
    assert r["chain"][-1]["to"] == "urn:x:c:front" and r["chain"][-1]["quantity"] == 4.0
    assert r["chain"][-1]["object"] == "https://id.gs1.org/01/04012345123456/10/SER1"
    assert r["alternatives"][0]["parties"][-1] == "urn:x:c:clean"


def test_a_serialised_lot_read_by_the_lot_traces_as_through_each_serial(tmp_path, now):
    """The events of a serialised lot's serials are read by the lot (the store's lot_serial_events), not serial by
    serial: the same hops, quantities, evidence and conclusions as looking each serial up, with units taken out
    of their reel (a DELETE naming them, one emptying it), shipped by serial and built into a module."""
    world = World()
    serials, reels = world.serialised_lot(6, 4)
    world.event("AggregationEvent", 15, action="DELETE", bizStep="unpacking", parentID=reels[0],
                childEPCs=serials[:2])
    world.unpack(reels[1], 20)
    front, clean, maker = "urn:x:c:front", "urn:x:c:clean", "urn:x:c:maker"
    world.company(front, "Silk Road Components FZE", "AE", incorporationDate="2022-11-11")
    world.company(clean, "Rheinland Elektronik GmbH", "DE", incorporationDate="1990-01-01")
    world.company(maker, "Bosporus Modül Sanayi A.Ş.", "TR")
    world.ship(reels[0], DIST, clean, 30)
    world.event("ObjectEvent", 35, action="OBSERVE", bizStep="shipping", epcList=serials[:2],
                **owners(DIST, maker))
    module = f"urn:epc:id:sgtin:{MODULE_URN}.M1"
    world.event("TransformationEvent", 40, bizStep="assembling", inputEPCList=serials[:2], outputEPCList=[module])
    world.ship(module, maker, front, 50)
    world.event("ObjectEvent", 40, action="OBSERVE", bizStep="shipping", epcList=serials[6:],
                **owners(DIST, front))
    world.recovered("R1", lot_code="SER1")
    world.recovered("R2", serial="S7")
    world.recovered("R3", serial="S1")
    lot_id = "https://id.gs1.org/01/04012345123456/10/SER1"
    weights = Weights.load()
    with Store.open(tmp_path / "world.duckdb") as store:
        world.ingest(store, now)
        asked: list[str] = []
        custody_events = store.custody_events
        store.custody_events = lambda ids: asked.extend(ids) or custody_events(ids)  # type: ignore[method-assign]
        by_lot = Tracer(store, weights)
        traced = [r.to_dict() for r in by_lot.trace_all(store.recoveries())]
        by_lot.forget()
        custody = by_lot.custody(lot_id)
        assert len(custody.members) == 10
        assert not {i for i in asked if "/21/S" in i} - {canonical_uri(serials[1]), canonical_uri(serials[7])}
        by_serial = Tracer(store, weights, serials_by_lot=False)
        assert [r.to_dict() for r in by_serial.trace_all(store.recoveries())] == traced
        by_serial.forget()
        assert by_serial.custody(lot_id).hops == custody.hops and custody.hops
        assert by_serial.custody(lot_id).routes == custody.routes
        assert {canonical_uri(s) for s in serials} <= set(asked)  # looked up one by one this time
    r1 = next(r for r in traced if r["recovery_id"] == "R1")
    r1 = next(r for r in traced if r["recovery_id"] == "R1")
    assert (r1["chain"][-1]["to"], r1["chain"][-1]["quantity"], r1["chain"][-1]["object"]) == (front, 4.0, lot_id)
    assert {(h.destination, h.via, h.quantity) for h in custody.hops} >= {
        (maker, "lot", 2.0), (front, "transformation", None)}


def test_a_reel_of_serials_is_followed_until_the_last_of_them_leaves_it(tmp_path, now):
    """Two of a reel's six serials are taken out; the reel still holds four of the lot when it ships on, whichever
    serial was commissioned first."""
    world = World()
    serials, [reel] = world.serialised_lot(6)
    world.event("AggregationEvent", 15, action="DELETE", bizStep="unpacking", parentID=reel, childEPCs=serials[:2])
    clean = "urn:x:c:clean"
    world.ship(reel, DIST, clean, 30)
    world.event("ObjectEvent", 35, action="OBSERVE", bizStep="shipping", epcList=serials[:2], **owners(DIST, MAKER))
    with Store.open(tmp_path / "world.duckdb") as store:
        world.ingest(store, now)
        custody = Tracer(store, Weights.load()).custody("https://id.gs1.org/01/04012345123456/10/SER1")
    maker, distributor = canonical_uri(MAKER), canonical_uri(DIST)
    assert {(h.source, h.destination, h.quantity) for h in custody.hops} == {
        (maker, distributor, 6.0), (distributor, clean, 4.0), (distributor, maker, 2.0)}


def test_date_code_only_picks_the_lots_of_that_week(tmp_path, now):
    world = World()
    world.commission("WEEK2", 500, day=7)  # 2023-01-09: ISO week 2 of 2023
    world.commission("WEEK20", 500, day=7 * 19)
    world.ship(lot("WEEK2"), MAKER, DIST, 20, 500)
    world.ship(lot("WEEK20"), MAKER, DIST, 150, 500)
    world.recovered("R1", date_code="2302")
    r = world.trace(tmp_path, now)["R1"]
    assert [entry["lot"] for entry in r["lots"]] == ["https://id.gs1.org/01/04012345123456/10/WEEK2"]


def test_nested_aggregation_with_unpacking_and_reshipping(tmp_path, now):
    world = World()
    world.commission("L1", 1000)
    reel, carton, pallet = ("urn:epc:id:sscc:4012345.0000000001", "urn:epc:id:sscc:4012345.0000000002",
                            "urn:epc:id:sscc:4012345.0000000003")
    world.pack(reel, 1, lots=[(lot("L1"), 1000)])
    world.pack(carton, 2, children=[reel])
    world.pack(pallet, 3, children=[carton])
    world.ship(pallet, MAKER, DIST, 10)
    world.unpack(pallet, 12)
    world.unpack(carton, 12)
    world.ship(reel, DIST, "urn:x:c:3", 30)  # the whole reel re-shipped by SSCC
    world.ship(pallet, DIST, "urn:x:c:9", 40)  # the empty pallet later: not the lot any more
    world.recovered("R1", lot_code="L1")
    r = world.trace(tmp_path, now)["R1"]
    assert [(h["to"], h["via"]) for h in r["chain"]] == [
        ("https://id.gs1.org/417/0614141000012", "container"), ("urn:x:c:3", "container")]
    assert r["chain"][0]["object"] == canonical_uri(pallet)
    assert all(h["quantity"] == 1000 for h in r["chain"])
    assert "urn:x:c:9" not in {h["to"] for h in r["chain"]}


def test_forwarder_consolidation_possession_without_ownership(tmp_path, now):
    world = World()
    standard_start(world)
    forwarder, reseller, consignee = "urn:x:fwd:1", "urn:x:c:4", "urn:x:c:5"
    world.company(reseller, "Anatolia Komponent Ltd. Şti.", "TR")
    world.company(consignee, "Yenisei Trade LLC", "KG", incorporationDate="2023-02-01")
    consignment = "urn:epc:id:sscc:0614141.0000000099"
    world.ship(lot("L1"), DIST, reseller, 30, 200, possessor=forwarder)
    world.pack(consignment, 31, lots=[(lot("L1"), 200)])
    # The release at destination: owned by the reseller, held by the forwarder, now owned by the consignee.
    world.event("ObjectEvent", 50, action="OBSERVE", bizStep="shipping", epcList=[consignment],
                sourceList=[{"type": "owning_party", "source": reseller},
                            {"type": "possessing_party", "source": forwarder}],
                destinationList=[{"type": "owning_party", "destination": consignee}])
    world.recovered("R1", lot_code="L1")
    r = world.trace(tmp_path, now)["R1"]
    assert [h["to"] for h in r["chain"]][-2:] == [reseller, consignee]
    assert r["chain"][-2]["possessor"] == forwarder
    assert forwarder not in {h["to"] for h in r["chain"]}  # shown as holder, never an owner
    assert r["diversion_point"] == consignee and r["last_authorized_custodian"] == reseller


def test_transformation_into_a_module(tmp_path, now):
    world = World()
    standard_start(world)
    maker, broker = "urn:x:c:6", "urn:x:c:7"
    world.company(maker, "Bosporus Modül Sanayi A.Ş.", "TR")
    world.ship(lot("L1"), DIST, maker, 20, 400)
    world.event("TransformationEvent", 30, bizStep="assembling",
                inputQuantityList=[{"epcClass": lot("L1"), "quantity": 400}],
                outputQuantityList=[{"epcClass": lot("M1", MODULE_URN), "quantity": 400}])
    world.ship(lot("M1", MODULE_URN), maker, broker, 60, 150)
    world.listed("listed-1", "Ural Navigatsiya OOO", "RU")
    world.company(broker, "Ural Navigatsiya LLC", "RU")
    world.recovered("R1", lot_code="L1")
    r = world.trace(tmp_path, now)["R1"]
    assert [(h["to"], h["via"]) for h in r["chain"]][-2:] == [(maker, "lot"), (broker, "transformation")]
    assert r["diversion_point"] == broker and r["last_authorized_custodian"] == maker


def test_split_lot_with_one_suspicious_branch(tmp_path, now):
    world = World()
    standard_start(world)
    clean = [f"urn:x:c:clean{i}" for i in range(4)]
    for i, party in enumerate(clean):
        world.company(party, f"Rheinland Elektronik {i} GmbH", "DE")
        world.ship(lot("L1"), DIST, party, 20 + i, 200)
    world.company("urn:x:c:front", "Silk Road Components FZE", "AE", incorporationDate="2022-11-11")
    world.ship(lot("L1"), DIST, "urn:x:c:front", 25, 100)
    world.recovered("R1", lot_code="L1")
    r = world.trace(tmp_path, now)["R1"]
    assert r["diversion_point"] == "urn:x:c:front"
    assert r["last_authorized_custodian"] == "https://id.gs1.org/417/0614141000012"
    assert len(r["alternatives"]) == 4 and all(a["suspicion"] == 0 for a in r["alternatives"])


def test_sales_ledger_hop(tmp_path, now):
    world = World()
    standard_start(world)
    world.company("urn:x:c:8", "Altyn Trade LLP", "KZ")
    world.ship(lot("L1"), DIST, "urn:x:c:8", 20, 300)
    world.sales.append("2023-03-01,urn:x:c:8,https://ledger.altyn.example/customer/77,Veldhoven Semiconductors N.V.,"
                       "VS-STM32X7-TR,L1,150,AE,INV-1")
    world.company("https://ledger.altyn.example/customer/77", "Gulf Star Components FZE", "AE",
                  incorporationDate="2022-09-12")
    world.recovered("R1", lot_code="L1")
    r = world.trace(tmp_path, now)["R1"]
    assert r["chain"][-1]["via"] == "sales_ledger"
    assert r["diversion_point"] == "https://ledger.altyn.example/customer/77"
    assert r["last_authorized_custodian"] == "urn:x:c:8"


def test_same_company_under_three_identifiers(tmp_path, now):
    world = World()
    for code in ("L1", "L2", "L3"):
        standard_start(world, code)
    ids = ["urn:epc:id:pgln:0614141.00042", "https://ledger.nordparts.example/customer/C00042",
           "https://crm.other.example/acct/991"]
    world.company(ids[0], "Tashkent Radio Parts MChJ", "UZ", registrationNumber="UZ-30291")
    world.company(ids[1], "TASHKENT RADIO PARTS", "UZ")
    world.company(ids[2], "Tashkent Radio Parts LLC", "UZ", registrationNumber="uz 30291")
    for i, (code, party) in enumerate(zip(("L1", "L2", "L3"), ids)):
        world.ship(lot(code), DIST, party, 20 + i, 100)
        world.recovered(f"R{i}", lot_code=code)
    results = world.trace(tmp_path, now)
    identity = [e for e in results["R0"]["evidence"] if e["kind"] == "identity"]
    assert identity and sorted(identity[0]["identifiers"]) == sorted([canonical_uri(ids[0]), *ids[1:]])


def test_sanctioned_party_named_in_cyrillic_while_the_data_uses_latin(tmp_path, now):
    world = World()
    standard_start(world)
    world.listed("eu-fsf-1234", "ООО Ромашка Электроникс", "RU")
    world.company("urn:x:c:10", "Romashka Elektroniks OOO", "RU")
    world.ship(lot("L1"), DIST, "urn:x:c:10", 30, 50)
    world.recovered("R1", lot_code="L1")
    r = world.trace(tmp_path, now)["R1"]
    assert r["diversion_point"] == "urn:x:c:10"
    flags = [e for e in r["evidence"] if e["kind"] == "flag" and e["party"] == "urn:x:c:10"]
    assert any(f["flag"] == "listed" and "eu-fsf-1234" in f["evidence"] for f in flags)


def test_front_part_owned_by_a_listed_party_through_registry_records(tmp_path, now):
    """The registry names its own record of the listed company as the owner (same registration number as the
    list's entity): a 33% stake is a link short of control. The customer's data writes the Turkish legal form
    out without the cedilla, and a second account spells the name in another transliteration."""
    world = World()
    standard_start(world, quantity=2000)
    world.listed("sl-7", "ООО «Хоман Электроника»", "RU", registrationNumber="1027700132195")
    world.entity("Company", "reg-ru-1", name="ООО «Хоман Электроника»", country="ru",
                 registrationNumber="1027700132195", incorporationDate="2005-03-01")
    world.entity("Company", "reg-tr-1", name="Stoster Mühendislik A.Ş.", country="tr", jurisdiction="tr",
                 registrationNumber="9862991269", incorporationDate="2015-07-01")
    world.entity("Ownership", "reg-o-1", owner="reg-ru-1", asset="reg-tr-1", percentage="33")
    world.company("urn:x:c:tr", "Stoster Muhendislik Anonim Sirketi", "TR")
    world.company("urn:x:c:am1", 'LLC "Khoman Elektronika"', "AM", registrationNumber="1027700132195")
    world.company("urn:x:c:am2", 'LLC "Choman Elektronika"', "AM")
    for i, party in enumerate(["urn:x:c:clean1", "urn:x:c:clean2"]):
        world.company(party, f"Rheinland Elektronik {i} GmbH", "DE", incorporationDate="1990-01-01")
        world.ship(lot("L1"), DIST, party, 20 + i, 600)
    world.ship(lot("L1"), DIST, "urn:x:c:tr", 30, 100)
    world.ship(lot("L1"), DIST, "urn:x:c:am2", 31, 100)
    world.ship(lot("L1"), DIST, "urn:x:c:am1", 32, 100)
    world.recovered("R1", lot_code="L1")
    r = world.trace(tmp_path, now)["R1"]
    tracer = Tracer(Store.open(tmp_path / "world.duckdb", read_only=True), Weights.load())
    front = tracer.judge("urn:x:c:tr", None)
    assert [(f.code, f.evidence) for f in front.flags] == [("listed_owner", ("reg-o-1", "sl-7"))]
    assert "reg-ru-1 (listed as sl-7) (33%)" in front.flags[0].reason
    assert tracer.book.company("urn:x:c:am2").identifiers == ["urn:x:c:am1", "urn:x:c:am2"]
    assert any(f.code == "listed" for f in tracer.judge("urn:x:c:am2", None).flags)
    assert r["diversion_point"] in ("urn:x:c:tr", "urn:x:c:am2")


def test_a_party_meets_its_registry_record_when_the_place_in_brackets_is_written_otherwise(tmp_path, now):
    world = World()
    standard_start(world)
    world.entity("Company", "reg-hk-1", name="昊海贸易(香港)有限公司", alias="Haohai Trading (HK) Limited",
                 country="hk", jurisdiction="hk", registrationNumber="06656357", incorporationDate="2022-06-03")
    world.company("urn:x:c:hk", "Haohai Trading (Kowloon) Limited", "HK")
    world.ship(lot("L1"), DIST, "urn:x:c:hk", 30, 100)
    world.recovered("R1", lot_code="L1")
    world.trace(tmp_path, now)
    tracer = Tracer(Store.open(tmp_path / "world.duckdb", read_only=True), Weights.load())
    company = tracer.book.company("urn:x:c:hk")
    assert company.registry_ids == ["reg-hk-1"]
    assert [f.code for f in tracer.judge("urn:x:c:hk", None).flags] == ["new_company"]


def test_recurrence_counts_the_lots_of_every_part_the_marking_fits(tmp_path, now):
    """'VSSTM32X7' fits two catalogue parts equally (packaging suffixes -TR and Z): each recovery is traced
    through the lots of both, and so is a buyer's recurrence. The broker bought one lot of each part, both
    recovered: two of its two purchases."""
    world = World(parts=PARTS + b"04012345123463,Veldhoven Semiconductors N.V.,VS-STM32X7Z,854231,MCU\n")
    second = "4012345.012346"
    broker = "urn:x:c:broker"
    world.company(broker, "Jinyu Electronics Trading Limited", "HK", incorporationDate="2015-01-01")
    for code, urn in (("L1", GTIN_URN), ("M1", second)):
        world.commission(code, 1000, urn=urn)
        world.ship(lot(code, urn), MAKER, DIST, 10, 1000)
        for i in range(3):
            party = f"urn:x:c:{code}-{i}"
            world.company(party, f"Rheinland Elektronik {code} {i} GmbH", "DE", incorporationDate="1990-01-01")
            world.ship(lot(code, urn), DIST, party, 20 + i, 250)
        world.ship(lot(code, urn), DIST, broker, 30, 100)
        world.recovered(f"R-{code}", lot_code=code)
    traces = world.trace(tmp_path, now)
    for code in ("L1", "M1"):
        flags = [e for e in traces[f"R-{code}"]["evidence"] if e["kind"] == "flag" and e["party"] == broker]
        assert traces[f"R-{code}"]["diversion_point"] == broker
        assert [f["flag"] for f in flags if f["flag"] == "recurrence"] == ["recurrence"]
        assert "2 of its 2 purchases" in next(f["reason"] for f in flags if f["flag"] == "recurrence")


def test_a_short_form_of_a_registered_name_finds_its_record_and_a_merely_similar_name_does_not(tmp_path, now):
    """'Saram OsOO' is 'ОсОО «Сарам Торг»' with a word left out (same country): its record, incorporated after
    the invasion, flags it. 'Ruikai Electronics' is not 'Jiakai Electronics' (嘉凯电子), however alike."""
    world = World()
    standard_start(world)
    world.entity("Company", "reg-kg-1", name="ОсОО «Сарам Торг»", alias="Saram Torg LLC", country="kg",
                 jurisdiction="kg", registrationNumber="37760685", incorporationDate="2022-04-20")
    world.entity("Company", "reg-cn-1", name="深圳嘉凯电子有限公司", country="cn", jurisdiction="cn",
                 registrationNumber="91440300MA5F", incorporationDate="2022-05-01")
    world.company("urn:x:c:kg", "Saram OsOO", "KG")
    world.company("urn:x:c:cn", "SHENZHEN RUIKAI ELECTRONICS CO LTD", "CN")
    world.ship(lot("L1"), DIST, "urn:x:c:kg", 30, 100)
    world.ship(lot("L1"), DIST, "urn:x:c:cn", 31, 100)
    world.recovered("R1", lot_code="L1")
    world.trace(tmp_path, now)
    tracer = Tracer(Store.open(tmp_path / "world.duckdb", read_only=True), Weights.load())
    assert tracer.book.company("urn:x:c:kg").registry_ids == ["reg-kg-1"]
    assert [f.code for f in tracer.judge("urn:x:c:kg", None).flags] == ["new_company"]
    assert tracer.book.company("urn:x:c:cn").registry_ids == []


def test_weights_are_overridden_by_a_file_and_unknown_settings_refused(tmp_path):
    path = tmp_path / "weights.toml"
    path.write_text("threshold = 0.6\n[context]\nbranch_boost = 10.0\nbranch_boost_exponent = 2.0\n")
    weights = Weights.load(path)
    assert (weights.threshold, weights.branch_boost, weights.branch_boost_exponent) == (0.6, 10.0, 2.0)
    assert weights.flags == Weights.load().flags
    assert evidence_factor(0.5, weights) == 11.0  # 1 + 10 * (0.5 / 0.5) ** 2
    path.write_text("[context]\nbranch_bost = 1\n")
    with pytest.raises(InvalidInput, match="branch_bost"):
        Weights.load(path)


def test_ownership_data_may_name_a_party_by_its_pgln(tmp_path, now):
    """FollowTheMoney ids allow no ':', but custody data names parties by URI: an Ownership whose asset is the
    customer's PGLN URN ties it to its listed owner (60%: controlled), the URN read as the Digital Link events use."""
    world = World()
    standard_start(world)
    customer = "urn:epc:id:pgln:0614141.00042"
    world.company(customer, "Kaspian Trade LLP", "KZ", incorporationDate="2015-01-01")
    world.listed("sl-9", "Volga Pribor OOO", "RU")
    world.entity("Ownership", "own-9", owner="sl-9", asset=customer, percentage="60")
    world.ship(lot("L1"), DIST, customer, 30, 100)
    world.recovered("R1", lot_code="L1")
    r = world.trace(tmp_path, now)["R1"]
    party = canonical_uri(customer)
    assert r["diversion_point"] == party
    flags = [e for e in r["evidence"] if e["kind"] == "flag" and e["party"] == party]
    controlled = [(f["flag"], f["evidence"]) for f in flags if f["flag"] == "controlled"]
    assert controlled == [("controlled", ["own-9", "sl-9"])]


def test_insider_diversion_at_a_clean_long_established_customer(tmp_path, now):
    world = World()
    standard_start(world)
    world.company("urn:x:c:11", "Bayern Flugtechnik GmbH", "DE", incorporationDate="1987-05-04")
    world.company("urn:x:c:12", "Lyon Capteurs SARL", "FR", incorporationDate="2001-01-01")
    world.ship(lot("L1"), DIST, "urn:x:c:11", 20, 800)  # the whole reel
    world.ship(lot("L1"), DIST, "urn:x:c:12", 21, 50)
    world.recovered("R1", lot_code="L1")
    r = world.trace(tmp_path, now)["R1"]
    assert r["diversion_point"] is None
    assert r["last_authorized_custodian"] == r["last_known_custodian"] == "urn:x:c:11"


def test_shipments_after_the_recovery_are_not_its_history(tmp_path, now):
    """A unit recovered on day 100 did not travel in a shipment of day 200: the front company buying then is
    not its diversion point, and a reseller's later sale is cut off (the unit was still in its stock)."""
    world = World()
    standard_start(world)
    world.company("urn:x:c:11", "Bayern Flugtechnik GmbH", "DE", incorporationDate="1987-05-04")
    world.company("urn:x:c:12", "Lyon Capteurs SARL", "FR", incorporationDate="2001-01-01")
    world.company("urn:x:c:front", "Silk Road Components FZE", "AE", incorporationDate="2022-11-11")
    world.ship(lot("L1"), DIST, "urn:x:c:11", 20, 100)
    world.ship(lot("L1"), DIST, "urn:x:c:12", 30, 600)
    world.ship(lot("L1"), "urn:x:c:12", "urn:x:c:front", 200, 600)  # after the recovery
    world.recovered("R1", lot_code="L1", on=(DAY0 + timedelta(days=100)).isoformat())
    world.recovered("R2", lot_code="L1")  # a year later: the front's purchase is a possible history
    traces = world.trace(tmp_path, now)
    early, late = traces["R1"], traces["R2"]
    assert early["diversion_point"] is None
    assert early["last_authorized_custodian"] == early["last_known_custodian"] == "urn:x:c:12"
    assert all("urn:x:c:front" not in a["parties"] for a in early["alternatives"])
    assert any(e["kind"] == "note" and "after the recovery" in e["reason"] for e in early["evidence"])
    assert late["diversion_point"] == "urn:x:c:front"


def test_lookalike_legitimate_company_is_not_flagged(tmp_path, now):
    world = World()
    standard_start(world)
    world.listed("ofac-77", "Sever Tekhnika OOO", "RU", registrationNumber="1027700000001")
    world.company("urn:x:c:13", "Sever Teknik Mühendislik A.Ş.", "TR", incorporationDate="1998-03-03",
                  registrationNumber="TR-998877")
    world.ship(lot("L1"), DIST, "urn:x:c:13", 30, 300)
    world.recovered("R1", lot_code="L1")
    r = world.trace(tmp_path, now)["R1"]
    assert r["diversion_point"] is None
    assert not [e for e in r["evidence"] if e["kind"] == "flag" and e["flag"] == "listed"]


def test_a_listed_name_word_for_word_in_another_country_is_flagged_and_a_merely_similar_one_is_not(tmp_path, now):
    """'OOO POTAN-PRIBORI' in Kazakhstan is the Russian listed 'ООО «Потан Приборы»' word for word (ы as i):
    the country lowers the score under 0.9, but it bears the listed name. 'Potap Pribory' is another name."""
    world = World()
    standard_start(world)
    world.listed("sl-26", "ООО «Потан Приборы»", "RU", registrationNumber="7398454204950")
    world.company("urn:x:c:kz", "OOO POTAN-PRIBORI", "KZ", incorporationDate="2009-01-01")
    world.company("urn:x:c:kz2", "OOO POTAP-PRIBORY", "KZ", incorporationDate="2009-01-01")
    world.ship(lot("L1"), DIST, "urn:x:c:kz", 30, 100)
    world.ship(lot("L1"), DIST, "urn:x:c:kz2", 31, 100)
    world.recovered("R1", lot_code="L1")
    r = world.trace(tmp_path, now)["R1"]
    assert r["diversion_point"] == "urn:x:c:kz"
    flags = {(e["party"], e["flag"]) for e in r["evidence"] if e["kind"] == "flag"}
    assert ("urn:x:c:kz", "listed_name") in flags
    tracer = Tracer(Store.open(tmp_path / "world.duckdb", read_only=True), Weights.load())
    assert "listed_name" not in [f.code for f in tracer.judge("urn:x:c:kz2", None).flags]


def test_unknown_marking_is_unresolved(tmp_path, now):
    world = World()
    standard_start(world)
    world.recovered("R1", manufacturer="Zilog", part="Z80")
    assert world.trace(tmp_path, now)["R1"]["status"] == "unresolved_part"


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4), st.integers(1, 400), st.integers(1, 90)),
                min_size=1, max_size=12))
def test_chains_never_go_back_in_time_nor_move_more_than_was_there(tmp_path_factory, now, moves):
    parties = [DIST] + [f"urn:x:h:{i}" for i in range(1, 5)]
    world = World()
    standard_start(world, quantity=1000)
    for source, destination, quantity, day in moves:
        if source != destination:
            world.ship(lot("L1"), parties[source], parties[destination], 10 + day, quantity)
    with Store.open(tmp_path_factory.mktemp("prop") / "s.duckdb") as store:
        ingest_parts(store, [("parts.csv", PARTS)], now)
        ingest_epcis(store, [("e", doc_bytes(*world.events))], now)
        tracer = Tracer(store, Weights.load())
        from sanctrace.tracing.chains import branches, build_tree

        root = build_tree(tracer.custody("https://id.gs1.org/01/04012345123456/10/L1").hops,
                          origin_quantity=1000)
        for branch in branches(root):
            times = [h.time for h in branch.hops]
            assert times == sorted(times)
            assert all(a.destination == b.source for a, b in zip(branch.hops, branch.hops[1:]))
        # What each party ships, at any moment, never exceeds what it had received by then (parties whose
        # goods arrived undocumented, so in unknown quantity, aside).
        moves: dict[str, list[tuple[Any, float]]] = {}
        unknown: set[str] = set()
        stack = [root]
        while stack:
            node = stack.pop()
            for child in node.children:
                if child.held is None:
                    unknown.add(child.party)
                moves.setdefault(node.party, []).append((child.time, -(child.held or 0)))
                moves.setdefault(child.party, []).append((child.time, child.held or 0))
            stack.extend(node.children)
        moves.setdefault(root.party, []).append((None, 1000))
        for party, entries in moves.items():
            if party in unknown:
                continue
            balance = 0.0
            for _, amount in sorted(entries, key=lambda e: (e[0] is not None, e[0] or 0, -e[1])):
                balance += amount
                assert balance >= -1e-9, party
