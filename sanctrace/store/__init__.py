"""The embedded DuckDB store: the only module that imports duckdb, and the only place with SQL.

Every write of a document happens inside one transaction (`Store.transaction()`), so a crash or Ctrl-C in
the middle of a capture leaves the store as it was before that document.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import orjson
import pyarrow as pa

from sanctrace.epcis.model import Event
from sanctrace.errors import StoreError
from sanctrace.store.schema import MIGRATIONS, SCHEMA_VERSION

__all__ = ["Store", "EventFilter", "QuarantineRow", "SCHEMA_VERSION"]


@dataclass(frozen=True, slots=True)
class QuarantineRow:
    quarantine_id: str
    document_id: str
    source: str
    record_index: int | None
    line: int | None
    location: str | None
    pointer: str | None
    reason: str
    raw: str | None


@dataclass(frozen=True, slots=True)
class EventFilter:
    """The most used parameters of the EPCIS simple event query (EPCIS 2.0 §8.2.7.1)."""

    event_types: tuple[str, ...] = ()  # eventType
    biz_steps: tuple[str, ...] = ()  # EQ_bizStep (canonical)
    dispositions: tuple[str, ...] = ()  # EQ_disposition (canonical)
    match_epc: tuple[str, ...] = ()  # MATCH_epc: epcList, childEPCs, inputEPCList, outputEPCList
    match_epc_class: tuple[str, ...] = ()  # MATCH_epcClass: quantityList, childQuantityList, input/output
    match_parent_id: tuple[str, ...] = ()  # MATCH_parentID
    match_input_epc: tuple[str, ...] = ()  # MATCH_inputEPC
    match_output_epc: tuple[str, ...] = ()  # MATCH_outputEPC
    match_any_epc: tuple[str, ...] = ()  # MATCH_anyEPC: any role
    sources: tuple[tuple[str, str], ...] = ()  # EQ_source_<type>: (canonical type, party)
    destinations: tuple[tuple[str, str], ...] = ()  # EQ_destination_<type>
    party: tuple[str, ...] = ()  # any source or destination of any type
    ge_event_time: datetime | None = None  # GE_eventTime
    lt_event_time: datetime | None = None  # LT_eventTime
    include_retracted: bool = False
    limit: int | None = None


_LGTIN = re.compile(r"^https://id\.gs1\.org/01/([0-9]{14})/10/(.+)$")
_ROLES_BY_MATCH = {
    "match_epc": ("epc", "child", "input", "output"),
    "match_epc_class": ("quantity", "child_quantity", "input_quantity", "output_quantity"),
    "match_parent_id": ("parent",),
    "match_input_epc": ("input",),
    "match_output_epc": ("output",),
}


def _placeholders(values: Sequence[Any]) -> str:
    return ", ".join("?" * len(values))


class Store:
    """A sanctrace ledger in one DuckDB file (or in memory with path ':memory:')."""

    def __init__(self, connection: duckdb.DuckDBPyConnection, path: str) -> None:
        self.connection = connection
        self.path = path

    # -- opening and migrating -------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, read_only: bool = False) -> Store:
        path = str(path)
        try:
            connection = duckdb.connect(path, read_only=read_only)
        except duckdb.Error as exc:
            raise StoreError(f"cannot open store {path}: {exc}") from exc
        connection.execute("SET TimeZone = 'UTC'")
        store = cls(connection, path)
        if not read_only:
            store.migrate()
        elif store.schema_version() < SCHEMA_VERSION:
            # Migrations are never skipped: migrate once read-write, then reopen read-only.
            connection.close()
            cls.open(path).close()
            return cls.open(path, read_only=True)
        elif store.schema_version() > SCHEMA_VERSION:
            raise StoreError(f"store {path} is at schema version {store.schema_version()}, newer than this "
                             f"sanctrace ({SCHEMA_VERSION}): upgrade sanctrace")
        return store

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def schema_version(self) -> int:
        has_meta = self.connection.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'").fetchone()
        if not has_meta or not has_meta[0]:
            return 0
        row = self.connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else 0

    def migrate(self) -> int:
        """Apply every migration newer than the store's version, each in its own transaction."""
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise StoreError(f"store {self.path} is at schema version {version}, newer than this sanctrace "
                             f"({SCHEMA_VERSION}): upgrade sanctrace")
        for number in range(version, SCHEMA_VERSION):
            with self.transaction():
                self.connection.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
                self.connection.execute(MIGRATIONS[number])
                self.connection.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(number + 1)]
                )
        return SCHEMA_VERSION

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        self.connection.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")

    # -- writing ---------------------------------------------------------------------------------------

    def record_document(self, document_id: str, source: str, format: str, kind: str | None,
                        reporter: str | None, header: dict[str, Any], namespaces: dict[str, str],
                        ingested_at: datetime, read: int, new: int, rejected: int) -> None:
        self.connection.execute(
            "INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [document_id, source, format, kind, reporter, orjson.dumps(header).decode(),
             orjson.dumps(namespaces).decode(), ingested_at, read, new, rejected],
        )

    def insert_events(self, events: Sequence[Event], document_id: str, reporter: str | None,
                      origin: str) -> list[str]:
        """Insert events not yet in the ledger (by event id) with their objects, parties and transactions.

        Returns the ids of the events that were new. Error declarations are recorded whether or not the
        declared event was new.
        """
        if not events:
            return []
        table = pa.table({
            "event_id": [e.event_id for e in events],
            "event_hash": [e.event_hash for e in events],
            "event_type": [e.event_type for e in events],
            "action": [e.action for e in events],
            "event_time": pa.array([e.event_time for e in events], pa.timestamp("us", tz="UTC")),
            "event_time_zone_offset": [e.event_time_zone_offset for e in events],
            "record_time": pa.array([e.record_time for e in events], pa.timestamp("us", tz="UTC")),
            "biz_step": [e.biz_step for e in events],
            "disposition": [e.disposition for e in events],
            "read_point": [e.read_point for e in events],
            "biz_location": [e.biz_location for e in events],
            "transformation_id": [e.transformation_id for e in events],
            "reporter": [reporter] * len(events),
            "origin": [origin] * len(events),
            "document_id": [document_id] * len(events),
            "body": [orjson.dumps(e.body).decode() for e in events],
        })
        con = self.connection
        con.register("staged_events", table)
        try:
            new_ids = [row[0] for row in con.execute(
                "INSERT OR IGNORE INTO events SELECT * FROM staged_events RETURNING event_id").fetchall()]
        finally:
            con.unregister("staged_events")
        fresh = set(new_ids)
        self._insert_details([e for e in events if e.event_id in fresh])
        self._insert_error_declarations(events, document_id)
        return new_ids

    def _insert_details(self, events: Sequence[Event]) -> None:
        if not events:
            return
        seen: set[str] = set()
        objects: dict[str, list[Any]] = {k: [] for k in ("event_id", "role", "object", "quantity", "uom")}
        parties: dict[str, list[Any]] = {k: [] for k in ("event_id", "direction", "party_type", "party")}
        transactions: dict[str, list[Any]] = {k: [] for k in ("event_id", "type", "biz_transaction")}
        for e in events:
            if e.event_id in seen:  # the same new event twice in one batch
                continue
            seen.add(e.event_id)
            for o in e.objects:
                for key, value in zip(objects, (e.event_id, o.role, o.object, o.quantity, o.uom)):
                    objects[key].append(value)
            for p in e.parties:
                for key, value in zip(parties, (e.event_id, p.direction, p.type, p.party)):
                    parties[key].append(value)
            for kind, reference in e.biz_transactions:
                for key, value in zip(transactions, (e.event_id, kind, reference)):
                    transactions[key].append(value)
        schemas = {
            "event_objects": pa.schema([("event_id", pa.string()), ("role", pa.string()),
                                        ("object", pa.string()), ("quantity", pa.float64()),
                                        ("uom", pa.string())]),
            "event_parties": pa.schema([(k, pa.string()) for k in parties]),
            "event_transactions": pa.schema([(k, pa.string()) for k in transactions]),
        }
        for name, columns in (("event_objects", objects), ("event_parties", parties),
                              ("event_transactions", transactions)):
            if columns["event_id"]:
                table = pa.table(columns, schema=schemas[name])
                if name == "event_objects":
                    self._record_lot_serials(table)  # before the batch's own objects are stored
                self._append(name, table)
        self._record_lots(events)

    def _record_lot_serials(self, objects: pa.Table) -> None:
        """Keep lot_serials and lot_serial_events (migration 5) for a batch of new events, given their objects
        (event_objects rows) before these are stored.

        Each (event, serial, lot) is counted once, whichever comes first: a serial's commissioning into a lot
        pairs it with the stored events that name it; an event naming serials already paired (by this batch
        too) counts those. `units` adds up what each batch finds.
        """
        con = self.connection
        con.register("batch_objects", objects)
        try:
            new_pairs = self._new_lot_serials()
            if new_pairs.num_rows:
                con.register("new_pairs", new_pairs)
                try:
                    self._add_lot_serial_events(  # the events stored before that name the newly paired serials
                        """WITH named AS (
                               SELECT n.lot, o.event_id, o.role, count(*) AS units
                               FROM new_pairs n JOIN event_objects o ON o.object = n.serial GROUP BY ALL)
                           SELECT named.lot, named.event_id, named.role, p.object, named.units
                           FROM named LEFT JOIN event_objects p ON p.event_id = named.event_id AND p.role = 'parent'""")
                    con.execute("INSERT INTO lot_serials SELECT serial, lot FROM new_pairs")
                finally:
                    con.unregister("new_pairs")
            self._add_lot_serial_events(  # the batch's events naming serials of a lot
                """WITH named AS (
                       SELECT s.lot, o.event_id, o.role, count(*) AS units
                       FROM batch_objects o JOIN lot_serials s ON s.serial = o.object
                       WHERE o.object LIKE 'https://id.gs1.org/01/%/21/%' GROUP BY ALL)
                   SELECT named.lot, named.event_id, named.role, p.object, named.units
                   FROM named LEFT JOIN batch_objects p ON p.event_id = named.event_id AND p.role = 'parent'""")
        finally:
            con.unregister("batch_objects")

    def _new_lot_serials(self) -> pa.Table:
        """(serial, lot) of the serials that the batch's events commission with a lot number in their ILMD (of
        the lot's GTIN: as role ilmd_lot counts them), less the pairs already known."""
        con = self.connection
        pairs = con.sql(
            """SELECT DISTINCT o.object AS serial, l.object AS lot
               FROM batch_objects l JOIN batch_objects o ON o.event_id = l.event_id AND o.role = 'epc'
               WHERE l.role = 'ilmd_lot' AND starts_with(o.object, split_part(l.object, '/10/', 1) || '/21/')"""
        ).to_arrow_table()
        if not pairs.num_rows:
            return pairs
        con.register("batch_pairs", pairs)
        try:
            return con.sql("""SELECT * FROM batch_pairs p WHERE NOT EXISTS (
                                  SELECT 1 FROM lot_serials s WHERE s.serial = p.serial AND s.lot = p.lot)"""
                           ).to_arrow_table()
        finally:
            con.unregister("batch_pairs")

    def _add_lot_serial_events(self, select: str) -> None:
        self.connection.execute(
            f"""INSERT INTO lot_serial_events {select}
                ON CONFLICT (lot, event_id, role) DO UPDATE SET units = lot_serial_events.units + excluded.units""")

    def _record_lots(self, events: Sequence[Event]) -> None:
        """Keep the lots table: each lot named (an LGTIN, or the CBV `lotNumber` in the ILMD of instances
        commissioned with it), its earliest event, its commissioned quantity."""
        lots: dict[str, list[Any]] = {}

        def record(lgtin: str, gtin: str, lot: str, when: datetime, quantity: float | None) -> None:
            known = lots.get(lgtin)
            if known is None:
                lots[lgtin] = [lgtin, gtin, lot, when, quantity]
                return
            known[3] = min(known[3], when)
            if quantity is not None:
                known[4] = quantity if known[4] is None else max(known[4], quantity)

        for e in events:
            commissioning = e.biz_step == "https://ref.gs1.org/cbv/BizStep-commissioning"
            for o in e.objects:
                match = _LGTIN.match(o.object)
                if match is not None:
                    record(o.object, match[1], match[2], e.event_time, o.quantity if commissioning else None)
        if not lots:
            return
        rows = list(lots.values())
        table = pa.table({
            "object": [r[0] for r in rows], "gtin": [r[1] for r in rows], "lot": [r[2] for r in rows],
            "first_seen": pa.array([r[3] for r in rows], pa.timestamp("us", tz="UTC")),
            "commissioned": pa.array([r[4] for r in rows], pa.float64()),
        })
        self.connection.register("staged_lots", table)
        try:
            self.connection.execute(
                """INSERT INTO lots SELECT * FROM staged_lots ON CONFLICT (object) DO UPDATE SET
                   first_seen = least(lots.first_seen, excluded.first_seen),
                   commissioned = coalesce(greatest(lots.commissioned, excluded.commissioned), lots.commissioned,
                                           excluded.commissioned)""")
        finally:
            self.connection.unregister("staged_lots")

    def _append(self, table_name: str, table: pa.Table) -> None:
        self.connection.register("staged_rows", table)
        try:
            self.connection.execute(f"INSERT INTO {table_name} SELECT * FROM staged_rows")
        finally:
            self.connection.unregister("staged_rows")

    def _insert_error_declarations(self, events: Sequence[Event], document_id: str) -> None:
        rows = [(e.event_id, e.error_declaration.declaration_time, e.error_declaration.reason,
                 list(e.error_declaration.corrective_event_ids), document_id)
                for e in events if e.error_declaration is not None]
        if rows:
            self.connection.executemany(
                "INSERT OR IGNORE INTO error_declarations VALUES (?, ?, ?, ?, ?)", rows
            )

    def quarantine(self, rows: Sequence[QuarantineRow], rejected_at: datetime) -> None:
        if rows:
            self.connection.executemany(
                "INSERT OR IGNORE INTO quarantine VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(r.quarantine_id, r.document_id, r.source, r.record_index, r.line, r.location, r.pointer,
                  r.reason, r.raw, rejected_at) for r in rows],
            )

    def upsert_parts(self, rows: Sequence[dict[str, Any]], document_id: str) -> int:
        """Insert or update catalogue rows by GTIN; returns how many rows were new or changed."""
        if not rows:
            return 0
        table = pa.table({
            "gtin": [r["gtin"] for r in rows], "manufacturer": [r["manufacturer"] for r in rows],
            "part_number": [r["part_number"] for r in rows], "hs_code": [r["hs_code"] for r in rows],
            "description": [r["description"] for r in rows], "document_id": [document_id] * len(rows),
        })
        con = self.connection
        con.register("staged_parts", table)
        try:
            changed = con.execute(
                """SELECT count(*) FROM staged_parts s LEFT JOIN parts p USING (gtin)
                   WHERE p.gtin IS NULL OR (s.manufacturer, s.part_number, s.hs_code, s.description)
                         IS DISTINCT FROM (p.manufacturer, p.part_number, p.hs_code, p.description)"""
            ).fetchone()[0]  # type: ignore[index]
            con.execute("""INSERT INTO parts SELECT * FROM staged_parts
                           ON CONFLICT (gtin) DO UPDATE SET manufacturer = excluded.manufacturer,
                               part_number = excluded.part_number, hs_code = excluded.hs_code,
                               description = excluded.description, document_id = excluded.document_id
                           WHERE (parts.manufacturer, parts.part_number, parts.hs_code, parts.description)
                               IS DISTINCT FROM (excluded.manufacturer, excluded.part_number,
                                                 excluded.hs_code, excluded.description)""")
        finally:
            con.unregister("staged_parts")
        return int(changed)

    def parts(self) -> list[dict[str, Any]]:
        return self._dicts("SELECT gtin, manufacturer, part_number, hs_code, description FROM parts ORDER BY gtin")

    def insert_recoveries(self, rows: Sequence[dict[str, Any]], document_id: str) -> int:
        """Insert recoveries not yet registered (by recovery_id); returns how many were new."""
        if not rows:
            return 0
        columns = ("recovery_id", "recovered_on", "country", "weapon_system", "manufacturer", "part_number",
                   "lot_code", "date_code", "serial", "source")
        ids = list({r["recovery_id"] for r in rows})
        known = {row[0] for row in self.connection.execute(
            "SELECT recovery_id FROM recoveries WHERE recovery_id IN (SELECT unnest(?))", [ids]).fetchall()}
        self.connection.executemany(
            "INSERT OR IGNORE INTO recoveries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [[r[c] for c in columns] + [document_id] for r in rows],
        )
        return len(set(ids) - known)

    def entities_by_id(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        rows = self.connection.execute(
            "SELECT id, body FROM entities WHERE id IN (SELECT unnest(?))", [list(ids)]
        ).fetchall()
        return {row[0]: orjson.loads(row[1]) for row in rows}

    def upsert_entities(self, entities: Sequence[dict[str, Any]], captions: Sequence[str | None],
                        document_id: str) -> None:
        if not entities:
            return
        table = pa.table({
            "id": [e["id"] for e in entities], "schema": [e["schema"] for e in entities],
            "caption": list(captions), "body": [orjson.dumps(e).decode() for e in entities],
            "document_id": [document_id] * len(entities),
        })
        self.connection.register("staged_entities", table)
        try:
            self.connection.execute("INSERT OR REPLACE INTO entities SELECT * FROM staged_entities")
        finally:
            self.connection.unregister("staged_entities")

    # -- reading ---------------------------------------------------------------------------------------

    def _dicts(self, sql: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        cursor = self.connection.execute(sql, params or [])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]

    def document_exists(self, document_id: str) -> bool:
        return self.connection.execute(
            "SELECT 1 FROM documents WHERE document_id = ?", [document_id]).fetchone() is not None

    def query_events(self, f: EventFilter) -> list[dict[str, Any]]:
        """Events matching every given condition, oldest first, with their canonical body.

        Identifier and party conditions are answered first by index lookups (one `object = ?` / `party = ?`
        per value); the events are then fetched by id, so a lot query costs a few index probes whatever the
        size of the ledger.
        """
        candidates = self._candidate_ids(f)
        where: list[str] = []
        params: list[Any] = []
        if candidates is not None:
            if not candidates:
                return []
            ordered = sorted(candidates)
            where.append(f"e.event_id IN ({_placeholders(ordered)})")  # placeholders: an index scan
            params.extend(ordered)
        for column, values in (("event_type", f.event_types), ("biz_step", f.biz_steps),
                               ("disposition", f.dispositions)):
            if values:
                where.append(f"e.{column} IN (SELECT unnest(?))")
                params.append(list(values))
        if f.ge_event_time is not None:
            where.append("e.event_time >= ?")
            params.append(f.ge_event_time)
        if f.lt_event_time is not None:
            where.append("e.event_time < ?")
            params.append(f.lt_event_time)
        if not f.include_retracted:
            where.append("e.event_id NOT IN (SELECT event_id FROM error_declarations)")
        sql = ("SELECT e.event_id, e.event_type, e.event_time, e.biz_step, e.reporter, e.origin, e.document_id, "
               "e.body, e.event_id IN (SELECT event_id FROM error_declarations) AS retracted FROM events e")
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY e.event_time, e.event_id"
        if f.limit is not None:
            sql += f" LIMIT {int(f.limit)}"
        rows = self._dicts(sql, params)
        for row in rows:
            row["body"] = orjson.loads(row["body"])
        return rows

    def _candidate_ids(self, f: EventFilter) -> set[str] | None:
        """Ids of the events satisfying every identifier and party condition, or None when there is none."""
        found: list[set[str]] = []
        for attribute, roles in _ROLES_BY_MATCH.items():
            values = getattr(f, attribute)
            if values:
                found.append({event_id for value in values for event_id, role, _, _ in self.events_for_object(value)
                              if role in roles})
        if f.match_any_epc:
            found.append({row[0] for value in f.match_any_epc for row in self.events_for_object(value)})
        for direction, pairs in (("source", f.sources), ("destination", f.destinations)):
            for kind, party in pairs:
                found.append({event_id for event_id, d, t in self._events_for_party(party)
                              if d == direction and t == kind})
        if f.party:
            found.append({row[0] for party in f.party for row in self._events_for_party(party)})
        if not found:
            return None
        return set.intersection(*found)

    def _events_for_party(self, party: str) -> list[tuple[Any, ...]]:
        return self.connection.execute(
            "SELECT event_id, direction, party_type FROM event_parties WHERE party = ?", [party]).fetchall()

    def events_for_object(self, identifier: str) -> list[tuple[Any, ...]]:
        """(event_id, role, quantity, uom) of every stored mention of one identifier: the lot/EPC lookup."""
        return self.connection.execute(
            "SELECT event_id, role, quantity, uom FROM event_objects WHERE object = ?", [identifier]
        ).fetchall()

    def custody_events(self, identifiers: Sequence[str]) -> dict[str, list[tuple[Any, ...]]]:
        """For each identifier, (event_id, body, event_time, origin, reporter) of every live event naming it.

        Two index lookups whatever the size of the ledger: the identifiers in event_objects (ART index on
        object), then those events by primary key (both as IN lists of placeholders, which DuckDB answers
        with index scans).
        """
        found: dict[str, list[tuple[Any, ...]]] = {identifier: [] for identifier in identifiers}
        if not identifiers:
            return found
        mentions = self.connection.execute(
            f"SELECT object, event_id FROM event_objects WHERE object IN ({_placeholders(identifiers)})",
            list(identifiers)).fetchall()
        events = self._live_events({event_id for _, event_id in mentions})
        bodies: dict[str, Any] = {}
        for obj, event_id in sorted(set(mentions)):
            row = events.get(event_id)
            if row is None:
                continue  # retracted
            if event_id not in bodies:
                bodies[event_id] = orjson.loads(row[1])
            found[obj].append((event_id, bodies[event_id], row[2], row[3], row[4]))
        return found

    def _live_events(self, ids: set[str]) -> dict[str, tuple[Any, ...]]:
        """(event_id, body as text, event_time, origin, reporter) of the events not retracted, by id."""
        if not ids:
            return {}
        ordered = sorted(ids)
        return {r[0]: r for r in self.connection.execute(
            f"""SELECT event_id, body, event_time, origin, reporter FROM events
                WHERE event_id IN ({_placeholders(ordered)})
                  AND event_id NOT IN (SELECT event_id FROM error_declarations)""", ordered).fetchall()}

    def lot_serial_events(self, lots: Sequence[str]) -> dict[str, tuple[set[str], set[str]]]:
        """For each lot, two sets of event ids (retracted events included): the events whose ILMD gives serials
        that lot (role ilmd_lot), and every event naming one of its serials (lot_serial_events).

        Two index lookups, however many serials the lot has; `events_by_id` reads the events.
        """
        found: dict[str, tuple[set[str], set[str]]] = {lot: (set(), set()) for lot in lots}
        if not lots:
            return found
        marks = _placeholders(lots)
        for lot, event_id in self.connection.execute(
                f"SELECT lot, event_id FROM lot_serial_events WHERE lot IN ({marks})", list(lots)).fetchall():
            found[lot][1].add(event_id)
        # the role is tested here: a condition on it in SQL would make DuckDB scan instead of using the index
        for lot, event_id, role in self.connection.execute(
                f"SELECT object, event_id, role FROM event_objects WHERE object IN ({marks})", list(lots)).fetchall():
            if role == "ilmd_lot":
                found[lot][0].add(event_id)
        return found

    def events_by_id(self, ids: Sequence[str]) -> list[tuple[Any, ...]]:
        """(event_id, body, event_time, origin, reporter) of the given events that are not retracted, by id."""
        return [(event_id, orjson.loads(body), event_time, origin, reporter)
                for event_id, body, event_time, origin, reporter in sorted(self._live_events(set(ids)).values())]

    def lots_of_gtin(self, gtin: str) -> list[tuple[str, datetime, float | None]]:
        """(lot identifier, first event time, commissioned quantity) of every lot of one GTIN in the ledger."""
        return [tuple(r) for r in self.connection.execute(  # type: ignore[misc]
            "SELECT object, first_seen, commissioned FROM lots WHERE gtin = ? ORDER BY first_seen, object",
            [gtin]).fetchall()]

    def recoveries(self, ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
        sql = ("SELECT recovery_id, recovered_on, country, weapon_system, manufacturer, part_number, lot_code, "
               "date_code, serial, source FROM recoveries")
        params: list[Any] = []
        if ids is not None:
            sql += " WHERE recovery_id IN (SELECT unnest(?))"
            params.append(list(ids))
        return self._dicts(sql + " ORDER BY recovery_id", params)

    def party_ids(self) -> list[str]:
        """Every party named as a source or destination owner or possessor."""
        return [r[0] for r in self.connection.execute(
            "SELECT DISTINCT party FROM event_parties WHERE party_type <> 'https://ref.gs1.org/cbv/SDT-location' "
            "ORDER BY 1").fetchall()]

    def sellers(self) -> set[str]:
        """Every party that documents passing goods on: the source owner of some event."""
        return {r[0] for r in self.connection.execute(
            "SELECT DISTINCT party FROM event_parties WHERE direction = 'source' "
            "AND party_type = 'https://ref.gs1.org/cbv/SDT-owning_party'").fetchall()}

    def purchases(self) -> dict[str, int]:
        """How many events name each party as the receiving owner."""
        return {r[0]: int(r[1]) for r in self.connection.execute(
            "SELECT party, count(DISTINCT event_id) FROM event_parties WHERE direction = 'destination' "
            "AND party_type = 'https://ref.gs1.org/cbv/SDT-owning_party' GROUP BY party").fetchall()}

    def typical_orders(self) -> dict[str, tuple[float, int, float]]:
        """Each receiving owner's orders: how many (stating a quantity), their total quantity, and the years
        between its first and last order. A purchase of a logistic unit (an SSCC: a reel, a carton) counts
        with the quantity packed into it."""
        return {r[0]: (float(r[1]), int(r[2]), float(r[3])) for r in self.connection.execute(
            """WITH packed AS (
                   SELECT p.object AS unit, sum(c.quantity) AS quantity
                   FROM event_objects p
                   JOIN events e ON e.event_id = p.event_id
                   JOIN event_objects c ON c.event_id = p.event_id AND c.role = 'child_quantity'
                   WHERE p.role = 'parent' AND e.action = 'ADD' AND p.object LIKE 'https://id.gs1.org/00/%'
                   GROUP BY p.object),
               orders AS (
                   SELECT p.party, p.event_id, any_value(e.event_time) AS event_time,
                          sum(coalesce(o.quantity, packed.quantity)) AS quantity
                   FROM event_parties p
                   JOIN events e ON e.event_id = p.event_id
                   JOIN event_objects o ON o.event_id = p.event_id AND o.role IN ('quantity', 'epc')
                   LEFT JOIN packed ON packed.unit = o.object
                   WHERE p.direction = 'destination'
                     AND p.party_type = 'https://ref.gs1.org/cbv/SDT-owning_party'
                   GROUP BY p.party, p.event_id)
               SELECT party, sum(quantity), count(quantity),
                      date_diff('day', min(event_time), max(event_time)) / 365.25
               FROM orders WHERE quantity IS NOT NULL GROUP BY party""").fetchall()}

    def entity_bodies(self) -> list[dict[str, Any]]:
        """Every stored FollowTheMoney entity."""
        return [orjson.loads(r[0]) for r in self.connection.execute("SELECT body FROM entities").fetchall()]

    def namespaces(self) -> dict[str, str]:
        """Prefix -> IRI of every extension namespace seen in captured documents (for writing back)."""
        merged: dict[str, str] = {}
        for (value,) in self.connection.execute(
                "SELECT namespaces FROM documents WHERE namespaces IS NOT NULL ORDER BY ingested_at").fetchall():
            merged.update(orjson.loads(value))
        return merged

    def quarantined(self, source: str | None = None, limit: int | None = None) -> list[QuarantineRow]:
        sql = ("SELECT quarantine_id, document_id, source, record_index, line, location, pointer, reason, raw "
               "FROM quarantine")
        params: list[Any] = []
        if source:
            sql += " WHERE source = ?"
            params.append(source)
        sql += " ORDER BY rejected_at, source, record_index"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [QuarantineRow(*row) for row in self.connection.execute(sql, params).fetchall()]

    def stats(self) -> dict[str, Any]:
        """Counts for `sanctrace stats`: totals, per event type, reporter, bizStep, origin; quarantine."""
        con = self.connection

        def count(sql: str) -> int:
            return int(con.execute(sql).fetchone()[0])  # type: ignore[index]

        def grouped(column: str) -> list[tuple[Any, int]]:
            return [tuple(r) for r in con.execute(  # type: ignore[misc]
                f"SELECT {column}, count(*) FROM events GROUP BY ALL ORDER BY 2 DESC, 1").fetchall()]

        return {
            "schema_version": self.schema_version(),
            "documents": count("SELECT count(*) FROM documents"),
            "events": count("SELECT count(*) FROM events"),
            "retracted": count("SELECT count(*) FROM error_declarations"),
            "quarantined": count("SELECT count(*) FROM quarantine"),
            "parts": count("SELECT count(*) FROM parts"),
            "entities": count("SELECT count(*) FROM entities"),
            "recoveries": count("SELECT count(*) FROM recoveries"),
            "by_event_type": grouped("event_type"),
            "by_reporter": grouped("reporter"),
            "by_biz_step": grouped("biz_step"),
            "by_origin": grouped("origin"),
            "quarantine_by_source": [tuple(r) for r in con.execute(
                "SELECT source, count(*) FROM quarantine GROUP BY ALL ORDER BY 2 DESC, 1").fetchall()],
        }
