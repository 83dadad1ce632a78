"""Finding listed parties and registry records by name, across scripts and transliterations (pure).

An adapter from the screening package (rigour-based name analysis, a token index for blocking, part-by-part
comparison with explanations) to what party resolution asks: which listed party, which registry record, is
this name — each answer with the reason a person can check.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sanctrace.screening.index import ScreeningIndex
from sanctrace.screening.parties import Query, party_from_entity

ORGANISATIONS = frozenset({"Company", "Organization", "LegalEntity", "PublicBody"})
REGISTRY_FACTS = ("registrationNumber", "incorporationDate", "jurisdiction")


def is_registry_record(entity: Mapping[str, Any]) -> bool:
    """An organisation as a registry records it (a registration number, an incorporation date or a
    jurisdiction), not a name in some company's customer master data: only such records tie a party to the
    registry by name, so that two parties that match different master-data names still meet at one record."""
    properties = entity.get("properties") or {}
    return entity.get("schema") in ORGANISATIONS and any(properties.get(fact) for fact in REGISTRY_FACTS)


class NameLookup:
    """Listed parties and registry records (`is_registry_record`), indexed once; `listed_threshold` and
    `registry_threshold` are the scores (country agreement included) a name must reach."""

    def __init__(self, listed: ScreeningIndex, registry_entities: Iterable[Mapping[str, Any]],
                 listed_threshold: float = 0.8, registry_threshold: float = 0.88) -> None:
        self.listed_index = listed
        parties = (party_from_entity(e) for e in registry_entities if is_registry_record(e))
        self.registry_index = ScreeningIndex(p for p in parties if p is not None)
        self.listed_threshold = listed_threshold
        self.registry_threshold = registry_threshold

    def _search(self, index: ScreeningIndex, name: str, countries: Sequence[str],
                threshold: float) -> list[tuple[str, float, str]]:
        found: dict[str, tuple[float, str]] = {}
        for country in countries or [None]:
            for match in index.screen(Query("lookup", name, "Company", country), threshold, limit=3):
                if match.entity_id not in found or match.score > found[match.entity_id][0]:
                    found[match.entity_id] = (match.score, f"{match.caption!r} at {match.score:.2f}: "
                                                           f"{match.summary()}")
        ranked = sorted(found.items(), key=lambda item: -item[1][0])
        return [(entity_id, score, reason) for entity_id, (score, reason) in ranked]

    def listed(self, name: str, countries: Sequence[str]) -> list[tuple[str, float, str]]:
        return [(entity_id, score, f"name matches listed {entity_id} {reason}") for entity_id, score, reason in
                self._search(self.listed_index, name, countries, self.listed_threshold)]

    def registry(self, name: str, countries: Sequence[str]) -> list[tuple[str, str]]:
        return [(entity_id, f"name {name!r} ~ {reason}") for entity_id, _, reason in
                self._search(self.registry_index, name, countries, self.registry_threshold)[:1]]
