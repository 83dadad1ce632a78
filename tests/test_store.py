"""The store: schema versions migrate forward (data kept, derived tables backfilled), never backward."""

from __future__ import annotations

import duckdb
import pytest

from sanctrace.errors import StoreError
from sanctrace.identifiers import canonical_uri
from sanctrace.ops.ingest import ingest_epcis
from sanctrace.store import SCHEMA_VERSION, Store
from sanctrace.store.schema import MIGRATIONS
from tests.factories import LOT, doc_bytes, ev


def test_an_old_store_is_migrated_forward_with_its_data(tmp_path, now):
    path = tmp_path / "old.duckdb"
    with Store.open(path) as current:
        ingest_epcis(current, [("a", doc_bytes(ev(), ev(eventTime="2023-02-05T07:30:00.000+01:00")))], now)
        rows = current.connection.execute("SELECT * FROM events ORDER BY event_id").fetchall()
    # Take the file back to schema version 1, as an early sanctrace left it.
    connection = duckdb.connect(str(path))
    connection.execute("DROP TABLE lots; DROP TABLE list_changes; DROP TABLE listed_entities; "
                       "DROP TABLE list_versions; DROP TABLE lot_serial_events; DROP TABLE lot_serials")
    connection.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    connection.close()
    with Store.open(path) as migrated:
        assert migrated.schema_version() == SCHEMA_VERSION == len(MIGRATIONS)
        assert migrated.connection.execute("SELECT * FROM events ORDER BY event_id").fetchall() == rows
        lots = migrated.lots_of_gtin("04012345123456")
        assert [lot for lot, *_ in lots] == ["https://id.gs1.org/01/04012345123456/10/L2301A"]
        assert LOT.endswith("L2301A")


def test_a_store_from_a_newer_sanctrace_is_refused(tmp_path):
    path = tmp_path / "new.duckdb"
    Store.open(path).close()
    connection = duckdb.connect(str(path))
    connection.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION + 1)])
    connection.close()
    with pytest.raises(StoreError, match="newer than this sanctrace"):
        Store.open(path)


def test_a_store_opened_read_only_is_migrated_first(tmp_path):
    path = tmp_path / "old.duckdb"
    Store.open(path).close()
    connection = duckdb.connect(str(path))
    connection.execute("DROP TABLE lots; DROP TABLE lot_serial_events; DROP TABLE lot_serials")
    connection.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    connection.close()
    with Store.open(path, read_only=True) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.lots_of_gtin("04012345123456") == []


def test_lots_named_only_in_the_ilmd_of_commissioned_serials_are_known(store, now):
    serials = [f"urn:epc:id:sgtin:4012345.012345.S{i}" for i in range(3)]
    commissioning = ev(action="ADD", bizStep="commissioning", quantityList=None, sourceList=None,
                       destinationList=None, epcList=serials, eventTime="2023-01-10T08:00:00.000+00:00",
                       eventTimeZoneOffset="+00:00", ilmd={"cbvmda:lotNumber": "W2302"})
    shipment = ev(eventTime="2023-03-01T08:00:00.000+00:00", eventTimeZoneOffset="+00:00",
                  quantityList=[{"epcClass": "urn:epc:class:lgtin:4012345.012345.W2302", "quantity": 3}])
    ingest_epcis(store, [("a", doc_bytes(shipment, commissioning))], now)
    [(lot, first_seen, commissioned)] = store.lots_of_gtin("04012345123456")
    assert lot == "https://id.gs1.org/01/04012345123456/10/W2302"
    assert (first_seen.isoformat(), commissioned) == ("2023-01-10T08:00:00+00:00", 3.0)


def test_serials_commissioned_with_a_lot_number_are_found_by_their_lot_also_after_migration(tmp_path, now):
    """The commissioning event is an event of the lot (role ilmd_lot), in a new store and, backfilled by the
    migration, in one written before the role existed."""
    serials = [f"urn:epc:id:sgtin:4012345.012345.S{i}" for i in range(3)]
    commissioning = ev(action="ADD", bizStep="commissioning", quantityList=None, sourceList=None,
                       destinationList=None, epcList=serials, eventTime="2023-01-10T08:00:00.000+00:00",
                       eventTimeZoneOffset="+00:00", ilmd={"cbvmda:lotNumber": "W2302"})
    lot = "https://id.gs1.org/01/04012345123456/10/W2302"
    path = tmp_path / "store.duckdb"
    with Store.open(path) as store:
        ingest_epcis(store, [("a", doc_bytes(commissioning))], now)
        [(event_id, *_)] = store.custody_events([lot])[lot]
        assert store.connection.execute(
            "SELECT quantity FROM event_objects WHERE role = 'ilmd_lot' AND object = ?", [lot]).fetchall() == [(3.0,)]
    connection = duckdb.connect(str(path))  # back to version 3: no ilmd_lot rows
    connection.execute("DELETE FROM event_objects WHERE role = 'ilmd_lot'")
    connection.execute("DROP TABLE lot_serial_events; DROP TABLE lot_serials")
    connection.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    connection.close()
    with Store.open(path) as migrated:
        assert [row[0] for row in migrated.custody_events([lot])[lot]] == [event_id]


SERIALS = [f"urn:epc:id:sgtin:4012345.012345.S{i}" for i in range(5)]
SERIAL_LOT = "https://id.gs1.org/01/04012345123456/10/SER1"
REELS = ("urn:epc:id:sscc:4012345.0000000017", "urn:epc:id:sscc:4012345.0000000024")
REEL_LINKS = tuple(canonical_uri(reel) for reel in REELS)


def _serialised_lot() -> dict[str, dict]:
    """A lot of five serials commissioned by two events (SER1 in their ILMD), packed into two reels (with a
    serial of no lot), one shipped by serial, one taken out of its reel."""
    def at(day: int, event_id: str, kind: str = "ObjectEvent", **fields: object) -> dict:
        return ev(kind, eventID=f"urn:uuid:00000000-0000-4000-8000-0000000000{event_id}",
                  eventTime=f"2023-01-{day:02d}T08:00:00.000+00:00", eventTimeZoneOffset="+00:00", **fields)

    def commissioning(day: int, event_id: str, serials: list[str]) -> dict:
        return at(day, event_id, action="ADD", bizStep="commissioning", quantityList=None, sourceList=None,
                  destinationList=None, epcList=serials, ilmd={"cbvmda:lotNumber": "SER1"})

    def packing(day: int, event_id: str, reel: str, children: list[str], action: str = "ADD") -> dict:
        return at(day, event_id, "AggregationEvent", action=action, parentID=reel, childQuantityList=None,
                  childEPCs=children)

    return {
        "c1": commissioning(2, "01", SERIALS[:3]),
        "c2": commissioning(3, "02", SERIALS[3:]),
        "pack1": packing(4, "03", REELS[0], SERIALS[:2]),
        "pack2": packing(4, "04", REELS[1], [*SERIALS[2:], "urn:epc:id:sgtin:4012345.012345.X9"]),
        "ship": at(5, "05", quantityList=None, epcList=[SERIALS[4]]),
        "unpack": packing(6, "06", REELS[1], [SERIALS[3]], action="DELETE"),
    }


def _uuid(event_id: str) -> str:
    return f"urn:uuid:00000000-0000-4000-8000-0000000000{event_id}"


# (lot, event, role, parent, units): pack2 holds three serials of the lot (one commissioned after it, by c2)
EXPECTED_LOT_SERIAL_EVENTS = sorted([
    (SERIAL_LOT, _uuid("01"), "epc", None, 3),
    (SERIAL_LOT, _uuid("02"), "epc", None, 2),
    (SERIAL_LOT, _uuid("03"), "child", REEL_LINKS[0], 2),
    (SERIAL_LOT, _uuid("04"), "child", REEL_LINKS[1], 3),
    (SERIAL_LOT, _uuid("05"), "epc", None, 1),
    (SERIAL_LOT, _uuid("06"), "child", REEL_LINKS[1], 1),
])


def _lot_serial_tables(store: Store) -> tuple[list[tuple], list[tuple]]:
    con = store.connection
    return (con.execute("SELECT serial, lot FROM lot_serials ORDER BY ALL").fetchall(),
            con.execute("SELECT * FROM lot_serial_events ORDER BY ALL").fetchall())


@pytest.mark.parametrize("documents", [
    [["c1", "c2", "pack1", "pack2", "ship", "unpack"]],  # one document
    [["c1"], ["pack1", "pack2", "ship", "unpack"], ["c2"]],  # c2's serials packed before they were commissioned
    [["pack1", "pack2", "ship", "unpack"], ["c2", "c1"]],  # every commissioning last
    [["unpack", "ship"], ["c2"], ["pack2", "c1", "pack1"]],
])
def test_the_serials_of_a_lot_and_the_events_naming_them_are_kept_whatever_the_capture_order(store, now, documents):
    events = _serialised_lot()
    for number, names in enumerate(documents):
        assert ingest_epcis(store, [(f"d{number}", doc_bytes(*(events[n] for n in names)))], now)[0].ok
    serials, named = _lot_serial_tables(store)
    assert serials == sorted((f"https://id.gs1.org/01/04012345123456/21/S{i}", SERIAL_LOT) for i in range(5))
    assert named == EXPECTED_LOT_SERIAL_EVENTS
    assert store.lot_serial_events([SERIAL_LOT]) == {
        SERIAL_LOT: ({_uuid("01"), _uuid("02")}, {_uuid(n) for n in ("01", "02", "03", "04", "05", "06")})}
    # Ingesting again, the same documents or the same events in another one, changes nothing.
    for number, names in enumerate(documents):
        ingest_epcis(store, [(f"d{number}", doc_bytes(*(events[n] for n in names)))], now)
    ingest_epcis(store, [("again", doc_bytes(*events.values(), events["ship"]))], now)
    assert _lot_serial_tables(store) == (serials, named)


def test_a_retracted_event_of_a_serial_stays_in_its_lots_events_and_is_not_read(store, now):
    events = _serialised_lot()
    ingest_epcis(store, [("a", doc_bytes(*events.values()))], now)
    retraction = {**events["ship"], "errorDeclaration": {"declarationTime": "2023-02-01T00:00:00.000+00:00"}}
    ingest_epcis(store, [("b", doc_bytes(retraction))], now)
    _, named = store.lot_serial_events([SERIAL_LOT])[SERIAL_LOT]
    assert _uuid("05") in named
    assert [row[0] for row in store.events_by_id(sorted(named))] == [
        _uuid(n) for n in ("01", "02", "03", "04", "06")]


def test_the_serials_of_lots_are_backfilled_for_a_store_written_without_them(tmp_path, now):
    path = tmp_path / "store.duckdb"
    events = _serialised_lot()
    with Store.open(path) as store:
        ingest_epcis(store, [("a", doc_bytes(events["pack2"], events["c1"])), ("b", doc_bytes(*events.values()))],
                     now)
        captured = _lot_serial_tables(store)
    connection = duckdb.connect(str(path))  # back to version 4: no lot_serials, no lot_serial_events
    connection.execute("DROP TABLE lot_serial_events; DROP TABLE lot_serials")
    connection.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    connection.close()
    with Store.open(path) as migrated:
        assert migrated.schema_version() == SCHEMA_VERSION == 5
        assert _lot_serial_tables(migrated) == captured
        assert captured[1] == EXPECTED_LOT_SERIAL_EVENTS
