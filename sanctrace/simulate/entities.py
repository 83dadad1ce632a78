"""FollowTheMoney entities: each seller's customer master data (entity id = the identifier its records
use for the party), the corporate registry (companies, people, addresses, ownership with percentages,
directorships) and the sanctions lists (listed companies and people with topic `sanction`, and the
Sanction entities naming them with authority, programme and listing date)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

from followthemoney import model

from sanctrace.simulate.world import Company, Seller, World


def _entity(schema: str, entity_id: str, **props: Any) -> dict[str, Any]:
    proxy = model.make_entity(schema)
    proxy.id = entity_id
    for prop, value in props.items():
        if value:
            proxy.add(prop, value)
    return proxy.to_dict()


def customer_entities(world: World, seller: Seller) -> Iterator[dict[str, Any]]:
    """A seller's customer master data: one Company per party it records, as it records it."""
    for key, entry in seller.book.items():
        company = world.companies[key]
        yield _entity(
            "Company",
            entry.identifier,
            name=entry.name,
            country=company.ship_to,
            registrationNumber=entry.reg_no,
            address=entry.address,
        )


def _registered(company: Company) -> dict[str, Any]:
    return {
        "name": company.native_name or company.name,
        "alias": company.name if company.native_name else None,
        "country": company.country,
        "jurisdiction": company.country,
        "registrationNumber": company.reg_no,
        "incorporationDate": company.incorporated.isoformat(),
        "address": company.address,
        "addressEntity": company.address_key,
    }


def registry_entities(world: World) -> Iterator[dict[str, Any]]:
    """The corporate registry: every registered company with its address, its people and their links."""
    registered = [c for c in world.companies.values() if c.registry_id]
    addresses: set[str] = set()
    for company in registered:
        if company.address_key not in addresses:
            addresses.add(company.address_key)
            yield _entity(
                "Address",
                company.address_key,
                full=company.address,
                city=company.city,
                country=company.country,
            )
        yield _entity("Company", company.registry_id, **_registered(company))
    linked = {link.holder for link in world.links}
    for person in world.persons.values():
        if person.key in linked:
            yield _entity(
                "Person",
                person.registry_id,
                name=person.name.latin,
                alias=person.name.native,
                nationality=person.country,
                birthDate=person.birth_date.isoformat(),
            )
    for n, link in enumerate(world.links, 1):
        holder = world.persons[link.holder] if link.holder in world.persons else world.companies[link.holder]
        entity = world.companies[link.entity].registry_id
        if link.kind == "ownership":
            yield _entity(
                "Ownership",
                f"reg-o-{n:06d}",
                owner=holder.registry_id,
                asset=entity,
                percentage=f"{link.share:g}",
                startDate=link.since.isoformat(),
            )
        else:
            yield _entity(
                "Directorship",
                f"reg-d-{n:06d}",
                director=holder.registry_id,
                organization=entity,
                role=link.role,
                startDate=link.since.isoformat(),
            )


def sanctions_entities(world: World, rng: random.Random) -> Iterator[dict[str, Any]]:
    """The sanctions lists: each listed party under its listed names, and one Sanction per authority."""
    for listing in world.listings:
        if listing.subject in world.persons:
            person = world.persons[listing.subject]
            yield _entity(
                "Person",
                listing.list_id,
                name=listing.names[0],
                alias=list(listing.names[1:]),
                nationality=person.country,
                birthDate=person.birth_date.isoformat(),
                topics="sanction",
            )
        else:
            company = world.companies[listing.subject]
            yield _entity(
                "Company",
                listing.list_id,
                name=listing.names[0],
                alias=list(listing.names[1:]),
                country=company.country,
                topics="sanction",
                registrationNumber=company.reg_no if rng.random() < 0.5 else None,
                address=company.address if rng.random() < 0.5 else None,
            )
        for n, (authority, program, listed_on) in enumerate(listing.measures, 1):
            yield _entity(
                "Sanction",
                f"{listing.list_id}-{n}",
                entity=listing.list_id,
                authority=authority,
                program=program,
                listingDate=listed_on.isoformat(),
                startDate=listed_on.isoformat(),
                sourceUrl=f"https://sanctions-list.example/{listing.list_id}",
            )
