"""Read EPCIS 2.0 JSON / JSON-LD: EPCISDocument, EPCISQueryDocument, a bare list of events or one event.

JSON-LD is handled the way EPCIS implementations do it: the standard EPCIS 2.0 context is known (its terms
are the field names below), and only the document's own context entries are read, to expand the prefixes
of user extensions (`"example:myField"`) into Clark notation (`"{http://ns.example.com/epcis/}myField"`).
No context is ever fetched.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

from sanctrace.epcis.document import ParsedDocument, RawEvent
from sanctrace.errors import InvalidDocument

EVENT_TYPES = frozenset(
    {"ObjectEvent", "AggregationEvent", "TransactionEvent", "TransformationEvent", "AssociationEvent"}
)

# Field names of the standard, by where they may appear. Any other key is a user extension.
EVENT_TERMS = frozenset(
    {
        "@context", "type", "eventID", "eventTime", "eventTimeZoneOffset", "recordTime", "certificationInfo",
        "errorDeclaration", "epcList", "quantityList", "action", "bizStep", "disposition",
        "persistentDisposition", "readPoint", "bizLocation", "bizTransactionList", "sourceList",
        "destinationList", "sensorElementList", "ilmd", "parentID", "childEPCs", "childQuantityList",
        "inputEPCList", "inputQuantityList", "outputEPCList", "outputQuantityList", "transformationID",
    }
)
LOCATION_TERMS = frozenset({"id"})
ERROR_DECLARATION_TERMS = frozenset({"declarationTime", "reason", "correctiveEventIDs"})
SENSOR_ELEMENT_TERMS = frozenset({"sensorMetadata", "sensorReport", "type"})  # type: the JSON-LD @type alias
SENSOR_METADATA_TERMS = frozenset(
    {"time", "deviceID", "deviceMetadata", "rawData", "startTime", "endTime", "dataProcessingMethod", "bizRules"}
)
SENSOR_REPORT_TERMS = frozenset(
    {
        "type", "exception", "deviceID", "deviceMetadata", "rawData", "dataProcessingMethod", "bizRules", "time",
        "microorganism", "chemicalSubstance", "coordinateReferenceSystem", "value", "component", "stringValue",
        "booleanValue", "hexBinaryValue", "uriValue", "minValue", "maxValue", "meanValue", "sDev", "percRank",
        "percValue", "uom",
    }
)

# Fields whose value is a set: JSON-LD lets a single value stand for a one-element array.
LIST_TERMS = frozenset(
    {
        "epcList", "quantityList", "childEPCs", "childQuantityList", "inputEPCList", "inputQuantityList",
        "outputEPCList", "outputQuantityList", "bizTransactionList", "sourceList", "destinationList",
        "sensorElementList", "sensorReport", "correctiveEventIDs",
    }
)

# Prefixes the standard EPCIS 2.0 context itself declares.
STANDARD_PREFIXES = {
    "epcis": "https://ref.gs1.org/epcis/",
    "cbv": "https://ref.gs1.org/cbv/",
    "cbvmda": "urn:epcglobal:cbv:mda:",
    "gs1": "https://gs1.org/voc/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dcterms": "http://purl.org/dc/terms/",
}


class UndeclaredTerm(ValueError):
    """A key that is neither an EPCIS term nor expandable with the context in force."""

    def __init__(self, reason: str, pointer: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.pointer = pointer


def read_json(data: bytes, source: str) -> ParsedDocument:
    """Parse a JSON / JSON-LD EPCIS document into raw events (JSON form), each with its JSON pointer."""
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        reason = f"{source}: not valid JSON ({exc.msg} at {where})"
        recovered = _events_before_break(data)
        if recovered is None:
            raise InvalidDocument(reason, where) from exc
        context, pointer, events = recovered
        parsed = ParsedDocument("json", "EPCISDocument", _read_events(events, pointer, context_terms(context)))
        parsed.broken, parsed.broken_at = reason, where
        return parsed
    if isinstance(document, list):
        return ParsedDocument("json", "eventList", _read_events(document, "", {}))
    if not isinstance(document, dict):
        raise InvalidDocument(f"{source}: an EPCIS document must be a JSON object or a list of events", "/")
    context = context_terms(document.get("@context"))
    kind = document.get("type")
    if kind in EVENT_TYPES:
        return ParsedDocument("json", "eventList", _read_events([document], None, context))
    if kind == "EPCISDocument":
        body_path = ("epcisBody", "eventList")
    elif kind == "EPCISQueryDocument":
        body_path = ("epcisBody", "queryResults", "resultsBody", "eventList")
    else:
        raise InvalidDocument(
            f"{source}: root 'type' is {kind!r}; expected EPCISDocument, EPCISQueryDocument or an event type",
            "/type",
        )
    events: Any = document
    pointer = ""
    for step in body_path:
        if not isinstance(events, dict) or step not in events:
            raise InvalidDocument(f"{source}: {kind} has no {pointer or '/'}/{step}", pointer or "/")
        events = events[step]
        pointer += "/" + step
    if not isinstance(events, list):
        raise InvalidDocument(f"{source}: {pointer} must be a list of events", pointer)
    header = {key: document[key] for key in ("id", "creationDate", "schemaVersion", "sender", "receiver",
                                              "instanceIdentifier") if key in document}
    namespaces = {p: iri for p, iri in context.items() if p not in STANDARD_PREFIXES and _is_namespace(iri)}
    return ParsedDocument("json", kind, _read_events(events, pointer, context), header, namespaces)


_EVENT_LIST = re.compile(rb'"eventList"\s*:\s*\[')
_CONTEXT = re.compile(rb'"@context"\s*:\s*')


def _events_before_break(data: bytes) -> tuple[Any, str, list[Any]] | None:
    """For a document that breaks off part-way: its @context and the complete events before the break.

    Only the events of an EPCISDocument's epcisBody/eventList are recovered (None when there are none).
    """
    text = data.decode("utf-8", errors="replace")
    body = _EVENT_LIST.search(data)
    if body is None or b'"EPCISDocument"' not in data[: body.start()]:
        return None
    decoder = json.JSONDecoder()
    context = None
    found = _CONTEXT.search(data, 0, body.start())
    if found:
        try:
            context = decoder.raw_decode(text, len(data[: found.end()].decode("utf-8", errors="replace")))[0]
        except ValueError:
            context = None
    events: list[Any] = []
    position = len(data[: body.end()].decode("utf-8", errors="replace"))
    while True:
        while position < len(text) and text[position] in " \t\r\n,":
            position += 1
        try:
            event, position = decoder.raw_decode(text, position)
        except ValueError:
            break
        events.append(event)
    return (context, "/epcisBody/eventList", events) if events else None


def context_terms(context: Any) -> dict[str, str]:
    """Prefixes and term IRIs declared by a JSON-LD @context (URLs of remote contexts are not fetched)."""
    terms = dict(STANDARD_PREFIXES)
    for entry in context if isinstance(context, list) else [context]:
        if not isinstance(entry, dict):
            continue
        for term, definition in entry.items():
            if term.startswith("@"):
                continue
            if isinstance(definition, dict):
                definition = definition.get("@id")
            if isinstance(definition, str) and ":" in definition:
                terms[term] = definition
    return terms


def _is_namespace(iri: str) -> bool:
    return iri.endswith(("/", "#", ":"))


def _read_events(events: list[Any], pointer: str | None, context: dict[str, str]) -> list[RawEvent]:
    out = []
    for index, event in enumerate(events):
        location = "" if pointer is None else f"{pointer}/{index}"
        raw = orjson.dumps(event).decode()
        if not isinstance(event, dict):
            out.append(RawEvent(index, location, raw, None, error="an event must be a JSON object",
                                error_pointer=""))
            continue
        try:
            data = expand_event(event, context)
        except UndeclaredTerm as exc:
            out.append(RawEvent(index, location, raw, None, error=exc.reason, error_pointer=exc.pointer))
            continue
        out.append(RawEvent(index, location, raw, data))
    return out


def expand_event(event: dict[str, Any], context: dict[str, str]) -> dict[str, Any]:
    """Rewrite the extension keys of one event in Clark notation, using the document's and the event's context."""
    if "@context" in event:
        context = {**context, **context_terms(event["@context"])}
    out: dict[str, Any] = {}
    for key, value in event.items():
        if key == "@context":
            continue
        if key == "id" and "eventID" not in event:  # the context maps both `id` and `eventID` to @id
            key = "eventID"
        if key in LIST_TERMS and not isinstance(value, list):
            value = [value]
        if key not in EVENT_TERMS:
            out[expand_key(key, context, "")] = _expand_extension(value, context, "/" + _escape(key))
        elif key in ("readPoint", "bizLocation"):
            out[key] = _expand_object(value, LOCATION_TERMS, context, "/" + key)
        elif key == "errorDeclaration":
            out[key] = _expand_object(value, ERROR_DECLARATION_TERMS, context, "/" + key)
        elif key == "persistentDisposition" and isinstance(value, dict):
            out[key] = {k: v if isinstance(v, list) else [v] for k, v in value.items()}
        elif key == "ilmd":
            out[key] = _expand_object(value, frozenset(), context, "/ilmd")
        elif key == "sensorElementList" and isinstance(value, list):
            out[key] = [_expand_sensor_element(e, context, f"/sensorElementList/{i}") for i, e in enumerate(value)]
        else:
            out[key] = value
    return out


def _expand_sensor_element(element: Any, context: dict[str, str], pointer: str) -> Any:
    if not isinstance(element, dict):
        return element
    out = _expand_object(element, SENSOR_ELEMENT_TERMS, context, pointer)
    if isinstance(out.get("sensorMetadata"), dict):
        out["sensorMetadata"] = _expand_object(
            out["sensorMetadata"], SENSOR_METADATA_TERMS, context, pointer + "/sensorMetadata"
        )
    if isinstance(out.get("sensorReport"), list):
        out["sensorReport"] = [
            _expand_object(r, SENSOR_REPORT_TERMS, context, f"{pointer}/sensorReport/{i}")
            for i, r in enumerate(out["sensorReport"])
        ]
    return out


def _expand_object(value: Any, terms: frozenset[str], context: dict[str, str], pointer: str) -> Any:
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        if key in LIST_TERMS and not isinstance(item, list):
            item = [item]
        if key in terms or key.startswith("@"):
            out[key] = item
        else:
            out[expand_key(key, context, pointer)] = _expand_extension(item, context, f"{pointer}/{_escape(key)}")
    return out


def _expand_extension(value: Any, context: dict[str, str], pointer: str) -> Any:
    """Inside an extension's value, prefixed keys are expanded and bare local names kept as they are."""
    if isinstance(value, dict):
        return {
            (key if key.startswith("@") or ":" not in key and key not in context
             else expand_key(key, context, pointer)): _expand_extension(item, context, f"{pointer}/{_escape(key)}")
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_expand_extension(item, context, f"{pointer}/{i}") for i, item in enumerate(value)]
    return value


def expand_key(key: str, context: dict[str, str], pointer: str) -> str:
    """`ex:field` or a full IRI -> `{namespace}field`; raises UndeclaredTerm for an unknown bare name/prefix."""
    if key.startswith("{"):
        return key
    if key in context:
        return clark(context[key])
    prefix, sep, local = key.partition(":")
    where = f"{pointer}/{_escape(key)}"
    if not sep:
        raise UndeclaredTerm(
            f"unknown field {key!r}: not an EPCIS term, and user extensions need a namespace prefix "
            "declared in @context",
            where,
        )
    if local.startswith("//") or prefix in ("urn", "http", "https"):
        return clark(key)
    if prefix not in context:
        raise UndeclaredTerm(f"prefix {prefix!r} of field {key!r} is not declared in @context", where)
    return "{" + context[prefix] + "}" + local


def clark(iri: str) -> str:
    """Split a full IRI after its last '/', '#' or ':' into `{namespace}local`."""
    cut = max(iri.rfind("/"), iri.rfind("#"), iri.rfind(":")) + 1
    return "{" + iri[:cut] + "}" + iri[cut:]


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")
