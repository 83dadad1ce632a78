"""A capture killed or interrupted in the middle of a document leaves the store as it was before it."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from sanctrace.ops.ingest import ingest_epcis
from sanctrace.store import Store
from tests.factories import doc_bytes, ev


def many_events(n: int) -> bytes:
    return doc_bytes(*[ev(eventTime=f"2023-02-{1 + i // 1440 % 28:02d}T{i // 60 % 24:02d}:{i % 60:02d}:00.000+01:00",
                          quantityList=[{"epcClass": f"urn:epc:class:lgtin:4012345.012345.L{i}", "quantity": 1}])
                       for i in range(n)])


def table_counts(path) -> dict[str, int]:
    with Store.open(path) as store:
        return {t: store.connection.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("events", "event_objects", "event_parties", "documents", "quarantine")}


def test_a_killed_capture_leaves_the_store_unchanged(tmp_path, now):
    db = tmp_path / "ledger.duckdb"
    with Store.open(db) as store:
        ingest_epcis(store, [("first", many_events(10))], now)
    before = table_counts(db)
    document = tmp_path / "big.jsonld"
    document.write_bytes(many_events(12_000))
    # The child process dies (SIGKILL, no cleanup at all) right after the first batch of the document was
    # written inside the capture's transaction.
    script = textwrap.dedent(f"""
        import os, signal
        from datetime import datetime, timezone
        from sanctrace.store import Store
        from sanctrace.ops.ingest import ingest_epcis
        original = Store.insert_events
        def insert_then_die(self, *args, **kwargs):
            ids = original(self, *args, **kwargs)
            os.kill(os.getpid(), signal.SIGKILL)
        Store.insert_events = insert_then_die
        store = Store.open({str(db)!r})
        ingest_epcis(store, [("big", open({str(document)!r}, "rb").read())], datetime.now(timezone.utc))
    """)
    child = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=300)
    assert child.returncode == -9, child.stderr.decode()
    assert table_counts(db) == before


def test_an_interrupted_capture_leaves_the_store_unchanged(tmp_path, now, monkeypatch):
    db = tmp_path / "ledger.duckdb"
    with Store.open(db) as store:
        ingest_epcis(store, [("first", many_events(10))], now)
        original = Store.insert_events
        calls = []

        def insert_then_interrupt(self, *args, **kwargs):
            calls.append(1)
            if len(calls) == 2:
                raise KeyboardInterrupt
            return original(self, *args, **kwargs)

        monkeypatch.setattr(Store, "insert_events", insert_then_interrupt)
        with pytest.raises(KeyboardInterrupt):
            ingest_epcis(store, [("big", many_events(12_000))], now)
    assert table_counts(db) == {"events": 10, "event_objects": 10, "event_parties": 20, "documents": 1,
                                "quarantine": 0}
