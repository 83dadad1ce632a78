"""What investigators write down from a recovered device: the brand as marked (a short name or initials,
seldom the registered name), the part number as printed (no ordering suffix, in any case, with dashes
dropped or turned into spaces), a lot code when legible, the YYWW date code."""

from __future__ import annotations

import random

from sanctrace.simulate.catalogue import MakerSpec, Part


def manufacturer_marking(spec: MakerSpec, rng: random.Random) -> str:
    """The manufacturer as recorded: brand, initials, a title-case brand or the registered name."""
    brand, initials = spec.brands[0], spec.brands[-1]
    return rng.choices(
        (brand, initials, brand.title(), spec.name, brand.lower(), f"{brand} {initials}"),
        (35, 25, 15, 12, 5, 8),
    )[0]


def part_marking(part: Part, rng: random.Random) -> str:
    """The part number as recorded; the orderable number (with suffix) only rarely, since devices do not
    carry it."""
    text = part.part_number if rng.random() < 0.08 else part.marking
    choice = rng.randrange(10)
    if choice < 4:
        return text
    if choice < 6:
        return text.replace("-", "").replace("/", "")
    if choice == 6:
        return text.replace("-", " ")
    if choice == 7:
        return text.lower()
    if choice == 8:
        return f"{text[: len(part.marking) // 2]}-{text[len(part.marking) // 2 :]}".replace("--", "-")
    return f" {text} "


def lot_marking(code: str, rng: random.Random) -> str:
    """A lot code as recorded: mostly as is, sometimes lower case or split by a space or dash."""
    choice = rng.randrange(10)
    if choice < 7:
        return code
    if choice == 7:
        return code.lower()
    middle = len(code) // 2
    return f"{code[:middle]}{' ' if choice == 8 else '-'}{code[middle:]}"
