"""From the bytes of one EPCIS document to checked events and explained rejections (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from sanctrace.epcis.document import ParsedDocument
from sanctrace.epcis.jsonld import read_json
from sanctrace.epcis.model import Event
from sanctrace.epcis.normalise import normalise_event
from sanctrace.epcis.xml import read_xml
from sanctrace.errors import InvalidDocument, InvalidEvent

_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class Rejection:
    """Why one record (or a whole document, index None) was refused, and where it is."""

    source: str
    reason: str
    index: int | None = None  # event index in the document / data row number in a CSV
    line: int | None = None
    location: str | None = None  # where the record is in the document (JSON pointer / XPath / "row 12")
    pointer: str | None = None  # where the fault is (JSON pointer / XPath), from the document root
    raw: str | None = None

    def describe(self) -> str:
        where = [self.source]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.index is not None:
            where.append(f"record {self.index}")
        if self.pointer:
            where.append(self.pointer)
        elif self.location:
            where.append(self.location)
        return f"{':'.join(where)}: {self.reason}"


@dataclass(slots=True)
class CheckedDocument:
    parsed: ParsedDocument
    events: list[Event]
    rejections: list[Rejection]


def read_document(data: bytes, source: str) -> ParsedDocument:
    """Detect the syntax (JSON or XML) and parse; raises InvalidDocument when the document can't be read."""
    data = data.removeprefix(_BOM)
    head = data.lstrip()[:1]
    if head in (b"{", b"["):
        return read_json(data, source)
    if head == b"<":
        return read_xml(data, source)
    if not head:
        raise InvalidDocument(f"{source}: the document is empty", "")
    raise InvalidDocument(f"{source}: neither JSON nor XML (first character {head.decode(errors='replace')!r})",
                          "line 1 column 1")


def check_document(data: bytes, source: str) -> CheckedDocument:
    """Parse a document and check every event; good events and rejections are both returned."""
    parsed = read_document(data, source)
    events: list[Event] = []
    rejections: list[Rejection] = []
    for raw in parsed.events:
        if raw.data is None:
            reason, pointer = raw.error or "the event could not be read", raw.error_pointer or ""
            if parsed.format == "json" or not pointer.startswith("/"):
                pointer = absolute_pointer(parsed.format, raw.location, pointer)
            rejections.append(Rejection(source, reason, raw.index, raw.line, raw.location, pointer, raw.raw))
            continue
        try:
            events.append(normalise_event(raw.data))
        except InvalidEvent as exc:
            pointer = absolute_pointer(parsed.format, raw.location, exc.pointer)
            rejections.append(Rejection(source, exc.detail, raw.index, raw.line, raw.location, pointer, raw.raw))
    return CheckedDocument(parsed, events, rejections)


def absolute_pointer(format: str, location: str, pointer: str) -> str:
    """Where a fault is, from the document root: a JSON pointer, or for XML the event's XPath and the field."""
    if format == "json":
        return location + pointer
    return f"{location} (field {pointer})" if pointer else location
