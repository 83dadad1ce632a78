"""The CBV 2.0 event hash: one fingerprint per EPCIS event, whichever syntax and spelling carried it.

`prehash_string` writes an event (JSON form, see the package docstring) as the canonical pre-hash string;
`event_hash` names its SHA-256 digest as an RFC 6920 `ni:` URI: `ni:///sha-256;<hex>?ver=CBV2.0`.

The pre-hash string is every field as `name=value`, concatenated without separators:

* `eventType`, then the standard fields in the canonical property order of CBV 2.0 (`_EVENT_FIELDS`); a
  field that holds others (a list, readPoint, a sensorElement...) writes its name once, then its contents;
* then everything else, each field written the same way and the strings sorted (case-sensitive, by code
  point): the business transaction, source and destination lists, `ilmd`, user extensions as
  `{namespace}localName`, and any standard field found where the canonical order has no place for it
  (written after the names of the fields enclosing it). This is where the reference hash vectors put them
  (the CBV table lists the three lists before sensorElementList; the vectors are what other
  implementations reproduce, so they win);
* inside a list, elements are sorted; inside readPoint, bizLocation and the sensor structures the user
  extensions follow the standard fields, sorted;
* values are trimmed; timestamps in UTC with milliseconds (`2020-03-04T10:00:30.000Z`, the 4th decimal
  rounding half up); numbers without trailing zeros (also numeric text: the reference hashes treat any
  value that reads as a number so); CBV values as web URIs, GS1 keys as canonical Digital Links, `cbv:` and
  `gs1:` CURIEs expanded;
* left out: eventID, recordTime, errorDeclaration, JSON-LD keywords and `rdfs:comment`, and the user
  extensions a document lists in its `ignoreFields` (passed as `ignore_fields`).

Values that break their syntax (a GS1 key with a bad check digit, an unknown CBV term) are hashed as
written: rejecting them is the validator's job, the hash stays defined for every event.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from sanctrace.errors import InvalidIdentifier, InvalidVocabulary
from sanctrace.identifiers import canonical_uri
from sanctrace.vocab import canonical_cbv, expand_cbv

HASH_VERSION = "CBV2.0"
EXCLUDED_FIELDS = frozenset({"type", "eventID", "recordTime", "errorDeclaration"})
RDFS_COMMENT = "{http://www.w3.org/2000/01/rdf-schema#}comment"
_XML_TEXT = "#text"  # text of an XML extension element that also has attributes (see sanctrace.epcis.xml)

_VALUE = "value"  # a plain value: trimmed, numbers, GS1 keys and CBV spellings canonicalised
_TIME = "time"  # a timestamp
# any other scalar kind is a vocabulary kind of sanctrace.vocab


@dataclass(frozen=True, slots=True)
class _Shape:
    """A field holding other fields, in canonical order.

    `item` names each element when the field is a list of objects ("" for unnamed elements); `wrapped` says
    whether the list's own name is written before its elements; `open` writes every other key inline, sorted
    (ilmd), where a closed shape writes only user extensions inline.
    """

    fields: tuple[tuple[str, _Kind], ...]
    item: str | None = None
    wrapped: bool = True
    open: bool = False


@dataclass(frozen=True, slots=True)
class _ValueList:
    """A list of plain values, each written as `item=value` (`epc` in epcList)."""

    item: str


_Kind = str | _Shape | _ValueList  # a str is _VALUE, _TIME or a vocabulary kind
_EPCS = _ValueList("epc")
_QUANTITIES = _Shape((("epcClass", _VALUE), ("quantity", _VALUE), ("uom", _VALUE)), item="quantityElement")
_LOCATION = _Shape((("id", _VALUE),))
_PERSISTENT_DISPOSITION = _Shape((("set", "disposition"), ("unset", "disposition")))
_SENSOR_METADATA = _Shape(
    (
        ("time", _TIME), ("startTime", _TIME), ("endTime", _TIME), ("deviceID", _VALUE),
        ("deviceMetadata", _VALUE), ("rawData", _VALUE), ("dataProcessingMethod", _VALUE),
        ("bizRules", _VALUE),
    )
)
_SENSOR_REPORTS = _Shape(
    (
        ("type", "measurementType"), ("exception", "sensorAlertType"), ("deviceID", _VALUE),
        ("deviceMetadata", _VALUE), ("rawData", _VALUE), ("dataProcessingMethod", _VALUE), ("time", _TIME),
        ("microorganism", _VALUE), ("chemicalSubstance", _VALUE), ("value", _VALUE),
        ("component", "component"), ("stringValue", _VALUE), ("booleanValue", _VALUE),
        ("hexBinaryValue", _VALUE), ("uriValue", _VALUE), ("minValue", _VALUE), ("maxValue", _VALUE),
        ("meanValue", _VALUE), ("sDev", _VALUE), ("percRank", _VALUE), ("percValue", _VALUE), ("uom", _VALUE),
        ("coordinateReferenceSystem", _VALUE),
    ),
    item="sensorReport",
    wrapped=False,
)
_SENSOR_ELEMENTS = _Shape(
    (("sensorMetadata", _SENSOR_METADATA), ("sensorReport", _SENSOR_REPORTS)), item="sensorElement"
)

_EVENT_FIELDS = (
    ("eventTime", _TIME),
    ("eventTimeZoneOffset", _VALUE),
    ("certificationInfo", _VALUE),
    ("epcList", _EPCS),
    ("parentID", _VALUE),
    ("inputEPCList", _EPCS),
    ("childEPCs", _EPCS),
    ("quantityList", _QUANTITIES),
    ("childQuantityList", _QUANTITIES),
    ("inputQuantityList", _QUANTITIES),
    ("outputEPCList", _EPCS),
    ("outputQuantityList", _QUANTITIES),
    ("action", _VALUE),
    ("transformationID", _VALUE),
    ("bizStep", "bizStep"),
    ("disposition", "disposition"),
    ("persistentDisposition", _PERSISTENT_DISPOSITION),
    ("readPoint", _LOCATION),
    ("bizLocation", _LOCATION),
    ("sensorElementList", _SENSOR_ELEMENTS),
)
"""The canonical property order of CBV 2.0, as far as the reference hashes follow it."""

_TRAILING_FIELDS = {
    "bizTransactionList": _Shape((("type", "bizTransactionType"), ("bizTransaction", _VALUE)), item=""),
    "sourceList": _Shape((("type", "sourceDestType"), ("source", _VALUE)), item=""),
    "destinationList": _Shape((("type", "sourceDestType"), ("destination", _VALUE)), item=""),
    "ilmd": _Shape((), open=True),
}
"""Standard fields written among the trailing, sorted ones."""

_ORDERED_NAMES = frozenset(name for name, _ in _EVENT_FIELDS)


def event_hash(event: dict[str, Any], ignore_fields: Iterable[str] = ()) -> str:
    """The CBV 2.0 event hash of one event in JSON form: `ni:///sha-256;<hex>?ver=CBV2.0`."""
    digest = hashlib.sha256(prehash_string(event, ignore_fields).encode("utf-8")).hexdigest()
    return f"ni:///sha-256;{digest}?ver={HASH_VERSION}"


def prehash_string(event: dict[str, Any], ignore_fields: Iterable[str] = ()) -> str:
    """The canonical pre-hash string of one event in JSON form (see the module docstring)."""
    writer = _PreHashWriter()
    ordered = [f"eventType={event.get('type', '')}"]
    for name, kind in _EVENT_FIELDS:
        if name in event:
            ordered.append(writer.field(name, event[name], kind, ""))
    skipped = EXCLUDED_FIELDS | frozenset(ignore_fields)
    trailing = []
    for name, value in event.items():
        if name in _ORDERED_NAMES or name in skipped or _is_annotation(name):
            continue
        if name in _TRAILING_FIELDS:
            trailing.append(writer.field(name, value, _TRAILING_FIELDS[name], ""))
        else:
            trailing.extend(_extension(name, value))
    return "".join(ordered) + "".join(sorted(trailing + writer.leftovers))


class _PreHashWriter:
    """Writes fields; collects `leftovers`, standard fields found where the canonical order has no place."""

    def __init__(self) -> None:
        self.leftovers: list[str] = []

    def field(self, name: str, value: Any, kind: _Kind, path: str) -> str:
        """One field (with everything it holds), or "" when it holds nothing."""
        if isinstance(kind, _Shape):
            return self._structure(name, value, kind, path)
        if isinstance(kind, _ValueList):
            items = sorted(_scalars(kind.item, _as_list(value), _VALUE))
            return name + "".join(items) if items else ""
        return "".join(sorted(_scalars(name, _as_list(value), kind)))

    def _structure(self, name: str, value: Any, shape: _Shape, path: str) -> str:
        if shape.item is None:
            return self._object(name, value, shape, path)
        inner = path + (name if shape.wrapped else "")
        items = sorted(filter(None, (self._object(shape.item, v, shape, inner) for v in _as_list(value))))
        if not items:
            return ""
        return (name if shape.wrapped else "") + "".join(items)

    def _object(self, name: str, value: Any, shape: _Shape, path: str) -> str:
        """`name`, then the shape's fields in order, then the user extensions (sorted); "" when empty."""
        if not isinstance(value, dict):
            return "".join(_extension(name, value))
        inner = path + name
        parts = [self.field(key, value[key], kind, inner) for key, kind in shape.fields if key in value]
        known = {field for field, _ in shape.fields}
        inline: list[str] = []
        for key, item in value.items():
            if key in known or _is_annotation(key):
                continue
            if shape.open or key.startswith("{"):
                inline.extend(_extension(key, item))
            else:
                self.leftovers.extend(inner + text for text in _extension(key, item))
        body = "".join(parts) + "".join(sorted(inline))
        return name + body if body else ""


def _scalars(name: str, values: list[Any], kind: str) -> list[str]:
    texts = (_canonical_scalar(value, kind) for value in values)
    return [f"{name}={text}" for text in texts if text]


def _extension(name: str, value: Any) -> list[str]:
    """A user extension element (or any field without a canonical place): one string per occurrence."""
    if isinstance(value, list):
        return [text for item in value for text in _extension(name, item)]
    if isinstance(value, dict) and "@value" not in value:
        text = _canonical_scalar(value.get(_XML_TEXT), _VALUE)
        children = sorted(
            child
            for key, item in value.items()
            if key != _XML_TEXT and not _is_annotation(key)
            for child in _extension(key, item)
        )
        return [(f"{name}={text}" if text else name) + "".join(children)]
    text = _canonical_scalar(value, _VALUE)
    return [f"{name}={text}" if text else name]


def _is_annotation(key: str) -> bool:
    return key.startswith("@") or key == RDFS_COMMENT


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _canonical_scalar(value: Any, kind: str) -> str:
    if isinstance(value, dict):  # a JSON-LD value object
        value = value.get("@value")
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return _canonical_text(repr(value))
    text = str(value)
    if kind == _VALUE:
        return _canonical_text(text)
    if kind == _TIME:
        return _canonical_time(text)
    return _canonical_vocabulary(kind, text)


_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


@lru_cache(maxsize=1 << 16)
def _canonical_text(text: str) -> str:
    """A plain value: numbers without trailing zeros, CBV spellings as web URIs, GS1 keys as Digital Links."""
    text = text.strip()
    if _NUMBER.fullmatch(text):
        number = float(text)
        return str(int(number)) if number.is_integer() else repr(number)
    text = expand_cbv(text)
    try:
        return canonical_uri(text)
    except InvalidIdentifier:
        return text


@lru_cache(maxsize=4096)
def _canonical_vocabulary(kind: str, text: str) -> str:
    try:
        return canonical_cbv(kind, text)
    except InvalidVocabulary:
        return _canonical_text(text)


_TIMESTAMP = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)[Tt](\d\d):(\d\d):(\d\d)(?:[.,](\d+))?(?:([Zz])|([+-])(\d\d):?(\d\d))?"
)


@lru_cache(maxsize=1 << 16)
def _canonical_time(text: str) -> str:
    """An xsd:dateTime in UTC with milliseconds, the 4th decimal rounding half up; a naive time is UTC."""
    text = text.strip()
    match = _TIMESTAMP.fullmatch(text)
    if not match:
        return text
    year, month, day, hour, minute, second, fraction, _, sign, offset_hours, offset_minutes = match.groups()
    fraction = fraction or ""
    milliseconds = int((fraction + "000")[:3]) + (1 if fraction[3:4] >= "5" else 0)
    offset = timedelta(hours=int(offset_hours or 0), minutes=int(offset_minutes or 0))
    try:
        moment = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second))
        moment += timedelta(milliseconds=milliseconds) - (offset if sign != "-" else -offset)
    except (ValueError, OverflowError):
        return text
    return moment.isoformat(timespec="milliseconds") + "Z"
