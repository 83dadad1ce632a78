"""Tracing operations: `sanctrace trace`, `sanctrace facilitators`, `sanctrace parties show`.

`Tracer` reads what a trace needs from the store (catalogue, entities, the events of each lot and container
it follows: a short loop of indexed lookups; the serials of a serialised lot are read by the lot, from the
store's lot_serial_events) and hands it to the pure tracing modules.
`trace_all` runs twice: the first pass finds each recovery's likely histories; parties on the likely
histories of several recoveries then carry a recurrence flag into the second pass.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sanctrace.chpl import tier_of
from sanctrace.errors import NotFound, SanctraceError
from sanctrace.identifiers import make_sgtin
from sanctrace.ops.screening import load_index
from sanctrace.sources.entities import canonical_references
from sanctrace.store import Store
from sanctrace.tracing.chains import Branch, branches, build_tree
from sanctrace.tracing.custody import CustodyBuilder, EventRecord
from sanctrace.tracing.judge import Judgement, Weights, judge_company, recurrence_flag
from sanctrace.tracing.lookup import NameLookup
from sanctrace.tracing.markings import (
    CatalogPart,
    LotInfo,
    PartCandidate,
    match_lot_code,
    parse_date_code,
    rank_lots,
    recovery_day,
    resolve_part,
)
from sanctrace.tracing.parties import PartyBook
from sanctrace.tracing.trace import LotHistory, TraceResult, as_of_recovery, conclude

Progress = Callable[[int], None]


@dataclass(slots=True)
class Tracer:
    store: Store
    weights: Weights
    catalogue: list[CatalogPart] = field(init=False)
    book: PartyBook = field(init=False)
    sellers: set[str] = field(init=False)
    sellers_companies: set[str] = field(init=False)
    usual_orders: dict[str, tuple[float, int, float]] = field(init=False)
    recurrence: dict[str, tuple[int, int, list[str]]] = field(default_factory=dict)
    _judgements: dict[tuple[str, int | None], Judgement] = field(default_factory=dict)
    _events: dict[str, list[EventRecord]] = field(default_factory=dict)
    _records: dict[str, EventRecord] = field(default_factory=dict)  # by event id: one record per event read
    _custody: dict[str, CustodyBuilder] = field(default_factory=dict)
    _lots: dict[str, list[LotInfo]] = field(default_factory=dict)
    # False: follow a serialised lot's serials by their own identifiers (the lookup of thousands of keys that the
    # store's lot_serial_events spares); kept to check one way against the other
    serials_by_lot: bool = True
    _serialised: set[str] = field(default_factory=set)  # lots whose serials' events were read by the lot

    def __post_init__(self) -> None:
        self.catalogue = [CatalogPart(**row) for row in self.store.parts()]
        entities = [canonical_references(e) for e in self.store.entity_bodies()]
        party_ids = self.store.party_ids()
        known = set(party_ids)
        lookup = NameLookup(load_index(self.store), (e for e in entities if e["id"] not in known))
        self.book = PartyBook(entities, party_ids, screening=lookup)
        self.sellers = self.store.sellers()
        self.sellers_companies = {self.book.company(party).key for party in self.sellers}
        self.usual_orders: dict[str, tuple[float, int, float]] = {}
        for party, (total, orders, years) in self.store.typical_orders().items():
            key = self.book.company(party).key
            known = self.usual_orders.get(key)
            # a company under several identifiers: all its orders
            self.usual_orders[key] = (total, orders, years) if known is None else (
                known[0] + total, known[1] + orders, max(known[2], years))

    # -- reading the ledger ----------------------------------------------------------------------------

    def forget(self) -> None:
        """Drop what was read from the ledger (the next trace reads everything again)."""
        self._events.clear()
        self._records.clear()
        self._custody.clear()
        self._lots.clear()
        self._serialised.clear()

    def events_of(self, identifier: str) -> list[EventRecord]:
        self._fetch([identifier])
        return self._events[identifier]

    def _fetch(self, identifiers: Sequence[str]) -> None:
        """The events of the identifiers not yet read, in one indexed lookup."""
        missing = [i for i in identifiers if i not in self._events]
        if not missing:
            return
        for obj, rows in self.store.custody_events(missing).items():
            self._events[obj] = self._read(rows)

    def _read(self, rows: Sequence[tuple[Any, ...]]) -> list[EventRecord]:
        """The records of stored events (event_id, body, event_time, origin, reporter): one per event read."""
        records = self._records
        return [records[event_id] if event_id in records else records.setdefault(
            event_id, EventRecord.from_body(event_id, body, event_time, origin, reporter))
            for event_id, body, event_time, origin, reporter in rows]

    def _fetch_serials(self, builders: Sequence[CustodyBuilder]) -> None:
        """The events of the serials of serialised lots that builders ask for, read by lot (lot_serial_events):
        each serial commissioned into its lot (by an event whose ILMD names it) gets every live event naming it,
        as its own lookup would give; a member serial commissioned otherwise is left to that lookup."""
        lots = sorted({b.start for b in builders if b.members and b.start not in self._serialised
                       and any(obj in b.members and obj not in self._events for obj in b.next_objects())})
        if not self.serials_by_lot or not lots:
            return
        self._serialised.update(lots)
        found = self.store.lot_serial_events(lots)
        self._read(self.store.events_by_id(sorted(
            {event_id for _, named in found.values() for event_id in named} - self._records.keys())))
        for lot, (commissioning, named_ids) in found.items():
            records = [self._records[event_id] for event_id in sorted(named_ids) if event_id in self._records]
            prefix = lot.partition("/10/")[0] + "/21/"
            serials = {epc for record in records if record.event_id in commissioning
                       for epc in record.epcs if epc.startswith(prefix)} - self._events.keys()
            named: dict[str, dict[str, EventRecord]] = {serial: {} for serial in serials}
            for record in records:
                for obj in record.named():
                    if obj in named:
                        named[obj][record.event_id] = record
            for serial, events in named.items():
                self._events[serial] = [events[event_id] for event_id in sorted(events)]

    def custody(self, identifier: str) -> CustodyBuilder:
        return self.custody_many([identifier])[identifier]

    def custody_many(self, identifiers: Sequence[str]) -> dict[str, CustodyBuilder]:
        """Custody of several lots at once: each round fetches what every builder still needs in one lookup.
        Builders are kept: a lot recovered twice is followed once."""
        builders = {i: CustodyBuilder(i) for i in dict.fromkeys(identifiers) if i not in self._custody}
        while any(builder.pending for builder in builders.values()):
            self._fetch_serials(list(builders.values()))
            self._fetch(sorted({obj for builder in builders.values() for obj in builder.next_objects()}))
            for builder in builders.values():
                for obj in builder.next_objects():
                    builder.add_events(obj, self._events[obj])
                builder.run()
        self._custody.update(builders)
        return {identifier: self._custody[identifier] for identifier in identifiers}

    # -- judging ---------------------------------------------------------------------------------------

    def judge(self, party: str, tier: int | None) -> Judgement:
        key = (party, tier)
        if key not in self._judgements:
            company = self.book.company(party)
            judgement = judge_company(company, self.weights, tier)
            recurring, purchased, recoveries = self.recurrence.get(company.key, (0, 0, []))
            flag = recurrence_flag(recurring, purchased, recoveries, self.weights)
            if flag is not None:
                judgement = judgement.with_flag(flag)
            self._judgements[key] = judgement
        return self._judgements[key]

    # -- tracing ---------------------------------------------------------------------------------------

    def usual_order(self, party: str) -> tuple[float, int, float] | None:
        return self.usual_orders.get(self.book.company(party).key)

    def trace(self, recovery: dict[str, Any]) -> TraceResult:
        recovery_id = recovery["recovery_id"]
        candidates = resolve_part(recovery["manufacturer"], recovery["part_number"], self.catalogue)
        if not candidates:
            result = TraceResult(recovery_id, "unresolved_part", None, [])
            result.evidence.append({"kind": "part", "reason": "no catalogue part matches the marking "
                                    f"{recovery['manufacturer']!r} {recovery['part_number']!r}"})
            return result
        best_score = candidates[0].score
        tied = _best(candidates)
        self.custody_many([lot for c in tied for lot, _, _ in self._lot_candidates(c.part, recovery)])
        histories: list[LotHistory] = []
        for candidate in tied:
            histories += self._histories(candidate.part, recovery)
        part = candidates[0].part
        total = sum(h.likelihood for h in histories) or 1.0
        for history in histories:
            history.likelihood /= total
        tier = tier_of(part.hs_code) if part.hs_code else None
        result = conclude(recovery_id, _part_dict(part), best_score / max(len(tied), 1), histories,
                          lambda party: self.judge(party, tier), self.weights, self.sellers, self.usual_order)
        result.part_candidates = [{"gtin": c.part.gtin, "manufacturer": c.part.manufacturer,
                                   "part_number": c.part.part_number, "score": round(c.score, 4),
                                   "reasons": list(c.reasons)} for c in candidates[:5]]
        return result

    def _histories(self, part: CatalogPart, recovery: dict[str, Any]) -> list[LotHistory]:
        """The candidate histories of a recovered unit as they stood on its recovery day."""
        return as_of_recovery(self._documented_histories(part, recovery), recovery_day(recovery.get("recovered_on")))

    def _documented_histories(self, part: CatalogPart, recovery: dict[str, Any]) -> list[LotHistory]:
        """The candidate histories of a recovered unit: its serial's, else its lot's (by lot code, date code,
        or every lot of the part). A serial last documented in a seller's stock (sold on by lot quantity,
        its identity lost) is followed on by its lot, through that seller."""
        lot_histories = self._lot_histories(part, recovery)
        serial = recovery.get("serial")
        if not serial:
            return lot_histories
        try:
            sgtin = make_sgtin(part.gtin, serial)
        except SanctraceError:
            return lot_histories
        if not self.events_of(sgtin):
            return lot_histories
        history = self._history(sgtin, 1.0, [f"serial {serial} is {sgtin}"], serial=True)
        ends = {self.book.company(b.hops[-1].destination).key for b in history.branches if b.hops}
        if not ends or any(end not in self.sellers_companies for end in ends):
            return [history]
        continued = []
        lead = history.branches[0]
        for lot in lot_histories:
            through = []
            for branch in lot.branches:
                start = next((i for i, h in enumerate(branch.hops) if self.book.company(h.source).key in ends), None)
                if start is not None:
                    through.append(Branch([*lead.hops, *branch.hops[start:]], branch.quantity,
                                          [*lead.notes, *branch.notes], branch.share))
            if through:
                continued.append(LotHistory(lot.identifier, lot.likelihood, [
                    *history.reasons, *lot.reasons,
                    f"the serial was last documented at {', '.join(sorted(ends))}, which sold the lot on by "
                    "quantity: followed on by the lot, through that seller"], through, serial=True))
        return continued or [history]

    def _lot_candidates(self, part: CatalogPart, recovery: dict[str, Any]) -> list[tuple[str, float, list[str]]]:
        """(lot identifier, likelihood, reasons) of the lots the marking points to: by lot code, else date code,
        else every lot of the part; none for a lot code the ledger does not know."""
        if part.gtin not in self._lots:
            self._lots[part.gtin] = [
                LotInfo(lot=_lot_code(obj), epc_class=obj, commissioned_at=first, date_code=None, quantity=quantity)
                for obj, first, quantity in self.store.lots_of_gtin(part.gtin)]
        lots = self._lots[part.gtin]
        if recovery.get("lot_code"):
            ranked = match_lot_code(recovery["lot_code"], lots)
        elif recovery.get("date_code"):
            readings = parse_date_code(recovery["date_code"], recovery.get("recovered_on"))
            ranked = rank_lots(readings, lots, self.weights.date_code_window_weeks)
        else:
            ranked = rank_lots([], lots, self.weights.date_code_window_weeks)
        return [(c.lot_info.epc_class, c.likelihood, list(c.reasons)) for c in ranked]

    def _lot_histories(self, part: CatalogPart, recovery: dict[str, Any]) -> list[LotHistory]:
        candidates = self._lot_candidates(part, recovery)
        builders = self.custody_many([lot for lot, _, _ in candidates])
        return [self._history(lot, likelihood, reasons, builder=builders[lot])
                for lot, likelihood, reasons in candidates]

    def _history(self, identifier: str, likelihood: float, reasons: list[str], serial: bool = False,
                 builder: CustodyBuilder | None = None) -> LotHistory:
        builder = builder or self.custody(identifier)
        tree = build_tree(builder.hops, company_of=lambda party: self.book.company(party).key)
        return LotHistory(identifier, likelihood, reasons, branches(tree), serial)

    def trace_all(self, recoveries: Sequence[dict[str, Any]], progress: Progress | None = None) -> list[TraceResult]:
        """Trace every recovery, knowing which buyers recur across all of them."""
        self._learn_recurrence(recoveries)
        results = []
        for recovery in recoveries:
            results.append(self.trace(recovery))
            if progress:
                progress(1)
        return results

    def _learn_recurrence(self, recoveries: Sequence[dict[str, Any]]) -> None:
        """Which buyers keep turning up at the end of recovered units' possible histories.

        For each company: k, the number of its purchases (arrival events) that end a possible history of
        some recovery, against n, all its purchases in the ledger. A legitimate customer's purchases turn up
        about as often as any lot is recovered; a broker buying only to divert has most of its purchases
        turn up. Sellers (parties that document what they pass on) are left out: their leaves are stock.
        """
        arrivals: dict[str, set[str]] = defaultdict(set)
        seen_in: dict[str, set[str]] = defaultdict(set)
        for recovery in recoveries:
            candidates = resolve_part(recovery["manufacturer"], recovery["part_number"], self.catalogue)
            if not candidates:
                continue
            for history in (h for candidate in _best(candidates) for h in self._histories(candidate.part, recovery)):
                for branch in history.branches:
                    if not branch.hops or branch.hops[-1].destination in self.sellers:
                        continue
                    leaf = branch.hops[-1]
                    key = self.book.company(leaf.destination).key
                    arrivals[key].add(leaf.event_ids[-1])
                    seen_in[key].add(recovery["recovery_id"])
        purchases: dict[str, int] = defaultdict(int)
        for party, count in self.store.purchases().items():
            purchases[self.book.company(party).key] += count
        self.recurrence = {
            key: (len(events), purchases.get(key, len(events)), sorted(seen_in[key]))
            for key, events in arrivals.items()
        }
        self._judgements.clear()


def _best(candidates: Sequence[PartCandidate]) -> list[PartCandidate]:
    """The part candidates tied for the best score: a marking that fits two catalogue parts equally is
    traced through the lots of both."""
    return [c for c in candidates if c.score >= candidates[0].score - 1e-9]


def _lot_code(identifier: str) -> str:
    return identifier.rsplit("/10/", 1)[-1]


def _part_dict(part: CatalogPart) -> dict[str, Any]:
    return {"gtin": part.gtin, "manufacturer": part.manufacturer, "part_number": part.part_number,
            "hs_code": part.hs_code}


def trace_recoveries(store: Store, recovery_ids: Sequence[str] | None, weights: Weights,
                     progress: Progress | None = None) -> list[TraceResult]:
    """Trace the given recoveries (all when None); NotFound for an unknown id."""
    everything = store.recoveries()
    if recovery_ids is not None:
        known = {r["recovery_id"] for r in everything}
        missing = [r for r in recovery_ids if r not in known]
        if missing:
            raise NotFound(f"no recovery {', '.join(missing)} (ingest it with: sanctrace ingest recoveries)")
    tracer = Tracer(store, weights)
    results = tracer.trace_all(everything, progress) if len(everything) > 1 else [
        tracer.trace(r) for r in everything]
    if recovery_ids is not None:
        wanted = set(recovery_ids)
        results = [r for r in results if r.recovery_id in wanted]
    return results


def rank_facilitators(tracer_results: Sequence[TraceResult], book: PartyBook,
                      judge: Callable[[str], Judgement]) -> list[dict[str, Any]]:
    """Parties recurring as diversion points or intermediaries after them, best first."""
    found: dict[str, dict[str, Any]] = {}
    for result in tracer_results:
        for position, party in enumerate(result.suspects):
            company = book.company(party)
            entry = found.setdefault(company.key, {"party": party, "identifiers": company.identifiers,
                                                   "score": 0.0, "recoveries": [], "flags": [], "evidence": []})
            weight = result.confidence * (1.0 if position == 0 else 0.6)
            entry["score"] += weight
            if result.recovery_id not in entry["recoveries"]:
                entry["recoveries"].append(result.recovery_id)
                entry["evidence"].append({"recovery_id": result.recovery_id,
                                          "role": "diversion point" if result.diversion_point == party and
                                          position == 0 else ("last custodian" if position == 0
                                                              else "after the diversion point"),
                                          "confidence": round(result.confidence, 4)})
    ranked = []
    for entry in found.values():
        judgement = judge(entry["party"])
        entry["flags"] = [f.to_dict() for f in judgement.flags]
        entry["score"] = round(entry["score"] * (0.5 + judgement.score), 4)
        ranked.append(entry)
    ranked.sort(key=lambda e: (-e["score"], e["party"]))
    return ranked


def facilitators(store: Store, weights: Weights, progress: Progress | None = None) -> list[dict[str, Any]]:
    tracer = Tracer(store, weights)
    results = tracer.trace_all(store.recoveries(), progress)
    return rank_facilitators(results, tracer.book, lambda party: tracer.judge(party, None))


def parties_in_chains(store: Store, weights: Weights) -> frozenset[str]:
    """Every identifier of every company on the custody chain of a recovered component."""
    recoveries = store.recoveries()
    if not recoveries:
        return frozenset()
    tracer = Tracer(store, weights)
    seen: set[str] = set()
    for result in tracer.trace_all(recoveries):
        for hop in result.chain:
            for party in (hop["from"], hop["to"]):
                seen.update(tracer.book.company(party).identifiers)
    return frozenset(seen)


def show_party(store: Store, party: str, weights: Weights) -> dict[str, Any]:
    """A party's company: every identifier, why they were merged, and what the entity data says."""
    tracer = Tracer(store, weights)
    if party not in tracer.book.company_of and party not in tracer.book.entities:
        raise NotFound(f"no party {party} in the ledger or the entities")
    company = tracer.book.company(party)
    judgement = tracer.judge(party, None)
    return {**company.to_dict(), "merges": [m.to_dict() for m in tracer.book.merges_of(company)],
            "score": round(judgement.score, 4), "flags": [f.to_dict() for f in judgement.flags]}
