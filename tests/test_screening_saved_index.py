"""The screening index saved next to the store: read back by a later call while the listed parties are
unchanged, built again when a list or a ledger entity changes (never stale), and never trusted when the file is
damaged or holds anything but plain values."""

from __future__ import annotations

import pickle

import orjson
import pytest

from sanctrace.ops.ingest import ingest_entities
from sanctrace.ops.screening import index_path, ingest_lists, load_index, screen
from sanctrace.screening.index import ScreeningIndex
from sanctrace.screening.parties import Query
from tests.test_lists_formats import FSF_XML, OFAC_ADVANCED, UN_XML
from tests.test_lists_ingest import NEW_ENTITY, fsf_version

QUERIES = [Query("markov", "Markov Ilya", "Person"), Query("lavrov", "Сергей Лавров", "Person"),
           Query("altyn", "TOO Altyn Trade", "Company", "kz"), Query("bosporus", "Bosporus Elektronik", "Company")]


def found(index: ScreeningIndex) -> dict[str, list[str]]:
    return {result.query.query_id: [m.entity_id for m in result.matches]
            for result in screen(None, QUERIES, index=index)}


@pytest.fixture
def listed(store, now):
    ingest_lists(store, [(str(OFAC_ADVANCED), OFAC_ADVANCED.read_bytes()), ("fsf.xml", FSF_XML),
                         (str(UN_XML), UN_XML.read_bytes())], now)
    return store


def test_the_index_is_saved_and_read_back_while_the_lists_are_unchanged(listed, monkeypatch):
    built = load_index(listed)
    path = index_path(listed)
    assert path is not None and path.exists() and path.name == "ledger.duckdb.screening-index"

    def no_build(self, parties):
        raise AssertionError("built again although the lists did not change")

    monkeypatch.setattr(ScreeningIndex, "__init__", no_build)
    saved = load_index(listed)
    assert len(saved) == len(built)
    assert [r.to_dict() for r in screen(None, QUERIES, index=saved)] == \
        [r.to_dict() for r in screen(None, QUERIES, index=built)]


def test_a_new_list_version_changes_the_results(listed, now):
    before = found(load_index(listed))
    assert before["altyn"] and not before["bosporus"] and before["lavrov"]
    ingest_lists(listed, [("fsf-2.xml", fsf_version(drop_altyn=True, add=NEW_ENTITY))], now)
    after = found(load_index(listed))
    assert not after["altyn"]  # delisted
    assert after["bosporus"]  # added
    assert after["markov"] == before["markov"] and after["lavrov"] == before["lavrov"]


def test_ledger_entities_made_listed_change_the_results(listed, now):
    assert not found(load_index(listed))["bosporus"]
    entity = {"id": "c9", "schema": "Company", "properties": {"name": ["Bosporus Elektronik"]}}
    ingest_entities(listed, [("a.jsonl", orjson.dumps(entity) + b"\n")], now)
    assert not found(load_index(listed))["bosporus"]  # a ledger entity, not listed
    entity["properties"]["topics"] = ["sanction"]
    ingest_entities(listed, [("b.jsonl", orjson.dumps(entity) + b"\n")], now)
    assert found(load_index(listed))["bosporus"] == ["c9"]


def test_a_damaged_or_foreign_file_is_not_trusted(listed):
    expected = found(load_index(listed))
    path = index_path(listed)
    header = path.read_bytes().split(b"\n", 1)[0] + b"\n"
    path.write_bytes(header + b"not a pickle")
    assert found(load_index(listed)) == expected
    # a pickle that would make objects (here a call to print) is refused, not run
    path.write_bytes(header + pickle.dumps(print))
    assert found(load_index(listed)) == expected
    assert path.read_bytes().startswith(header) and b"print" not in path.read_bytes()


def test_a_store_in_memory_saves_nothing(tmp_path, now):
    from sanctrace.store import Store

    with Store.open(":memory:") as store:
        ingest_lists(store, [("fsf.xml", FSF_XML)], now)
        assert index_path(store) is None
        assert found(load_index(store))["altyn"]
    assert not list(tmp_path.iterdir())
