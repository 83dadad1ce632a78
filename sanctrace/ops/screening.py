"""Screening operations: what `sanctrace ingest lists`, `screen`, `check-order` and `eval-names` call.

* `ingest_lists(store, inputs, now)` — read sanctions lists in their official formats; each new version of a
  list replaces the previous one in one transaction and reports what was added, changed and delisted.
* `load_index(store)` — the listed parties (from every list, and ledger entities that are sanctioned or named
  by a Sanction entity) in a blocking index; build it once and pass it to `screen` / `check_order` for many calls.
  It is saved next to the store's file and read back while the lists (and the code analysing names) are unchanged.
* `screen(store, queries, threshold)` — ranked matches, each with its explanation.
* `check_order(store, order, now, seen_in_chains)` — clear / review / block, with every reason.
* `eval_names(data_dir, threshold)` — precision, recall and F1 on the labelled name pairs, optionally next to a
  reference scorer (LogicV2, run by benchmarks/names.py); `throughput(...)` — names screened per second.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import marshal
import multiprocessing
import os
import pickle
import random
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from importlib import resources
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

import orjson
from followthemoney import model

from sanctrace import chpl
from sanctrace.epcis.capture import Rejection
from sanctrace.errors import InvalidDocument
from sanctrace.ops.ingest import Input, document_id
from sanctrace.screening import evaluation
from sanctrace.screening.comparison import best_comparison
from sanctrace.screening.control import (
    OwnershipGraph,
    holdings_from_entities,
    shared_address_links,
    shared_director_links,
)
from sanctrace.screening.index import ScreeningIndex, collector_paused
from sanctrace.screening.matching import DEFAULT_THRESHOLD, Match
from sanctrace.screening.names import analyse_names, name_kind
from sanctrace.screening.orders import ItemFacts, Order, OrderCheck, OrderParty, PartyFacts, decide
from sanctrace.screening.parties import Listing, Party, Query, party_from_entity, query_names
from sanctrace.sources.lists import ListFile, SanctionsList, read_lists
from sanctrace.store import QuarantineRow, Store
from sanctrace.store import screening as screening_store
from sanctrace.store.screening import ListedRow, ListVersion

__all__ = ["DEFAULT_THRESHOLD", "ListResult", "QueryResult", "ingest_lists", "load_index", "screen",
           "check_order", "eval_names", "throughput"]


# -- ingesting lists --------------------------------------------------------------------------------------


@dataclass(slots=True)
class ListResult:
    """What one list version did to the store."""

    sources: tuple[str, ...]
    document_id: str
    list_id: str | None = None
    format: str | None = None
    title: str | None = None
    issued_on: str | None = None
    records: int = 0  # entities read (listed parties and related entities)
    listed: int = 0  # listed parties among them
    added: int = 0
    changed: int = 0
    delisted: int = 0
    unchanged: bool = False  # this exact version was already the current one
    error: str | None = None
    changes: list[tuple[str, str, str | None]] = field(default_factory=list)  # (entity id, change, caption)

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        return {"sources": list(self.sources), "document_id": self.document_id, "list_id": self.list_id,
                "format": self.format, "title": self.title, "issued_on": self.issued_on, "records": self.records,
                "listed": self.listed, "added": self.added, "changed": self.changed, "delisted": self.delisted,
                "unchanged": self.unchanged, "error": self.error,
                "changes": [{"entity_id": e, "change": c, "caption": n} for e, c, n in self.changes]}


def _fingerprint(body: Mapping[str, Any], listing: Listing | None) -> str:
    properties = {k: sorted(v) for k, v in (body.get("properties") or {}).items()}
    canonical = {"schema": body.get("schema"), "properties": properties,
                 "listing": listing.to_dict() if listing else None}
    return hashlib.sha256(orjson.dumps(canonical, option=orjson.OPT_SORT_KEYS)).hexdigest()


def _rows(sanctions_list: SanctionsList) -> list[ListedRow]:
    """One row per entity id (records of one id merged, the first listing kept)."""
    merged: dict[str, tuple[Any, Listing | None]] = {}
    for record in sanctions_list.records:
        entity_id = record.entity.id or ""
        if entity_id in merged:
            entity, listing = merged[entity_id]
            entity.merge(record.entity)
            merged[entity_id] = (entity, listing or record.listing)
        else:
            merged[entity_id] = (record.entity, record.listing)
    rows = []
    for entity_id, (entity, listing) in merged.items():
        body = entity.to_dict()
        rows.append(ListedRow(entity_id, entity.schema.name, entity.caption, listing is not None,
                              listing.programme if listing else None, listing.listed_on if listing else None,
                              listing.record_id if listing else None, body, _fingerprint(body, listing)))
    return rows


def _changes(previous: Mapping[str, tuple[str, str | None, bool]],
             rows: Sequence[ListedRow]) -> list[tuple[str, str, str | None]]:
    """Listed parties added, changed and delisted since the previous version."""
    changes = []
    current = {row.entity_id for row in rows if row.listed}
    for row in rows:
        if not row.listed:
            continue
        before = previous.get(row.entity_id)
        if before is None or not before[2]:
            changes.append((row.entity_id, "added", row.caption))
        elif before[0] != row.fingerprint:
            changes.append((row.entity_id, "changed", row.caption))
    changes += [(entity_id, "delisted", caption) for entity_id, (_, caption, listed) in sorted(previous.items())
                if listed and entity_id not in current]
    return changes


def _refuse(store: Store, result: ListResult, error: InvalidDocument, data: bytes, now: datetime) -> None:
    result.error = str(error)
    rejection = Rejection(", ".join(result.sources), error.detail, None, None, error.location or None, None,
                          data[:100_000].decode("utf-8", errors="replace"))
    key = hashlib.sha256(f"{result.document_id}\x00{error.location}\x00{error.detail}".encode()).hexdigest()
    with store.transaction():
        store.quarantine([QuarantineRow(key, result.document_id, rejection.source, None, None, rejection.location,
                                        None, rejection.reason, rejection.raw)], now)


def _store_list(store: Store, result: ListResult, sanctions_list: SanctionsList, now: datetime) -> None:
    rows = _rows(sanctions_list)
    result.list_id, result.format, result.title = sanctions_list.list_id, sanctions_list.format, sanctions_list.title
    result.issued_on, result.records = sanctions_list.issued_on, len(rows)
    result.listed = sum(1 for row in rows if row.listed)
    with store.transaction():
        if screening_store.list_version_exists(store, sanctions_list.list_id, result.document_id):
            result.unchanged = True
            return
        result.changes = _changes(screening_store.list_fingerprints(store, sanctions_list.list_id), rows)
        for _, change, _ in result.changes:
            setattr(result, change, getattr(result, change) + 1)
        version = ListVersion(sanctions_list.list_id, result.document_id, ", ".join(result.sources),
                              sanctions_list.format, sanctions_list.title, sanctions_list.issued_on, len(rows))
        screening_store.replace_list(store, version, rows, result.changes, now)
        store.record_document(result.document_id, version.sources, sanctions_list.format, sanctions_list.list_id,
                              None, {"title": sanctions_list.title, "issued_on": sanctions_list.issued_on}, {}, now,
                              len(rows), result.added + result.changed, 0)


def ingest_lists(store: Store, inputs: Iterable[Input], now: datetime) -> list[ListResult]:
    """Read and store sanctions lists; a list that cannot be read is refused whole (and quarantined)."""
    data_by_source = dict(inputs)
    results = []
    for list_file in read_lists(list(data_by_source.items())):
        data = b"".join(data_by_source[source] for source in list_file.sources)
        result = ListResult(list_file.sources, _document_id(list_file, data_by_source))
        results.append(result)
        if list_file.error is not None:
            _refuse(store, result, list_file.error, data, now)
        elif list_file.sanctions_list is not None:
            _store_list(store, result, list_file.sanctions_list, now)
    return results


def _document_id(list_file: ListFile, data_by_source: Mapping[str, bytes]) -> str:
    if len(list_file.sources) == 1:
        return document_id(data_by_source[list_file.sources[0]])
    return document_id("".join(sorted(document_id(data_by_source[s]) for s in list_file.sources)).encode())


# -- the listed parties -----------------------------------------------------------------------------------


def _address_texts(store: Store) -> dict[str, list[str]]:
    """Address entity id -> its full text (for entities that point to Address entities)."""
    texts: dict[str, list[str]] = {}
    for entity in screening_store.entities_of_schemata(store, ["Address"]):
        properties = entity.get("properties") or {}
        texts[entity["id"]] = list(properties.get("full", ())) or [" ".join(
            v for prop in ("street", "city", "postalCode", "country") for v in properties.get(prop, ()))]
    return texts


def _sanction_listing(sanction: Mapping[str, Any]) -> Listing:
    properties = sanction.get("properties") or {}

    def first(*props: str) -> str | None:
        return next((properties[p][0] for p in props if properties.get(p)), None)

    return Listing(first("authority") or "ledger entities", first("program", "programId"),
                   first("listingDate", "startDate"), first("authorityId", "unscId") or sanction.get("id"))


def listed_party_entities(store: Store) -> list[tuple[dict[str, Any], list[Listing]]]:
    """Every listed party's entity with its listings: list entries, and ledger entities named by a Sanction
    entity or carrying a sanction topic."""
    bodies: dict[str, dict[str, Any]] = {}
    listings: dict[str, list[Listing]] = defaultdict(list)
    for row in screening_store.listed_parties(store):
        entity = row["entity"]
        bodies.setdefault(entity["id"], entity)
        listings[entity["id"]].append(Listing(row["list_id"], row["programme"], row["listed_on"], row["record_id"]))
    parties, sanctions = screening_store.sanctioned_ledger_entities(store)
    by_party: dict[str, list[Listing]] = defaultdict(list)
    for sanction in sanctions:
        for party in (sanction.get("properties") or {}).get("entity", ()):
            by_party[party].append(_sanction_listing(sanction))
    for entity in parties:
        bodies.setdefault(entity["id"], entity)
        listings[entity["id"]] += by_party.get(entity["id"]) or [Listing("ledger entities", "sanction topic")]
    return [(bodies[entity_id], listings[entity_id]) for entity_id in bodies]


def load_parties(store: Store) -> list[Party]:
    addresses = _address_texts(store)
    parties = []
    for entity, listings in listed_party_entities(store):
        linked = [text for ref in (entity.get("properties") or {}).get("addressEntity", ())
                  for text in addresses.get(ref, ())]
        party = party_from_entity(entity, listings, linked)
        if party is not None:
            parties.append(party)
    return parties


INDEX_SUFFIX = ".screening-index"  # the saved index, next to the store's file
_INDEX_FORMAT = 2  # 2: posting sets saved as Roaring bitmaps
_INDEX_MAGIC = b"sanctrace screening index "
# what the saved index is made by (reading the listed parties, analysing and indexing their names): a change to
# any of these makes it stale
_INDEX_SOURCES = ("ops/screening.py", "store/screening.py", "screening/names.py", "screening/parties.py",
                  "screening/index.py", "resources/legal_forms.csv", "resources/name_abbreviations.csv")


@cache
def _code_fingerprint() -> str:
    digest = hashlib.sha256(f"{_INDEX_FORMAT} rigour {package_version('rigour')} followthemoney "
                            f"{package_version('followthemoney')}".encode())
    package = resources.files("sanctrace")
    for relative in _INDEX_SOURCES:
        digest.update(package.joinpath(relative).read_bytes())
    return digest.hexdigest()[:16]


def index_path(store: Store) -> Path | None:
    """Where the store's screening index is saved (None for a store in memory)."""
    if not store.path or store.path.startswith(":memory:"):
        return None
    return Path(store.path + INDEX_SUFFIX)


class _PlainUnpickler(pickle.Unpickler):
    """Reads plain values only (lists, dicts, strings, bytes, numbers): a saved index holds nothing else, and
    nothing else is ever made from the file."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"a saved screening index holds plain values only, not {module}.{name}")


def _read_index(path: Path, key: str) -> ScreeningIndex | None:
    """The index saved at `path` if it was made from the same lists by the same code, else None."""
    try:
        with path.open("rb") as handle:
            if handle.readline() != _INDEX_MAGIC + key.encode() + b"\n":
                return None
            with collector_paused():  # millions of small objects: the collector would walk them over and over
                return ScreeningIndex.from_state(_PlainUnpickler(handle).load())
    except (OSError, EOFError, ValueError, TypeError, KeyError, pickle.UnpicklingError):
        return None  # missing, unreadable or from elsewhere: built again


def _save_index(path: Path, key: str, index: ScreeningIndex) -> bool:
    """Save the index next to the store (atomically); False when the directory cannot be written to."""
    written = None
    try:
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=path.name, suffix=".tmp", delete=False) as handle:
            written = handle.name
            handle.write(_INDEX_MAGIC + key.encode() + b"\n")
            pickle.dump(index.state(), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(written, path)
        return True
    except OSError:
        if written is not None:
            with contextlib.suppress(OSError):
                os.unlink(written)
        return False


def load_index(store: Store) -> ScreeningIndex:
    """The blocking index over every listed party of the store (build once, screen many).

    The index is saved next to the store's file (`<store>.screening-index`) and read back by later calls as long
    as the listed parties are unchanged — a fingerprint of every list entry and of the ledger entities that can be
    or name listed parties, and of the code that analyses names, must match — else it is built again and saved
    (silently not saved where the directory cannot be written to).
    """
    path = index_path(store)
    key = f"{_code_fingerprint()}/{screening_store.listed_parties_fingerprint(store)}"
    if path is not None and (saved := _read_index(path, key)) is not None:
        return saved
    with collector_paused():
        index = ScreeningIndex(load_parties(store))
    if path is not None:
        _save_index(path, key, index)
    return index


# -- screening --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QueryResult:
    query: Query
    matches: tuple[Match, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"query_id": self.query.query_id, "matches": [m.to_dict() for m in self.matches]}


_WORKER_INDEX: ScreeningIndex | None = None  # the index a forked worker inherits
_WORKER_QUERIES: Sequence[Query] = ()  # and the batch: a worker is sent the positions of its queries


def _screen_chunk(queries: Sequence[Query], threshold: float, limit: int) -> list[tuple[Match, ...]]:
    assert _WORKER_INDEX is not None
    return [tuple(_WORKER_INDEX.screen(q, threshold, limit)) for q in queries]


def _screen_positions(positions: Sequence[int], threshold: float, limit: int) -> bytes:
    """A worker's answers to the queries at these positions, as plain values written by marshal (pickling the
    matches' objects took a worker a fortieth of its time)."""
    chunk = _screen_chunk([_WORKER_QUERIES[i] for i in positions], threshold, limit)
    return marshal.dumps([[match.values() for match in matches] for matches in chunk])


def _worker_started() -> None:
    """A forked worker screens with the cyclic collector off: its passes would walk the index's caches, which
    grow with every query, and write to pages the worker shares with its parent (screening makes no cycles
    worth collecting; the worker's memory goes back when the batch is done)."""
    gc.disable()


SMALLEST_CHUNK = 16  # queries a worker is sent at least at once


def _guided_chunks(ordered: Sequence[int], workers: int) -> list[Sequence[int]]:
    """The queries' positions in chunks that shrink as the batch goes (each a share of what is left), so that the
    workers finish together: the last chunks are small, and a worker left without work waits a small chunk's time
    at most, not a large one's."""
    chunks = []
    start = 0
    while start < len(ordered):
        size = max(SMALLEST_CHUNK, -(-(len(ordered) - start) // (2 * workers)))
        chunks.append(ordered[start:start + size])
        start += size
    return chunks


def screen(store: Store | None, queries: Sequence[Query], threshold: float = DEFAULT_THRESHOLD, limit: int = 10,
           index: ScreeningIndex | None = None, workers: int = 1) -> list[QueryResult]:
    """Each query's matches at or above `threshold`, best first (at most `limit`), with explanations.

    The index is built from the store unless given. With `workers` > 1 the queries are shared among forked
    processes that inherit the index (where the platform can fork).
    """
    global _WORKER_INDEX, _WORKER_QUERIES
    if index is None:
        assert store is not None, "screen needs a store or an index"
        index = load_index(store)
    _WORKER_INDEX = index
    if workers <= 1 or len(queries) < 2 * workers or "fork" not in multiprocessing.get_all_start_methods():
        return [QueryResult(q, matches) for q, matches in zip(queries, _screen_chunk(queries, threshold, limit))]
    # the same name (under another schema, another id) screened by one worker: its analysis and its tokens'
    # postings are worked out once instead of in each worker
    ordered = sorted(range(len(queries)), key=lambda i: (queries[i].name.casefold(), i))
    chunks = _guided_chunks(ordered, workers)
    _WORKER_QUERIES = queries
    # the index's objects are left out of the collector's passes in the workers: a pass over them would cost
    # time and copy every page of memory they hold into each worker
    gc.freeze()
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_worker_started)
    try:
        results = pool.map(_screen_positions, chunks, [threshold] * len(chunks), [limit] * len(chunks))
        found: list[tuple[Match, ...]] = [()] * len(queries)
        answers = (values for chunk in results for values in marshal.loads(chunk))
        for i, values in zip(ordered, answers):
            found[i] = tuple(Match.from_values(v) for v in values)
    finally:
        # every answer is in (or the batch failed): the workers exit on their own, not waited for (a worker's
        # exit tears down its copy of the index's address space, tens of milliseconds)
        pool.shutdown(wait=False, cancel_futures=True)
        gc.unfreeze()
        _WORKER_QUERIES = ()
    return [QueryResult(q, matches) for q, matches in zip(queries, found)]


# -- order checks -----------------------------------------------------------------------------------------


@dataclass(slots=True)
class _ControlData:
    """What ownership, directorship and address facts the store holds, read once per check."""

    graph: OwnershipGraph
    directorships: list[dict[str, Any]]
    listed_addresses: dict[str, list[str]]
    captions: dict[str, str]


def _control_data(store: Store, index: ScreeningIndex) -> _ControlData:
    listed = {party.entity_id for party in index.parties}
    ownerships = screening_store.entities_of_schemata(store, ["Ownership"])
    captions = {party.entity_id: party.caption for party in index.parties}
    return _ControlData(OwnershipGraph(holdings_from_entities(ownerships), listed),
                        screening_store.entities_of_schemata(store, ["Directorship"]),
                        {party.entity_id: sorted(party.addresses) for party in index.parties if party.addresses},
                        captions)


def _party_facts(store: Store, party: OrderParty, index: ScreeningIndex, data: _ControlData,
                 threshold: float, now: datetime) -> PartyFacts:
    stored = screening_store.ledger_entities(store, [party.id]).get(party.id) if party.id else None
    properties = (stored or {}).get("properties") or {}
    query = Query(party.role, party.name, party.schema, party.country, party.registration_number, party.address)
    facts = PartyFacts(party, list(index.screen(query, threshold)))
    addresses = [a for a in [party.address, *properties.get("address", ())] if a]
    facts.links = shared_address_links(party.id or party.role, addresses, data.listed_addresses)
    facts.incorporation_date = next(iter(properties.get("incorporationDate", ())), None)
    if party.id:
        facts.control = data.graph.control(party.id)
        facts.links += shared_director_links(party.id, data.directorships, data.graph.listed)
        facts.ledger_events = screening_store.party_event_count(store, party.id, before=now)
        if stored:
            data.captions.setdefault(party.id, stored.get("caption") or party.name)
    return facts


def _item_facts(order: Order, catalogue: Sequence[Mapping[str, Any]]) -> list[ItemFacts]:
    by_part = {str(p["part_number"]).upper(): p for p in catalogue}
    facts = []
    for item in order.items:
        known = by_part.get((item.part_number or "").upper())
        hs_code = item.hs_code or (known["hs_code"] if known else None)
        facts.append(ItemFacts(item, hs_code, chpl.tier_of(hs_code) if hs_code else None))
    return facts


def check_order(store: Store, order: Order, now: datetime, seen_in_chains: frozenset[str] = frozenset(),
                threshold: float = DEFAULT_THRESHOLD, index: ScreeningIndex | None = None) -> OrderCheck:
    """clear / review / block for an order, with every reason.

    `now` is the time of the check: a customer with no shipment in the ledger before it is a new customer.
    `seen_in_chains` holds the ids of parties seen in the custody chains of recovered components (given by the
    caller: tracing provides them). Build `index` once (`load_index`) to check many orders.
    """
    index = index or load_index(store)
    data = _control_data(store, index)
    parties = [_party_facts(store, party, index, data, threshold, now) for party in order.parties]
    return decide(order, parties, _item_facts(order, store.parts()), seen_in_chains, data.captions)


# -- evaluation -------------------------------------------------------------------------------------------

NAME_BENCH = "nomenklatura/contrib/name_bench/cases.csv"
YENTE_FIXTURES = "yente/contrib/candidate_generation_benchmark/fixtures"
YENTE_NEGATIVES = "yente/contrib/validation_report/fixtures/negatives_global.csv"
WATCHMAN_PAIRS = "watchman/internal/embeddings/testdata/cross_script_pairs.csv"
PUTIN_NAMES = "nomenklatura/tests/fixtures/putin_names.txt"
TRANSLITERATIONS = "NETransliteration-COLING2018/data/wd_{language}_20"
LANGUAGES = ("russian", "arabic", "korean", "chinese")

ReferenceScorer = Callable[[list[evaluation.NamePair]], list[float]]


@dataclass(frozen=True, slots=True)
class EvalReport:
    scorecards: tuple[evaluation.Scorecard, ...]
    seconds: float  # time sanctrace took to score every pair (analysis included)

    def to_dict(self) -> dict[str, Any]:
        return {"scorecards": [card.to_dict() for card in self.scorecards], "seconds": round(self.seconds, 2)}


def name_pairs(data_dir: Path) -> list[evaluation.NamePair]:
    """Every labelled pair of the four sets, read from `../shared/data/name_matching`."""
    def read(relative: str) -> str:
        return (data_dir / relative).read_text(encoding="utf-8")

    return [*evaluation.name_bench_pairs(read(NAME_BENCH)),
            *evaluation.yente_pairs(read(f"{YENTE_FIXTURES}/positives_un_treated.csv"),
                                    read(f"{YENTE_FIXTURES}/positives_un_untreated.csv"), read(YENTE_NEGATIVES)),
            *evaluation.cross_script_pairs(read(WATCHMAN_PAIRS), read(PUTIN_NAMES)),
            *evaluation.transliteration_pairs({lang: read(TRANSLITERATIONS.format(language=lang))
                                               for lang in LANGUAGES})]


def score_pair(pair: evaluation.NamePair) -> float:
    """sanctrace's name score for one labelled pair (the query side analysed as a query)."""
    kind = name_kind(model.schemata.get(pair.schema) or model.schemata["LegalEntity"])
    return best_comparison(analyse_names(kind, [pair.query], query=True),
                           analyse_names(kind, [pair.candidate])).score


def eval_names(data_dir: Path, threshold: float = DEFAULT_THRESHOLD, reference: ReferenceScorer | None = None,
               reference_name: str = "reference", reference_threshold: float | None = None) -> EvalReport:
    """Precision, recall and F1 per set for sanctrace and, when given, a reference scorer on the same pairs."""
    pairs = name_pairs(data_dir)
    start = time.perf_counter()
    ours = [score_pair(pair) for pair in pairs]
    seconds = time.perf_counter() - start
    theirs = reference(pairs) if reference else None
    cards = []
    for case_set, members in evaluation.case_sets(pairs).items():
        positions = [i for i, pair in enumerate(pairs) if pair.case_set == case_set]
        cards.append(evaluation.scorecard(case_set, "sanctrace", members, [ours[i] for i in positions], threshold))
        if theirs is not None:
            cards.append(evaluation.scorecard(case_set, reference_name, members, [theirs[i] for i in positions],
                                              reference_threshold if reference_threshold is not None else threshold))
    return EvalReport(tuple(cards), seconds)


# -- throughput -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Throughput:
    entities: int
    queries: int
    workers: int
    seconds: float
    index_seconds: float  # building the index (analysing every listed name)
    candidates_per_query: float
    load_seconds: float = 0.0  # reading the saved index back (what a later call pays instead of building it)
    distinct_queries: int = 0  # the batch's distinct names, each screened once, in a second batch
    distinct_seconds: float = 0.0

    @property
    def names_per_second(self) -> float:
        return self.queries / self.seconds if self.seconds else 0.0

    @property
    def distinct_names_per_second(self) -> float:
        return self.distinct_queries / self.distinct_seconds if self.distinct_seconds else 0.0


SPEED_LISTS = ("watchman/test/testdata/bench/sdn.csv", "watchman/test/testdata/bench/alt.csv",
               "watchman/test/testdata/bench/add.csv", "watchman/test/testdata/UN_consolidated.xml",
               "opendatalabcz-sanction-lists/src/test/resources/EU/data.xml",
               "opendatalabcz-sanction-lists/src/test/resources/BOE/data.csv")


def _speed_entities(sanctions_dir: Path, count: int) -> list[dict[str, Any]]:
    """Real listed entities from the shared lists, topped up to `count` with names recombined from theirs."""
    inputs = [(str(sanctions_dir / p), (sanctions_dir / p).read_bytes()) for p in SPEED_LISTS]
    entities = [record.entity.to_dict() for found in read_lists(inputs) if found.sanctions_list
                for record in found.sanctions_list.listed]
    rng = random.Random(5)
    tokens = {schema: [e["properties"]["name"][0].split() for e in entities if e["schema"] == schema]
              for schema in ("Person", "Organization")}
    while len(entities) < count:
        schema = "Person" if rng.random() < 0.6 else "Organization"
        words = [rng.choice(rng.choice(tokens[schema])) for _ in range(rng.choice((2, 3, 3, 4)))]
        entities.append({"id": f"synthetic-{len(entities)}", "schema": schema,
                         "properties": {"name": [" ".join(words)]}})
    return entities[:count]


def _speed_queries(name_matching_dir: Path, count: int) -> list[Query]:
    """Names to screen: perturbed listed names, synthetic true negatives, US congress members, cycled to `count`
    queries with Person and LegalEntity in turn (5,000 queries hold 2,934 names, 2,065 of them more than once,
    nearly always under both schemata)."""
    fixtures = name_matching_dir / YENTE_FIXTURES
    names = [row for path in (fixtures / "positives_un_treated.csv", name_matching_dir / YENTE_NEGATIVES,
                              fixtures / "positives_us_congress_untreated.csv")
             for row in evaluation.full_names(path.read_text(encoding="utf-8")) if row]
    return [Query(f"q{i}", names[i % len(names)], "Person" if i % 2 else "LegalEntity") for i in range(count)]


def _distinct_queries(queries: Sequence[Query]) -> list[Query]:
    """Each name of `queries` once (Person and LegalEntity in turn): a batch where no query can reuse another's
    work."""
    names = dict.fromkeys(q.name for q in queries)
    return [Query(f"d{i}", name, "Person" if i % 2 else "LegalEntity") for i, name in enumerate(names)]


def throughput(shared_data: Path, entities: int = 50_000, queries: int = 5_000, workers: int = 2) -> Throughput:
    """Names screened per second against `entities` listed entities, with `workers` processes: the benchmark
    batch (`queries` queries, most of its names twice, under each schema), then its distinct names each screened
    once. Each batch is screened by workers forked afresh from this process, whose caches neither batch touches
    (with one worker, both batches run here: the second finds the first's work cached)."""
    start = time.perf_counter()
    index = ScreeningIndex(p for e in _speed_entities(shared_data / "sanctions", entities)
                           if (p := party_from_entity(e)) is not None)
    index_seconds = time.perf_counter() - start
    batch = _speed_queries(shared_data / "name_matching", queries)
    start = time.perf_counter()
    screen(None, batch, index=index, workers=workers)
    seconds = time.perf_counter() - start
    distinct = _distinct_queries(batch)
    start = time.perf_counter()
    screen(None, distinct, index=index, workers=workers)
    distinct_seconds = time.perf_counter() - start
    examined = sum(index.candidates(query_names(name_kind(q.model_schema), q.name)).examined
                   for q in batch[:200]) / min(len(batch), 200)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"throughput{INDEX_SUFFIX}"
        _save_index(path, "throughput", index)
        start = time.perf_counter()
        _read_index(path, "throughput")
        load_seconds = time.perf_counter() - start
    return Throughput(len(index), len(batch), workers, seconds, index_seconds, examined, load_seconds,
                      len(distinct), distinct_seconds)
