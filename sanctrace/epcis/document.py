"""What a reader hands on: a parsed document and its events, each with where it was found."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class RawEvent:
    """One event as read from a document, before validation.

    `location` is a JSON pointer into the document for JSON input ("/epcisBody/eventList/3"), an XPath for
    XML input ("/epcis:EPCISDocument/EPCISBody/EventList/ObjectEvent[2]"). `data` is the event in JSON form
    (see the package docstring) or None when the reader could not convert it, in which case `error` says why
    and `error_pointer` points inside the event.
    """

    index: int
    location: str
    raw: str
    data: dict[str, Any] | None
    line: int | None = None
    error: str | None = None
    error_pointer: str | None = None


@dataclass(slots=True)
class ParsedDocument:
    """A whole EPCIS document: `kind` is EPCISDocument, EPCISQueryDocument or eventList (a bare list)."""

    format: str  # "json" | "xml-2.0" | "xml-1.2"
    kind: str
    events: list[RawEvent]
    header: dict[str, Any] = field(default_factory=dict)  # id, creationDate, schemaVersion, sender, receiver
    namespaces: dict[str, str] = field(default_factory=dict)  # prefix -> IRI of user extensions
    # Set when the document breaks off (truncated, or malformed part-way): `events` then holds the complete
    # events read before the break, and these say why and where it broke.
    broken: str | None = None
    broken_at: str | None = None
