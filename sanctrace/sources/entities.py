"""FollowTheMoney entities as JSON lines, checked with the followthemoney library (pure).

Each line is one entity `{"id": ..., "schema": ..., "properties": {...}}` (extra keys such as `datasets`,
`referents`, `first_seen` are kept). An entity is rejected, with its line number, when its schema is unknown,
it has no id, a property does not exist on its schema, or a value is not valid for the property's type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from followthemoney import model
from followthemoney.exc import InvalidData
from followthemoney.proxy import EntityProxy

from sanctrace.epcis.capture import Rejection


@dataclass(slots=True)
class CheckedEntities:
    entities: list[EntityProxy]
    extras: list[dict[str, Any]]  # non-FtM keys of each entity's line (datasets, referents...), kept as given
    rejections: list[Rejection]


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
            if prop.type.clean(value, proxy=None) is None:
                raise InvalidData(f"{name}: {value!r} is not a valid {prop.type.name}")
    return model.get_proxy({"id": data["id"], "schema": schema.name, "properties": properties}, cleaned=False)


def read_entities(data: bytes, source: str) -> CheckedEntities:
    entities: list[EntityProxy] = []
    extras: list[dict[str, Any]] = []
    rejections: list[Rejection] = []
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
    return CheckedEntities(entities, extras, rejections)
