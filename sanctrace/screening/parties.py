"""Listed parties and screening queries, in the form the matcher compares (pure).

A `Party` is a FollowTheMoney entity (a person, company, organisation, vessel...) reduced to what screening
compares: its names analysed once, its countries, identifiers, birth dates and addresses, and the list entries
that make it a listed party. A `Query` is one name to screen, with what else the caller knows about it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from followthemoney import model
from followthemoney.names import PART_TAG_PROPS
from followthemoney.schema import Schema
from followthemoney.types import registry
from rigour.names import NamePartTag, NameTypeTag

from sanctrace.errors import InvalidInput
from sanctrace.screening.names import AnalysedName, analyse_name, analyse_names, name_kind

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


@cache
def _tags(enum: Any) -> dict[str, Any]:
    """rigour's tags by their value ("PER" -> NameTypeTag.PER)."""
    return {getattr(enum, name).value: getattr(enum, name) for name in dir(enum) if name.isupper()}


class NameSet(Sequence[AnalysedName]):
    """A party's names, analysed: at once when the party is made, or — for a party read back from a saved index
    — each name when it is first asked for (most never are: blocking finds a few names per query)."""

    __slots__ = ("kind", "texts", "part_tags", "_analysed")

    def __init__(self, kind: NameTypeTag, texts: Sequence[str], part_tags: Mapping[NamePartTag, Sequence[str]],
                 analysed: Sequence[AnalysedName] | None = None) -> None:
        self.kind = kind
        self.texts = tuple(texts)  # one per name, as analysed (distinct comparable forms)
        self.part_tags = part_tags
        self._analysed: list[AnalysedName | None] = list(analysed) if analysed is not None else [None] * len(texts)

    @classmethod
    def analyse(cls, kind: NameTypeTag, texts: Sequence[str],
                part_tags: Mapping[NamePartTag, Sequence[str]]) -> NameSet:
        names = analyse_names(kind, texts, part_tags)
        return cls(kind, [name.original for name in names], part_tags, names)

    def __len__(self) -> int:
        return len(self.texts)

    def __getitem__(self, position: int) -> AnalysedName:  # type: ignore[override]
        name = self._analysed[position]
        if name is None:
            name = analyse_name(self.kind, self.texts[position], self.part_tags)
            if name is None:  # analysed alike when the index was saved, or the index would not be read back
                raise ValueError(f"name {self.texts[position]!r} no longer analyses")
            self._analysed[position] = name
        return name

    def __iter__(self) -> Iterator[AnalysedName]:
        return (self[position] for position in range(len(self.texts)))

    def state(self) -> tuple[str, tuple[str, ...], dict[str, list[str]]]:
        """What makes the names again: plain values (for a saved index)."""
        return self.kind.value, self.texts, {tag.value: list(values) for tag, values in self.part_tags.items()}

    @classmethod
    def from_state(cls, state: tuple[str, Sequence[str], Mapping[str, Sequence[str]]]) -> NameSet:
        kind, texts, part_tags = state
        part_tag = _tags(NamePartTag)
        return cls(_tags(NameTypeTag)[kind], texts, {part_tag[tag]: values for tag, values in part_tags.items()})


@dataclass(frozen=True, slots=True)
class Party:
    """A listed party as the screener holds it."""

    entity_id: str
    schema: Schema
    caption: str
    names: NameSet
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
    names = NameSet.analyse(name_kind(schema), texts, _part_tags(properties))
    if not names:
        return None
    identifiers = {normalise_identifier(value): prop for prop, value in _values(properties, schema, "identifier")
                   if len(normalise_identifier(value)) >= 4}
    all_addresses = [value for _, value in _values(properties, schema, "address")] + list(addresses)
    return Party(
        entity_id=entity["id"], schema=schema, caption=entity.get("caption") or texts[0], names=names,
        countries=_values_set(value.lower() for _, value in _values(properties, schema, "country")),
        identifiers=identifiers,
        birth_dates=_values_set(properties.get("birthDate", ())) if schema.get("birthDate") else NO_VALUES,
        addresses=_values_set(normalise_address(a) for a in all_addresses if a.strip()),
        listings=tuple(listings))


NO_VALUES: frozenset[str] = frozenset()


def _values_set(values: Iterable[str]) -> frozenset[str]:
    """The values as a frozenset, one shared empty set where there are none (most parties state no country, birth
    date or address: 128,000 empty sets in a 50,000-entity index, 28 MB, each a page a worker may copy)."""
    found = frozenset(values)
    return found if found else NO_VALUES


def party_state(party: Party) -> tuple[Any, ...]:
    """A party as plain values (for a saved index); `party_from_state` makes it again."""
    return (party.entity_id, party.schema.name, party.caption, party.names.state(), sorted(party.countries),
            dict(party.identifiers), sorted(party.birth_dates), sorted(party.addresses),
            [(listing.list_name, listing.programme, listing.listed_on, listing.record_id)
             for listing in party.listings])


def party_from_state(state: Sequence[Any]) -> Party:
    entity_id, schema, caption, names, countries, identifiers, birth_dates, addresses, listings = state
    return Party(entity_id, model.schemata[schema], caption, NameSet.from_state(names), _values_set(countries),
                 identifiers, _values_set(birth_dates), _values_set(addresses),
                 tuple(Listing(*listing) for listing in listings))


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


QUERY_NAMES_CACHED = 4096  # query names kept analysed, per kind


@lru_cache(maxsize=QUERY_NAMES_CACHED)
def query_names(kind: NameTypeTag, text: str) -> tuple[AnalysedName, ...]:
    """A query's name analysed for one kind of candidate (cached: a batch names one party many times, under
    several schemata — a LegalEntity query is also read as a person's name and as an organisation's)."""
    return tuple(analyse_names(kind, [text], query=True))


@cache
def compared_kind(query_schema: Schema, schema: Schema) -> NameTypeTag:
    """The kind of name a query of one schema is read as against a candidate of another (their common schema's)."""
    common = model.common_schema(query_schema, schema) if query_schema.can_match(schema) else schema
    return name_kind(common)


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
