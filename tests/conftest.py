"""Fixtures, and when to use which.

* `store`  — a fresh, migrated ledger in a DuckDB file under tmp_path. Use it for anything that writes.
* `now`    — a fixed capture time; the core never reads the clock, so tests pass it in.
* `gs1_schema` — a jsonschema validator over GS1's official EPCIS 2.0 JSON Schema, read from ../shared/data
  (never copied into the repo). Use it to check what we write back, and as the oracle in validation tests.

Event dicts are built with `tests.factories.ev(...)`; reference files come from `tests.shared`.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sanctrace.store import Store
from tests.factories import gs1_validator


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "ledger.duckdb") as opened:
        yield opened


@pytest.fixture
def now():
    return datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def gs1_schema():
    return gs1_validator()
