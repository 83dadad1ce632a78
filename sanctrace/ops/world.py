"""A whole world directory (as `sanctrace simulate` writes it, or as a user lays out their own data):
ingest everything in the right order, and evaluate traces against a simulated world's truth."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from sanctrace.errors import InvalidInput
from sanctrace.ops.ingest import (
    DocumentResult,
    ingest_entities,
    ingest_epcis,
    ingest_parts,
    ingest_recoveries,
    ingest_sales,
)
from sanctrace.ops.trace import Tracer, rank_facilitators
from sanctrace.simulate.score import EvalReport, score_world
from sanctrace.store import Store
from sanctrace.tracing.judge import Weights
from sanctrace.tracing.trace import TraceResult

# What a world directory holds, in the order it must be ingested (sales rows need the catalogue).
LAYOUT = (
    ("parts", "parts.csv", ingest_parts),
    ("entities", "entities/*.jsonl", ingest_entities),
    ("epcis", "epcis/*.jsonld", ingest_epcis),
    ("sales", "sales/*.csv", ingest_sales),
    ("recoveries", "recoveries.csv", ingest_recoveries),
)

Step = Callable[[str, int], Callable[[int], None] | None]  # (step name, total records) -> progress callback


def world_files(world: Path) -> list[tuple[str, list[Path]]]:
    if not world.is_dir():
        raise InvalidInput(f"{world}: not a directory")
    found = [(name, sorted(world.glob(pattern))) for name, pattern, _ in LAYOUT]
    if not any(files for _, files in found):
        raise InvalidInput(f"{world}: no parts.csv, entities/, epcis/, sales/ or recoveries.csv found")
    return found


def ingest_world(store: Store, world: Path, now: datetime, step: Step | None = None) -> list[DocumentResult]:
    """Ingest a world directory: parts, entities, EPCIS documents, sales ledgers, recoveries."""
    results: list[DocumentResult] = []
    operations = {name: operation for name, _, operation in LAYOUT}
    for name, files in world_files(world):
        if not files:
            continue
        progress = step(name, sum(f.stat().st_size for f in files)) if step else None
        for path in files:
            size = path.stat().st_size
            results += operations[name](store, [(str(path), path.read_bytes())], now)
            if progress:
                progress(size)
    return results


@dataclass(slots=True)
class Evaluation:
    report: EvalReport
    traces: list[TraceResult]
    facilitators: list[dict[str, Any]]
    ingest: list[DocumentResult]


def evaluate_world(store: Store, world: Path, now: datetime, weights: Weights, step: Step | None = None) -> Evaluation:
    """Ingest a simulated world into `store` (a fresh one), trace every recovery, rank facilitators, and
    score both against the world's truth.json (read here and handed to the scorer only)."""
    ingested = ingest_world(store, world, now, step)
    tracer = Tracer(store, weights)
    recoveries = store.recoveries()
    progress = step("trace", len(recoveries)) if step else None
    traces = tracer.trace_all(recoveries, progress)
    ranked = rank_facilitators(traces, tracer.book, lambda party: tracer.judge(party, None))
    truth_path = world / "truth.json"
    if not truth_path.exists():
        raise InvalidInput(f"{world}: no truth.json (only a simulated world can be evaluated)")
    report = score_world(orjson.loads(truth_path.read_bytes()), [t.to_dict() for t in traces], ranked)
    return Evaluation(report, traces, ranked, ingested)
