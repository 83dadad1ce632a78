"""Listed parties and screening queries, in the form the matcher compares (pure).

A `Party` is a FollowTheMoney entity (a person, company, organisation, vessel...) reduced to what screening
compares: its names analysed once, its countries, identifiers, birth dates and addresses, and the list entries
that make it a listed party. A `Query` is one name to screen, with what else the caller knows about it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from followthemoney import model
from followthemoney.names import PART_TAG_PROPS
from followthemoney.schema import Schema
from followthemoney.types import registry
from rigour.names import NamePartTag, NameTypeTag

from sanctrace.errors import InvalidInput
from sanctrace.screening.names import AnalysedName, analyse_names, name_kind

_NOT_ALNUM = re.compile(r"[\W_]+")


def normalise_identifier(value: str) -> str:
    """Identifiers compared without case, spaces or punctuation: "RU 1027-7001" -> "RU10277001"."""
    return _NOT_ALNUM.sub("", value).upper()


def normalise_address(value: str) -> str:
    """Addresses compared without case or punctuation."""
    return " ".join(_NOT_ALNUM.sub(" ", value).lower().split())


@dataclass(frozen=True, slots=True)
class Listing:
    """Why a party is listed: the list, the programme, the listing date, the record on the list."""

    list_name: str
    programme: str | None = None
    listed_on: str | None = None
    record_id: str | None = None

    def describe(self) -> str:
        details = [d for d in (self.programme, self.listed_on and f"listed {self.listed_on}",
                               self.record_id and f"record {self.record_id}") if d]
        return f"{self.list_name} ({', '.join(details)})" if details else self.list_name

    def to_dict(self) -> dict[str, Any]:
        return {"list": self.list_name, "programme": self.programme, "listed_on": self.listed_on,
                "record_id": self.record_id}


@dataclass(frozen=True, slots=True)
class Party:
    """A listed party as the screener holds it."""

    entity_id: str
    schema: Schema
    caption: str
    names: tuple[AnalysedName, ...]
    countries: frozenset[str] = frozenset()
    identifiers: Mapping[str, str] = field(default_factory=dict)  # normalised value -> property it came from
    birth_dates: frozenset[str] = frozenset()
    addresses: frozenset[str] = frozenset()
    listings: tuple[Listing, ...] = ()


def _values(properties: Mapping[str, Sequence[str]], schema: Schema, type_name: str) -> list[tuple[str, str]]:
    return [(name, value) for name, values in properties.items()
            if (prop := schema.get(name)) is not None and prop.type.name == type_name for value in values]


def _part_tags(properties: Mapping[str, Sequence[str]]) -> dict[NamePartTag, list[str]]:
    tags: dict[NamePartTag, list[str]] = {}
    for prop, part_tags in PART_TAG_PROPS:
        for tag in part_tags:
            tags.setdefault(tag, []).extend(properties.get(prop, ()))
    return {tag: values for tag, values in tags.items() if values}


def party_from_entity(entity: Mapping[str, Any], listings: Iterable[Listing] = (),
                      addresses: Iterable[str] = ()) -> Party | None:
    """A Party from a FollowTheMoney entity dict; None when its schema has no names to screen.

    `addresses` adds the full text of Address entities the entity points to (resolved by the caller).
    """
    schema = model.get(entity.get("schema") or "")
    if schema is None or name_kind(schema) == NameTypeTag.UNK:
        return None
    properties: Mapping[str, Sequence[str]] = entity.get("properties") or {}
    texts = [value for _, value in _values(properties, schema, registry.name.name)]
    names = tuple(analyse_names(name_kind(schema), texts, _part_tags(properties)))
    if not names:
        return None
    identifiers = {normalise_identifier(value): prop for prop, value in _values(properties, schema, "identifier")
                   if len(normalise_identifier(value)) >= 4}
    all_addresses = [value for _, value in _values(properties, schema, "address")] + list(addresses)
    return Party(
        entity_id=entity["id"], schema=schema, caption=entity.get("caption") or texts[0], names=names,
        countries=frozenset(value.lower() for _, value in _values(properties, schema, "country")),
        identifiers=identifiers,
        birth_dates=frozenset(properties.get("birthDate", ())) if schema.get("birthDate") else frozenset(),
        addresses=frozenset(normalise_address(a) for a in all_addresses if a.strip()),
        listings=tuple(listings))


@dataclass(frozen=True, slots=True)
class Query:
    """One name to screen, with what else is known about it (all optional but the name)."""

    query_id: str
    name: str
    schema: str = "LegalEntity"
    country: str | None = None
    registration_number: str | None = None
    address: str | None = None
    birth_date: str | None = None

    @property
    def model_schema(self) -> Schema:
        return model.schemata.get(self.schema) or model.schemata["LegalEntity"]


class QueryNames:
    """The query's name analysed for each kind of candidate it meets (person, organisation...), once each."""

    def __init__(self, query: Query) -> None:
        self.query = query
        self.query_kind = name_kind(query.model_schema)
        self._by_kind: dict[NameTypeTag, list[AnalysedName]] = {}

    def for_kind(self, kind: NameTypeTag) -> list[AnalysedName]:
        if kind not in self._by_kind:
            self._by_kind[kind] = analyse_names(kind, [self.query.name], query=True)
        return self._by_kind[kind]

    def against(self, schema: Schema) -> list[AnalysedName]:
        """The query's names as they compare with a candidate of `schema`."""
        common = model.common_schema(self.query.model_schema, schema) if self.query.model_schema.can_match(schema) \
            else schema
        return self.for_kind(name_kind(common))


QUERY_COLUMNS = ("id", "schema", "name", "country")
OPTIONAL_QUERY_COLUMNS = ("registration_number", "address", "birth_date")
QUERY_SCHEMATA = ("LegalEntity", "Person", "Company", "Organization", "Vessel", "Airplane")


def read_queries(text: str, source: str) -> list[Query]:
    """Screening queries from CSV: `id,schema,name,country`, optionally `registration_number,address,birth_date`.

    An unknown column, a row without id or name, or a schema other than LegalEntity, Person, Company,
    Organization, Vessel or Airplane raises InvalidInput naming the row.
    """
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    header = [h.strip() for h in reader.fieldnames or ()]
    missing = [c for c in QUERY_COLUMNS if c not in header]
    unknown = [c for c in header if c not in QUERY_COLUMNS + OPTIONAL_QUERY_COLUMNS]
    if missing or unknown:
        raise InvalidInput(f"{source}: line 1: missing column(s) {', '.join(missing) or '-'}, unknown column(s) "
                           f"{', '.join(unknown) or '-'}; expected {','.join(QUERY_COLUMNS)} and optionally "
                           f"{','.join(OPTIONAL_QUERY_COLUMNS)}")
    queries = []
    for number, row in enumerate(reader, start=1):
        values = {key.strip(): (value or "").strip() for key, value in row.items() if key is not None}
        schema = values.get("schema") or "LegalEntity"
        if not values.get("id") or not values.get("name"):
            raise InvalidInput(f"{source}: row {number} (line {reader.line_num}) needs an id and a name")
        if schema not in QUERY_SCHEMATA:
            raise InvalidInput(f"{source}: row {number} (line {reader.line_num}): schema {schema!r} is not one of "
                               f"{', '.join(QUERY_SCHEMATA)}")
        queries.append(Query(values["id"], values["name"], schema, values.get("country") or None,
                             values.get("registration_number") or None, values.get("address") or None,
                             values.get("birth_date") or None))
    return queries
