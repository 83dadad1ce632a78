"""Where the reference data lives: `../shared/data` next to the project root (never copied into the repo)."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"
GS1_EPCIS = SHARED_DATA / "epcis" / "gs1-EPCIS"
HASH_EXAMPLES = SHARED_DATA / "epcis" / "epcis-event-hash-generator" / "tests" / "examples"
