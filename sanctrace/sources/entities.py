"""FollowTheMoney entities as JSON lines, checked with the followthemoney library (pure).

Each line is one entity `{"id": ..., "schema": ..., "properties": {...}}` (extra keys such as `datasets`,
`referents`, `first_seen` are kept). An entity is rejected, with its line number, when its schema is unknown,
it has no id, a property does not exist on its schema, or a value is not valid for the property's type.

Custody data names parties by URI (a PGLN as `urn:epc:id:pgln:...` or its Digital Link, a distributor's
customer URL), which FollowTheMoney's entity ids do not allow: a reference to another entity (an Ownership's
owner and asset, a Directorship's director...) may be such a URI too. `canonical_references` puts an entity's id
and references in the canonical form events use.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson
from followthemoney import model, registry
from followthemoney.exc import InvalidData
from followthemoney.proxy import EntityProxy

from sanctrace.epcis.capture import Rejection
from sanctrace.errors import SanctraceError
from sanctrace.identifiers import canonical_uri

_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")


def is_reference(value: str) -> bool:
    """A reference to another entity: a FollowTheMoney entity id, or a URI (a party as custody data names it)."""
    return registry.entity.clean(value) is not None or bool(_URI.match(value))


def uri_references(entity: dict[str, Any]) -> dict[str, list[str]]:
    """The references of an entity (as a dict) that are URIs rather than FollowTheMoney ids, by property: a
    FollowTheMoney proxy drops them, so they are carried beside it."""
    found: dict[str, list[str]] = {}
    for name, values in _reference_properties(entity):
        uris = [v for v in (values if isinstance(values, list) else [values])
                if isinstance(v, str) and registry.entity.clean(v) is None and _URI.match(v)]
        if uris:
            found[name] = uris
    return found


def with_references(body: dict[str, Any], *references: dict[str, list[str]]) -> dict[str, Any]:
    """An entity body (a proxy's dict) with URI references put back, each value once."""
    properties = dict(body.get("properties") or {})
    for refs in references:
        for name, values in refs.items():
            properties[name] = list(dict.fromkeys([*properties.get(name, []), *values]))
    return {**body, "properties": properties}


def canonical_references(entity: dict[str, Any]) -> dict[str, Any]:
    """The entity with its id and every reference to another entity in the canonical form events use (a PGLN
    URN as its Digital Link); the id as given is kept in `ids`. Unchanged when nothing is a GS1 identifier."""
    properties = entity.get("properties") or {}
    changed: dict[str, list[Any]] = {}
    for name, values in _reference_properties(entity):
        if not isinstance(values, list):
            continue
        canonical = [_canonical(v) if isinstance(v, str) else v for v in values]
        if canonical != values:
            changed[name] = canonical
    identifier = _canonical(entity["id"])
    if identifier == entity["id"] and not changed:
        return entity
    out = {**entity, "properties": {**properties, **changed}}
    if identifier != entity["id"]:
        out.update(id=identifier, ids=[entity["id"]])
    return out


def _reference_properties(entity: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """(property, values) of an entity's properties that refer to other entities (by its schema)."""
    schema = model.get(entity.get("schema") or "")
    if schema is None:
        return
    for name, values in (entity.get("properties") or {}).items():
        prop = schema.get(name)
        if prop is not None and prop.type == registry.entity:
            yield name, values


def _canonical(value: str) -> str:
    try:
        return canonical_uri(value)
    except SanctraceError:
        return value


@dataclass(slots=True)
class CheckedEntities:
    entities: list[EntityProxy]
    extras: list[dict[str, Any]]  # non-FtM keys of each entity's line (datasets, referents...), kept as given
    rejections: list[Rejection]
    references: list[dict[str, list[str]]] = field(default_factory=list)  # URI references the proxies drop


def check_entity(data: Any) -> EntityProxy:
    """One entity dict to a proxy; raises InvalidData with the reason."""
    if not isinstance(data, dict):
        raise InvalidData("an entity must be a JSON object")
    if not data.get("id"):
        raise InvalidData("the entity has no id")
    schema = model.get(data.get("schema") or "")
    if schema is None:
        raise InvalidData(f"unknown FollowTheMoney schema {data.get('schema')!r}")
    properties = data.get("properties") or {}
    if not isinstance(properties, dict):
        raise InvalidData("properties must be an object of lists")
    for name, values in properties.items():
        prop = schema.get(name)
        if prop is None:
            raise InvalidData(f"{schema.name} has no property {name!r}")
        for value in values if isinstance(values, list) else [values]:
            valid = is_reference(str(value)) if prop.type == registry.entity else \
                prop.type.clean(value, proxy=None) is not None
            if not valid:
                raise InvalidData(f"{name}: {value!r} is not a valid {prop.type.name}")
    return model.get_proxy({"id": data["id"], "schema": schema.name, "properties": properties}, cleaned=False)


def read_entities(data: bytes, source: str) -> CheckedEntities:
    entities: list[EntityProxy] = []
    extras: list[dict[str, Any]] = []
    rejections: list[Rejection] = []
    references: list[dict[str, list[str]]] = []
    for number, line in enumerate(data.removeprefix(b"\xef\xbb\xbf").splitlines(), start=1):
        if not line.strip():
            continue
        text = line.decode("utf-8", errors="replace")
        try:
            record = orjson.loads(line)
            proxy = check_entity(record)
        except orjson.JSONDecodeError as exc:
            rejections.append(Rejection(source, f"not valid JSON ({exc.msg})", number, number,
                                        f"line {number}", None, text))
            continue
        except InvalidData as exc:
            rejections.append(Rejection(source, str(exc), number, number, f"line {number}", None, text))
            continue
        entities.append(proxy)
        extras.append({k: v for k, v in record.items() if k not in ("id", "schema", "properties")})
        references.append(uri_references(record))
    return CheckedEntities(entities, extras, rejections, references)
