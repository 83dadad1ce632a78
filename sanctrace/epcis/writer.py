"""Write stored events back as an EPCIS 2.0 JSON-LD document (pure).

Bodies are in canonical JSON form; writing back turns CBV web URIs into the bare words the standard JSON
context defines, and Clark-notation extension keys into `prefix:local` with the prefixes declared in the
document's @context (the reporters' own prefixes where known, generated ones otherwise). Identifiers stay
in their canonical GS1 Digital Link form, which EPCIS 2.0 allows everywhere an EPC URN is allowed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sanctrace.vocab import short_cbv

EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"


class _Prefixes:
    """Namespace IRI -> prefix, reusing the reporters' prefixes and inventing `ns1`, `ns2`... for the rest."""

    def __init__(self, known: dict[str, str]) -> None:
        self.by_namespace: dict[str, str] = {}
        self.known = {iri: prefix for prefix, iri in known.items()}
        self.used: dict[str, str] = {}

    def compact(self, key: str) -> str:
        if not key.startswith("{"):
            return key
        namespace, local = key[1:].split("}", 1)
        prefix = self.by_namespace.get(namespace)
        if prefix is None:
            wanted = self.known.get(namespace)
            prefix = wanted if wanted and wanted not in self.used else f"ns{len(self.used) + 1}"
            while prefix in self.used:
                prefix += "_"
            self.by_namespace[namespace] = prefix
            self.used[prefix] = namespace
        return f"{prefix}:{local}"


def _compact_value(value: Any, prefixes: _Prefixes) -> Any:
    if isinstance(value, dict):
        return {prefixes.compact(k): _compact_value(v, prefixes) for k, v in value.items()}
    if isinstance(value, list):
        return [_compact_value(v, prefixes) for v in value]
    return value


def event_to_jsonld(event_id: str, body: dict[str, Any], prefixes: _Prefixes) -> dict[str, Any]:
    """One canonical event body as it appears in an EPCIS 2.0 JSON-LD document.

    The event's identity in the ledger is written as its eventID (the CBV event hash when the reporter gave
    none), so that it survives the round trip even where canonical forms merge two spellings of one EPC.
    """
    out: dict[str, Any] = {"type": body["type"], "eventID": event_id}
    for key, value in body.items():
        if key in ("type", "eventID"):
            continue
        if key in ("bizStep", "disposition"):
            value = short_cbv(key, value)
        elif key == "persistentDisposition":
            value = {k: [short_cbv("disposition", d) for d in v] for k, v in value.items()}
        elif key == "bizTransactionList":
            value = [{**t, "type": short_cbv("bizTransactionType", t["type"])} if "type" in t else t for t in value]
        elif key in ("sourceList", "destinationList"):
            value = [{**t, "type": short_cbv("sourceDestType", t["type"])} for t in value]
        elif key == "errorDeclaration" and "reason" in value:
            value = {**value, "reason": short_cbv("errorReason", value["reason"])}
        out[prefixes.compact(key)] = _compact_value(value, prefixes)
    return out


def write_document(events: list[tuple[str, dict[str, Any]]], created: datetime,
                   namespaces: dict[str, str] | None = None, document_id: str | None = None) -> dict[str, Any]:
    """An EPCISDocument holding the given (event id, canonical body) pairs; `created` is the caller's clock."""
    prefixes = _Prefixes(namespaces or {})
    event_list = [event_to_jsonld(event_id, body, prefixes) for event_id, body in events]
    context: list[Any] = [EPCIS_CONTEXT]
    if prefixes.used:
        context.append(dict(sorted(prefixes.used.items())))
    document: dict[str, Any] = {"@context": context, "type": "EPCISDocument", "schemaVersion": "2.0",
                                "creationDate": created.astimezone(UTC).isoformat().replace("+00:00", "Z")}
    if document_id:
        document["id"] = document_id
    document["epcisBody"] = {"eventList": event_list}
    return document
