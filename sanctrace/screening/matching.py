"""One query against one listed party: the score and every reason for it (pure).

The score starts from the best name comparison (`comparison.py`) and is then qualified by what else both sides
state: an identifier they share (registration number, tax number, passport...) makes a match whatever the
names say; different countries or different birth years count against; the same birth date counts for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sanctrace.screening.comparison import NameComparison, PartMatch
from sanctrace.screening.parties import Party, Query, normalise_address, normalise_identifier

DEFAULT_THRESHOLD = 0.7  # a match is reported at or above this score
IDENTIFIER_SCORE = 0.95  # the score of a party sharing an identifier with the query, whatever its names
COUNTRY_MISMATCH = -0.1
BIRTH_YEAR_MISMATCH = -0.15
BIRTH_DATE_AGREES = 0.05


@dataclass(frozen=True, slots=True)
class Match:
    """A listed party the query may be, with the score and the explanation of each feature."""

    entity_id: str
    caption: str
    schema: str
    score: float
    name: NameComparison
    identifiers: tuple[str, ...] = ()  # "registrationNumber 1027700132195"
    country: str | None = None  # "agrees (ru)" / "differs: query de, listed ru"
    birth_date: str | None = None
    address: str | None = None
    listings: tuple[str, ...] = ()

    def values(self) -> tuple[Any, ...]:
        """The match as plain values — strings, numbers, tuples — that marshal can write: how worker processes send
        their answers back (far cheaper than pickling the objects); `Match.from_values` makes it again."""
        name = self.name
        return (self.entity_id, self.caption, self.schema, self.score,
                (name.score, name.query, name.candidate,
                 tuple((p.query, p.candidate, p.how, p.score, p.weight) for p in name.parts), name.transliterated),
                self.identifiers, self.country, self.birth_date, self.address, self.listings)

    @classmethod
    def from_values(cls, values: tuple[Any, ...]) -> Match:
        entity_id, caption, schema, score, name, identifiers, country, birth_date, address, listings = values
        name_score, query, candidate, parts, transliterated = name
        return cls(entity_id, caption, schema, score,
                   NameComparison(name_score, query, candidate, tuple(PartMatch(*part) for part in parts),
                                  transliterated), identifiers, country, birth_date, address, listings)

    def summary(self) -> str:
        reasons = [f"name {self.name.describe()}"]
        reasons += [f"identifier {i} agreed" for i in self.identifiers]
        for label, value in (("country", self.country), ("birth date", self.birth_date),
                             ("address", self.address)):
            if value:
                reasons.append(f"{label} {value}")
        return "; ".join(reasons)

    def explanation(self) -> dict[str, Any]:
        return {"summary": self.summary(), "name": self.name.to_dict(), "identifiers": list(self.identifiers),
                "country": self.country, "birth_date": self.birth_date, "address": self.address,
                "listed_on": list(self.listings)}

    def to_dict(self) -> dict[str, Any]:
        return {"entity_id": self.entity_id, "caption": self.caption, "schema": self.schema,
                "score": round(self.score, 3), "explanation": self.explanation()}


def _country(query: Query, party: Party) -> tuple[str | None, float]:
    if not query.country or not party.countries:
        return None, 0.0
    country = query.country.lower()
    if country in party.countries:
        return f"agrees ({country})", 0.0
    return f"differs: query {country}, listed {', '.join(sorted(party.countries))}", COUNTRY_MISMATCH


def _birth_date(query: Query, party: Party) -> tuple[str | None, float]:
    if not query.birth_date or not party.birth_dates:
        return None, 0.0
    if any(query.birth_date.startswith(d) or d.startswith(query.birth_date) for d in party.birth_dates):
        return f"agrees ({query.birth_date})", BIRTH_DATE_AGREES
    if query.birth_date[:4] not in {d[:4] for d in party.birth_dates}:
        return f"differs: query {query.birth_date}, listed {', '.join(sorted(party.birth_dates))}", \
            BIRTH_YEAR_MISMATCH
    return f"same year, other day: query {query.birth_date}, listed {', '.join(sorted(party.birth_dates))}", 0.0


def _identifiers(query: Query, party: Party) -> tuple[str, ...]:
    if not query.registration_number:
        return ()
    value = normalise_identifier(query.registration_number)
    prop = party.identifiers.get(value)
    return (f"{prop} {query.registration_number}",) if prop else ()


def _address(query: Query, party: Party) -> str | None:
    if query.address and normalise_address(query.address) in party.addresses:
        return f"agrees ({query.address})"
    return None


def name_floor(query: Query, party: Party, threshold: float) -> float:
    """The least name score with which `score_party` could score the party at or above `threshold`: 0 when an
    identifier agrees (it lifts any name), else the threshold less what an agreeing birth date would add (the
    only feature that adds to the name's score)."""
    if _identifiers(query, party):
        return 0.0
    return threshold - (BIRTH_DATE_AGREES if query.birth_date and party.birth_dates else 0.0) - 1e-9


def score_party(query: Query, party: Party, name: NameComparison) -> Match:
    """The match of the query against one party, from the best comparison of their names."""
    identifiers = _identifiers(query, party)
    country, country_weight = _country(query, party)
    birth_date, birth_weight = _birth_date(query, party)
    score = name.score
    if identifiers:
        score = max(score, IDENTIFIER_SCORE)
    score = min(1.0, max(0.0, score + country_weight + birth_weight))
    return Match(party.entity_id, party.caption, party.schema.name, score, name, identifiers, country, birth_date,
                 _address(query, party), tuple(listing.describe() for listing in party.listings))
