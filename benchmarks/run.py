"""`make bench`: capture, query, tracing and scale figures, each next to a reference measured in the same run.

* EPCIS JSON-LD ingest events/s  vs  orjson parsing the same bytes (the ceiling: nothing can ingest faster
  than it can parse);
* sales-ledger CSV ingest rows/s  vs  DuckDB's own read_csv of the same file;
* p50 / p99 of a by-lot event query (`sanctrace events --epc-class LOT`) at 1M and 10M stored events, next to
  the bare DuckDB index lookup it is made of;
* tracing at 1M and 10M stored events (a simulated world ingested on top of filler events): traces/s of
  `trace --all` and p50 / p99 of one trace from a cold cache, next to the bare lookups a trace is made of;
* scale: simulate, ingest and `trace --all` at world scales 1 and 10 (more with --scales), with time and
  peak memory.

Usage: python -m benchmarks.run [--events 50000] [--sizes 1000000,10000000] [--scales 1,10] [--out bench-out]
                                [--only ingest,sales,query,trace,scale]
No timing is asserted anywhere; the figures are printed with the machine's context.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import orjson
import psutil

from sanctrace.identifiers import make_lgtin
from sanctrace.ops.ingest import ingest_epcis, ingest_parts, ingest_sales
from sanctrace.ops.query import EventQuery, query_events
from sanctrace.store import Store

GTIN = "04012345123456"
NOW = datetime(2026, 11, 29, tzinfo=UTC)


def machine() -> str:
    memory = psutil.virtual_memory().total / 2**30
    return (f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, {memory:.0f} GiB, "
            f"Python {platform.python_version()}, DuckDB {duckdb.__version__}")


def epcis_document(n: int) -> bytes:
    rng = random.Random(7)
    events = []
    for i in range(n):
        lot = f"L{rng.randrange(n // 20 + 1)}"
        events.append({
            "type": "ObjectEvent", "eventTime": f"2024-01-01T00:00:{i % 60:02d}.{i % 1000:03d}+01:00",
            "eventTimeZoneOffset": "+01:00", "action": "OBSERVE", "bizStep": "shipping",
            "disposition": "in_transit",
            "quantityList": [{"epcClass": f"urn:epc:class:lgtin:4012345.012345.{lot}", "quantity": i % 500 + 1,
                              "uom": "H87"}],
            "bizTransactionList": [{"type": "po", "bizTransaction": f"urn:example:po:{i}"}],
            "sourceList": [{"type": "owning_party", "source": "urn:epc:id:pgln:4012345.00000"}],
            "destinationList": [{"type": "owning_party", "destination": f"https://ledger.example/c/{i % 997}"}],
        })
    return orjson.dumps({"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
                         "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2024-01-02T00:00:00Z",
                         "epcisBody": {"eventList": events}})


def sales_csv(n: int) -> bytes:
    rows = ["date,seller,buyer,manufacturer,part_number,lot_code,quantity,ship_to_country,invoice"]
    for i in range(n):
        rows.append(f"2024-{1 + i % 12:02d}-{1 + i % 28:02d},urn:epc:id:pgln:0614141.00002,"
                    f"https://ledger.example/c/{i % 997},Veldhoven Semiconductors N.V.,VS-STM32X7-TR,L{i % 5000},"
                    f"{1 + i % 400},AE,INV-{i}")
    return ("\n".join(rows) + "\n").encode()


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def bench_ingest(out: Path, n: int) -> None:
    data = epcis_document(n)
    parse = min(timed(lambda: orjson.loads(data)) for _ in range(3))
    db = out / "ingest.duckdb"
    db.unlink(missing_ok=True)
    with Store.open(db) as store:
        ingest = timed(lambda: ingest_epcis(store, [("bench.jsonld", data)], NOW))
        again = timed(lambda: ingest_epcis(store, [("bench.jsonld", data)], NOW))
    print(f"EPCIS JSON-LD ingest, {n:,} events ({len(data) / 2**20:.1f} MiB):")
    print(f"  orjson parse only (ceiling) {n / parse:>12,.0f} events/s")
    print(f"  sanctrace ingest            {n / ingest:>12,.0f} events/s   ({ingest / parse:.1f}x the parse time)")
    print(f"  re-ingest (all duplicates)  {n / again:>12,.0f} events/s")


def bench_sales(out: Path, n: int) -> None:
    path = out / "sales.csv"
    path.write_bytes(sales_csv(n))
    db = out / "sales.duckdb"
    db.unlink(missing_ok=True)
    con = duckdb.connect()
    read_csv = min(timed(lambda: con.execute(f"SELECT count(*) FROM read_csv('{path}')").fetchall())
                   for _ in range(3))
    with Store.open(db) as store:
        parts = f"gtin,manufacturer,part_number,hs_code,description\n{GTIN},Veldhoven Semiconductors N.V.," \
                "VS-STM32X7-TR,854231,MCU\n"
        ingest_parts(store, [("parts.csv", parts.encode())], NOW)
        ingest = timed(lambda: ingest_sales(store, [("sales.csv", path.read_bytes())], NOW))
    print(f"Sales-ledger CSV ingest, {n:,} rows:")
    print(f"  DuckDB read_csv (reference) {n / read_csv:>12,.0f} rows/s")
    print(f"  sanctrace ingest sales      {n / ingest:>12,.0f} rows/s   ({ingest / read_csv:.0f}x read_csv)")


def fill_store(db: Path, n: int) -> list[str]:
    """n synthetic shipping events on n/10 lots, written straight through SQL (the fast way to get volume)."""
    lots = max(n // 10, 1)
    with Store.open(db) as store:
        con = store.connection
        body = orjson.dumps({"type": "ObjectEvent", "action": "OBSERVE", "bizStep":
                             "https://ref.gs1.org/cbv/BizStep-shipping", "padding": "x" * 300}).decode()
        con.execute(f"""
            INSERT INTO events SELECT 'urn:uuid:bench-' || i, 'ni:///sha-256;' || md5(i::VARCHAR), 'ObjectEvent',
                'OBSERVE', TIMESTAMPTZ '2023-01-01 00:00:00+00' + to_seconds(i), '+00:00', NULL,
                'https://ref.gs1.org/cbv/BizStep-shipping', 'https://ref.gs1.org/cbv/Disp-in_transit', NULL, NULL,
                NULL, 'bench', 'epcis', 'bench', ? FROM range({n}) t(i)""", [body])
        con.execute(f"""
            INSERT INTO event_objects SELECT 'urn:uuid:bench-' || i, 'quantity',
                'https://id.gs1.org/01/{GTIN}/10/L' || (hash(i) % {lots}), 10, 'H87' FROM range({n}) t(i)""")
        con.execute(f"""
            INSERT INTO event_parties SELECT 'urn:uuid:bench-' || i, 'destination',
                'https://ref.gs1.org/cbv/SDT-owning_party', 'https://ledger.example/c/' || (i % 9973)
            FROM range({n}) t(i)""")
        con.execute("CHECKPOINT")
    return [make_lgtin(GTIN, f"L{i}") for i in random.Random(3).sample(range(lots), 300)]


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
    return f"p50 {p50:6.2f} ms   p99 {p99:6.2f} ms"


def bench_lot_query(out: Path, n: int) -> None:
    db = out / f"query-{n}.duckdb"
    db.unlink(missing_ok=True)
    start = time.perf_counter()
    targets = fill_store(db, n)
    build = time.perf_counter() - start
    with Store.open(db, read_only=True) as store:
        bare, full = [], []
        for lot in targets:
            bare.append(timed(lambda lot=lot: store.events_for_object(lot)))
            full.append(timed(lambda lot=lot: query_events(store, EventQuery(epc_classes=(lot,)))))
    size = db.stat().st_size / 2**30
    print(f"By-lot event query at {n:,} events ({size:.1f} GiB store, built in {build:.0f} s), 300 random lots:")
    print(f"  bare DuckDB index lookup    {percentiles(bare)}")
    print(f"  sanctrace events --epc-class {percentiles(full)}")


class PeakMemory:
    """The process's peak resident memory while a block runs (sampled every 50 ms)."""

    def __enter__(self) -> PeakMemory:
        import threading

        self.peak = psutil.Process().memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        process = psutil.Process()
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, process.memory_info().rss)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def bench_trace(out: Path, n: int) -> None:
    """A scale-1 simulated world ingested into a store already holding n filler events, then traced."""
    from sanctrace.ops.trace import Tracer
    from sanctrace.ops.world import ingest_world
    from sanctrace.simulate import simulate_world
    from sanctrace.tracing.judge import Weights

    world = out / "trace-world"
    if not world.exists():
        simulate_world(world, seed=1, scale=1.0)
    db = out / f"trace-{n}.duckdb"
    db.unlink(missing_ok=True)
    fill_store(db, n)
    with Store.open(db) as store:
        ingest_world(store, world, NOW)
        total = store.stats()["events"]
        tracer = Tracer(store, Weights.load())
        recoveries = store.recoveries()
        start = time.perf_counter()
        tracer.trace_all(recoveries)
        every = time.perf_counter() - start
        single, lookups, lot_lists = [], [], []
        for recovery in recoveries:
            tracer.forget()  # a cold cache: every lookup goes to the store
            single.append(timed(lambda recovery=recovery: tracer.trace(recovery)))
        for lot, *_ in store.connection.execute("SELECT object FROM lots USING SAMPLE 200 ROWS").fetchall():
            lookups.append(timed(lambda lot=lot: store.custody_events([lot])))
            lot_lists.append(timed(lambda lot=lot: store.lots_of_gtin(lot.split("/")[4])))
    print(f"Tracing at {total:,} stored events ({len(recoveries)} recoveries of a simulated world):")
    print(f"  trace --all                 {len(recoveries) / every:>8,.1f} traces/s ({every:.1f} s, recurrence pass "
          "included)")
    print(f"  one trace, cold cache       {percentiles(single)}")
    print(f"  bare lookup: a lot's events {percentiles(lookups)}")
    print(f"  bare lookup: a GTIN's lots  {percentiles(lot_lists)}")


def bench_scale(out: Path, scale: float) -> None:
    from sanctrace.ops.trace import Tracer
    from sanctrace.ops.world import ingest_world
    from sanctrace.simulate import simulate_world
    from sanctrace.tracing.judge import Weights

    world = out / f"scale-{scale:g}"
    with PeakMemory() as simulated:
        summary = simulate_world(world, seed=1, scale=scale, overwrite=True)
    db = out / f"scale-{scale:g}.duckdb"
    db.unlink(missing_ok=True)
    with Store.open(db) as store:
        with PeakMemory() as ingested:
            start = time.perf_counter()
            ingest_world(store, world, NOW)
            ingest = time.perf_counter() - start
        events = store.stats()["events"]
        with PeakMemory() as traced:
            start = time.perf_counter()
            tracer = Tracer(store, Weights.load())
            recoveries = store.recoveries()
            tracer.trace_all(recoveries)
            trace = time.perf_counter() - start
    gib = 2**30
    print(f"  scale {scale:>5g}: {events:>10,} events  simulate {summary.seconds:7.1f} s "
          f"({simulated.peak / gib:.2f} GiB)  ingest {ingest:7.1f} s = {events / ingest:>7,.0f} ev/s "
          f"({ingested.peak / gib:.2f} GiB)  trace --all {len(recoveries):>5} in {trace:6.1f} s "
          f"({traced.peak / gib:.2f} GiB)")
    shutil.rmtree(world, ignore_errors=True)
    db.unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=50_000, help="events in the ingest document")
    parser.add_argument("--rows", type=int, default=200_000, help="rows in the sales ledger")
    parser.add_argument("--sizes", default="1000000,10000000", help="stored events for the query benchmark")
    parser.add_argument("--scales", default="1,10", help="world scales for the scale benchmark")
    parser.add_argument("--out", type=Path, default=Path("bench-out"), help="scratch folder (deleted after)")
    parser.add_argument("--only", default="ingest,sales,query,trace,scale",
                        help="the parts to run, comma-separated (e.g. --only trace)")
    args = parser.parse_args()
    only = set(args.only.split(","))
    unknown = only - {"ingest", "sales", "query", "trace", "scale"}
    if unknown:
        parser.error(f"unknown part(s) in --only: {', '.join(sorted(unknown))}")
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"sanctrace benchmarks on {machine()}\n")
    try:
        if "ingest" in only:
            bench_ingest(args.out, args.events)
        if "sales" in only:
            bench_sales(args.out, args.rows)
        sizes = [int(size) for size in args.sizes.split(",") if size]
        for size in sizes if "query" in only else ():
            bench_lot_query(args.out, size)
        for size in sizes if "trace" in only else ():
            bench_trace(args.out, size)
            print(f"  load average after it (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
        if "scale" in only:
            print("Scale (simulate, ingest everything, trace every recovery; peak resident memory in brackets):")
            for scale in (float(x) for x in args.scales.split(",") if x):
                bench_scale(args.out, scale)
    finally:
        shutil.rmtree(args.out, ignore_errors=True)


if __name__ == "__main__":
    main()
