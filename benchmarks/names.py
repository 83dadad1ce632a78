"""`make bench` (names): the screening matcher on labelled name pairs, next to nomenklatura's LogicV2 scored on
the same pairs in the same run, and names screened per second against a list of 50,000 entities — the benchmark
batch (most of its names twice, once as a Person and once as a LegalEntity), then its distinct names once each.

nomenklatura pins scikit-learn and caps DuckDB below 2.0, so it is never a dependency of sanctrace: this script
creates a separate virtualenv (`.venv-nomenklatura`, gitignored), installs nomenklatura there and scores every
pair with `LogicV2.compare` in a subprocess, reading the scores back as JSON. When that virtualenv cannot be
made (no network, no pip), it says so and prints sanctrace's figures alone.

Usage: python -m benchmarks.names [--threshold T] [--entities 50000] [--queries 5000] [--workers 2]
                                  [--no-logicv2]
No figure is asserted; they are printed with the machine's context.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from sanctrace.ops.screening import DEFAULT_THRESHOLD, eval_names, throughput
from sanctrace.screening.evaluation import NamePair

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
REFERENCE_VENV = ROOT / ".venv-nomenklatura"
LOGICV2_THRESHOLD = 0.7  # yente's default match threshold for logic-v2

# Runs inside .venv-nomenklatura: pairs as JSON lines on stdin, one LogicV2 score per line on stdout.
LOGICV2_SCRIPT = """
import sys, json
from followthemoney import model
from nomenklatura.matching import LogicV2
config = LogicV2.default_config()
for number, line in enumerate(sys.stdin):
    pair = json.loads(line)
    query = model.make_entity(pair["schema"]); query.id = f"q{number}"; query.add("name", pair["query"])
    result = model.make_entity(pair["schema"]); result.id = f"r{number}"; result.add("name", pair["candidate"])
    print(LogicV2.compare(query, result, config).score)
"""


def reference_python() -> Path | None:
    """The python of .venv-nomenklatura, created (and nomenklatura installed) on first use; None if impossible."""
    python = REFERENCE_VENV / "bin" / "python"
    if python.exists() and subprocess.run([python, "-c", "import nomenklatura"], capture_output=True).returncode == 0:
        return python
    print(f"creating {REFERENCE_VENV.name} with nomenklatura (for LogicV2) ...", file=sys.stderr)
    try:
        subprocess.run([sys.executable, "-m", "venv", REFERENCE_VENV], check=True, capture_output=True)
        subprocess.run([python, "-m", "pip", "install", "--quiet", "nomenklatura"], check=True,
                       capture_output=True, timeout=900)
    except (subprocess.SubprocessError, OSError) as exc:
        detail = exc.stderr.decode(errors="replace")[-500:] if getattr(exc, "stderr", None) else str(exc)
        print(f"cannot create {REFERENCE_VENV.name}: {detail}\nLogicV2 is left out; sanctrace's figures "
              "follow alone.", file=sys.stderr)
        return None
    return python


def logicv2_scores(python: Path, pairs: list[NamePair]) -> list[float]:
    """LogicV2's score for every pair, computed in the nomenklatura virtualenv."""
    lines = "".join(json.dumps(pair.to_dict()) + "\n" for pair in pairs)
    done = subprocess.run([python, "-c", LOGICV2_SCRIPT], input=lines.encode(), capture_output=True, check=True)
    return [float(line) for line in done.stdout.decode().split()]


def machine() -> str:
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--entities", type=int, default=50_000, help="listed entities for the throughput run")
    parser.add_argument("--queries", type=int, default=5_000, help="names screened in the throughput run")
    parser.add_argument("--workers", type=int, default=2, help="processes screening in parallel")
    parser.add_argument("--no-logicv2", action="store_true", help="skip the LogicV2 comparison")
    args = parser.parse_args()
    print(f"sanctrace name matching on {machine()}\n")
    python = None if args.no_logicv2 else reference_python()
    reference = (lambda pairs: logicv2_scores(python, pairs)) if python else None
    report = eval_names(SHARED / "name_matching", args.threshold, reference=reference,
                        reference_name="logicv2", reference_threshold=LOGICV2_THRESHOLD)
    print(f"{'set':<16}{'scorer':<11}{'pairs':>6}{'precision':>11}{'recall':>8}{'F1':>8}   threshold")
    for card in report.scorecards:
        row = card.to_dict()
        print(f"{row['case_set']:<16}{row['scorer']:<11}{row['pairs']:>6}{row['precision']:>11.3f}"
              f"{row['recall']:>8.3f}{row['f1']:>8.3f}   {row['threshold']}")
    speed = throughput(SHARED, entities=args.entities, queries=args.queries, workers=args.workers)
    print(f"\nScreening {speed.queries:,} names against {speed.entities:,} listed entities with {speed.workers} "
          f"workers: {speed.names_per_second:,.0f} names/s (index built in {speed.index_seconds:.1f} s, saved "
          f"index read back in {speed.load_seconds:.1f} s, {speed.candidates_per_query:.0f} names examined by "
          f"blocking per query)")
    print(f"The batch's {speed.distinct_queries:,} distinct names, each screened once (no query can reuse another's "
          f"work): {speed.distinct_names_per_second:,.0f} names/s")


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"\n(total {time.perf_counter() - start:.0f} s)")
