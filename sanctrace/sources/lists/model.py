"""What every list reader produces: FollowTheMoney entities, each with the listing it comes from (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from followthemoney.proxy import EntityProxy

from sanctrace.screening.parties import Listing


@dataclass(frozen=True, slots=True)
class ListedRecord:
    """One record of a list: a FollowTheMoney entity and its listing (None for entities that are not listed
    themselves, such as the ownership or address entities of a FollowTheMoney file)."""

    entity: EntityProxy
    listing: Listing | None

    def to_dict(self) -> dict[str, Any]:
        return {"entity": self.entity.to_dict(), "listing": self.listing.to_dict() if self.listing else None}


@dataclass(slots=True)
class SanctionsList:
    """One version of one list, read from one file (or one set of companion files)."""

    list_id: str  # stable across versions: "eu-fsf", "us-ofac-sdn", "un-sc-consolidated"...
    title: str
    format: str  # the reader that read it: "eu-fsf-xml", "ofac-sdn-xml", ...
    issued_on: str | None = None  # the date the list states it was generated or published
    records: list[ListedRecord] = field(default_factory=list)

    @property
    def listed(self) -> list[ListedRecord]:
        return [record for record in self.records if record.listing is not None]
