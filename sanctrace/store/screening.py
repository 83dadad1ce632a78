"""The screening tables' SQL (migration 2): list versions, listed entities, their changes; and the reads that
screening, ownership control and order checks make on the ledger. Functions take the Store."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
import pyarrow as pa

from sanctrace.errors import InvalidIdentifier
from sanctrace.identifiers import canonical_uri
from sanctrace.store import Store

PARTY_SCHEMATA = ("Person", "Organization", "Company", "LegalEntity", "PublicBody", "Vessel", "Airplane")


@dataclass(frozen=True, slots=True)
class ListedRow:
    """One entity of a list version, ready to store."""

    entity_id: str
    schema: str
    caption: str | None
    listed: bool
    programme: str | None
    listed_on: str | None
    record_id: str | None
    body: dict[str, Any]
    fingerprint: str


@dataclass(frozen=True, slots=True)
class ListVersion:
    list_id: str
    document_id: str
    sources: str
    format: str
    title: str | None
    issued_on: str | None
    records: int


def list_fingerprints(store: Store, list_id: str) -> dict[str, tuple[str, str | None, bool]]:
    """entity id -> (fingerprint, caption, listed) of the list's current version."""
    rows = store.connection.execute(
        "SELECT entity_id, fingerprint, caption, listed FROM listed_entities WHERE list_id = ?", [list_id]).fetchall()
    return {row[0]: (row[1], row[2], row[3]) for row in rows}


def replace_list(store: Store, version: ListVersion, rows: Sequence[ListedRow],
                 changes: Sequence[tuple[str, str, str | None]], ingested_at: datetime) -> None:
    """Replace a list's entities with a new version's and record the version and its changes
    ((entity id, added|changed|delisted, caption)). The caller holds the transaction."""
    con = store.connection
    con.execute("DELETE FROM listed_entities WHERE list_id = ?", [version.list_id])
    table = pa.table({
        "list_id": [version.list_id] * len(rows), "entity_id": [r.entity_id for r in rows],
        "schema": [r.schema for r in rows], "caption": [r.caption for r in rows],
        "listed": pa.array([r.listed for r in rows], pa.bool_()), "programme": [r.programme for r in rows],
        "listed_on": [r.listed_on for r in rows], "record_id": [r.record_id for r in rows],
        "body": [orjson.dumps(r.body).decode() for r in rows], "fingerprint": [r.fingerprint for r in rows],
        "document_id": [version.document_id] * len(rows),
    }, schema=pa.schema([(name, pa.bool_() if name == "listed" else pa.string()) for name in (
        "list_id", "entity_id", "schema", "caption", "listed", "programme", "listed_on", "record_id", "body",
        "fingerprint", "document_id")]))
    con.register("staged_listed", table)
    try:
        con.execute("INSERT INTO listed_entities SELECT * FROM staged_listed")
    finally:
        con.unregister("staged_listed")
    counts = {kind: sum(1 for _, change, _ in changes if change == kind) for kind in ("added", "changed", "delisted")}
    con.execute("INSERT INTO list_versions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [version.list_id, version.document_id, version.sources, version.format, version.title,
                 version.issued_on, ingested_at, version.records, counts["added"], counts["changed"],
                 counts["delisted"]])
    if changes:
        con.executemany("INSERT INTO list_changes VALUES (?, ?, ?, ?, ?, ?)",
                        [(version.list_id, version.document_id, entity_id, change, caption, ingested_at)
                         for entity_id, change, caption in changes])


def list_version_exists(store: Store, list_id: str, document_id: str) -> bool:
    """Whether this exact version is the list's current one."""
    row = store.connection.execute(
        "SELECT document_id FROM list_versions WHERE list_id = ? ORDER BY ingested_at DESC LIMIT 1",
        [list_id]).fetchone()
    return row is not None and row[0] == document_id


def list_changes(store: Store, list_id: str) -> list[dict[str, Any]]:
    cursor = store.connection.execute(
        "SELECT document_id, entity_id, change, caption, changed_at FROM list_changes WHERE list_id = ? "
        "ORDER BY changed_at, change, entity_id", [list_id])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def listed_parties(store: Store) -> list[dict[str, Any]]:
    """Every listed party of every list: {entity, list_id, programme, listed_on, record_id}."""
    rows = store.connection.execute(
        "SELECT body, list_id, programme, listed_on, record_id FROM listed_entities WHERE listed "
        "ORDER BY list_id, entity_id").fetchall()
    return [{"entity": orjson.loads(row[0]), "list_id": row[1], "programme": row[2], "listed_on": row[3],
             "record_id": row[4]} for row in rows]


def sanctioned_ledger_entities(store: Store) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Entities loaded with `ingest entities` that are listed parties — a `sanction` topic, or named by a
    `Sanction` entity — and those Sanction entities (for the programme and listing date)."""
    sanctions = [orjson.loads(row[0]) for row in store.connection.execute(
        "SELECT body FROM entities WHERE schema = 'Sanction' ORDER BY id").fetchall()]
    parties = [orjson.loads(row[0]) for row in store.connection.execute(
        """SELECT body FROM entities e
           WHERE e.schema IN (SELECT unnest(?))
             AND (EXISTS (SELECT 1 FROM unnest(CAST(json_extract(e.body, '$.properties.topics') AS VARCHAR[])) t(topic)
                          WHERE topic LIKE 'sanction%')
                  OR e.id IN (SELECT unnest(CAST(json_extract(s.body, '$.properties.entity') AS VARCHAR[]))
                              FROM entities s WHERE s.schema = 'Sanction'))
           ORDER BY e.id""", [list(PARTY_SCHEMATA)]).fetchall()]
    return parties, sanctions


def listed_parties_fingerprint(store: Store) -> str:
    """A fingerprint of everything the listed parties are read from — every list entry (listed parties and the
    entities they point to) and the ledger's entities that can be or name a listed party (parties, Sanction,
    Address) — that changes when any of it does: a saved screening index is used only while it matches."""
    lists = store.connection.execute(
        "SELECT count(*), coalesce(sum(hash(list_id, entity_id, schema, caption, listed, programme, listed_on, "
        "record_id, body, fingerprint)), 0) FROM listed_entities").fetchone()
    ledger = store.connection.execute(
        "SELECT count(*), coalesce(sum(hash(id, schema, caption, body)), 0) FROM entities "
        "WHERE schema IN (SELECT unnest(?))", [[*PARTY_SCHEMATA, "Sanction", "Address"]]).fetchone()
    return f"{lists[0]}:{lists[1]}/{ledger[0]}:{ledger[1]}" if lists and ledger else ""


def entities_of_schemata(store: Store, schemata: Iterable[str]) -> list[dict[str, Any]]:
    """Entities of the given schemata from the ledger and from every list (relations: Ownership, Directorship;
    addresses...)."""
    wanted = list(schemata)
    rows = store.connection.execute(
        """SELECT body FROM entities WHERE schema IN (SELECT unnest(?))
           UNION ALL SELECT body FROM listed_entities WHERE schema IN (SELECT unnest(?))""",
        [wanted, wanted]).fetchall()
    return [orjson.loads(row[0]) for row in rows]


def ledger_entities(store: Store, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Entities by id, from the ledger's entities table, else from the lists."""
    found = {row[0]: orjson.loads(row[1]) for row in store.connection.execute(
        "SELECT entity_id, body FROM listed_entities WHERE entity_id IN (SELECT unnest(?))", [list(ids)]).fetchall()}
    found.update(store.entities_by_id(ids))
    return found


def party_event_count(store: Store, party: str, before: datetime) -> int:
    """How many ledger events before `before` name the party as a source or destination (0: a new customer).
    The party may be written in any GS1 spelling (a PGLN URN is stored as its Digital Link)."""
    try:
        spellings = sorted({party, canonical_uri(party)})
    except InvalidIdentifier:
        spellings = [party]
    row = store.connection.execute(
        "SELECT count(*) FROM event_parties p JOIN events e USING (event_id) "
        "WHERE p.party IN (SELECT unnest(?)) AND e.event_time < ?", [spellings, before]).fetchone()
    return int(row[0]) if row else 0
