"""Capture into the store: idempotency, quarantine, --strict, retractions, sales ledgers, entities, recoveries."""

from __future__ import annotations

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sanctrace.ops.ingest import (
    ingest_entities,
    ingest_epcis,
    ingest_parts,
    ingest_recoveries,
    ingest_sales,
)
from sanctrace.ops.query import EventQuery, query_events
from sanctrace.store import Store
from tests.factories import DISTRIBUTOR, LOT, MAKER, doc_bytes, ev
from tests.shared import PROJECT_ROOT

EXAMPLES = PROJECT_ROOT / "examples" / "demo"
PARTS = b"""gtin,manufacturer,part_number,hs_code,description
04012345123456,Veldhoven Semiconductors N.V.,VS-STM32X7-TR,854231,MCU
"""


def count(store: Store, table: str) -> int:
    return store.connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def snapshot(store: Store) -> dict[str, list]:
    tables = ("events", "event_objects", "event_parties", "event_transactions", "error_declarations", "quarantine",
              "parts", "entities", "recoveries")
    return {t: sorted(map(repr, store.connection.execute(f"SELECT * FROM {t}").fetchall()))
            for t in tables}


def test_events_are_stored_with_their_objects_and_parties(store, now):
    [result] = ingest_epcis(store, [("a.jsonld", doc_bytes(ev(), ev("AggregationEvent")))], now)
    assert (result.read, result.new, result.rejected) == (2, 2, 0)
    assert count(store, "events") == 2
    lot = "https://id.gs1.org/01/04012345123456/10/L2301A"
    roles = sorted(r[1] for r in store.events_for_object(lot))
    assert roles == ["child_quantity", "quantity"]
    parties = store.connection.execute("SELECT direction, party FROM event_parties ORDER BY 1").fetchall()
    assert parties == [("destination", "https://id.gs1.org/417/0614141000012"),
                       ("source", "https://id.gs1.org/417/4012345000009")]


def test_reingesting_changes_nothing(store, now):
    data = doc_bytes(ev(), ev(eventTime="2023-02-02T07:30:00.000+01:00"), {"type": "ObjectEvent"})
    first = ingest_epcis(store, [("a.jsonld", data)], now)[0]
    before = snapshot(store)
    second = ingest_epcis(store, [("a.jsonld", data)], now)[0]
    assert (first.new, second.new, second.duplicates, second.rejected) == (2, 0, 2, 1)
    assert snapshot(store) == before


def test_the_same_event_written_differently_is_one_event(store, now):
    urn = ev()
    digital_link = ev(bizStep="https://ref.gs1.org/cbv/BizStep-shipping",
                      quantityList=[{"epcClass": "https://id.gs1.org/01/04012345123456/10/L2301A",
                                     "quantity": 100, "uom": "H87"}],
                      sourceList=[{"type": "urn:epcglobal:cbv:sdt:owning_party", "source": MAKER}],
                      destinationList=[{"type": "owning_party", "destination": DISTRIBUTOR}])
    ingest_epcis(store, [("a.jsonld", doc_bytes(urn))], now)
    [result] = ingest_epcis(store, [("b.jsonld", doc_bytes(digital_link))], now)
    assert result.new == 0 and count(store, "events") == 1


def test_bad_events_are_quarantined_and_good_ones_kept(store, now):
    data = doc_bytes(ev(), ev(action="MOVE"), ev(eventTime="2023-02-09T07:30:00.000+01:00"))
    [result] = ingest_epcis(store, [("mixed.jsonld", data)], now)
    assert (result.new, result.rejected) == (2, 1)
    [row] = store.quarantined()
    assert row.source == "mixed.jsonld"
    assert row.record_index == 1
    assert row.location == "/epcisBody/eventList/1"
    assert row.pointer == "/epcisBody/eventList/1/action"
    assert "MOVE" in row.reason
    assert orjson.loads(row.raw)["action"] == "MOVE"


def test_strict_refuses_the_whole_document(store, now):
    data = doc_bytes(ev(), ev(action="MOVE"))
    [result] = ingest_epcis(store, [("mixed.jsonld", data)], now, strict=True)
    assert result.aborted and not result.ok
    assert count(store, "events") == 0
    assert "--strict" in store.quarantined()[0].reason


@pytest.mark.parametrize(
    "data, words",
    [
        (b'{"type": "EPCISDocument", "epcisBody": {"eventList": [', "not valid JSON"),
        (b"", "empty"),
        (b'{"type": "EPCISDocumentX"}', "EPCISDocumentX"),
        (b'<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:3"><EPCISBody/></epcis:EPCISDocument>',
         "urn:epcglobal:epcis:xsd:3"),
        (b"shipments", "neither JSON nor XML"),
    ],
    ids=["truncated-json", "empty", "wrong-type", "wrong-namespace", "not-a-document"],
)
def test_an_unreadable_document_is_refused_with_the_reason(store, now, data, words):
    [result] = ingest_epcis(store, [("bad", data)], now)
    assert result.aborted and words in result.aborted
    assert count(store, "events") == 0
    assert words in store.quarantined()[0].reason


def test_error_declaration_retracts_and_links_the_corrective_event(store, now):
    original = ev(eventID="urn:uuid:5f1c2a3e-0000-4000-8000-000000000001")
    corrective = ev(eventID="urn:uuid:5f1c2a3e-0000-4000-8000-000000000002",
                    quantityList=[{"epcClass": LOT, "quantity": 90, "uom": "H87"}])
    declaration = {**original, "errorDeclaration": {
        "declarationTime": "2023-02-05T00:00:00Z", "reason": "incorrect_data",
        "correctiveEventIDs": [corrective["eventID"]]}}
    ingest_epcis(store, [("a.jsonld", doc_bytes(original))], now)
    [result] = ingest_epcis(store, [("b.jsonld", doc_bytes(declaration, corrective))], now)
    assert (result.new, result.retracted) == (1, 1)
    live = query_events(store, EventQuery(epc_classes=(LOT,)))
    assert [r["event_id"] for r in live] == [corrective["eventID"]]
    everything = query_events(store, EventQuery(epc_classes=(LOT,), include_retracted=True))
    assert {r["event_id"]: r["retracted"] for r in everything} == {original["eventID"]: True,
                                                                   corrective["eventID"]: False}
    links = store.connection.execute("SELECT event_id, reason, corrective_event_ids FROM error_declarations").fetchall()
    assert links == [(original["eventID"], "https://ref.gs1.org/cbv/ER-incorrect_data", [corrective["eventID"]])]


def test_sales_ledger_rows_become_shipping_events(store, now):
    ingest_parts(store, [("parts.csv", PARTS)], now)
    ledger = (b"date,seller,buyer,manufacturer,part_number,lot_code,quantity,ship_to_country,invoice\n"
              b"2023-05-14,urn:epc:id:pgln:0614141.00002,https://ledger.example/c/77,VELDHOVEN SEMICONDUCTORS N.V.,"
              b"vs stm32x7 tr,L2301A,1500,ae,INV-1\n"
              b"2023-05-15,urn:epc:id:pgln:0614141.00002,https://ledger.example/c/78,Unknown Corp,X1,L1,5,AE,INV-2\n"
              b"2023-05-16,urn:epc:id:pgln:0614141.00002,https://ledger.example/c/79,Veldhoven Semiconductors N.V.,"
              b"VS-STM32X7-TR,L2301A,lots,AE,INV-3\n")
    [result] = ingest_sales(store, [("ledger.csv", ledger)], now)
    assert (result.read, result.new, result.rejected) == (3, 1, 2)
    [row] = query_events(store, EventQuery(epc_classes=(LOT,), biz_steps=("shipping",)))
    body = row["body"]
    assert row["origin"] == "sales_ledger"
    assert body["quantityList"] == [{"epcClass": "https://id.gs1.org/01/04012345123456/10/L2301A", "quantity": 1500}]
    assert body["destinationList"][0]["destination"] == "https://ledger.example/c/77"
    assert body["{https://sanctrace.org/ns/ledger#}shipToCountry"] == "AE"
    reasons = {r.record_index: r.reason for r in store.quarantined()}
    assert "not in the parts catalogue" in reasons[2] and "quantity" in reasons[3]
    assert ingest_sales(store, [("ledger.csv", ledger)], now)[0].new == 0


def test_csv_with_a_wrong_header_is_refused(store, now):
    [result] = ingest_parts(store, [("parts.csv", b"gtin,maker,part_number,hs_code,description\n")], now)
    assert "missing column(s) manufacturer" in result.aborted and "unknown column(s) maker" in result.aborted


def test_parts_rows_are_checked(store, now):
    data = PARTS + b"04012345123457,Veldhoven,VS-1,854231,bad check digit\n04012345123463,Veldhoven,VS-2,85x,x\n"
    [result] = ingest_parts(store, [("parts.csv", data)], now)
    assert (result.new, result.rejected) == (1, 2)
    reasons = sorted(r.reason for r in store.quarantined())
    assert "check digit" in reasons[0] and "HS code" in reasons[1]


def test_entities_are_checked_with_followthemoney_and_merged(store, now):
    lines = [
        {"id": MAKER, "schema": "Company", "properties": {"name": ["Veldhoven Semiconductors N.V."]}},
        {"id": "x1", "schema": "Spaceship", "properties": {}},
        {"id": "x2", "schema": "Company", "properties": {"wingspan": ["3"]}},
        {"id": "x3", "schema": "Company", "properties": {"incorporationDate": ["2023-13-45"]}},
    ]
    data = b"\n".join(orjson.dumps(line) for line in lines) + b"\n{broken\n"
    [result] = ingest_entities(store, [("e.jsonl", data)], now)
    assert (result.new, result.rejected) == (1, 4)
    reasons = {r.record_index: r.reason for r in store.quarantined()}
    assert "Spaceship" in reasons[2] and "wingspan" in reasons[3] and "incorporationDate" in reasons[4]
    assert "JSON" in reasons[5]
    more = orjson.dumps({"id": MAKER, "schema": "Company", "properties": {"country": ["nl"]}})
    ingest_entities(store, [("f.jsonl", more)], now)
    body = store.entities_by_id([MAKER])[MAKER]
    assert body["properties"] == {"name": ["Veldhoven Semiconductors N.V."], "country": ["nl"]}


def test_entity_references_may_be_uris_and_survive_merging_and_reingest(store, now):
    """An Ownership may name its asset by PGLN URN or URL (FollowTheMoney ids allow no ':'); the reference is
    kept when the entity is merged with a later line and when the file is ingested again. A reference that is
    neither an id nor a URI is still refused."""
    own = {"id": "own-1", "schema": "Ownership", "properties": {
        "owner": ["sl-1"], "asset": ["urn:epc:id:pgln:0614141.00042"], "percentage": ["60"]}}
    more = {"id": "own-1", "schema": "Ownership", "properties": {
        "asset": ["https://crm.example/acct/991"], "role": ["shareholder"]}}
    bad = {"id": "own-2", "schema": "Ownership", "properties": {"asset": ["not an id"]}}
    data = b"\n".join(orjson.dumps(line) for line in (own, more, bad))
    [first] = ingest_entities(store, [("o.jsonl", data)], now)
    assert (first.new, first.rejected) == (1, 1)
    body = store.entities_by_id(["own-1"])["own-1"]
    assert body["properties"]["asset"] == ["urn:epc:id:pgln:0614141.00042", "https://crm.example/acct/991"]
    assert body["properties"]["owner"] == ["sl-1"] and body["properties"]["role"] == ["shareholder"]
    [again] = ingest_entities(store, [("o.jsonl", data)], now)
    assert again.new == 0 and store.entities_by_id(["own-1"])["own-1"] == body


def test_recoveries_are_registered_once(store, now):
    data = (EXAMPLES / "recoveries.csv").read_bytes()
    assert ingest_recoveries(store, [("r.csv", data)], now)[0].new == 2
    assert ingest_recoveries(store, [("r.csv", data)], now)[0].new == 0
    assert count(store, "recoveries") == 2


def test_the_demo_examples_ingest_cleanly(store, now):
    files = lambda *names: [(n, (EXAMPLES / n).read_bytes()) for n in names]  # noqa: E731
    results = [
        *ingest_parts(store, files("parts.csv"), now),
        *ingest_entities(store, files("entities.jsonl"), now),
        *ingest_epcis(store, files("veldhoven.jsonld", "nordparts.xml"), now),
        *ingest_sales(store, files("sales-altyn.csv"), now),
        *ingest_recoveries(store, files("recoveries.csv"), now),
    ]
    assert all(r.ok for r in results), [r.to_dict() for r in results if not r.ok]
    lot = query_events(store, EventQuery(epc_classes=("urn:epc:class:lgtin:4012345.012345.L2301A",)))
    assert [r["body"].get("bizStep", "").rsplit("-", 1)[-1] for r in lot] == [
        "commissioning", "packing", "unpacking", "shipping", "shipping", "shipping", "shipping"]


quantities = st.integers(min_value=1, max_value=10_000)
lots = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", min_size=1, max_size=20)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(lots, quantities, st.integers(0, 10_000)), min_size=1, max_size=8))
def test_ingest_is_idempotent_for_any_events(tmp_path_factory, now, specs):
    events = [ev(quantityList=[{"epcClass": f"urn:epc:class:lgtin:4012345.012345.{lot}", "quantity": q}],
                 eventTime=f"2023-02-01T07:30:{minute % 60:02d}.000+01:00") for lot, q, minute in specs]
    with Store.open(tmp_path_factory.mktemp("idem") / "s.duckdb") as store:
        first = ingest_epcis(store, [("a", doc_bytes(*events))], now)[0]
        before = snapshot(store)
        again = ingest_epcis(store, [("a", doc_bytes(*reversed(events)))], now)[0]
        assert again.new == 0 and first.new == count(store, "events")
        assert snapshot(store) == before


GOOD_A = ev(eventTime="2023-02-01T07:30:00.000+01:00")
GOOD_B = ev(eventTime="2023-02-02T07:30:00.000+01:00")
GOOD_C = ev(eventTime="2023-02-03T07:30:00.000+01:00")


def _json_with_missing_comma() -> bytes:
    text = doc_bytes(GOOD_A, GOOD_B, GOOD_C).decode()
    cut = text.index('{"type":"ObjectEvent","eventTime":"2023-02-03')
    return (text[: cut - 1] + text[cut:]).encode()  # drop the comma before the third event


def _truncated_json() -> bytes:
    text = doc_bytes(GOOD_A, GOOD_B, GOOD_C).decode()
    return text[: text.index('"2023-02-03') + 5].encode()


def _xml(events: str) -> bytes:
    return (f'<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0" '
            f'creationDate="2023-01-01T00:00:00Z"><EPCISBody><EventList>{events}</EventList></EPCISBody>'
            f'</epcis:EPCISDocument>').encode()


def _xml_event(day: int) -> str:
    return (f"<ObjectEvent><eventTime>2023-02-0{day}T07:30:00.000+01:00</eventTime><eventTimeZoneOffset>+01:00"
            f"</eventTimeZoneOffset><epcList><epc>urn:epc:id:sgtin:4012345.012345.{day}</epc></epcList>"
            f"<action>OBSERVE</action><bizStep>shipping</bizStep></ObjectEvent>")


INVALID_DOCUMENTS = {
    # name: (document, events that must be kept, words the reason must contain)
    "bad-action": (doc_bytes(GOOD_A, ev(action="MOVE"), GOOD_C), 2, "ADD, OBSERVE or DELETE"),
    "missing-event-time": (doc_bytes(GOOD_A, ev(eventTime=None), GOOD_C), 2, "eventTime is required"),
    "quantity-as-text": (doc_bytes(GOOD_A, ev(quantityList=[{"epcClass": LOT, "quantity": "ten"}]), GOOD_C), 2,
                         "quantity must be a number"),
    "unknown-bizstep-form": (doc_bytes(GOOD_A, ev(bizStep="urn:epcglobal:cbv:bizstep:shipped"), GOOD_C), 2,
                             "shipped"),
    "broken-json": (_json_with_missing_comma(), 3, "not valid JSON"),  # each event itself is whole
    "truncated-json": (_truncated_json(), 2, "not valid JSON"),
    "wrong-namespace": (_xml(_xml_event(1)).replace(b"epcis:xsd:2", b"epcis:xsd:9"), 0, "not an EPCIS document"),
    "truncated-xml": (_xml(_xml_event(1) + _xml_event(2) + _xml_event(3))[:-120], 2, "not well-formed XML"),
}


@pytest.mark.parametrize("name", sorted(INVALID_DOCUMENTS))
def test_invalid_documents_give_a_clear_error_and_lose_no_valid_event(store, now, name):
    data, kept, words = INVALID_DOCUMENTS[name]
    [result] = ingest_epcis(store, [(f"{name}.doc", data)], now)
    assert not result.ok
    assert result.new == kept == count(store, "events")
    reasons = [r.reason for r in store.quarantined()]
    assert any(words in reason for reason in reasons), reasons
