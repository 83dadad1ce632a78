"""FollowTheMoney entities as JSON lines, as OpenSanctions publishes its datasets (pure).

Every line must be a JSON object with an id, a known schema and properties of that schema; a line that is not
refuses the whole file (a partial list would delist the parties left out). Values that are not valid for their
property (a phone field holding three numbers) are dropped, as followthemoney's cleaning does.

A party is listed when a `Sanction` entity names it (its programme, listing date and authority id become the
listing) or when its `topics` include a sanction topic (`sanction`, `sanction.linked`...). The other entities of
the file (addresses, ownerships, directorships) are kept beside the parties, unlisted; `Sanction` entities are
read into the listings. The list is the file's dataset (the first `datasets` value), else the file name.
"""

from __future__ import annotations

from typing import Any

import orjson
from followthemoney import model
from followthemoney.proxy import EntityProxy

from sanctrace.errors import InvalidDocument
from sanctrace.screening.parties import Listing
from sanctrace.sources.lists.common import iso_date
from sanctrace.sources.lists.model import ListedRecord, SanctionsList


def _first(entity: EntityProxy, *props: str) -> str | None:
    for prop in props:
        values = entity.get(prop, quiet=True)
        if values:
            return values[0]
    return None


def _sanction_listings(sanctions: list[EntityProxy], list_id: str) -> dict[str, Listing]:
    listings: dict[str, Listing] = {}
    for sanction in sanctions:
        for party in sanction.get("entity"):
            listings.setdefault(party, Listing(
                list_id, _first(sanction, "program", "programId", "authority"),
                iso_date(_first(sanction, "listingDate", "startDate", "date")),
                _first(sanction, "authorityId", "unscId", "recordId") or sanction.id))
    return listings


def _is_sanctioned(entity: EntityProxy, extra: dict[str, object]) -> bool:
    topics = entity.get("topics", quiet=True)
    return any(topic.startswith("sanction") for topic in topics) or extra.get("target") is True


def _entity(line: bytes, number: int, source: str) -> tuple[EntityProxy, dict[str, Any]]:
    where = f"line {number}"
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        raise InvalidDocument(f"{source}: line {number} is not valid JSON ({exc.msg})", where) from None
    if not isinstance(record, dict) or not record.get("id"):
        raise InvalidDocument(f"{source}: line {number} is not an entity with an id", where)
    schema = model.get(record.get("schema") or "")
    if schema is None:
        raise InvalidDocument(f"{source}: line {number} (entity {record['id']}) has an unknown schema "
                              f"{record.get('schema')!r}", where)
    entity = model.make_entity(schema.name)
    entity.id = str(record["id"])
    for prop, values in (record.get("properties") or {}).items():
        if schema.get(prop) is None:
            raise InvalidDocument(f"{source}: line {number} (entity {entity.id}): {schema.name} has no property "
                                  f"{prop!r}", where)
        entity.add(prop, values, quiet=True)
    return entity, {k: v for k, v in record.items() if k not in ("id", "schema", "properties")}


def read_ftm(data: bytes, source: str) -> SanctionsList:
    read = [_entity(line, number, source) for number, line in enumerate(data.splitlines(), start=1)
            if line.strip()]
    datasets = next((extra["datasets"] for _, extra in read if extra.get("datasets")), None)
    stem = source.rsplit("/", 1)[-1].split(".", 1)[0]
    list_id = str(datasets[0]) if isinstance(datasets, list) and datasets else stem
    listings = _sanction_listings([entity for entity, _ in read if entity.schema.is_a("Sanction")], list_id)
    result = SanctionsList(list_id, list_id, "ftm-jsonl")
    for entity, extra in read:
        if entity.schema.is_a("Sanction"):
            continue
        listing = listings.get(entity.id or "")
        if listing is None and _is_sanctioned(entity, extra):
            listing = Listing(list_id, None, iso_date(str(extra.get("first_seen") or "")[:10]), entity.id)
        result.records.append(ListedRecord(entity, listing))
    return result
