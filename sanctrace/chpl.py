"""The Common High Priority Items list (CHPL): the 50 HS-6 codes the EU, US, UK and Japan single out as the
items Russia most needs for its weapons, each in a priority tier (1 highest, 4 lowest; tiers 3 and 4 come in
sub-tiers A and B). Transcribed from the joint BIS / EU publication of February 2024 into
`resources/chpl.csv` (`hs6,tier,description`).

`tier_of` answers for any customs code whose first six digits are a CHPL code: an HS-6 code, an 8-digit
EU CN code or a 10-digit US HTS code, with or without dots and spaces.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

_NOT_DIGIT = re.compile(r"[\s.]")


@dataclass(frozen=True, slots=True)
class ChplItem:
    """One CHPL entry. `tier` is the published label ("1", "2", "3A", "3B", "4A", "4B")."""

    hs6: str
    tier: str
    description: str

    @property
    def level(self) -> int:
        """The tier as a number, sub-tier dropped: "3A" -> 3."""
        return int(self.tier[0])


@cache
def load_chpl() -> dict[str, ChplItem]:
    """All CHPL items by HS-6 code, in list order (read once, then cached)."""
    text = resources.files("sanctrace").joinpath("resources", "chpl.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(io.StringIO(text))
    return {row["hs6"]: ChplItem(row["hs6"], row["tier"], row["description"]) for row in rows}


def hs6_of(hs_code: str) -> str | None:
    """The HS-6 code a customs code starts with ("8542.31.90" -> "854231"); None without 6 digits."""
    digits = _NOT_DIGIT.sub("", hs_code)
    if len(digits) < 6 or not digits[:6].isdigit():
        return None
    return digits[:6]


def tier_of(hs_code: str) -> int | None:
    """The CHPL tier (1-4) of a customs code, or None when the code is not on the list."""
    hs6 = hs6_of(hs_code)
    item = load_chpl().get(hs6) if hs6 else None
    return item.level if item else None
