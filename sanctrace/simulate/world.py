"""The world model: companies, people, registry links, sanctions listings, and the sellers whose records
(customer master data, EPCIS events, sales ledgers) the simulation writes. Plain data plus the few
operations every part of the simulator needs (adding companies, allocating GS1 numbers, naming a party
the way one seller's systems name it)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from sanctrace.simulate.catalogue import MakerSpec, Part
from sanctrace.simulate.config import WorldConfig
from sanctrace.simulate.events import Style
from sanctrace.simulate.ids import Ids, customer_uri
from sanctrace.simulate.names import CompanyName, PersonName

# GS1 Member Organisation prefixes by country (the first digits of a GS1 Company Prefix).
# fmt: off
GS1_PREFIX = {
    "NL": "87", "DE": "40", "FR": "30", "IT": "80", "PL": "590", "CZ": "859", "AT": "90", "SE": "73",
    "FI": "64", "ES": "84", "BE": "54", "HU": "599", "RO": "594", "LT": "477", "EE": "474", "LV": "475",
    "GB": "50", "CH": "76", "NO": "70", "US": "0", "MX": "750", "BR": "789", "IL": "729", "IN": "890",
    "JP": "45", "KR": "880", "TW": "471", "SG": "888", "MY": "955", "VN": "893", "TR": "869", "GE": "486",
    "AM": "485", "AE": "629", "KZ": "487", "KG": "470", "UZ": "478", "HK": "489", "CN": "690", "RU": "460",
}
# fmt: on


@dataclass(slots=True)
class Company:
    """One legal entity. `naming` knows how others spell it (None: `name` is the only spelling); `gcp` and
    `party_ref`/`site_ref` make its PGLN and main-site SGLN when it is a GS1 member; `group` is the seller
    a distributor branch belongs to; `ship_to` the country its goods are delivered to; `forwarder` the
    forwarder it uses for consolidated shipments; `active_until` ends its trading (Russian customers)."""

    key: str
    role: str
    name: str
    country: str
    city: str
    incorporated: date
    reg_no: str
    address: str
    naming: CompanyName | None = None
    native_name: str | None = None
    gcp: str | None = None
    party_ref: str = ""
    site_ref: str = ""
    group: str | None = None
    ship_to: str = ""
    forwarder: str | None = None
    weight: float = 1.0
    active_until: date | None = None
    address_key: str = ""
    registry_id: str | None = None

    def variant(self, rng: random.Random) -> str:
        """The company's name as some other party's records spell it."""
        if self.naming is not None:
            return self.naming.variant(rng)
        return rng.choice((self.name, self.name.upper(), self.name.rsplit(" ", 1)[0]))

    def active(self, day: date) -> bool:
        return self.incorporated <= day and (self.active_until is None or day < self.active_until)


@dataclass(slots=True)
class Person:
    key: str
    name: PersonName
    country: str
    birth_date: date
    registry_id: str


@dataclass(frozen=True, slots=True)
class Link:
    """A registry fact: `holder` (person or company key) owns `share` % of, or directs, company `entity`."""

    kind: str  # "ownership" | "directorship"
    holder: str
    entity: str
    since: date
    share: float | None = None
    role: str | None = None


@dataclass(slots=True)
class Listing:
    """A sanctions listing of a company or person: the names as listed (first: the listed name), and each
    authority's (authority, programme, listing date)."""

    subject: str
    names: tuple[str, ...]
    measures: tuple[tuple[str, str, date], ...]
    list_id: str = ""


@dataclass(slots=True)
class BookEntry:
    """How one seller's customer master data records a party."""

    identifier: str
    name: str
    reg_no: str | None
    address: str | None


@dataclass(slots=True)
class Seller:
    """A company (or distributor group) that keeps customer master data and reports what it ships: EPCIS
    when `epcis`, else a sales ledger. `members` are the legal entities acting for it (branches of a
    distributor group, else the company itself); `served` holds, per member, the customers it sells to."""

    key: str
    role: str
    name: str
    domain: str
    members: list[str]
    epcis: bool
    style: Style
    uri_template: str
    namespace: tuple[str, str]
    book: dict[str, BookEntry] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)
    served: dict[str, list[str]] = field(default_factory=dict)
    ids: Ids = field(init=False)

    def __post_init__(self) -> None:
        self.ids = Ids(self.style.digital_link)


@dataclass
class World:
    """Everything that exists. `used` records, per company key, each identifier some seller wrote for it."""

    config: WorldConfig
    scale: float
    companies: dict[str, Company] = field(default_factory=dict)
    persons: dict[str, Person] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    listings: list[Listing] = field(default_factory=list)
    sellers: dict[str, Seller] = field(default_factory=dict)
    parts: list[Part] = field(default_factory=list)
    makers: dict[str, MakerSpec] = field(default_factory=dict)
    branch_of: dict[tuple[str, str], str] = field(default_factory=dict)
    sellers_of: dict[str, list[str]] = field(default_factory=dict)
    used: dict[str, set[str]] = field(default_factory=dict)
    _gcps: set[str] = field(default_factory=set)
    _numbers: dict[str, int] = field(default_factory=dict)

    def add(self, company: Company) -> Company:
        if company.key in self.companies:
            raise ValueError(f"duplicate company key {company.key}")
        self.companies[company.key] = company
        return company

    def of_role(self, *roles: str) -> list[Company]:
        return [c for c in self.companies.values() if c.role in roles]

    def new_gcp(self, country: str, length: int, rng: random.Random) -> str:
        """A GS1 Company Prefix of `length` digits under the country's GS1 prefix, unused so far."""
        prefix = GS1_PREFIX[country]
        while True:
            gcp = prefix + "".join(rng.choice("0123456789") for _ in range(length - len(prefix)))
            if gcp not in self._gcps:
                self._gcps.add(gcp)
                return gcp

    def make_member(self, company: Company, rng: random.Random, length: int = 9) -> None:
        """Give a company a GS1 Company Prefix, a PGLN and a main-site SGLN."""
        company.gcp = self.new_gcp(company.country, length, rng)
        width = 12 - length
        company.party_ref, company.site_ref = f"{1:0{width}d}", f"{2:0{width}d}"

    def person(self, name: PersonName, country: str, born: date) -> Person:
        key = f"p{len(self.persons) + 1:06d}"
        person = Person(key, name, country, born, f"reg-p-{len(self.persons) + 1:06d}")
        self.persons[key] = person
        return person

    def link(self, link: Link) -> None:
        self.links.append(link)

    def pgln(self, seller: Seller, company: Company) -> str:
        return seller.ids.pgln(company.gcp, company.party_ref)

    def sgln(self, seller: Seller, company: Company, ref: str | None = None) -> str | None:
        if company.gcp is None:
            return None
        return seller.ids.sgln(company.gcp, ref or company.site_ref)

    def enrol(self, seller: Seller, key: str, rng: random.Random) -> BookEntry:
        """Put a party in a seller's customer master data (once), under the seller's identifier for it."""
        entry = seller.book.get(key)
        if entry is None:
            company = self.companies[key]
            if company.gcp:
                identifier = self.pgln(seller, company)
            else:
                number = self._numbers.get(seller.key, 100 + rng.randrange(900)) + rng.randrange(1, 40)
                self._numbers[seller.key] = number
                identifier = customer_uri(seller.uri_template, seller.domain, number, company.ship_to)
            entry = BookEntry(
                identifier,
                company.variant(rng),
                company.reg_no if rng.random() < 0.35 else None,
                company.address if rng.random() < 0.5 else None,
            )
            seller.book[key] = entry
        return entry

    def ref(self, seller: Seller, key: str) -> str:
        """The identifier a seller's events or ledger use for a party (recorded in `used`)."""
        identifier = seller.refs.get(key)
        if identifier is None:
            entry = seller.book.get(key)
            identifier = entry.identifier if entry else self.pgln(seller, self.companies[key])
            seller.refs[key] = identifier
            self.used.setdefault(key, set()).add(identifier)
        return identifier

    def serve(
        self, seller: Seller, member: str, key: str, rng: random.Random, *, listed: bool = True
    ) -> None:
        """Make `key` a customer of branch `member` of `seller` (once); `listed`: among the customers that
        branch's ordinary sales are drawn from (diverters are enrolled but not listed)."""
        if (seller.key, key) in self.branch_of:
            return
        self.enrol(seller, key, rng)
        self.branch_of[seller.key, key] = member
        self.sellers_of.setdefault(key, []).append(seller.key)
        if listed:
            seller.served.setdefault(member, []).append(key)
