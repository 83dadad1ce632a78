"""The knobs of the simulated world, each with its default and what it means.

Counts are given for scale 1. `scale` (an argument of `simulate_world`, not a field) multiplies the trade
volume (`lots`) and grows the population of customers and of the companies behind each diversion scheme
by `scale ** population_exponent`, and the number of diversions by `scale ** diversion_exponent`: a bigger
world has more of everything, with diversion an ever smaller share of trade. Manufacturers, distributors,
module makers and forwarders are fixed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# The diversion schemes (see `schemes.py` for what each one does and what its truth is).
SCHEMES = (
    "front_company",  # a new, unlisted company in a transit country buys from a distributor
    "linked_front",  # the same, but the registry links it to a listed party
    "unlisted_broker",  # one unlisted broker buys from many distributors under many identifiers
    "forwarder_consolidation",  # a reseller's goods change owner inside a forwarder's container
    "module_maker",  # a legitimate module maker's modules (with the chips inside) go to a broker
    "insider",  # a clean customer's unusually large order (a whole reel) vanishes: no next hop
    "listed_transliterated",  # a listed party, listed in Cyrillic or Chinese, buys under a Latin spelling
)

DEFAULT_DIVERSIONS = {
    "front_company": 8,
    "linked_front": 9,
    "unlisted_broker": 10,
    "forwarder_consolidation": 6,
    "module_maker": 6,
    "insider": 6,
    "listed_transliterated": 6,
}


@dataclass(frozen=True)
class WorldConfig:
    """Every parameter of the simulated world.

    Calendar:
        start, end: first and last day of trade.
        invasion: no diversion happens before this day (2022-02-24); Russian customers stop buying then.
        diversion_from: diverted lots are lots made on or after this day.
    Companies:
        manufacturers: fictional component makers (the first eight are hand-made; more get invented names).
        parts_per_manufacturer: orderable parts each makes.
        serialised_share: share of parts in serialisable categories (DSP, FPGA, IMU, DC-DC) sold with serials.
        distributors: authorised distributor groups; epcis_distributors of them report EPCIS, the others only
            keep a sales ledger.
        branches: fewest and most branches (legal entities in other countries) per distributor group.
        module_makers: companies building GNSS/radio modules from the chips (they report EPCIS).
        forwarders: freight forwarders consolidating consignments into containers (they report EPCIS).
        customers: legitimate customers; gs1_customer_share of them have a GLN (and so a PGLN everywhere);
            watched_customer_share of the customer weight lies in the watched transit countries.
        russian_customers: legitimate Russian customers, who buy only before the invasion.
        lookalikes: legitimate customers named like a listed party.
        end_users: listed Russian weapon makers (registry and sanctions lists only, never in trade data).
        listed_traders: listed procurement companies in transit countries (lists and registry only).
        registry_coverage: share of ordinary customers the corporate registry knows.
    Trade:
        lots: lots made at scale 1 (the main driver of the event count).
        reels: fewest and most reels per lot.
        whole_reel_share: share of reels a distributor sells whole (by SSCC) instead of cutting them; whole reels
            go mostly to production buyers (customers drawn by size squared, cut tape by size).
        unsold_share: share of each cut reel left in stock.
        sale_days: most days between a reel reaching a branch and its sale.
        forwarded_share: share of sales to Central Asian and Caucasus customers shipped via a forwarder.
        container_size: consignments a forwarder gathers before a container leaves.
        receiving_share: share of reporters that also record receiving events.
        uri_cbv_share: share of reporters writing CBV values as web URIs instead of bare words.
        digital_link_share: share of reporters writing GS1 keys as Digital Link URIs instead of EPC URNs.
        local_time_share: share of reporters writing event times in local time instead of UTC.
    Diversion:
        schemes: the schemes enabled.
        diversions: diverted consignments per scheme at scale 1.
        fronts, linked_fronts, brokers, resellers, consignees, listed_buyers: how many companies (at scale 1)
            each scheme draws its diverters from.
        recoveries_per_diversion: fewest and most units recovered from one diverted consignment.
        lot_code_share: share of recoveries whose lot code is legible (the others have a date code only).
        serial_share: share of recovered serialised units whose serial is read.
        module_marking_share: share of recovered modules recorded by the module's marking (else the chip's).
    Scaling and output:
        population_exponent, diversion_exponent: see the module docstring.
        max_events_per_file: an EPCIS document holds at most this many events; bigger reporters get
            numbered files.
    """

    start: date = date(2021, 1, 4)
    end: date = date(2024, 12, 20)
    invasion: date = date(2022, 2, 24)
    diversion_from: date = date(2022, 6, 1)

    manufacturers: int = 8
    parts_per_manufacturer: int = 12
    serialised_share: float = 0.5
    distributors: int = 6
    epcis_distributors: int = 4
    branches: tuple[int, int] = (2, 4)
    module_makers: int = 3
    forwarders: int = 2
    customers: int = 300
    gs1_customer_share: float = 0.12
    watched_customer_share: float = 0.4
    russian_customers: int = 12
    lookalikes: int = 6
    end_users: int = 10
    listed_traders: int = 6
    registry_coverage: float = 0.85

    lots: int = 1400
    reels: tuple[int, int] = (3, 7)
    whole_reel_share: float = 0.3
    unsold_share: float = 0.15
    sale_days: int = 240
    forwarded_share: float = 0.35
    container_size: int = 5
    receiving_share: float = 0.5
    uri_cbv_share: float = 0.25
    digital_link_share: float = 0.2
    local_time_share: float = 0.3

    schemes: tuple[str, ...] = SCHEMES
    diversions: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_DIVERSIONS))
    fronts: int = 8
    linked_fronts: int = 6
    brokers: int = 3
    resellers: int = 3
    consignees: int = 3
    listed_buyers: int = 4
    recoveries_per_diversion: tuple[int, int] = (1, 4)
    lot_code_share: float = 0.6
    serial_share: float = 0.8
    module_marking_share: float = 0.25

    population_exponent: float = 0.5
    diversion_exponent: float = 0.75
    max_events_per_file: int = 50_000

    def __post_init__(self) -> None:
        unknown = set(self.schemes) - set(SCHEMES)
        if unknown:
            raise ValueError(f"unknown scheme(s): {', '.join(sorted(unknown))}")
        if self.epcis_distributors > self.distributors or self.distributors < 1:
            raise ValueError(
                "need at least one distributor, and no more EPCIS distributors than distributors"
            )
        if self.diversion_from < self.invasion:
            raise ValueError("diversion_from cannot be before the invasion")
        if "module_maker" in self.schemes and self.module_makers < 1:
            raise ValueError("the module_maker scheme needs module makers")
        if "forwarder_consolidation" in self.schemes and self.forwarders < 1:
            raise ValueError("the forwarder_consolidation scheme needs forwarders")

    def population(self, count: int, scale: float) -> int:
        """A population count at scale 1 grown to `scale` (at least 1)."""
        return max(1, round(count * scale**self.population_exponent))

    def diversion_count(self, scheme: str, scale: float) -> int:
        """Diverted consignments of one scheme at `scale` (0 when the scheme is disabled)."""
        if scheme not in self.schemes:
            return 0
        return max(1, round(self.diversions[scheme] * scale**self.diversion_exponent))

    def lot_count(self, scale: float) -> int:
        return max(1, round(self.lots * scale))
