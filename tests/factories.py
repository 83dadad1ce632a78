"""Builders for test data: `ev()` for events in JSON form, `doc()` for a JSON-LD document around them."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import orjson

from tests.shared import GS1_EPCIS

CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
LOT = "urn:epc:class:lgtin:4012345.012345.L2301A"
MAKER = "urn:epc:id:pgln:4012345.00000"
DISTRIBUTOR = "urn:epc:id:pgln:0614141.00001"


def ev(kind: str = "ObjectEvent", **fields: Any) -> dict[str, Any]:
    """A valid event of the given type; keyword arguments replace or add fields (None removes one)."""
    base: dict[str, Any] = {
        "type": kind,
        "eventTime": "2023-02-01T07:30:00.000+01:00",
        "eventTimeZoneOffset": "+01:00",
    }
    if kind == "ObjectEvent":
        base.update(action="OBSERVE", bizStep="shipping", disposition="in_transit",
                    quantityList=[{"epcClass": LOT, "quantity": 100, "uom": "H87"}],
                    sourceList=[{"type": "owning_party", "source": MAKER}],
                    destinationList=[{"type": "owning_party", "destination": DISTRIBUTOR}])
    elif kind == "AggregationEvent":
        base.update(action="ADD", bizStep="packing", parentID="urn:epc:id:sscc:4012345.0000000017",
                    childQuantityList=[{"epcClass": LOT, "quantity": 100, "uom": "H87"}])
    elif kind == "TransactionEvent":
        base.update(action="ADD", bizTransactionList=[{"type": "po", "bizTransaction": "urn:example:po:1"}],
                    epcList=["urn:epc:id:sgtin:4012345.012345.900001"])
    elif kind == "TransformationEvent":
        base.update(inputQuantityList=[{"epcClass": LOT, "quantity": 10}],
                    outputEPCList=["urn:epc:id:sgtin:4012345.012355.1"])
    elif kind == "AssociationEvent":
        base.update(action="ADD", parentID="urn:epc:id:grai:4012345.55555.1",
                    childEPCs=["urn:epc:id:giai:4012345.SENSOR1"])
    for key, value in fields.items():
        if value is None:
            base.pop(key, None)
        else:
            base[key] = value
    return base


def doc(*events: Any, context: list[Any] | None = None) -> dict[str, Any]:
    return {
        "@context": context or [CONTEXT],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2023-03-10T09:00:00Z",
        "epcisBody": {"eventList": list(events)},
    }


def doc_bytes(*events: Any, context: list[Any] | None = None) -> bytes:
    return orjson.dumps(doc(*events, context=context))


@cache
def gs1_validator() -> Any:
    """jsonschema validator of GS1's EPCIS 2.0 JSON Schema, with its sub-schemas resolved locally."""
    from jsonschema import Draft7Validator
    from referencing import Registry, Resource

    folder = GS1_EPCIS / "JSON-Schema"
    resources = []
    for path in [*folder.glob("*.json"), *(folder / "schemas").glob("*.json")]:
        schema = json.loads(path.read_text())
        resources.append((schema.get("$id", path.name), Resource.from_contents(schema)))
    registry = Registry().with_resources(resources)
    root = json.loads((folder / "EPCIS-JSON-Schema-root.json").read_text())
    return Draft7Validator(root, registry=registry)
