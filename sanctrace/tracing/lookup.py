"""Finding listed parties and registry records by name, across scripts and transliterations (pure).

An adapter from the screening package (rigour-based name analysis, a token index for blocking, part-by-part
comparison with explanations) to what party resolution asks: which listed party, which registry record, is
this name — each answer with the reason a person can check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sanctrace.screening.comparison import PartMatch
from sanctrace.screening.index import ScreeningIndex
from sanctrace.screening.matching import Match
from sanctrace.screening.parties import Query, party_from_entity

ORGANISATIONS = frozenset({"Company", "Organization", "LegalEntity", "PublicBody"})
REGISTRY_FACTS = ("registrationNumber", "incorporationDate", "jurisdiction")
SHORT_FORM_FLOOR = 0.8  # a short form of a registered name scores this at least (its left-out words count against)
SHORT_FORM_PART_SCORE = 0.95  # each word a short form has must agree this well (exact, transliteration)
SAME_WORD_SCORE = 0.9  # word pairs of the same name agree this well (a transliteration variant: Pribori / Приборы)


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

    def _search(self, index: ScreeningIndex, name: str, countries: Sequence[str], threshold: float,
                accept: Callable[[Match], bool] | None = None) -> list[tuple[str, float, str, bool]]:
        """Matches at or above `threshold`; with `accept`, also those it accepts at or above `SHORT_FORM_FLOOR`:
        (entity id, score, reason, whether every word agrees), best first."""
        found: dict[str, tuple[float, str, bool]] = {}
        floor = min(threshold, SHORT_FORM_FLOOR) if accept else threshold
        for country in countries or [None]:
            for match in index.screen(Query("lookup", name, "Company", country), floor, limit=3):
                if match.score < threshold and not (accept and accept(match)):
                    continue
                if match.entity_id not in found or match.score > found[match.entity_id][0]:
                    found[match.entity_id] = (match.score, f"{match.caption!r} at {match.score:.2f}: "
                                                           f"{match.summary()}", same_words(match))
        ranked = sorted(found.items(), key=lambda item: -item[1][0])
        return [(entity_id, score, reason, same) for entity_id, (score, reason, same) in ranked]

    def listed(self, name: str, countries: Sequence[str]) -> list[tuple[str, float, str, bool]]:
        """Listed parties the name matches: (entity id, score, reason, whether every word agrees)."""
        return [(entity_id, score, f"name matches listed {entity_id} {reason}", same)
                for entity_id, score, reason, same in
                self._search(self.listed_index, name, countries, self.listed_threshold)]

    def registry(self, name: str, countries: Sequence[str]) -> list[tuple[str, str]]:
        """The registry record the name is, if any: a match at `registry_threshold`, or a short form of the
        registered name in the same country (`is_short_form`)."""
        return [(entity_id, f"name {name!r} ~ {reason}") for entity_id, _, reason, _ in
                self._search(self.registry_index, name, countries, self.registry_threshold, is_short_form)[:1]]


@dataclass(frozen=True, slots=True)
class _Words:
    """A name comparison's parts sorted for the word-for-word rules below (legal forms aside when alone)."""

    paired: list[PartMatch]  # a part on each side
    distinctive: list[PartMatch]  # paired, neither a legal form nor a qualifier
    query_only: list[PartMatch]
    candidate_only: list[PartMatch]

    @classmethod
    def of(cls, match: Match) -> _Words:
        parts = match.name.parts
        paired = [p for p in parts if p.query and p.candidate]
        alone = [p for p in parts if not (p.query and p.candidate) and "legal form" not in p.how]
        return cls(paired, [p for p in paired if "legal form" not in p.how and "qualifier" not in p.how],
                   [p for p in alone if p.query], [p for p in alone if p.candidate])


def same_words(match: Match) -> bool:
    """Whether the names agree word for word (exactly, by transliteration or a transliteration variant: each
    word pair at `SAME_WORD_SCORE` or more), legal forms aside, with a distinctive word among them and no word
    on either side left unpaired: the same name, whatever else (a country) differs."""
    words = _Words.of(match)
    return (bool(words.distinctive) and not words.query_only and not words.candidate_only
            and all(p.score >= SAME_WORD_SCORE for p in words.paired))


def is_short_form(match: Match) -> bool:
    """A name that is the registered one with words left out ("Saram OsOO" for "ОсОО «Сарам Торг»", "Temot
    S.L." for "Temot Tecnologías S.L."), in the same country: every word it has agrees exactly or by
    transliteration (none merely alike, as "Ruikai" and "Jiakai"), at least one of them a distinctive word of
    four letters or more, and it has no word the registered name lacks (legal forms aside)."""
    if not (match.country or "").startswith("agrees"):
        return False
    words = _Words.of(match)
    return (not words.query_only and all(p.score >= SHORT_FORM_PART_SCORE for p in words.paired)
            and any(len(p.query) >= 4 for p in words.distinctive))
