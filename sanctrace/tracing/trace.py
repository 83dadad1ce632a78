"""From a recovery's candidate lots and their custody trees to a defended conclusion (pure).

Each branch of each candidate lot's custody tree is one possible history of the recovered unit. Its prior is
the lot's likelihood times the share of the lot that went down the branch (at each split, the child's part
of what was shipped: a unit is as likely to come from a branch as the branch is large), lowered for a
distributor's unsold stock and raised for an order far larger than its buyer usually takes. The evidence
against the parties on it multiplies that by `evidence_factor` of the highest diversion score among its
owners. The most probable branch is the chain; on it, the first party judged not legitimate is the
diversion point and the owner before it the last authorised custodian. With nobody flagged the unit left
the documented chain at its last custodian (an insider diversion): no diversion point, and the last
custodian is the last authorised one.

A unit cannot have travelled in a shipment made after it was recovered: `as_of_recovery` cuts each branch
before its first hop dated after the recovery day (the unit was still with the sender then) and merges the
branches that become one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sanctrace.tracing.chains import Branch
from sanctrace.tracing.judge import Flag, Judgement, Weights


@dataclass(slots=True)
class LotHistory:
    """One candidate lot (or serial) of a recovery and the branches of its custody tree."""

    identifier: str
    likelihood: float
    reasons: list[str]
    branches: list[Branch]
    serial: bool = False


@dataclass(slots=True)
class ScoredBranch:
    lot: LotHistory
    branch: Branch
    prior: float
    weight: float
    suspicion: float


@dataclass(slots=True)
class TraceResult:
    recovery_id: str
    status: str
    part: dict[str, Any] | None
    lots: list[dict[str, Any]]
    chain: list[dict[str, Any]] = field(default_factory=list)
    last_known_custodian: str | None = None
    last_authorized_custodian: str | None = None
    diversion_point: str | None = None
    confidence: float = 0.0
    evidence: list[dict[str, Any]] = field(default_factory=list)
    alternatives: list[dict[str, Any]] = field(default_factory=list)
    part_candidates: list[dict[str, Any]] = field(default_factory=list)
    # Parties on the chosen chain from the diversion point on (or the last custodian), for facilitators.
    suspects: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "recovery_id": self.recovery_id, "status": self.status, "part": self.part, "lots": self.lots,
            "chain": self.chain, "last_known_custodian": self.last_known_custodian,
            "last_authorized_custodian": self.last_authorized_custodian, "diversion_point": self.diversion_point,
            "confidence": round(self.confidence, 4), "evidence": self.evidence, "alternatives": self.alternatives,
            "part_candidates": self.part_candidates,
        }


def as_of_recovery(histories: Sequence[LotHistory], recovered_on: date | None) -> list[LotHistory]:
    """The histories as they stood on the recovery day: each branch cut before its first hop dated after
    `recovered_on` (the unit was still with that hop's sender), the branches that become the same history
    merged (their shares summed), and a branch cut to nothing (the unit never left its first holder
    before the recovery) dropped. Unchanged when no date is known or nothing would be left."""
    if recovered_on is None:
        return list(histories)
    cut: list[LotHistory] = []
    for history in histories:
        merged: dict[tuple[tuple[str, ...], ...], Branch] = {}
        for branch in history.branches:
            keep = next((i for i, hop in enumerate(branch.hops) if hop.time.date() > recovered_on),
                        len(branch.hops))
            if keep == 0 and branch.hops:
                continue
            hops = branch.hops[:keep]
            key = tuple(hop.event_ids for hop in hops)
            if key in merged:
                merged[key].share += branch.share
                continue
            notes = list(branch.notes)
            if keep < len(branch.hops):
                later = branch.hops[keep]
                notes.append(f"{later.source} shipped it on to {later.destination} on "
                             f"{later.time.date().isoformat()}, after the recovery on {recovered_on.isoformat()}: "
                             f"the unit was still with {later.source} then")
            merged[key] = Branch(hops, hops[-1].quantity if hops else branch.quantity, notes, branch.share)
        if merged:
            cut.append(LotHistory(history.identifier, history.likelihood, history.reasons, list(merged.values()),
                                  history.serial))
    return cut if any(b.hops for h in cut for b in h.branches) else list(histories)


# party -> (total quantity of its orders, how many, the years they span)
Usual = Callable[[str], tuple[float, int, float] | None]


def score_branches(histories: Sequence[LotHistory], judge: Callable[[str], Judgement], weights: Weights,
                   sellers: frozenset[str] | set[str] = frozenset(), usual: Usual = lambda party: None,
                   ) -> list[ScoredBranch]:
    """Every branch of every candidate lot, with its prior and its evidence-weighted weight, best first.

    `sellers` are parties that pass goods on elsewhere in the ledger: a branch ending with one of them is
    its unsold stock, a less likely history of a unit found in a weapon (`stock_leaf_factor`). `usual` gives
    a buyer's usual order: a last order far larger than usual raises the branch (`unusual_order_*`).
    """
    scored: list[ScoredBranch] = []
    for history in histories:
        branches = [b for b in history.branches if b.hops]
        if not branches:
            continue
        for branch in branches:
            owners = [h.destination for h in branch.hops if not h.possession_only]
            suspicion = max((judge(p).score for p in owners), default=0.0)
            prior = history.likelihood * branch.share
            if branch.hops[-1].destination in sellers:
                prior *= weights.stock_leaf_factor
            prior *= unusual_order_factor(branch, usual, weights)
            scored.append(ScoredBranch(history, branch, prior, prior * evidence_factor(suspicion, weights),
                                       suspicion))
    scored.sort(key=lambda s: (-s.weight, [h.time for h in s.branch.hops]))
    return scored


def unusual_order_factor(branch: Branch, usual: Usual, weights: Weights) -> float:
    """How large the last order is for its buyer: its share of the buyer's yearly purchases, against
    `unusual_order_share` (a whole reel taken by a customer that buys little), as (share / reference) **
    exponent kept between 1 and the cap; 1 when the buyer has too few orders to tell."""
    last = branch.hops[-1]
    typical = usual(last.destination)
    if typical is None or last.quantity is None:
        return 1.0
    total, orders, years = typical
    total, orders = total - last.quantity, orders - 1  # the buyer's other orders: this one is being judged
    if orders < weights.unusual_order_min_orders or total <= 0:
        return 1.0
    share = last.quantity / (total / max(years, 1.0))
    ratio = share / weights.unusual_order_share
    return min(max(ratio, 1.0), weights.unusual_order_cap) ** weights.unusual_order_exponent


def evidence_factor(suspicion: float, weights: Weights) -> float:
    """How much the evidence against a branch's parties raises its prior: 1 + branch_boost * odds ** exponent, the
    odds of the highest diversion score on it. With the packaged weights (300, exponent 6) a weak flag barely
    moves a branch (a score of 0.2 multiplies it by 1.07), a party short of the threshold counts (0.4: by 27)
    and a party judged not legitimate dominates (0.52: by about 500)."""
    odds = min(suspicion, 0.999) / (1.0 - min(suspicion, 0.999))
    return 1.0 + weights.branch_boost * odds**weights.branch_boost_exponent


def conclude(recovery_id: str, part: dict[str, Any], part_confidence: float, histories: Sequence[LotHistory],
             judge: Callable[[str], Judgement], weights: Weights,
             sellers: frozenset[str] | set[str] = frozenset(), usual: Usual = lambda party: None) -> TraceResult:
    """The trace of one recovery whose part was resolved."""
    lots = [{"lot": h.identifier, "likelihood": round(h.likelihood, 4), "reasons": h.reasons,
             "serial": h.serial} for h in histories]
    status = "ambiguous" if len(histories) > 1 else "traced"
    result = TraceResult(recovery_id, status, part, lots)
    scored = score_branches(histories, judge, weights, sellers, usual)
    if not scored:
        result.status = "untraced"
        reason = ("no documented shipment of the candidate lot(s)" if histories
                  else "no lot of this part in the ledger matches the marking")
        result.evidence.append({"kind": "untraced", "reason": reason})
        return result
    best = scored[0]
    total = sum(s.weight for s in scored)
    result.confidence = part_confidence * best.weight / total
    hops = best.branch.hops
    result.chain = [h.to_dict() for h in hops]
    result.last_known_custodian = hops[-1].destination
    owners = [hops[0].source] + [h.destination for h in hops if not h.possession_only]
    judged = _judge_chain(owners, judge, weights)
    last_ok: str | None = None
    for position, party in enumerate(owners):
        if not judged[position].legitimate(weights):
            result.diversion_point = party
            result.suspects = owners[position:]
            break
        last_ok = party
    else:
        result.suspects = owners[-1:]
    result.last_authorized_custodian = last_ok
    result.evidence = _evidence(best, owners, dict(zip(owners, judged)).__getitem__, weights, len(scored))
    result.alternatives = [
        {"lot": s.lot.identifier, "parties": s.branch.parties, "probability": round(s.weight / total, 4),
         "suspicion": round(s.suspicion, 4)} for s in scored[1:6]
    ]
    return result


def _judge_chain(owners: list[str], judge: Callable[[str], Judgement], weights: Weights) -> list[Judgement]:
    """Each owner's judgement on this chain: a party that already carries some flag and hands the goods
    straight to a party judged not legitimate is flagged as its supplier (working back up the chain)."""
    judged = [judge(party) for party in owners]
    for position in range(len(owners) - 2, 0, -1):
        current, onward = judged[position], judged[position + 1]
        if current.flags and current.legitimate(weights) and not onward.legitimate(weights):
            judged[position] = current.with_flag(Flag(
                "supplies_flagged", weights.flags["supplies_flagged"],
                f"hands the goods straight to {owners[position + 1]}, judged not legitimate "
                f"(score {onward.score:.2f})", (owners[position + 1],)))
    return judged


def _evidence(best: ScoredBranch, owners: list[str], judge: Callable[[str], Judgement], weights: Weights,
              branch_count: int) -> list[dict[str, Any]]:
    evidence: list[dict[str, Any]] = [{
        "kind": "lot", "lot": best.lot.identifier, "reasons": best.lot.reasons,
        "likelihood": round(best.lot.likelihood, 4)}]
    for hop in best.branch.hops:
        how = {"lot": "the lot itself", "container": f"inside container {hop.object}",
               "transformation": f"as {hop.object}, made from it", "sales_ledger": "a sales-ledger row"}[hop.via]
        evidence.append({
            "kind": "hop", "event_ids": list(hop.event_ids),
            "reason": f"{hop.source} -> {hop.destination} on {hop.time.date().isoformat()} ({how}"
                      + (f", {hop.quantity:g} units" if hop.quantity is not None else "")
                      + (", possession only: not a new owner" if hop.possession_only else "")
                      + (f", held by {hop.possessor}" if hop.possessor else "") + ")"})
    for note in best.branch.notes:
        evidence.append({"kind": "note", "reason": note})
    for party in dict.fromkeys(owners):
        judgement = judge(party)
        for flag in judgement.flags:
            evidence.append({"kind": "flag", "party": party, **flag.to_dict()})
        if judgement.company.identifiers != [party]:
            evidence.append({"kind": "identity", "party": party, "company": judgement.company.key,
                             "identifiers": judgement.company.identifiers,
                             "reason": "the same company under several identifiers"})
    evidence.append({"kind": "branch", "reason": f"chosen among {branch_count} possible histories: prior "
                     f"{best.prior:.3f} (share of the lot), highest diversion score on it {best.suspicion:.2f}",
                     "threshold": weights.threshold})
    return evidence
