"""Order checks before shipping: one order for each outcome (clear, review, block), with every reason."""

from __future__ import annotations

import orjson
import pytest

from sanctrace.errors import InvalidInput
from sanctrace.ops.ingest import ingest_entities, ingest_parts, ingest_sales
from sanctrace.ops.screening import check_order, ingest_lists, load_index
from sanctrace.screening.orders import read_order
from tests.test_lists_formats import FSF_XML

PARTS = b"""gtin,manufacturer,part_number,hs_code,description
04012345123456,Veldhoven Semiconductors N.V.,VS-STM32X7-TR,854231,MCU
04012345123463,Veldhoven Semiconductors N.V.,VS-CASE-01,392690,plastic housing
"""
SALES = (b"date,seller,buyer,manufacturer,part_number,lot_code,quantity,ship_to_country,invoice\n"
         b"2023-03-01,urn:epc:id:pgln:4012345.00000,urn:epc:id:pgln:0614141.00001,Veldhoven Semiconductors N.V.,"
         b"VS-CASE-01,L1,100,DE,INV-1\n")
ENTITIES = [
    {"id": "urn:epc:id:pgln:0614141.00001", "schema": "Company",
     "properties": {"name": ["Nordparts Distribution GmbH"], "country": ["de"], "incorporationDate": ["1998-04-01"]}},
    {"id": "urn:epc:id:pgln:0614141.00002", "schema": "Company",
     "properties": {"name": ["Steppe Components LLP"], "country": ["kz"], "incorporationDate": ["2022-06-01"]}},
    {"id": "front-company", "schema": "Company", "properties": {"name": ["Front Company OOO"]}},
    {"id": "own-1", "schema": "Ownership", "properties": {"owner": ["eu-fsf-77"], "asset": ["hold-1"],
                                                          "percentage": ["100"]}},
    {"id": "own-2", "schema": "Ownership", "properties": {"owner": ["hold-1"], "asset": ["front-company"],
                                                          "percentage": ["60"]}},
]


@pytest.fixture
def ledger(store, now):
    ingest_parts(store, [("parts.csv", PARTS)], now)
    ingest_sales(store, [("sales.csv", SALES)], now)
    ingest_entities(store, [("entities.jsonl", b"".join(orjson.dumps(e) + b"\n" for e in ENTITIES))], now)
    ingest_lists(store, [("fsf.xml", FSF_XML)], now)
    return store, load_index(store)


def order(customer: dict, items: list[dict], **extra) -> dict:
    return {"order_id": "SO-1", "customer": customer, "items": items, **extra}


def codes(check) -> dict[str, str]:
    """The strictest verdict given for each kind of reason."""
    found: dict[str, str] = {}
    for reason in reversed(check.reasons):  # reasons come strictest first
        found[reason.code] = reason.verdict
    return found


def test_clear(ledger, now):
    store, index = ledger
    check = check_order(store, read_order(order(
        {"id": "urn:epc:id:pgln:0614141.00001", "name": "Nordparts Distribution GmbH", "country": "de"},
        [{"part_number": "VS-CASE-01", "quantity": 500}], country="de")), now, index=index)
    assert check.verdict == "clear" and check.reasons == ()


def test_review_with_every_red_flag(ledger, now):
    store, index = ledger
    check = check_order(store, read_order(order(
        {"id": "urn:epc:id:pgln:0614141.00002", "name": "Steppe Components LLP", "country": "kz"},
        [{"part_number": "VS-STM32X7-TR", "quantity": 2000}],
        ship_to={"name": "Steppe Logistics", "country": "kg", "address": "Abai Avenue 10, Almaty, KAZAKHSTAN"})),
        now, seen_in_chains=frozenset({"urn:epc:id:pgln:0614141.00002"}), index=index)
    assert check.verdict == "review"
    assert codes(check) == {
        "new_customer": "review", "incorporated_after_invasion": "review", "seen_in_custody_chain": "review",
        "destination": "review", "ship_to_country_differs": "review", "high_priority_items_only": "review",
        "link": "review", "chpl_item": "clear"}
    link = next(r for r in check.reasons if r.code == "link")
    assert link.party == "ship_to" and "Altyn Trade LLP" in link.detail


def test_block_for_a_listed_party_control_and_destination(ledger, now):
    store, index = ledger
    check = check_order(store, read_order(order(
        {"id": "front-company", "name": "Front Company OOO", "country": "ae"},
        [{"hs_code": "8542.31", "quantity": 10}],
        end_user={"name": "Altyn Trade LLP", "country": "ru"})), now, index=index)
    assert check.verdict == "block"
    found = codes(check)
    assert found["screening_hit"] == found["listed_control"] == found["destination"] == "block"
    control = next(r for r in check.reasons if r.code == "listed_control")
    assert "60%" in control.detail and "Altyn Trade LLP --100%--> hold-1 --60%-->" in control.detail
    assert check.reasons[0].verdict == "block"  # strictest reasons first


@pytest.mark.parametrize(("data", "message"), [
    ({"items": [{"hs_code": "854231", "quantity": 1}]}, "order.customer"),
    (order({"name": "X"}, []), "order.items"),
    (order({"name": "X"}, [{"quantity": 1}]), "items[0] needs a part_number or an hs_code"),
    (order({"name": "X"}, [{"hs_code": "854231", "quantity": -3}]), "items[0].quantity"),
])
def test_malformed_orders_name_the_field(data, message):
    with pytest.raises(InvalidInput, match=message.replace("[", r"\[").replace("]", r"\]")):
        read_order(data)
