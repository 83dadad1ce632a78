"""Ingesting lists into the store: a new version replaces the old one and reports what was added, changed and
delisted; the same version again changes nothing; a malformed list is refused whole and quarantined; ledger
entities with a sanction topic, or named by a Sanction entity, are listed parties too."""

from __future__ import annotations

import orjson

from sanctrace.ops.ingest import ingest_entities
from sanctrace.ops.screening import ingest_lists, load_parties
from sanctrace.store import screening as screening_store
from tests.test_lists_formats import FSF_XML, OFAC_ADVANCED, UN_XML

LAVROV_UPDATED = FSF_XML.replace(b'birthdate="1950-03-21"', b'birthdate="1950-03-22"')


def fsf_version(*, drop_altyn: bool = False, add: bytes = b"") -> bytes:
    data = LAVROV_UPDATED
    if drop_altyn:
        start = data.index(b'<sanctionEntity logicalId="77"')
        data = data[:start] + data[data.index(b"</sanctionEntity>", start) + len(b"</sanctionEntity>"):]
    return data.replace(b"</export>", add + b"</export>")


NEW_ENTITY = b"""<sanctionEntity xmlns="http://eu.europa.ec/fpi/fsd/export" logicalId="90" designationDate="2024-02-23">
  <regulation regulationType="regulation" organisationType="council" publicationDate="2024-02-23"
              entryIntoForceDate="2024-02-23" numberTitle="2024/753" programme="RUS" logicalId="91"/>
  <subjectType code="enterprise" classificationCode="E"/>
  <nameAlias wholeName="Bosporus Elektronik Ltd. Sti." strong="true" logicalId="92" regulationLanguage="en"/>
</sanctionEntity>"""


def count(store, table: str) -> int:
    return store.connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_lists_are_stored_with_their_provenance(store, now):
    results = ingest_lists(store, [(str(UN_XML), UN_XML.read_bytes()),
                                   (str(OFAC_ADVANCED), OFAC_ADVANCED.read_bytes())], now)
    assert [(r.list_id, r.listed, r.added, r.error) for r in results] == [
        ("un-sc-consolidated", 1003, 1003, None), ("us-ofac-sdn", 37, 37, None)]
    row = store.connection.execute("SELECT programme, listed_on, record_id FROM listed_entities "
                                   "WHERE entity_id = 'un-6907993'").fetchone()
    assert row == ("DRC", "2012-12-31", "CDi.001")
    assert count(store, "list_versions") == 2


def test_a_new_version_replaces_the_old_and_reports_the_changes(store, now):
    [first] = ingest_lists(store, [("fsf.xml", FSF_XML)], now)
    assert (first.added, first.changed, first.delisted) == (2, 0, 0)
    [second] = ingest_lists(store, [("fsf-2.xml", fsf_version(drop_altyn=True, add=NEW_ENTITY))], now)
    assert (second.added, second.changed, second.delisted) == (1, 1, 1)
    assert sorted((c[0], c[1]) for c in second.changes) == [
        ("eu-fsf-13", "changed"), ("eu-fsf-77", "delisted"), ("eu-fsf-90", "added")]
    current = screening_store.list_fingerprints(store, "eu-fsf")
    assert sorted(current) == ["eu-fsf-13", "eu-fsf-90"]
    history = screening_store.list_changes(store, "eu-fsf")
    assert [h["change"] for h in history].count("delisted") == 1


def test_the_same_version_again_changes_nothing(store, now):
    ingest_lists(store, [("fsf.xml", FSF_XML)], now)
    [again] = ingest_lists(store, [("fsf.xml", FSF_XML)], now)
    assert again.unchanged and (again.added, again.changed, again.delisted) == (0, 0, 0)
    assert count(store, "list_versions") == 1


def test_a_malformed_list_is_refused_whole_and_quarantined(store, now):
    ingest_lists(store, [("fsf.xml", FSF_XML)], now)
    broken = FSF_XML.replace(b'logicalId="77" ', b"")
    [refused] = ingest_lists(store, [("fsf-broken.xml", broken)], now)
    assert not refused.ok and "sanctionEntity 2" in refused.error
    assert sorted(screening_store.list_fingerprints(store, "eu-fsf")) == ["eu-fsf-13", "eu-fsf-77"]
    [quarantined] = store.quarantined()
    assert "sanctionEntity 2" in quarantined.reason


def test_ledger_entities_with_a_sanction_topic_or_a_sanction_are_listed(store, now):
    lines = [
        {"id": "c1", "schema": "Company", "properties": {"name": ["Altyn Trade LLP"], "topics": ["sanction"]}},
        {"id": "c2", "schema": "Company", "properties": {"name": ["Gulf Star Components FZE"]}},
        {"id": "c3", "schema": "Company", "properties": {"name": ["Pola Raiz OOO"]}},
        {"id": "s3", "schema": "Sanction", "properties": {"entity": ["c3"], "program": ["RUSSIA-EO14024"],
                                                           "authority": ["OFAC"], "listingDate": ["2022-05-08"]}},
    ]
    data = b"".join(orjson.dumps(line) + b"\n" for line in lines)
    ingest_entities(store, [("entities.jsonl", data)], now)
    parties = {p.entity_id: p for p in load_parties(store)}
    assert sorted(parties) == ["c1", "c3"]
    assert parties["c3"].listings[0].describe() == "OFAC (RUSSIA-EO14024, listed 2022-05-08, record s3)"
