"""Every SANCTRACE_* setting, read once at the edge (the CLI and the API), never inside the core."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DB = Path("sanctrace.duckdb")
DB_ENV = "SANCTRACE_DB"


def database_path(option: str | Path | None) -> Path:
    """The store: `--db PATH`, else $SANCTRACE_DB, else ./sanctrace.duckdb."""
    if option:
        return Path(option)
    from_env = os.environ.get(DB_ENV)
    return Path(from_env) if from_env else DEFAULT_DB
