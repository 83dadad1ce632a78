#!/usr/bin/env bash
# The main job on the embedded store: ingest the example custody data and print the ledger's statistics.
set -euo pipefail
cd "$(dirname "$0")/.."
export SANCTRACE_DB=demo-out/sanctrace.duckdb
rm -rf demo-out && mkdir -p demo-out
st=.venv/bin/sanctrace
$st ingest parts examples/demo/parts.csv
$st ingest entities examples/demo/entities.jsonl
$st ingest epcis examples/demo/veldhoven.jsonld examples/demo/nordparts.xml
$st ingest sales examples/demo/sales-altyn.csv
$st ingest recoveries examples/demo/recoveries.csv
echo "Re-ingesting the same documents changes nothing:"
$st ingest epcis examples/demo/veldhoven.jsonld examples/demo/nordparts.xml
$st events --epc-class urn:epc:class:lgtin:4012345.012345.L2301A
$st stats
