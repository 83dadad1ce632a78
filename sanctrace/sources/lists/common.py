"""Helpers every list reader shares: XML parsing with located errors, dates, countries, entity building (pure)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from followthemoney import model
from followthemoney.proxy import EntityProxy
from followthemoney.types import registry
from lxml import etree

from sanctrace.errors import InvalidDocument

_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d %b %Y", "%d %B %Y", "%d.%m.%Y", "%m/%d/%Y", "%Y-%m-%dT%H:%M:%S")
_YEAR = re.compile(r"^\d{4}$")
_SPACES = re.compile(r"\s+")


def parse_xml(data: bytes, source: str) -> etree._Element:
    """The root element; InvalidDocument with line and column when the XML is broken."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_comments=True)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (None, None)
        raise InvalidDocument(f"{source}: not well-formed XML: {exc.msg}", f"line {line} column {column}") from None


def local_name(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def text(value: str | None) -> str | None:
    """A value with its whitespace collapsed; None when empty or OFAC's "-0-"."""
    if value is None:
        return None
    cleaned = _SPACES.sub(" ", value).strip()
    return cleaned if cleaned and cleaned != "-0-" else None


def iso_date(value: str | None) -> str | None:
    """A date in any of the lists' spellings as ISO 8601 (a year alone stays a year); None if unreadable."""
    value = text(value)
    if not value:
        return None
    if _YEAR.match(value):
        return value
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def country_code(value: str | None) -> str | None:
    """An ISO 3166 alpha-2 code (lower case) from a code, ISO 3-letter code, name or demonym."""
    value = text(value)
    return registry.country.clean(value) if value else None


def new_entity(schema: str, entity_id: str) -> EntityProxy:
    entity = model.make_entity(schema)
    entity.id = entity_id
    return entity


def add(entity: EntityProxy, prop: str, values: str | None | Iterable[str | None]) -> None:
    """Add cleaned values to a property, silently leaving out empty or invalid ones."""
    if values is None or isinstance(values, str):
        values = [values]
    for value in values:
        cleaned = text(value)
        if cleaned:
            entity.add(prop, cleaned, quiet=True, fuzzy=True)


def join(*parts: str | None, separator: str = " ") -> str | None:
    """The non-empty parts joined; None when there is none."""
    kept = [p for p in (text(part) for part in parts) if p]
    return separator.join(kept) if kept else None
