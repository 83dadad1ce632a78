"""Capture operations: what `sanctrace ingest ...` and the API call. Each document is one transaction.

Every operation takes a Store, the inputs as (source name, bytes), and `now` (the capture time, given by
the caller: the core has no clock). It returns one `DocumentResult` per input. Rejected records go to the
quarantine table with the reason and where they are; the good records of the same document are kept unless
`strict`, in which case nothing of that document is written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from followthemoney import model

from sanctrace.epcis.capture import CheckedDocument, Rejection, check_document
from sanctrace.epcis.model import Event
from sanctrace.epcis.normalise import normalise_event
from sanctrace.errors import InvalidDocument, InvalidEvent, InvalidInput, SanctraceError
from sanctrace.sources.entities import read_entities, uri_references, with_references
from sanctrace.sources.sales import part_key, sales_event
from sanctrace.sources.tables import (
    PARTS_COLUMNS,
    RECOVERY_COLUMNS,
    SALES_COLUMNS,
    check_part_row,
    check_recovery_row,
    check_sales_row,
    read_table,
)
from sanctrace.store import QuarantineRow, Store

Progress = Callable[[int], None]  # called with the number of records just processed
Input = tuple[str, bytes]  # (source name as given, content)


@dataclass(slots=True)
class DocumentResult:
    source: str
    format: str
    document_id: str
    read: int = 0
    new: int = 0
    retracted: int = 0
    rejected: int = 0
    aborted: str | None = None  # why nothing of this document was written (unreadable / --strict)
    rejections: list[Rejection] = field(default_factory=list)

    @property
    def duplicates(self) -> int:
        if self.aborted is not None:
            return 0
        return self.read - self.new - sum(1 for r in self.rejections if r.index is not None)

    @property
    def ok(self) -> bool:
        return self.rejected == 0 and self.aborted is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source, "format": self.format, "document_id": self.document_id,
            "read": self.read, "new": self.new, "duplicates": self.duplicates, "retracted": self.retracted,
            "rejected": self.rejected, "aborted": self.aborted,
            "rejections": [r.describe() for r in self.rejections],
        }


def document_id(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _quarantine_rows(document: str, rejections: Sequence[Rejection]) -> list[QuarantineRow]:
    rows = []
    for r in rejections:
        key = hashlib.sha256(f"{document}\x00{r.location}\x00{r.index}\x00{r.reason}".encode()).hexdigest()
        rows.append(QuarantineRow(key, document, r.source, r.index, r.line, r.location, r.pointer, r.reason,
                                  r.raw))
    return rows


def _reject_document(store: Store, result: DocumentResult, rejection: Rejection, now: datetime) -> None:
    """Record why a whole document was refused; nothing else of it is written."""
    result.aborted = rejection.reason
    result.rejections.append(rejection)
    with store.transaction():
        store.quarantine(_quarantine_rows(result.document_id, [rejection]), now)


def _refused_as_strict(store: Store, result: DocumentResult, rejections: Sequence[Rejection], strict: bool,
                       now: datetime) -> bool:
    """Record the rejections on the result; under --strict, refuse the whole document at the first one."""
    result.rejected = len(rejections)
    result.rejections = list(rejections)
    if not (strict and rejections):
        return False
    first = rejections[0]
    _reject_document(store, result, Rejection(
        first.source, f"--strict: document refused at its first error: {first.reason}", first.index, first.line,
        first.location, first.pointer, first.raw), now)
    result.rejections = [result.rejections[-1]]
    return True


def _raw_text(data: bytes, limit: int = 1_000_000) -> str:
    text = data[:limit].decode("utf-8", errors="replace")
    return text if len(data) <= limit else text + f"\n... [{len(data) - limit} more bytes not kept]"


def _write(store: Store, result: DocumentResult, events: list[Event], rejections: list[Rejection],
           reporter: str | None, origin: str, fmt: str, kind: str | None, header: dict[str, Any],
           namespaces: dict[str, str], now: datetime, strict: bool, progress: Progress | None) -> None:
    """Write one document's events and rejections in one transaction (or refuse it whole under strict)."""
    if _refused_as_strict(store, result, rejections, strict, now):
        return
    with store.transaction():
        new_ids: list[str] = []
        batch = 5000
        for start in range(0, len(events), batch):
            chunk = events[start:start + batch]
            new_ids += store.insert_events(chunk, result.document_id, reporter, origin)
            if progress:
                progress(len(chunk))
        store.quarantine(_quarantine_rows(result.document_id, rejections), now)
        result.new = len(new_ids)
        result.retracted = sum(1 for e in events if e.error_declaration is not None)
        store.record_document(result.document_id, result.source, fmt, kind, reporter, header, namespaces, now,
                              result.read, result.new, result.rejected)
    if progress and rejections:
        progress(len(rejections))


def ingest_epcis(store: Store, inputs: Iterable[Input], now: datetime, strict: bool = False,
                 reporter: str | None = None, progress: Progress | None = None) -> list[DocumentResult]:
    """Capture EPCIS documents (JSON/JSON-LD or XML, 2.0 or 1.2)."""
    results = []
    for source, data in inputs:
        result = DocumentResult(source, "epcis", document_id(data))
        results.append(result)
        try:
            checked: CheckedDocument = check_document(data, source)
        except InvalidDocument as exc:
            _reject_document(store, result, Rejection(source, exc.detail, None, None, None, exc.location,
                                                      _raw_text(data)), now)
            continue
        parsed = checked.parsed
        result.format = parsed.format
        result.read = len(parsed.events)
        rejections = checked.rejections
        if parsed.broken:
            rejections = [*rejections, Rejection(
                source, f"{parsed.broken}; the {len(parsed.events)} complete event(s) before it were read, "
                "anything after it was not", None, None, None, parsed.broken_at, _raw_text(data))]
        who = reporter or parsed.header.get("sender") or _stem(source)
        _write(store, result, checked.events, rejections, who, "epcis", parsed.format, parsed.kind, parsed.header,
               parsed.namespaces, now, strict, progress)
    return results


def ingest_sales(store: Store, inputs: Iterable[Input], now: datetime, strict: bool = False,
                 reporter: str | None = None, progress: Progress | None = None) -> list[DocumentResult]:
    """Capture sales ledgers: each row becomes a shipping event from seller to buyer for that lot."""
    catalogue = {part_key(p["manufacturer"], p["part_number"]): p["gtin"] for p in store.parts()}
    results = []
    for source, data in inputs:
        result = DocumentResult(source, "sales-csv", document_id(data))
        results.append(result)
        try:
            table = read_table(_decode(data, source), source, SALES_COLUMNS, check_sales_row)
        except InvalidInput as exc:
            _reject_document(store, result, Rejection(source, exc.detail, raw=_raw_text(data)), now)
            continue
        events: list[Event] = []
        rejections = list(table.rejections)
        for row in table.rows:
            gtin = catalogue.get(part_key(row["manufacturer"], row["part_number"]))
            location = f"row {row['_row']}"
            if gtin is None:
                rejections.append(Rejection(
                    source, f"part {row['manufacturer']} {row['part_number']} is not in the parts catalogue "
                    "(ingest the catalogue first: sanctrace ingest parts)", row["_row"], row["_line"], location,
                    "part_number"))
                continue
            try:
                events.append(normalise_event(sales_event(row, gtin)))
            except InvalidEvent as exc:
                rejections.append(Rejection(source, exc.detail, row["_row"], row["_line"], location, exc.pointer))
        rejections.sort(key=lambda r: r.index or 0)
        result.read = len(table.rows) + len(table.rejections)
        _write(store, result, events, rejections, reporter or _stem(source), "sales_ledger", "sales-csv", "sales",
               {}, {}, now, strict, progress)
    return results


def ingest_parts(store: Store, inputs: Iterable[Input], now: datetime, strict: bool = False,
                 progress: Progress | None = None) -> list[DocumentResult]:
    """Load the parts catalogue (gtin,manufacturer,part_number,hs_code,description), upserting by GTIN."""
    return [_ingest_table(store, source, data, now, strict, progress, "parts-csv", PARTS_COLUMNS, check_part_row,
                          store.upsert_parts) for source, data in inputs]


def ingest_recoveries(store: Store, inputs: Iterable[Input], now: datetime, strict: bool = False,
                      progress: Progress | None = None) -> list[DocumentResult]:
    """Register components recovered from weapons, by recovery_id (a known id is left as it is)."""
    return [_ingest_table(store, source, data, now, strict, progress, "recoveries-csv", RECOVERY_COLUMNS,
                          check_recovery_row, store.insert_recoveries) for source, data in inputs]


def _ingest_table(store: Store, source: str, data: bytes, now: datetime, strict: bool,
                  progress: Progress | None, fmt: str, columns: tuple[str, ...],
                  check_row: Callable[[dict[str, str]], dict[str, Any]],
                  write_rows: Callable[[list[dict[str, Any]], str], int]) -> DocumentResult:
    result = DocumentResult(source, fmt, document_id(data))
    try:
        table = read_table(_decode(data, source), source, columns, check_row)
    except InvalidInput as exc:
        _reject_document(store, result, Rejection(source, exc.detail, raw=_raw_text(data)), now)
        return result
    result.read = len(table.rows) + len(table.rejections)
    if _refused_as_strict(store, result, table.rejections, strict, now):
        return result
    rows = [{k: v for k, v in row.items() if not k.startswith("_")} for row in table.rows]
    with store.transaction():
        result.new = write_rows(rows, result.document_id)
        store.quarantine(_quarantine_rows(result.document_id, table.rejections), now)
        store.record_document(result.document_id, source, fmt, None, None, {}, {}, now, result.read, result.new,
                              result.rejected)
    if progress:
        progress(result.read)
    return result


def ingest_entities(store: Store, inputs: Iterable[Input], now: datetime, strict: bool = False,
                    progress: Progress | None = None) -> list[DocumentResult]:
    """Load FollowTheMoney entities (JSON lines); an entity already stored is merged with the new one."""
    results = []
    for source, data in inputs:
        result = DocumentResult(source, "ftm-jsonl", document_id(data))
        results.append(result)
        checked = read_entities(data, source)
        result.read = len(checked.entities) + len(checked.rejections)
        if _refused_as_strict(store, result, checked.rejections, strict, now):
            continue
        merged: dict[str, Any] = {}
        extras: dict[str, dict[str, Any]] = {}
        references: dict[str, list[dict[str, list[str]]]] = {}
        for proxy, extra, refs in zip(checked.entities, checked.extras, checked.references, strict=True):
            if proxy.id in merged:
                merged[proxy.id].merge(proxy)
            else:
                merged[proxy.id] = proxy
            extras.setdefault(proxy.id, {}).update(extra)
            references.setdefault(proxy.id, []).append(refs)
        with store.transaction():
            stored = store.entities_by_id(list(merged))
            bodies, captions = [], []
            for entity_id, proxy in merged.items():
                previous = stored.get(entity_id)
                if previous is not None:
                    combined = model.get_proxy(previous, cleaned=False)
                    combined.merge(proxy)
                    proxy = combined
                body = with_references({**(previous or {}), **extras[entity_id], **proxy.to_dict()},
                                       uri_references(previous or {}), *references[entity_id])
                if previous is None or body != previous:
                    result.new += 1
                bodies.append(body)
                captions.append(proxy.caption)
            store.upsert_entities(bodies, captions, result.document_id)
            store.quarantine(_quarantine_rows(result.document_id, checked.rejections), now)
            store.record_document(result.document_id, source, "ftm-jsonl", None, None, {}, {}, now, result.read,
                                  result.new, result.rejected)
        if progress:
            progress(result.read)
    return results


def _decode(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{source}: not UTF-8 text (byte {exc.start}: {exc.reason})") from None


def _stem(source: str) -> str:
    name = source.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0] if "." in name else name


__all__ = ["DocumentResult", "ingest_epcis", "ingest_sales", "ingest_parts", "ingest_recoveries",
           "ingest_entities", "SanctraceError"]
