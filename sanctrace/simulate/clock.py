"""Simulation time: POSIX seconds (float, UTC) and the days they fall on."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

DAY = 86400.0
_EPOCH = date(1970, 1, 1)


def at(day: date) -> float:
    """Midnight UTC of `day`, in POSIX seconds."""
    return float(calendar.timegm(day.timetuple()))


def day_of(ts: float) -> date:
    return _EPOCH + timedelta(days=int(ts // DAY))


def date_code(ts: float) -> str:
    """The YYWW date code marked on a device made at `ts` (ISO year and week)."""
    year, week, _ = day_of(ts).isocalendar()
    return f"{year % 100:02d}{week:02d}"
