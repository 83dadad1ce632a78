"""GS1's own EPCIS 2.0 examples (read from ../shared/data): each ingests, JSON and XML twins store the same
events, and what we write back is valid against GS1's JSON Schema and reads back to the same events."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from sanctrace.epcis.capture import check_document
from sanctrace.epcis.writer import write_document
from sanctrace.ops.ingest import ingest_epcis
from sanctrace.store import EventFilter
from tests.shared import GS1_EPCIS, HASH_EXAMPLES

# Files that are not event documents: capture-job status reports and a master-data-only document.
NOT_EVENT_DOCUMENTS = {"CaptureJob", "masterdata_all_possible_fields.xml", "Example-masterData.xml",
                       "CBV-11.4-2020-06-16a.xml"}
# Examples that GS1's own JSON Schema rejects too, with the reason we give.
INVALID_EXAMPLES = {
    "JSON-simple-context/WithFullCombinationOfFields/object_event_all_possible_fields.jsonld":
        "ilmd is only allowed in an ObjectEvent with action ADD",
}
# GS1's XML example has exception-only sensor reports; the JSON Schema requires a `type` in each report.
JSON_SCHEMA_GAPS = {"SensorDataExamples.xml": "'type' is a required property"}


def _examples() -> list[Path]:
    files = [
        *sorted((GS1_EPCIS / "JSON").rglob("*.jsonld")),
        *sorted((GS1_EPCIS / "JSON-simple-context").rglob("*.jsonld")),
        *sorted((GS1_EPCIS / "XML").rglob("*.xml")),
        *sorted((GS1_EPCIS / "XSL" / "1.2" / "XML").rglob("*.xml")),
        *sorted(HASH_EXAMPLES.glob("*.jsonld")),
        *sorted(HASH_EXAMPLES.glob("*.xml")),
    ]
    return [f for f in files if not NOT_EVENT_DOCUMENTS & {f.name, f.parent.name}]


def _id(path: Path) -> str:
    return str(path.relative_to(path.parents[2]))


EXAMPLES = _examples()


@pytest.mark.parametrize("path", EXAMPLES, ids=_id)
def test_every_gs1_example_is_read_without_rejection(path):
    checked = check_document(path.read_bytes(), path.name)
    assert checked.parsed.events, "no events found"
    if _id(path) in INVALID_EXAMPLES:
        assert [r.reason for r in checked.rejections] == [INVALID_EXAMPLES[_id(path)]]
        return
    assert not checked.rejections, [r.describe() for r in checked.rejections]


@pytest.mark.parametrize("path", EXAMPLES, ids=_id)
def test_written_back_jsonld_is_valid_and_reads_back_the_same(path, gs1_schema, now):
    checked = check_document(path.read_bytes(), path.name)
    document = write_document([(e.event_id, e.body) for e in checked.events], now, checked.parsed.namespaces)
    errors = {e.message for e in gs1_schema.iter_errors(document)}
    assert errors <= {JSON_SCHEMA_GAPS.get(path.name)}, errors
    again = check_document(orjson.dumps(document), "written")
    assert not again.rejections, [r.describe() for r in again.rejections]
    assert [e.event_id for e in again.events] == [e.event_id for e in checked.events]
    assert [_without_id(e.body) for e in again.events] == [_without_id(e.body) for e in checked.events]


def _without_id(body: dict) -> dict:
    return {k: v for k, v in body.items() if k != "eventID"}


def _twins() -> list[tuple[Path, Path]]:
    return [(x, x.with_suffix(".jsonld")) for x in sorted(HASH_EXAMPLES.glob("*.xml"))
            if x.with_suffix(".jsonld").exists()]


@pytest.mark.parametrize("xml, jsonld", _twins(), ids=lambda p: p.stem if isinstance(p, Path) else "")
def test_json_and_xml_forms_store_the_same_events(xml, jsonld, tmp_path, now):
    from sanctrace.store import Store

    stored = {}
    for path in (xml, jsonld):
        with Store.open(tmp_path / f"{path.suffix[1:]}.duckdb") as store:
            [result] = ingest_epcis(store, [(path.name, path.read_bytes())], now)
            assert result.ok, result.to_dict()
            rows = store.query_events(EventFilter(include_retracted=True))
            stored[path.suffix] = sorted((r["event_id"], r["event_type"], str(r["event_time"]), r["biz_step"])
                                         for r in rows)
    assert stored[".xml"] == stored[".jsonld"]
