"""End to end on simulated worlds of several seeds (not the ones the weights were tuned on): simulate, ingest,
trace, rank, score. The floors are well under the figures in the README; a fall below them is a regression."""

from __future__ import annotations

import shutil

import pytest

from sanctrace.ops.trace import trace_recoveries
from sanctrace.ops.world import evaluate_world
from sanctrace.simulate import simulate_world
from sanctrace.store import Store
from sanctrace.tracing.judge import Weights

SEEDS = (4, 5, 6)


@pytest.fixture(scope="module")
def evaluations(tmp_path_factory):
    from datetime import UTC, datetime

    found = {}
    for seed in SEEDS:
        folder = tmp_path_factory.mktemp(f"world{seed}")
        simulate_world(folder / "world", seed=seed, scale=0.3)
        with Store.open(folder / "store.duckdb") as store:
            found[seed] = (folder, evaluate_world(store, folder / "world", datetime(2026, 11, 29, tzinfo=UTC),
                                                  Weights.load()))
    return found


@pytest.mark.parametrize("seed", SEEDS)
def test_traces_and_facilitators_are_mostly_right(evaluations, seed):
    report = evaluations[seed][1].report.to_dict()
    assert report["overall"]["recoveries"] >= 30
    assert report["overall"]["both_share"] >= 0.85, report["overall"]
    assert report["overall"]["diversion_share"] >= 0.9, report["overall"]
    assert report["facilitators"]["average_precision"] >= 0.85, report["facilitators"]


def test_every_recovery_gets_a_trace_with_evidence(evaluations):
    for _, evaluation in evaluations.values():
        for trace in evaluation.traces:
            if trace.status in ("traced", "ambiguous"):
                assert trace.chain and trace.evidence and 0 < trace.confidence <= 1
                assert all(hop["event_ids"] for hop in trace.chain)


def test_tracing_never_reads_the_truth(evaluations, tmp_path):
    folder, evaluation = evaluations[SEEDS[0]]
    copy = tmp_path / "store.duckdb"
    shutil.copy(folder / "store.duckdb", copy)
    (folder / "world" / "truth.json").rename(folder / "world" / "truth.hidden")
    try:
        with Store.open(copy) as store:
            again = trace_recoveries(store, None, Weights.load())
    finally:
        (folder / "world" / "truth.hidden").rename(folder / "world" / "truth.json")
    assert [t.to_dict() for t in again] == [t.to_dict() for t in evaluation.traces]
