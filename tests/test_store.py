"""The store: schema versions migrate forward (data kept, derived tables backfilled), never backward."""

from __future__ import annotations

import duckdb
import pytest

from sanctrace.errors import StoreError
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
    connection.execute("DROP TABLE lots; DROP TABLE list_changes; DROP TABLE listed_entities; DROP TABLE list_versions")
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
    connection.execute("DROP TABLE lots")
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
    connection.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    connection.close()
    with Store.open(path) as migrated:
        assert [row[0] for row in migrated.custody_events([lot])[lot]] == [event_id]
