"""Judging parties: flags with weights, combined into a diversion score (pure; weights are configuration).

The weighting is documented in `sanctrace/resources/trace_weights.toml` and can be replaced whole or in
part by a file of the same shape.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from sanctrace.errors import InvalidInput
from sanctrace.tracing.parties import Company


@dataclass(frozen=True, slots=True)
class Flag:
    code: str
    weight: float
    reason: str
    evidence: tuple[str, ...] = ()  # entity ids, event ids, recovery ids

    def to_dict(self) -> dict[str, Any]:
        return {"flag": self.code, "weight": round(self.weight, 3), "reason": self.reason,
                "evidence": list(self.evidence)}


@dataclass(frozen=True, slots=True)
class Weights:
    threshold: float
    flags: dict[str, float]
    invasion: date
    transit_countries: frozenset[str]
    embargoed_countries: frozenset[str]
    branch_boost: float
    branch_boost_exponent: float
    stock_leaf_factor: float
    unusual_order_share: float
    unusual_order_exponent: float
    unusual_order_cap: float
    unusual_order_min_orders: int
    date_code_window_weeks: int

    @classmethod
    def load(cls, path: Path | None = None) -> Weights:
        """The packaged defaults, overlaid with `path` when given."""
        text = resources.files("sanctrace.resources").joinpath("trace_weights.toml").read_text()
        data = tomllib.loads(text)
        if path is not None:
            try:
                override = tomllib.loads(path.read_text())
            except (OSError, tomllib.TOMLDecodeError) as exc:
                raise InvalidInput(f"{path}: cannot read the weights ({exc})") from None
            unknown = set(override) - set(data) | set(override.get("flags", {})) - set(data["flags"]) \
                | set(override.get("context", {})) - set(data["context"])
            if unknown:
                raise InvalidInput(f"{path}: unknown setting(s) {', '.join(sorted(unknown))}")
            data["threshold"] = override.get("threshold", data["threshold"])
            data["flags"].update(override.get("flags", {}))
            data["context"].update(override.get("context", {}))
        context = data["context"]
        return cls(
            threshold=float(data["threshold"]), flags={k: float(v) for k, v in data["flags"].items()},
            invasion=context["invasion"], transit_countries=frozenset(context["transit_countries"]),
            embargoed_countries=frozenset(context["embargoed_countries"]),
            branch_boost=float(context["branch_boost"]),
            branch_boost_exponent=float(context["branch_boost_exponent"]),
            stock_leaf_factor=float(context["stock_leaf_factor"]),
            unusual_order_share=float(context["unusual_order_share"]),
            unusual_order_exponent=float(context["unusual_order_exponent"]),
            unusual_order_cap=float(context["unusual_order_cap"]),
            unusual_order_min_orders=int(context["unusual_order_min_orders"]),
            date_code_window_weeks=int(context["date_code_window_weeks"]),
        )


@dataclass(slots=True)
class Judgement:
    """A company's flags and its combined diversion score (0: nothing known against it)."""

    company: Company
    flags: list[Flag] = field(default_factory=list)

    @property
    def score(self) -> float:
        remaining = 1.0
        for flag in self.flags:
            remaining *= 1.0 - min(max(flag.weight, 0.0), 1.0)
        return 1.0 - remaining

    def legitimate(self, weights: Weights) -> bool:
        return self.score < weights.threshold

    def with_flag(self, flag: Flag) -> Judgement:
        return replace(self, flags=[*self.flags, flag])

    def to_dict(self) -> dict[str, Any]:
        return {"company": self.company.key, "identifiers": self.company.identifiers,
                "names": self.company.names, "score": round(self.score, 4),
                "flags": [f.to_dict() for f in self.flags]}


def judge_company(company: Company, weights: Weights, chpl_tier: int | None) -> Judgement:
    """Flags from what the entity data says about the company, and what it bought."""
    judgement = Judgement(company)
    w = weights.flags
    for link in company.links:
        judgement.flags.append(Flag(link.kind, w[link.kind], link.reason, link.entity_ids))
    if company.incorporated and company.incorporated > weights.invasion:
        judgement.flags.append(Flag("new_company", w["new_company"],
                                    f"incorporated {company.incorporated.isoformat()}, after "
                                    f"{weights.invasion.isoformat()}", tuple(company.registry_ids)))
    countries = {c.upper() for c in company.countries}
    transit = sorted(countries & weights.transit_countries)
    if transit and chpl_tier is not None:
        judgement.flags.append(Flag("transit_chpl", w["transit_chpl"],
                                    f"in {', '.join(transit)} (a known transshipment country) buying a "
                                    f"Common High Priority Item of tier {chpl_tier}"))
    embargoed = sorted(countries & weights.embargoed_countries)
    if embargoed:
        judgement.flags.append(Flag("embargoed_country", 1.0, f"in {', '.join(embargoed)}, an embargoed "
                                                               "destination"))
    return judgement


def recurrence_flag(recurring: int, purchased: int, recoveries: list[str], weights: Weights) -> Flag | None:
    """A buyer whose purchases keep ending the possible histories of recovered units.

    `recurring` of its `purchased` purchases end a possible history of some recovery; with two or more,
    making up at least half of what it bought, each one past the first adds the recurrence weight (capped
    at 0.9). A legitimate customer's purchases turn up about as often as any lot is recovered.
    """
    share = recurring / max(purchased, recurring, 1)
    if recurring < 2 or share < 0.5:
        return None
    weight = min(0.9, weights.flags["recurrence"] * (recurring - 1))
    return Flag("recurrence", weight, f"{recurring} of its {max(purchased, recurring)} purchases end possible "
                f"histories of recovered units ({len(recoveries)} recoveries)", tuple(recoveries))
