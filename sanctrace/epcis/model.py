"""The stored shape of an EPCIS event: what custody reconstruction and queries read.

Fast internal types (slotted dataclasses); the full event is kept as `body`, the JSON form with every
identifier and CBV value in canonical form, from which a valid EPCIS 2.0 JSON-LD event is written back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# Roles an identifier plays in an event (column `role` of the event_objects table).
OBJECT_ROLES = (
    "epc",              # epcList
    "quantity",         # quantityList[].epcClass
    "parent",           # parentID
    "child",            # childEPCs
    "child_quantity",   # childQuantityList[].epcClass
    "input",            # inputEPCList
    "input_quantity",   # inputQuantityList[].epcClass
    "output",           # outputEPCList
    "output_quantity",  # outputQuantityList[].epcClass
    "ilmd_lot",         # the lot (LGTIN) the ILMD's CBV lotNumber gives the instances commissioned, with their count
)
LOT_NUMBER_KEYS = ("{urn:epcglobal:cbv:mda:}lotNumber", "{urn:epcglobal:cbv:mda}lotNumber")


def ilmd_lot_number(ilmd: Any) -> str | None:
    """The CBV master-data `lotNumber` of instance/lot master data (an event's ILMD), if it carries one."""
    if not isinstance(ilmd, dict):
        return None
    for key in LOT_NUMBER_KEYS:
        value = ilmd.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


@dataclass(frozen=True, slots=True)
class ObjectRef:
    role: str
    object: str  # canonical identifier (GS1 Digital Link on id.gs1.org, or an opaque URI)
    quantity: float | None = None
    uom: str | None = None


@dataclass(frozen=True, slots=True)
class PartyRef:
    direction: str  # "source" | "destination"
    type: str  # canonical CBV source/destination type, e.g. https://ref.gs1.org/cbv/SDT-owning_party
    party: str  # the identifier as written by the reporter, canonicalised when it is a GS1 key


@dataclass(frozen=True, slots=True)
class ErrorDeclaration:
    declaration_time: datetime
    reason: str | None
    corrective_event_ids: tuple[str, ...]


@dataclass(slots=True)
class Event:
    event_id: str  # eventID when the reporter gave one, else the CBV 2.0 event hash
    event_hash: str
    event_type: str
    event_time: datetime  # UTC
    event_time_zone_offset: str
    action: str | None = None
    record_time: datetime | None = None
    biz_step: str | None = None
    disposition: str | None = None
    read_point: str | None = None
    biz_location: str | None = None
    transformation_id: str | None = None
    objects: list[ObjectRef] = field(default_factory=list)
    parties: list[PartyRef] = field(default_factory=list)
    biz_transactions: list[tuple[str | None, str]] = field(default_factory=list)
    error_declaration: ErrorDeclaration | None = None
    body: dict[str, Any] = field(default_factory=dict)
