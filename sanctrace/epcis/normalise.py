"""Validate one event in JSON form against EPCIS 2.0 / CBV 2.0 and bring it to canonical form.

The rules are the project's own reading of the standard (EPCIS 2.0 §7 and its JSON binding); tests check
that what this accepts and rejects agrees with GS1's JSON Schema. Every rejection is an `InvalidEvent`
carrying a reason and a JSON pointer relative to the event.

Canonical form: identifiers via `identifiers.canonical_uri` (GS1 keys as Digital Link on id.gs1.org),
CBV values via `vocab.canonical_cbv` (web URIs), times in UTC. The canonical body keeps every field of the
event, user extensions included.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from sanctrace.epcis.hashing import event_hash
from sanctrace.epcis.jsonld import (
    ERROR_DECLARATION_TERMS,
    EVENT_TYPES,
    SENSOR_ELEMENT_TERMS,
    SENSOR_METADATA_TERMS,
    SENSOR_REPORT_TERMS,
)
from sanctrace.epcis.model import ErrorDeclaration, Event, ObjectRef, PartyRef, ilmd_lot_number
from sanctrace.errors import InvalidEvent, InvalidIdentifier, InvalidVocabulary
from sanctrace.identifiers import canonical_uri, make_lgtin
from sanctrace.vocab import canonical_cbv

ACTIONS = frozenset({"ADD", "OBSERVE", "DELETE"})
_OFFSET = re.compile(r"^([+-])((0[0-9]|1[0-3]):([0-5][0-9])|14:00)$")
_DATETIME = re.compile(
    r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})?$"
)
_UOM = re.compile(r"^[A-Z0-9]{2,3}$")
_HEX = re.compile(r"^[A-Fa-f0-9]+$")
_SPACE = re.compile(r"\s")

# Fields each event type may carry besides the common ones (EPCIS 2.0 §7.4).
_COMMON = frozenset(
    {"type", "eventID", "eventTime", "eventTimeZoneOffset", "recordTime", "certificationInfo", "errorDeclaration"}
)
_FIELDS = {
    "ObjectEvent": {"action", "epcList", "quantityList", "bizStep", "disposition", "persistentDisposition",
                    "readPoint", "bizLocation", "bizTransactionList", "sourceList", "destinationList",
                    "sensorElementList", "ilmd"},
    "AggregationEvent": {"parentID", "childEPCs", "childQuantityList", "action", "bizStep", "disposition",
                         "persistentDisposition", "readPoint", "bizLocation", "bizTransactionList", "sourceList",
                         "destinationList", "sensorElementList"},
    "AssociationEvent": {"parentID", "childEPCs", "childQuantityList", "action", "bizStep", "disposition",
                         "persistentDisposition", "readPoint", "bizLocation", "bizTransactionList", "sourceList",
                         "destinationList", "sensorElementList"},
    "TransactionEvent": {"bizTransactionList", "parentID", "epcList", "quantityList", "action", "bizStep",
                         "disposition", "persistentDisposition", "readPoint", "bizLocation", "sourceList",
                         "destinationList", "sensorElementList"},
    "TransformationEvent": {"inputEPCList", "inputQuantityList", "outputEPCList", "outputQuantityList",
                            "transformationID", "bizStep", "disposition", "persistentDisposition", "readPoint",
                            "bizLocation", "bizTransactionList", "sourceList", "destinationList",
                            "sensorElementList", "ilmd"},
}
_SENSOR_NUMBERS = frozenset({"value", "minValue", "maxValue", "meanValue", "sDev", "percRank", "percValue"})
_SENSOR_URIS = frozenset({"deviceID", "deviceMetadata", "rawData", "dataProcessingMethod", "bizRules",
                          "microorganism", "chemicalSubstance", "coordinateReferenceSystem", "uriValue"})


def parse_time(value: Any, pointer: str, offset: str | None = None) -> datetime:
    """An xsd:dateTime / RFC 3339 timestamp to an aware UTC datetime (local time + offset when none given)."""
    if not isinstance(value, str):
        raise InvalidEvent(f"expected a date-time string, got {_kind(value)}", pointer)
    match = _DATETIME.match(value.strip())
    if not match:
        raise InvalidEvent(f"{value!r} is not a date-time (YYYY-MM-DDThh:mm:ss[.fff](Z|±hh:mm))", pointer)
    day, clock, fraction, zone = match.groups()
    zone = zone or offset
    if zone is None:
        raise InvalidEvent(f"{value!r} has no time zone and the event has no eventTimeZoneOffset", pointer)
    try:
        moment = datetime.fromisoformat(f"{day}T{clock}.{(fraction or '0')[:6]:0<6}")
    except ValueError as exc:
        raise InvalidEvent(f"{value!r} is not a valid date-time: {exc}", pointer) from None
    return moment.replace(tzinfo=_zone(zone)).astimezone(UTC)


def _zone(zone: str) -> timezone:
    if zone == "Z":
        return UTC
    sign = -1 if zone[0] == "-" else 1
    return timezone(sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6])))


def _kind(value: Any) -> str:
    return {str: "a string", bool: "a boolean", int: "a number", float: "a number", list: "a list",
            dict: "an object", type(None): "null"}.get(type(value), type(value).__name__)


class _Normaliser:
    """Walks one event, checking each field and collecting the stored references as it goes."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.body: dict[str, Any] = {}
        self.objects: list[ObjectRef] = []
        self.parties: list[PartyRef] = []
        self.transactions: list[tuple[str | None, str]] = []

    def uri(self, value: Any, pointer: str) -> str:
        if not isinstance(value, str) or ":" not in value or _SPACE.search(value.strip()):
            raise InvalidEvent(f"expected a URI, got {value!r}", pointer)
        try:
            return canonical_uri(value)
        except InvalidIdentifier as exc:
            raise InvalidEvent(exc.detail, pointer) from None

    def cbv(self, kind: str, value: Any, pointer: str) -> str:
        if not isinstance(value, str):
            raise InvalidEvent(f"{kind} must be a string, got {_kind(value)}", pointer)
        try:
            return canonical_cbv(kind, value)
        except InvalidVocabulary as exc:
            raise InvalidEvent(exc.detail, pointer) from None

    def _list(self, key: str) -> list[Any]:
        values = self.data[key]
        if not isinstance(values, list):
            raise InvalidEvent(f"{key} must be a list, got {_kind(values)}", f"/{key}")
        return values

    def id_list(self, key: str, role: str, unique: bool = True) -> None:
        values = self.data[key]
        if not isinstance(values, list):
            raise InvalidEvent(f"{key} must be a list of identifiers, got {_kind(values)}", f"/{key}")
        if unique and len(set(map(str, values))) != len(values):
            first = next(i for i, v in enumerate(values) if values.index(v) != i)
            raise InvalidEvent(f"{key} lists the same identifier twice ({values[first]!r})", f"/{key}/{first}")
        out = [self.uri(v, f"/{key}/{i}") for i, v in enumerate(values)]
        out = list(dict.fromkeys(out))  # two spellings of one identifier are one object
        self.body[key] = out
        self.objects.extend(ObjectRef(role, v) for v in out)

    def quantity_list(self, key: str, role: str) -> None:
        values = self._list(key)
        out = []
        for i, element in enumerate(values):
            where = f"/{key}/{i}"
            if not isinstance(element, dict):
                raise InvalidEvent(f"a quantity element must be an object, got {_kind(element)}", where)
            extra = set(element) - {"epcClass", "quantity", "uom"}
            if extra:
                raise InvalidEvent(f"unexpected field {sorted(extra)[0]!r} in a quantity element", where)
            if "epcClass" not in element:
                raise InvalidEvent("a quantity element needs an epcClass", where)
            item: dict[str, Any] = {"epcClass": self.uri(element["epcClass"], where + "/epcClass")}
            quantity = element.get("quantity")
            if "quantity" in element:
                if isinstance(quantity, bool) or not isinstance(quantity, (int, float)):
                    raise InvalidEvent(f"quantity must be a number, got {_kind(quantity)} {quantity!r}",
                                       where + "/quantity")
                item["quantity"] = quantity
            uom = element.get("uom")
            if "uom" in element:
                if not isinstance(uom, str) or not _UOM.match(uom):
                    raise InvalidEvent(f"uom must be a UN/CEFACT Rec 20 code (2-3 capitals/digits), got {uom!r}",
                                       where + "/uom")
                if "quantity" not in element:
                    raise InvalidEvent("uom given without a quantity", where + "/uom")
                item["uom"] = uom
            out.append(item)
            self.objects.append(ObjectRef(role, item["epcClass"], quantity, uom))
        self.body[key] = out

    def location(self, key: str) -> str:
        value = self.data[key]
        if not isinstance(value, dict) or "id" not in value:
            raise InvalidEvent(f"{key} must be an object with an 'id'", f"/{key}")
        self._check_extension_keys(value, {"id"}, f"/{key}")
        out = dict(value)
        out["id"] = self.uri(value["id"], f"/{key}/id")
        self.body[key] = out
        return out["id"]

    def source_destination(self, key: str, direction: str) -> None:
        values = self._list(key)
        out = []
        for i, element in enumerate(values):
            where = f"/{key}/{i}"
            if not isinstance(element, dict) or set(element) != {"type", direction}:
                raise InvalidEvent(f"each {key} entry needs exactly 'type' and '{direction}'", where)
            kind = self.cbv("sourceDestType", element["type"], where + "/type")
            party = self.uri(element[direction], f"{where}/{direction}")
            out.append({"type": kind, direction: party})
            self.parties.append(PartyRef(direction, kind, party))
        self.body[key] = out

    def biz_transactions(self) -> None:
        values = self._list("bizTransactionList")
        out = []
        for i, element in enumerate(values):
            where = f"/bizTransactionList/{i}"
            if not isinstance(element, dict) or "bizTransaction" not in element or set(element) - {
                "type", "bizTransaction"
            }:
                raise InvalidEvent("a bizTransaction entry needs 'bizTransaction' and at most a 'type'", where)
            item: dict[str, Any] = {}
            kind = None
            if "type" in element:
                kind = item["type"] = self.cbv("bizTransactionType", element["type"], where + "/type")
            item["bizTransaction"] = self.uri(element["bizTransaction"], where + "/bizTransaction")
            out.append(item)
            self.transactions.append((kind, item["bizTransaction"]))
        self.body["bizTransactionList"] = out

    def persistent_disposition(self) -> None:
        value = self.data["persistentDisposition"]
        if not isinstance(value, dict) or not value or set(value) - {"set", "unset"}:
            raise InvalidEvent("persistentDisposition must be an object with 'set' and/or 'unset'",
                               "/persistentDisposition")
        out = {}
        for key, items in value.items():
            where = f"/persistentDisposition/{key}"
            if not isinstance(items, list) or not items:
                raise InvalidEvent(f"persistentDisposition.{key} must be a non-empty list", where)
            out[key] = [self.cbv("disposition", d, f"{where}/{i}") for i, d in enumerate(items)]
            if len(set(out[key])) != len(out[key]):
                raise InvalidEvent(f"persistentDisposition.{key} lists a disposition twice", where)
        self.body["persistentDisposition"] = out

    def certification_info(self) -> None:
        value = self.data["certificationInfo"]
        if isinstance(value, list):
            self.body["certificationInfo"] = [self.uri(v, f"/certificationInfo/{i}") for i, v in enumerate(value)]
        else:
            self.body["certificationInfo"] = self.uri(value, "/certificationInfo")

    def error_declaration(self) -> ErrorDeclaration:
        value = self.data["errorDeclaration"]
        if not isinstance(value, dict):
            raise InvalidEvent("errorDeclaration must be an object", "/errorDeclaration")
        if "declarationTime" not in value:
            raise InvalidEvent("errorDeclaration needs a declarationTime", "/errorDeclaration")
        self._check_extension_keys(value, ERROR_DECLARATION_TERMS, "/errorDeclaration")
        out = dict(value)
        when = parse_time(value["declarationTime"], "/errorDeclaration/declarationTime")
        reason = None
        if "reason" in value:
            reason = out["reason"] = self.cbv("errorReason", value["reason"], "/errorDeclaration/reason")
        corrective: list[str] = []
        if "correctiveEventIDs" in value:
            ids = value["correctiveEventIDs"]
            if not isinstance(ids, list):
                raise InvalidEvent("correctiveEventIDs must be a list", "/errorDeclaration/correctiveEventIDs")
            corrective = [self.uri(v, f"/errorDeclaration/correctiveEventIDs/{i}") for i, v in enumerate(ids)]
            out["correctiveEventIDs"] = corrective
        self.body["errorDeclaration"] = out
        return ErrorDeclaration(when, reason, tuple(corrective))

    def sensor_elements(self) -> None:
        values = self.data["sensorElementList"]
        if not isinstance(values, list):
            raise InvalidEvent("sensorElementList must be a list", "/sensorElementList")
        out = []
        for i, element in enumerate(values):
            where = f"/sensorElementList/{i}"
            if not isinstance(element, dict):
                raise InvalidEvent("a sensorElement must be an object", where)
            self._check_extension_keys(element, SENSOR_ELEMENT_TERMS, where)
            reports = element.get("sensorReport")
            if not isinstance(reports, list) or not reports:
                raise InvalidEvent("a sensorElement needs a non-empty sensorReport list", where + "/sensorReport")
            item = dict(element)
            if "sensorMetadata" in element:
                item["sensorMetadata"] = self._sensor_fields(
                    element["sensorMetadata"], SENSOR_METADATA_TERMS, where + "/sensorMetadata")
            item["sensorReport"] = [
                self._sensor_report(r, f"{where}/sensorReport/{j}") for j, r in enumerate(reports)
            ]
            out.append(item)
        self.body["sensorElementList"] = out

    def _sensor_report(self, report: Any, where: str) -> dict[str, Any]:
        out = self._sensor_fields(report, SENSOR_REPORT_TERMS, where)
        if "type" not in out and "exception" not in out:
            # EPCIS 2.0 JSON schema requires `type`; the XML binding allows exception-only reports.
            raise InvalidEvent("a sensorReport needs a 'type' (measurement type)", where)
        return out

    def _sensor_fields(self, value: Any, terms: frozenset[str], where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise InvalidEvent("expected an object", where)
        self._check_extension_keys(value, terms, where)
        out = dict(value)
        for key, item in value.items():
            pointer = f"{where}/{key}"
            if key in _SENSOR_NUMBERS and (isinstance(item, bool) or not isinstance(item, (int, float))):
                raise InvalidEvent(f"{key} must be a number, got {_kind(item)}", pointer)
            if key in ("time", "startTime", "endTime"):
                parse_time(item, pointer)
            elif key in _SENSOR_URIS:
                out[key] = self.uri(item, pointer)
            elif key == "booleanValue" and not isinstance(item, bool):
                raise InvalidEvent(f"booleanValue must be true or false, got {item!r}", pointer)
            elif key == "hexBinaryValue" and not (isinstance(item, str) and _HEX.match(item)):
                raise InvalidEvent(f"hexBinaryValue must be hexadecimal, got {item!r}", pointer)
        return out

    @staticmethod
    def _check_extension_keys(value: dict[str, Any], terms: frozenset[str] | set[str], where: str) -> None:
        for key in value:
            if key not in terms and not key.startswith("{") and not key.startswith("@"):
                raise InvalidEvent(f"unexpected field {key!r}", f"{where}/{key}")


_SGTIN_LINK = re.compile(r"^https://id\.gs1\.org/01/([0-9]{14})/21/")


def _ilmd_lots(objects: list[ObjectRef], lot_number: str | None) -> list[ObjectRef]:
    """The lots (LGTINs) that an ILMD `lotNumber` gives the serialised instances an event commissions, each
    with how many of them it holds: the lot is then found by its own identifier like any other."""
    if lot_number is None:
        return []
    counts: dict[str, int] = {}
    for ref in objects:
        match = _SGTIN_LINK.match(ref.object) if ref.role == "epc" else None
        if match is not None:
            counts[match[1]] = counts.get(match[1], 0) + 1
    lots = []
    for gtin, count in sorted(counts.items()):
        try:
            lots.append(ObjectRef("ilmd_lot", make_lgtin(gtin, lot_number), float(count)))
        except InvalidIdentifier:
            continue  # a lot number that is no GS1 batch/lot: nothing to find it by
    return lots


def normalise_event(data: dict[str, Any]) -> Event:
    """Check one event (JSON form) and return it in canonical form. Raises InvalidEvent(reason, pointer)."""
    kind = data.get("type")
    if kind not in EVENT_TYPES:
        raise InvalidEvent(
            f"unknown event type {kind!r}; expected one of {', '.join(sorted(EVENT_TYPES))}", "/type"
        )
    allowed = _FIELDS[kind] | _COMMON
    for key in data:
        if key not in allowed and not key.startswith("{"):
            raise InvalidEvent(f"field {key!r} is not allowed in an {kind}", "/" + key)
    n = _Normaliser(data)
    n.body["type"] = kind

    if "eventTimeZoneOffset" not in data:
        raise InvalidEvent("eventTimeZoneOffset is required", "/eventTimeZoneOffset")
    offset = data["eventTimeZoneOffset"]
    if not isinstance(offset, str) or not _OFFSET.match(offset):
        raise InvalidEvent(f"eventTimeZoneOffset must look like +hh:mm or -hh:mm, got {offset!r}",
                           "/eventTimeZoneOffset")
    if "eventTime" not in data:
        raise InvalidEvent("eventTime is required", "/eventTime")
    event_time = parse_time(data["eventTime"], "/eventTime", offset)
    n.body["eventTime"] = data["eventTime"]  # as written: the column holds UTC, the body keeps the precision
    n.body["eventTimeZoneOffset"] = offset
    record_time = None
    if "recordTime" in data:
        record_time = parse_time(data["recordTime"], "/recordTime", offset)
        n.body["recordTime"] = data["recordTime"]

    action = data.get("action")
    if kind != "TransformationEvent":
        if "action" not in data:
            raise InvalidEvent(f"action is required in an {kind}", "/action")
        if action not in ACTIONS:
            raise InvalidEvent(f"action must be ADD, OBSERVE or DELETE, got {action!r}", "/action")
        n.body["action"] = action

    if "eventID" in data:
        n.body["eventID"] = n.uri(data["eventID"], "/eventID").strip()
    if "certificationInfo" in data:
        n.certification_info()
    declaration = n.error_declaration() if "errorDeclaration" in data else None

    for key, role in (("epcList", "epc"), ("childEPCs", "child"), ("inputEPCList", "input"),
                      ("outputEPCList", "output")):
        if key in data:
            n.id_list(key, role)
    for key, role in (("quantityList", "quantity"), ("childQuantityList", "child_quantity"),
                      ("inputQuantityList", "input_quantity"), ("outputQuantityList", "output_quantity")):
        if key in data:
            n.quantity_list(key, role)
    if "parentID" in data:
        parent = n.uri(data["parentID"], "/parentID")
        n.body["parentID"] = parent
        n.objects.append(ObjectRef("parent", parent))
    biz_step = n.body["bizStep"] = n.cbv("bizStep", data["bizStep"], "/bizStep") if "bizStep" in data else None
    disposition = None
    if "disposition" in data:
        disposition = n.body["disposition"] = n.cbv("disposition", data["disposition"], "/disposition")
    if "persistentDisposition" in data:
        n.persistent_disposition()
    read_point = n.location("readPoint") if "readPoint" in data else None
    biz_location = n.location("bizLocation") if "bizLocation" in data else None
    if "bizTransactionList" in data:
        n.biz_transactions()
    if "sourceList" in data:
        n.source_destination("sourceList", "source")
    if "destinationList" in data:
        n.source_destination("destinationList", "destination")
    if "sensorElementList" in data:
        n.sensor_elements()
    transformation_id = None
    if "transformationID" in data:
        transformation_id = n.body["transformationID"] = n.uri(data["transformationID"], "/transformationID")
    if "ilmd" in data:
        if not isinstance(data["ilmd"], dict):
            raise InvalidEvent("ilmd must be an object", "/ilmd")
        if kind == "ObjectEvent" and action != "ADD":
            raise InvalidEvent("ilmd is only allowed in an ObjectEvent with action ADD", "/ilmd")
        n._check_extension_keys(data["ilmd"], set(), "/ilmd")
        n.body["ilmd"] = data["ilmd"]
        n.objects.extend(_ilmd_lots(n.objects, ilmd_lot_number(data["ilmd"])))
    for key, value in data.items():
        if key.startswith("{"):
            n.body[key] = value

    _check_required_objects(kind, action, data)
    digest = event_hash(data)
    event_id = n.body.get("eventID") or digest
    return Event(
        event_id=event_id, event_hash=digest, event_type=kind, event_time=event_time,
        event_time_zone_offset=offset, action=action, record_time=record_time, biz_step=biz_step,
        disposition=disposition, read_point=read_point, biz_location=biz_location,
        transformation_id=transformation_id, objects=n.objects, parties=n.parties,
        biz_transactions=n.transactions, error_declaration=declaration, body=n.body,
    )


def _check_required_objects(kind: str, action: str | None, data: dict[str, Any]) -> None:
    """What each event type must say about its objects (EPCIS 2.0 §7.4 and the JSON binding)."""
    if kind == "ObjectEvent":
        has_objects = "epcList" in data or bool(data.get("quantityList"))
        has_sensors = bool(data.get("sensorElementList")) and "readPoint" in data
        if not (has_objects or has_sensors):
            raise InvalidEvent("an ObjectEvent needs an epcList, a quantityList, or sensor data with a readPoint",
                               "")
    elif kind in ("AggregationEvent", "AssociationEvent"):
        if kind == "AssociationEvent" and "parentID" not in data:
            raise InvalidEvent("an AssociationEvent needs a parentID", "/parentID")
        if action in ("ADD", "DELETE") and "parentID" not in data:
            raise InvalidEvent(f"an {kind} with action {action} needs a parentID", "/parentID")
        if action != "DELETE" and not (data.get("childEPCs") or data.get("childQuantityList")):
            raise InvalidEvent(f"an {kind} with action {action} needs childEPCs or childQuantityList", "")
    elif kind == "TransactionEvent":
        if "bizTransactionList" not in data:
            raise InvalidEvent("a TransactionEvent needs a bizTransactionList", "/bizTransactionList")
        if action != "DELETE" and "epcList" not in data and not data.get("quantityList"):
            raise InvalidEvent("a TransactionEvent needs an epcList or a quantityList", "")
    elif kind == "TransformationEvent":
        inputs = bool(data.get("inputEPCList") or data.get("inputQuantityList"))
        outputs = bool(data.get("outputEPCList") or data.get("outputQuantityList"))
        if not (inputs and outputs) and "transformationID" not in data:
            raise InvalidEvent("a TransformationEvent needs inputs and outputs, or a transformationID", "")
        if not (inputs or outputs):
            raise InvalidEvent("a TransformationEvent needs at least one input or output", "")
