"""Hops arranged as a custody tree, and its branches (pure).

A lot shipped in parts to several customers is a tree, not a line: each shipment hangs under the latest
arrival of the goods at its sender that happened no later than the shipment (so a chain never goes back in
time), and each branch — a path from the first holder to a holder that passed nothing on — is one possible
history of the recovered unit. A shipment's quantity is capped at what its sender still held from that
arrival (the excess is kept as evidence), so a hop never moves more than was there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sanctrace.tracing.custody import Hop


@dataclass(slots=True)
class Node:
    """One arrival of the goods at a party (the root: the first holder, with no arrival hop)."""

    party: str
    arrival: Hop | None
    parent: Node | None
    held: float | None  # what arrived (None: unknown / unlimited)
    children: list[Node] = field(default_factory=list)
    sent: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def time(self) -> datetime | None:
        return self.arrival.time if self.arrival else None

    def path(self) -> list[Node]:
        nodes: list[Node] = []
        node: Node | None = self
        while node is not None:
            nodes.append(node)
            node = node.parent
        return nodes[::-1]


@dataclass(slots=True)
class Branch:
    """One root-to-leaf history: the hops in order and how much of the lot went this way."""

    hops: list[Hop]
    quantity: float | None  # what reached the leaf, capped at what the sender held
    notes: list[str]
    share: float = 1.0  # the chance a unit of the lot went this way: at each split, this child's part of it

    @property
    def parties(self) -> list[str]:
        if not self.hops:
            return []
        return [self.hops[0].source, *(h.destination for h in self.hops)]


def build_tree(hops: list[Hop], origin: str | None = None, origin_quantity: float | None = None,
               company_of: Callable[[str], str] = str) -> Node:
    """The custody tree of one traced unit. `origin` is the first holder (default: the earliest sender).

    `company_of` maps a party identifier to its company, so that goods received under one identifier (a
    distributor's customer id) and passed on under another (a forwarder's id for the same company) are one
    holder. What a company may still ship is counted per company (all it received so far, less all it
    sent), so goods arriving in several containers at once are one stock, not several.
    """
    ordered = sorted(hops, key=lambda h: (h.time, h.event_ids))
    root_party = origin or (ordered[0].source if ordered else "")
    root = Node(root_party, None, None, origin_quantity)
    root_key = company_of(root_party)
    arrivals: dict[str, list[Node]] = {root_key: [root]}
    received: dict[str, float | None] = {root_key: origin_quantity}
    sent: dict[str, float] = {}
    for hop in ordered:
        source, destination = company_of(hop.source), company_of(hop.destination)
        if source == destination:
            continue  # between two identifiers of one company
        sender = _latest_arrival(arrivals.get(source, []), hop.time)
        if sender is None:
            # Goods leaving a party we never saw receive them: an undocumented arrival, hung under the root.
            sender = Node(hop.source, None, root, None, notes=[f"no documented arrival at {hop.source}"])
            root.children.append(sender)
            arrivals.setdefault(source, []).append(sender)
            received[source] = None
        quantity = hop.quantity
        stock = received.get(source)
        if quantity is not None and stock is not None:
            available = max(stock - sent.get(hop.source, 0.0), 0.0)
            if quantity > available + 1e-9:
                sender.notes.append(f"event {hop.event_ids[-1]} reports {quantity:g} shipped to {hop.destination} "
                                    f"but {hop.source} held {available:g}; capped")
                quantity = available
        if quantity is not None:
            sent[source] = sent.get(source, 0.0) + quantity
            sender.sent += quantity
        node = Node(hop.destination, hop, sender, quantity)
        sender.children.append(node)
        arrivals.setdefault(destination, []).append(node)
        if destination not in received or received[destination] is not None:
            received[destination] = None if quantity is None else (received.get(destination) or 0.0) + quantity
    return root


def _latest_arrival(nodes: list[Node], moment: datetime) -> Node | None:
    candidates = [n for n in nodes if n.time is None or n.time <= moment]
    return max(candidates, key=lambda n: (n.time is not None, n.time or datetime.min), default=None)


def _share(path: list[Node]) -> float:
    """Product, down the path, of each child's part of what its sender shipped (in the units the sender
    shipped: chips before a transformation, modules after it); an unknown quantity counts as the average."""
    share = 1.0
    for parent, child in zip(path, path[1:]):
        amounts = [_reported(c) for c in parent.children]
        known = [a for a in amounts if a is not None and a > 0]
        fill = sum(known) / len(known) if known else 1.0
        amounts = [a if a is not None and a > 0 else fill for a in amounts]
        share *= amounts[parent.children.index(child)] / sum(amounts)
    return share


def _reported(node: Node) -> float | None:
    return node.arrival.quantity if node.arrival is not None else node.held


def branches(root: Node) -> list[Branch]:
    """Every root-to-leaf path of the tree, with the quantity that reached its leaf."""
    found: list[Branch] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if node.children:
            stack.extend(node.children)
            continue
        path = node.path()
        hops = [n.arrival for n in path if n.arrival is not None]
        notes = [note for n in path for note in n.notes]
        found.append(Branch(hops, node.held, notes, _share(path)))
    found.sort(key=lambda b: [h.time for h in b.hops])
    return found
