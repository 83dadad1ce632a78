"""Event queries: the EPCIS simple event query's most used parameters, given as users write them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sanctrace.epcis.normalise import parse_time
from sanctrace.epcis.writer import write_document
from sanctrace.errors import InvalidEvent, InvalidInput
from sanctrace.identifiers import canonical_uri
from sanctrace.store import EventFilter, Store
from sanctrace.vocab import canonical_cbv


@dataclass(frozen=True, slots=True)
class EventQuery:
    """Query parameters as written by a user: identifiers in any GS1 form, CBV values in any spelling."""

    event_types: tuple[str, ...] = ()
    biz_steps: tuple[str, ...] = ()
    dispositions: tuple[str, ...] = ()
    epcs: tuple[str, ...] = ()
    epc_classes: tuple[str, ...] = ()
    parent_ids: tuple[str, ...] = ()
    input_epcs: tuple[str, ...] = ()
    output_epcs: tuple[str, ...] = ()
    any_epcs: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  # "TYPE=PARTY", e.g. owning_party=urn:epc:id:pgln:...
    destinations: tuple[str, ...] = ()
    parties: tuple[str, ...] = ()
    since: str | None = None  # GE_eventTime
    until: str | None = None  # LT_eventTime
    include_retracted: bool = False
    limit: int | None = None


def _ids(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(canonical_uri(v) for v in values)


def _typed(values: tuple[str, ...], option: str) -> tuple[tuple[str, str], ...]:
    out = []
    for value in values:
        kind, sep, party = value.partition("=")
        if not sep or not kind or not party:
            raise InvalidInput(f"{option} expects TYPE=PARTY (e.g. owning_party=urn:epc:id:pgln:...), got {value!r}")
        out.append((canonical_cbv("sourceDestType", kind), canonical_uri(party)))
    return tuple(out)


def _time(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    text = value if "T" in value else value + "T00:00:00Z"
    try:
        return parse_time(text, option, "+00:00")
    except InvalidEvent as exc:
        raise InvalidInput(f"{option}: {exc.detail}") from None


def to_filter(q: EventQuery) -> EventFilter:
    return EventFilter(
        event_types=q.event_types,
        biz_steps=tuple(canonical_cbv("bizStep", v) for v in q.biz_steps),
        dispositions=tuple(canonical_cbv("disposition", v) for v in q.dispositions),
        match_epc=_ids(q.epcs), match_epc_class=_ids(q.epc_classes), match_parent_id=_ids(q.parent_ids),
        match_input_epc=_ids(q.input_epcs), match_output_epc=_ids(q.output_epcs), match_any_epc=_ids(q.any_epcs),
        sources=_typed(q.sources, "--source"), destinations=_typed(q.destinations, "--destination"),
        party=_ids(q.parties), ge_event_time=_time(q.since, "--since"), lt_event_time=_time(q.until, "--until"),
        include_retracted=q.include_retracted, limit=q.limit,
    )


def query_events(store: Store, query: EventQuery) -> list[dict[str, Any]]:
    return store.query_events(to_filter(query))


def events_document(store: Store, rows: list[dict[str, Any]], created: datetime) -> dict[str, Any]:
    """The queried events as a valid EPCIS 2.0 JSON-LD document."""
    return write_document([(row["event_id"], row["body"]) for row in rows], created, store.namespaces())
