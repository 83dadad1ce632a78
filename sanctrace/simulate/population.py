"""Who exists: manufacturers, distributor groups and their branches, module makers, forwarders, legitimate
customers (Russian ones only until the invasion), listed parties and their people, look-alikes of listed
names; who sells to whom; and the registry facts (directors, owners, addresses) about all of them."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

from sanctrace.simulate.catalogue import MAKERS, MakerSpec, make_parts, module_parts
from sanctrace.simulate.config import WorldConfig
from sanctrace.simulate.events import Style
from sanctrace.simulate.geography import COUNTRIES, WATCHED, customer_countries, serving_branch
from sanctrace.simulate.ids import CUSTOMER_URI_TEMPLATES, Ids
from sanctrace.simulate.names import (
    CompanyName,
    company_name,
    cyrillic_word,
    lookalike_stem,
    person_name,
    pseudo_word,
    transliterate,
)
from sanctrace.simulate.world import Company, Link, Listing, Seller, World

# fmt: off
_REG_FORMATS = {
    "DE": ("HRB ", 6), "AT": ("FN ", 6), "NL": ("", 8), "FR": ("", 9), "IT": ("MI-", 7), "PL": ("KRS ", 10),
    "GB": ("", 8), "TR": ("", 10), "RU": ("", 13), "KZ": ("", 12), "KG": ("", 8), "UZ": ("", 9),
    "CN": ("91", 16), "HK": ("", 8), "AE": ("DMCC-", 6), "US": ("", 7), "JP": ("", 13), "IN": ("U", 12),
}
# fmt: on
_BRANCH_POOL = ("TR", "AE", "HK", "PL", "FI", "CZ", "SG", "US", "IT", "FR", "TR", "AE", "HK")
_HQ_POOL = ("DE", "NL", "FR", "IT", "AT", "SE")
_FORWARDER_POOL = ("LT", "DE", "FI", "PL")
_MODULE_POOL = ("CN", "HK", "TR")
# fmt: off
AUTHORITIES = (
    ("Council of the European Union", "EU Regulation 269/2014 (Russia)"),
    ("Office of Foreign Assets Control", "RUSSIA-EO14024"),
    ("Bureau of Industry and Security", "Entity List"),
    ("Office of Financial Sanctions Implementation", "Russia (UK)"),
)
# fmt: on


def random_day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange(max(1, (last - first).days + 1)))


def reg_no(country: str, rng: random.Random) -> str:
    prefix, digits = _REG_FORMATS.get(country, ("", 8))
    return prefix + "".join(rng.choice("0123456789") for _ in range(digits))


def street_address(country: str, city: str, rng: random.Random) -> str:
    """A fictional street address in `city`."""
    stem, number = pseudo_word(rng, 2), rng.randrange(1, 240)
    script = COUNTRIES[country].script
    if script == "cyrillic":
        return f"ul. {transliterate(cyrillic_word(rng))}, d. {number}, {city}"
    if country in ("DE", "AT", "CH", "NL", "SE", "NO", "FI", "CZ", "PL", "HU", "LT", "EE", "LV", "BE"):
        street = stem + rng.choice(("strasse", "weg", "straat", "gatan", "katu"))
        return f"{street} {number}, {rng.randrange(10000, 99999)} {city}"
    if country in ("FR", "IT", "ES", "RO", "BR", "MX"):
        return f"{rng.choice(('Via', 'Rue', 'Calle', 'Strada'))} {stem} {number}, {city}"
    if country == "TR":
        return f"{stem} Caddesi No:{number}, {city}"
    if country == "AE":
        return f"Office {number}, {stem} Tower, {city}"
    return f"{number} {stem} Road, {city}"


class Populator:
    """Builds the population of a world step by step (the order of the steps is part of determinism)."""

    def __init__(self, world: World, rng: random.Random) -> None:
        self.world = world
        self.config: WorldConfig = world.config
        self.rng = rng
        self._registry_ids: set[str] = set()
        self.forwarder_keys: list[str] = []
        self._addresses = 0

    # -- companies ---------------------------------------------------------------------------------------

    def company(
        self,
        key: str,
        role: str,
        country: str,
        naming: CompanyName | None = None,
        *,
        name: str | None = None,
        incorporated: date | None = None,
    ) -> Company:
        """Add a company with a registration number, address and (unless given) a generated name."""
        rng = self.rng
        naming = naming if naming is not None or name else company_name(country, rng)
        city = naming.city if naming else rng.choice(COUNTRIES[country].cities)
        company = Company(
            key,
            role,
            name or naming.official,
            country,
            city,
            incorporated or random_day(rng, date(1988, 1, 1), date(2019, 12, 31)),
            reg_no(country, rng),
            street_address(country, city, rng),
            naming=naming,
            native_name=naming.native if naming else None,
            ship_to=country,
        )
        self._addresses += 1
        company.address_key = f"reg-a-{self._addresses:06d}"
        return self.world.add(company)

    def register(self, company: Company) -> None:
        """Put a company in the corporate registry, with a director and owners."""
        rid = f"reg-{company.country.lower()}-{''.join(ch for ch in company.reg_no if ch.isalnum()).lower()}"
        while rid in self._registry_ids:
            rid += "x"
        self._registry_ids.add(rid)
        company.registry_id = rid
        rng, world, since = self.rng, self.world, company.incorporated
        director = self._person(company.country)
        world.link(Link("directorship", director, company.key, since, role="director"))
        if company.group and company.key != self._hq(company.group):
            world.link(Link("ownership", self._hq(company.group), company.key, since, share=100.0))
        elif rng.random() < 0.6:
            world.link(Link("ownership", director, company.key, since, share=100.0))
        else:
            share = float(rng.choice((51, 60, 75)))
            world.link(Link("ownership", self._person(company.country), company.key, since, share=share))
            world.link(Link("ownership", director, company.key, since, share=100.0 - share))

    def _person(self, country: str) -> str:
        """A new person of `country`; returns its key."""
        born = random_day(self.rng, date(1955, 1, 1), date(1992, 12, 31))
        return self.world.person(person_name(country, self.rng), country, born).key

    def _hq(self, group: str) -> str:
        return self.world.sellers[group].members[0]

    def style(self, country: str, epcis: bool = True) -> Style:
        rng, config = self.rng, self.config
        if not epcis:
            return Style(tz=COUNTRIES[country].tz)
        return Style(
            tz=COUNTRIES[country].tz,
            cbv_uri=rng.random() < config.uri_cbv_share,
            digital_link=rng.random() < config.digital_link_share,
            local_time=rng.random() < config.local_time_share,
            receiving=rng.random() < config.receiving_share,
            uom=rng.choice(("EA", "EA", None)),
        )

    def seller(self, key: str, role: str, name: str, members: list[str], epcis: bool, country: str) -> Seller:
        prefix = "".join(ch for ch in key if ch.isalpha())[:4]
        seller = Seller(
            key,
            role,
            name,
            key,
            members,
            epcis,
            self.style(country, epcis),
            self.rng.choice(CUSTOMER_URI_TEMPLATES),
            (prefix, f"https://epcis.{key}.example/ns/"),
        )
        self.world.sellers[key] = seller
        return seller

    def vary_styles(self) -> None:
        """Make sure the reporters exercise every allowed spelling: at least one writes Digital Link URIs
        (an EPCIS distributor), one CBV web URIs (a manufacturer), one local times (a module maker)."""
        reporters = [s for s in self.world.sellers.values() if s.epcis]
        wanted = (
            ("digital_link", "distributor"),
            ("cbv_uri", "manufacturer"),
            ("local_time", "module_maker"),
        )
        for flag, role in wanted:
            if not any(getattr(s.style, flag) for s in reporters):
                seller = next(s for s in reporters if s.role == role)
                seller.style = replace(seller.style, **{flag: True})
                seller.ids = Ids(seller.style.digital_link)

    # -- the supply side ---------------------------------------------------------------------------------

    def manufacturers(self) -> None:
        config, rng, world = self.config, self.rng, self.world
        for i in range(config.manufacturers):
            spec = MAKERS[i] if i < len(MAKERS) else self._invented_maker(i)
            company = self.company(spec.domain, "manufacturer", spec.country, name=spec.name)
            world.make_member(company, rng, length=7)
            self.register(company)
            self.seller(spec.domain, "manufacturer", spec.name, [company.key], True, spec.country)
            world.parts.extend(
                make_parts(
                    company.key,
                    spec,
                    company.gcp,
                    config.parts_per_manufacturer,
                    config.serialised_share,
                    len(world.parts),
                    rng,
                )
            )
            world.makers[company.key] = spec

    def _invented_maker(self, i: int) -> MakerSpec:
        rng = self.rng
        stem = pseudo_word(rng)
        template = MAKERS[i % len(MAKERS)]
        country = template.country
        name = (
            f"{stem} {rng.choice(('Microdevices', 'Semiconductor', 'Electronic Components'))} "
            f"{COUNTRIES[country].legal_forms[0][0]}"
        )
        brand = stem.upper()
        return MakerSpec(
            name,
            country,
            (brand, brand[:2] + str(i)),
            brand[:2] + str(i),
            template.categories,
            template.suffixes,
            template.lot_style,
            template.hs_style,
            f"{stem.lower()}-{i}",
        )

    def distributors(self) -> None:
        config, rng, world = self.config, self.rng, self.world
        for i in range(config.distributors):
            stem = pseudo_word(rng)
            key = f"{stem.lower()}-distribution"
            hq_country = _HQ_POOL[i % len(_HQ_POOL)]
            countries, wanted = [hq_country], rng.randint(*config.branches)
            for country in rng.sample(_BRANCH_POOL, len(_BRANCH_POOL)):
                if country not in countries and len(countries) < wanted:
                    countries.append(country)
            gcp = world.new_gcp(hq_country, 7, rng)
            members = []
            for b, country in enumerate(countries):
                naming = company_name(country, rng, stem=stem)
                branch = self.company(f"{stem.lower()}-{country.lower()}", "distributor", country, naming)
                branch.gcp, branch.group = gcp, key
                branch.party_ref, branch.site_ref = f"{10 * b + 1:05d}", f"{10 * b + 2:05d}"
                members.append(branch.key)
            epcis = i < config.epcis_distributors
            self.seller(key, "distributor", f"{stem} Distribution", members, epcis, hq_country)
            for member in members:
                self.register(world.companies[member])

    def module_makers(self) -> None:
        config, rng, world = self.config, self.rng, self.world
        for i in range(config.module_makers):
            country = _MODULE_POOL[i % len(_MODULE_POOL)]
            naming = company_name(country, rng)
            key = f"{(naming.stem or transliterate(naming.native_stem)).lower()}-modules"
            company = self.company(key, "module_maker", country, naming)
            world.make_member(company, rng, length=8)
            self.register(company)
            self.seller(key, "module_maker", company.name, [key], True, country)
            brand = key.removesuffix("-modules").upper()
            prefix = brand[:2]
            world.parts.extend(module_parts(key, prefix, company.gcp, len(world.parts), rng))
            world.makers[key] = MakerSpec(
                company.name, country, (brand, prefix), prefix, (), ("",), "week", "hs6", key
            )

    def forwarders(self) -> None:
        rng, world = self.rng, self.world
        for i in range(self.config.forwarders):
            country = _FORWARDER_POOL[i % len(_FORWARDER_POOL)]
            naming = replace(company_name(country, rng), word=rng.choice(("Logistics", "Freight", "Cargo")))
            key = f"{naming.stem.lower()}-logistics"
            company = self.company(key, "forwarder", country, naming)
            world.make_member(company, rng, length=8)
            self.register(company)
            self.seller(key, "forwarder", company.name, [key], True, country)
            self.forwarder_keys.append(key)

    # -- listed parties ----------------------------------------------------------------------------------

    def listed(self) -> None:
        """Russian end users and transit-country procurement companies on the sanctions lists, with their
        (partly listed) directors."""
        config, rng, world = self.config, self.rng, self.world
        for i in range(config.population(config.end_users, world.scale)):
            naming = replace(
                company_name("RU", rng),
                form=1,
                native_word=rng.choice(("Приборостроение", "Конструкторское бюро", "Электроника")),
            )
            company = self.company(f"end-user-{i + 1:03d}", "end_user", "RU", naming)
            self.register(company)
            self.list_company(
                company,
                random_day(rng, date(2022, 3, 1), date(2023, 6, 30)),
                [transliterate(naming.native_stem, "icao") + " " + transliterate(naming.native_word)],
            )
            if rng.random() < 0.5:
                self.list_person(
                    self._director_of(company.key), random_day(rng, date(2022, 3, 1), date(2023, 9, 30))
                )
        watched = [c for c in WATCHED if c not in ("CN",)]
        for i in range(config.population(config.listed_traders, world.scale)):
            company = self.company(
                f"listed-trader-{i + 1:03d}",
                "listed_trader",
                rng.choice(watched),
                incorporated=random_day(rng, date(2015, 1, 1), date(2021, 12, 31)),
            )
            self.register(company)
            aliases = [company.name] if company.native_name else []
            self.list_company(company, random_day(rng, date(2022, 6, 1), date(2023, 12, 31)), aliases)

    def list_company(self, company: Company, listed_on: date, aliases: list[str]) -> None:
        """Put a company on one to three authorities' lists under its native name when it has one (else its
        registered name), with `aliases`."""
        self._listing(company.key, [company.native_name or company.name, *aliases], listed_on)

    def list_person(self, person_key: str, listed_on: date) -> None:
        person = self.world.persons[person_key]
        names = [person.name.native, person.name.latin] if person.name.native else [person.name.latin]
        self._listing(person_key, names, listed_on)

    def _listing(self, subject: str, names: list[str], listed_on: date) -> None:
        rng = self.rng
        authorities = rng.sample(AUTHORITIES, rng.randint(1, 3))
        measures = tuple(
            (authority, program, listed_on + timedelta(days=rng.randrange(0, 120) if n else 0))
            for n, (authority, program) in enumerate(authorities)
        )
        world = self.world
        world.listings.append(Listing(subject, tuple(names), measures, f"sl-{len(world.listings) + 1:05d}"))

    def _director_of(self, company_key: str) -> str:
        return next(
            link.holder
            for link in self.world.links
            if link.kind == "directorship" and link.entity == company_key
        )

    # -- the demand side ---------------------------------------------------------------------------------

    @property
    def groups(self) -> list[Seller]:
        """The distributor groups."""
        return [s for s in self.world.sellers.values() if s.role == "distributor"]

    def customers(self) -> None:
        config, rng, world = self.config, self.rng, self.world
        codes, weights = customer_countries(config.watched_customer_share)
        for i in range(config.population(config.customers, world.scale)):
            country = rng.choices(codes, weights)[0]
            self._customer(f"customer-{i + 1:05d}", country)
        for i in range(config.population(config.russian_customers, world.scale)):
            company = self._customer(f"ru-customer-{i + 1:04d}", "RU")
            company.active_until = config.invasion

    def _customer(
        self, key: str, country: str, role: str = "customer", naming: CompanyName | None = None
    ) -> Company:
        rng, world, config = self.rng, self.world, self.config
        company = self.company(key, role, country, naming)
        company.weight = min(rng.paretovariate(1.3), 25.0)
        if rng.random() < config.gs1_customer_share:
            world.make_member(company, rng)
        if rng.random() < config.registry_coverage:
            self.register(company)
        if self.forwarder_keys and (COUNTRIES[country].region == "CA" or country in ("AM", "GE")):
            company.forwarder = rng.choice(self.forwarder_keys)
        for seller in rng.sample(self.groups, rng.choice((1, 1, 2, 2, 3))):
            self.serve(seller, company)
        return company

    def serve(self, seller: Seller, company: Company, listed: bool = True) -> None:
        """Make the distributor group's branch that serves the company's delivery country sell to it
        (`listed`: among that branch's ordinary customers)."""
        branches = {self.world.companies[m].country: m for m in seller.members}
        member = serving_branch(company.ship_to, branches)
        self.world.serve(seller, member, company.key, self.rng, listed=listed)

    def lookalikes(self) -> None:
        """Legitimate customers whose names resemble listed companies."""
        rng, world = self.rng, self.world
        listed = [
            world.companies[listing.subject]
            for listing in world.listings
            if listing.subject in world.companies
        ]
        for i in range(self.config.population(self.config.lookalikes, world.scale)):
            target = listed[i % len(listed)]
            naming = target.naming
            if naming.native_stem and COUNTRIES[target.country].script == "cyrillic":
                country = rng.choice(("KZ", "KG", "UZ"))
                stem = naming.native_stem[:-1] + rng.choice(
                    [v for v in "аеоуи" if v != naming.native_stem[-1]]
                )
                naming = CompanyName(
                    country,
                    "",
                    "",
                    0,
                    rng.choice(COUNTRIES[country].cities),
                    stem,
                    rng.choice(COUNTRIES[country].trade_words),
                )
            else:
                country = rng.choice(("DE", "PL", "TR", "AE", "IT", "CZ"))
                naming = company_name(
                    country, rng, stem=lookalike_stem(naming.stem or target.name.split()[0], rng)
                )
            self._customer(f"lookalike-{i + 1:03d}", country, "lookalike", naming)

    def module_trade(self) -> None:
        """Module makers buy chips from two distributor groups and sell modules to a dozen customers."""
        rng, world = self.rng, self.world
        groups = self.groups
        buyers = [c for c in world.of_role("customer") if c.active_until is None]
        for maker in world.of_role("module_maker"):
            maker.weight = 4.0
            for seller in rng.sample(groups, min(2, len(groups))):
                self.serve(seller, maker)
            seller = world.sellers[maker.key]
            for customer in rng.sample(buyers, min(12, len(buyers))):
                world.serve(seller, maker.key, customer.key, rng)

    def supply_contracts(self) -> None:
        """Every manufacturer supplies every distributor group's head office."""
        world = self.world
        for maker in world.of_role("manufacturer"):
            for seller in world.sellers.values():
                if seller.role == "distributor":
                    world.enrol(world.sellers[maker.key], seller.members[0], self.rng)

    def forwarding_clients(self) -> None:
        """Forwarders know the customers that use them."""
        world = self.world
        for company in world.companies.values():
            if company.forwarder:
                world.enrol(world.sellers[company.forwarder], company.key, self.rng)
