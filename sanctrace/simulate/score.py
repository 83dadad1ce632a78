"""Scoring traces against a simulated world's truth (pure: dicts in, a report out).

A party answer is right when it names the right real company under any identifier the company has in the
data (the truth's `parties` map), written as in the data or in canonical GS1 form. A diversion point of
None is right only when the truth has none (the insider scheme).

Facilitators: the ranked list (by descending `score`; ties keep their order) is mapped to real companies,
a company listed again under another identifier is dropped (no double credit), and it is measured against
the set of true facilitators: average precision, precision at k = number of true facilitators
(R-precision), and precision at 10.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from sanctrace.errors import InvalidIdentifier
from sanctrace.identifiers import canonical_uri

FIELDS = ("last_authorized_custodian", "diversion_point")


@dataclass(frozen=True, slots=True)
class Miss:
    """One wrong answer: the truth's company key (None: no diversion point) and the answer as given."""

    recovery_id: str
    scheme: str
    field: str
    expected: str | None
    got: str | None
    got_party: str | None  # the company the answer names, if any


@dataclass(slots=True)
class Tally:
    """Right answers out of `recoveries`."""

    recoveries: int = 0
    custodian: int = 0
    diversion: int = 0
    both: int = 0

    def share(self, count: int) -> float:
        return count / self.recoveries if self.recoveries else 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {
            "custodian_share": self.share(self.custodian),
            "diversion_share": self.share(self.diversion),
            "both_share": self.share(self.both),
        }


@dataclass(slots=True)
class FacilitatorScore:
    relevant: int
    ranked: int
    average_precision: float | None
    precision_at_k: float | None
    precision_at_10: float | None
    found: list[str] = field(default_factory=list)  # true facilitators in the top k
    missed: list[str] = field(default_factory=list)  # true facilitators not ranked at all


@dataclass(slots=True)
class EvalReport:
    overall: Tally
    by_scheme: dict[str, Tally]
    statuses: dict[str, int]
    facilitators: FacilitatorScore
    misses: list[Miss]
    untraced: list[str]  # recoveries with no trace at all

    def to_dict(self) -> dict[str, Any]:
        return {
            "overall": self.overall.to_dict(),
            "by_scheme": {scheme: tally.to_dict() for scheme, tally in self.by_scheme.items()},
            "statuses": self.statuses,
            "facilitators": asdict(self.facilitators),
            "misses": [asdict(miss) for miss in self.misses],
            "untraced": self.untraced,
        }

    def render_text(self, max_misses: int = 20) -> str:
        """A plain-text report: shares overall and per scheme, facilitator ranking, the first misses."""
        lines = [f"recoveries scored: {self.overall.recoveries}"]
        header = f"{'scheme':<26}{'n':>6}{'custodian':>11}{'diversion':>11}{'both':>8}"
        lines += ["", header, "-" * len(header)]
        for name, tally in [*self.by_scheme.items(), ("ALL", self.overall)]:
            lines.append(
                f"{name:<26}{tally.recoveries:>6}{tally.share(tally.custodian):>11.1%}"
                f"{tally.share(tally.diversion):>11.1%}{tally.share(tally.both):>8.1%}"
            )
        lines += ["", "statuses: " + ", ".join(f"{k} {v}" for k, v in self.statuses.items())]
        f = self.facilitators
        lines += [
            "",
            f"facilitators: {f.relevant} true, {f.ranked} ranked; AP {_fmt(f.average_precision)}, "
            f"P@{f.relevant} {_fmt(f.precision_at_k)}, P@10 {_fmt(f.precision_at_10)}",
        ]
        if f.missed:
            lines.append("  never ranked: " + ", ".join(f.missed))
        if self.misses:
            lines += ["", f"misses ({len(self.misses)}):"]
            for miss in self.misses[:max_misses]:
                lines.append(
                    f"  {miss.recovery_id} [{miss.scheme}] {miss.field}: expected {miss.expected}, "
                    f"got {miss.got}" + (f" ({miss.got_party})" if miss.got_party else "")
                )
            if len(self.misses) > max_misses:
                lines.append(f"  ... {len(self.misses) - max_misses} more")
        return "\n".join(lines) + "\n"


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


class PartyIndex:
    """Maps any identifier of a real company (as written, or in canonical GS1 form) to its key."""

    def __init__(self, parties: dict[str, list[str]]) -> None:
        self._index: dict[str, str] = {}
        for key, identifiers in parties.items():
            self._index[key] = key
            for identifier in identifiers:
                self._index[identifier.strip()] = key
                self._index.setdefault(_canonical(identifier), key)

    def resolve(self, identifier: str | None) -> str | None:
        if identifier is None:
            return None
        text = identifier.strip()
        return self._index.get(text) or self._index.get(_canonical(text))


def _canonical(identifier: str) -> str:
    try:
        return canonical_uri(identifier)
    except InvalidIdentifier:
        return identifier.strip()


def score_world(
    truth: dict[str, Any], traces: list[dict[str, Any]], facilitators: list[dict[str, Any]]
) -> EvalReport:
    """Score traces (one per recovery) and a ranked facilitator list against a world's truth."""
    index = PartyIndex(truth["parties"])
    by_id = {trace["recovery_id"]: trace for trace in traces}
    overall, by_scheme, misses, untraced = Tally(), {}, [], []
    statuses: Counter[str] = Counter()
    for expected in truth["recoveries"]:
        trace = by_id.get(expected["recovery_id"])
        if trace is None:
            untraced.append(expected["recovery_id"])
            trace = {}
        statuses[trace.get("status", "missing")] += 1
        scheme = expected["scheme"]
        tally = by_scheme.setdefault(scheme, Tally())
        right = {}
        for name in FIELDS:
            got = trace.get(name)
            party = index.resolve(got)
            right[name] = party == expected[name] and (got is None) == (expected[name] is None)
            if not right[name]:
                misses.append(Miss(expected["recovery_id"], scheme, name, expected[name], got, party))
        for t in (overall, tally):
            t.recoveries += 1
            t.custodian += right["last_authorized_custodian"]
            t.diversion += right["diversion_point"]
            t.both += right["last_authorized_custodian"] and right["diversion_point"]
    relevant = truth.get("facilitators") or sorted(
        {f for r in truth["recoveries"] for f in r["facilitators"]}
    )
    return EvalReport(
        overall,
        dict(sorted(by_scheme.items())),
        dict(sorted(statuses.items())),
        rank_facilitators(index, set(relevant), facilitators),
        misses,
        untraced,
    )


def rank_facilitators(
    index: PartyIndex, relevant: set[str], ranking: list[dict[str, Any]]
) -> FacilitatorScore:
    """Average precision and precision at k of a ranked facilitator list."""
    ordered = sorted(ranking, key=lambda item: -float(item.get("score", 0.0)))
    companies: list[str | None] = []
    for item in ordered:
        party = index.resolve(item.get("party"))
        if party is None or party not in companies:
            companies.append(party)
    if not relevant:
        return FacilitatorScore(0, len(companies), None, None, None)
    hits, precision_sum = 0, 0.0
    for rank, party in enumerate(companies, 1):
        if party in relevant:
            hits += 1
            precision_sum += hits / rank
    k = len(relevant)
    top_k = [p for p in companies[:k] if p in relevant]
    return FacilitatorScore(
        relevant=k,
        ranked=len(companies),
        average_precision=precision_sum / k,
        precision_at_k=len(top_k) / k,
        precision_at_10=sum(p in relevant for p in companies[:10]) / 10,
        found=sorted(top_k),
        missed=sorted(relevant - set(companies)),
    )
