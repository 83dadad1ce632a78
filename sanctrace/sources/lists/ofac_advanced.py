"""OFAC's SDN *advanced* XML (`Sanctions`, namespace `http://www.un.org/sanctions/1.0`) (pure).

Everything in it is a reference to a value set declared at the top (`ReferenceValueSets`: party types, name part
types, feature types, countries, lists...), to a location (`Locations`) or to an identity document
(`IDRegDocuments`). A `DistinctParty` holds one `Profile`: its identities' aliases are written in name parts
(last, first, middle, patronymic...) in one or more scripts; its features carry birth dates, places,
nationalities, addresses, vessel details. `SanctionsEntries` give each profile its list, programmes and entry
date; `ProfileRelationships` link profiles ("Owned or Controlled By"...).

Each party becomes a Person, Organization, Vessel or Airplane `ofac-<FixedRef>` (the same id as in the classic
XML and CSV); an "Owned or Controlled By" relationship becomes an Ownership entity (without a percentage, which
OFAC does not publish). Sanctions entries of profiles the file does not hold are skipped.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from followthemoney.proxy import EntityProxy
from lxml import etree

from sanctrace.errors import InvalidDocument
from sanctrace.screening.parties import Listing
from sanctrace.sources.lists.common import add, join, local_name, new_entity, text
from sanctrace.sources.lists.model import ListedRecord, SanctionsList
from sanctrace.sources.lists.ofac import CONSOLIDATED_LIST_ID, CONSOLIDATED_TITLE, SDN_LIST_ID, SDN_TITLE

NAMESPACE = "http://www.un.org/sanctions/1.0"
_NS = {"s": NAMESPACE}
_PARTY_SCHEMAS = {"Individual": "Person", "Entity": "Organization", "Vessel": "Vessel", "Aircraft": "Airplane"}
_NAME_PART_PROPERTIES = {"Last Name": "lastName", "First Name": "firstName", "Middle Name": "middleName",
                         "Patronymic": "fatherName", "Matronymic": "motherName"}
_FEATURE_PROPERTIES = {"Birthdate": "birthDate", "Place of Birth": "birthPlace", "Nationality Country": "nationality",
                       "Citizenship Country": "nationality", "Location": "address", "Gender": "gender",
                       "Title": "title", "Website": "website", "Email Address": "email", "Vessel Call Sign": "callSign",
                       "Vessel Flag": "flag", "SWIFT/BIC": "swiftBic", "Organization Established Date":
                       "incorporationDate", "Registration Country": "jurisdiction", "D-U-N-S Number": "dunsCode"}
_COUNTRY_PROPERTIES = {"nationality", "flag", "jurisdiction", "country"}
_OWNED_BY = "Owned or Controlled By"


def is_advanced(root: etree._Element) -> bool:
    return etree.QName(root).namespace == NAMESPACE and local_name(root) == "Sanctions"


@dataclass(slots=True)
class _References:
    """The value sets, locations and documents the parties refer to."""

    values: dict[str, dict[str, str]]  # value set name -> ID -> text
    iso2: dict[str, str]  # country ID -> ISO alpha-2
    party_types: dict[str, str]  # PartySubTypeID -> party type name
    locations: dict[str, tuple[str | None, str | None]]  # location ID -> (address text, country code)
    documents: dict[str, list[tuple[str, str, str | None]]]  # identity ID -> (type, number, country)

    def value(self, value_set: str, value_id: str | None) -> str | None:
        return self.values.get(value_set, {}).get(value_id or "")


def _references(root: etree._Element) -> _References:
    values: dict[str, dict[str, str]] = {}
    iso2: dict[str, str] = {}
    party_types: dict[str, str] = {}
    for value_set in root.iterfind("s:ReferenceValueSets/*", _NS):
        name = local_name(value_set).removesuffix("Values")
        values[name] = {item.get("ID", ""): text(item.text) or "" for item in value_set}
        if name == "Country":
            iso2 = {item.get("ID", ""): item.get("ISO2", "").lower() for item in value_set if item.get("ISO2")}
    for item in root.iterfind("s:ReferenceValueSets/s:PartySubTypeValues/s:PartySubType", _NS):
        party_types[item.get("ID", "")] = values.get("PartyType", {}).get(item.get("PartyTypeID", ""), "")
    refs = _References(values, iso2, party_types, {}, defaultdict(list))
    for location in root.iterfind("s:Locations/s:Location", _NS):
        parts = [(refs.value("LocPartType", part.get("LocPartTypeID")), part.findtext("s:LocationPartValue/s:Value",
                                                                                   namespaces=_NS))
                 for part in location.iterfind("s:LocationPart", _NS)]
        country = location.find("s:LocationCountry", _NS)
        code = iso2.get(country.get("CountryID", "")) if country is not None else None
        country_name = refs.value("Country", country.get("CountryID")) if country is not None else None
        refs.locations[location.get("ID", "")] = (join(*(value for _, value in parts), country_name, separator=", "),
                                                  code)
    for document in root.iterfind("s:IDRegDocuments/s:IDRegDocument", _NS):
        number = text(document.findtext("s:IDRegistrationNo", namespaces=_NS))
        if number:
            refs.documents[document.get("IdentityID", "")].append(
                (refs.value("IDRegDocType", document.get("IDRegDocTypeID")) or "", number,
                 iso2.get(document.get("IssuedBy-CountryID", ""))))
    return refs


def _names(identity: etree._Element, refs: _References, entity: EntityProxy) -> None:
    part_types = {group.get("ID"): refs.value("NamePartType", group.get("NamePartTypeID"))
                  for group in identity.iterfind("s:NamePartGroups/s:MasterNamePartGroup/s:NamePartGroup", _NS)}
    person = entity.schema.is_a("Person")
    for alias in identity.iterfind("s:Alias", _NS):
        primary = alias.get("Primary") == "true"
        weak = alias.get("LowQuality") == "true"
        for documented in alias.iterfind("s:DocumentedName", _NS):
            parts = [(part_types.get(value.get("NamePartGroupID")), text(value.text))
                     for value in documented.iterfind("s:DocumentedNamePart/s:NamePartValue", _NS)]
            order = ("First Name", "Middle Name", "Patronymic", "Matronymic", "Last Name")
            ordered = sorted(parts, key=lambda p: order.index(p[0]) if p[0] in order else len(order))
            name = join(*(value for _, value in ordered))
            add(entity, "name" if primary else "weakAlias" if weak and person else "alias", name)
            if person and primary:
                for part_type, value in parts:
                    prop = _NAME_PART_PROPERTIES.get(part_type or "")
                    if prop:
                        add(entity, prop, value)


def _calendar_date(element: etree._Element | None) -> str | None:
    """A `Year`/`Month`/`Day` element as ISO 8601 (the year alone when month or day is missing)."""
    if element is None:
        return None
    year, month, day = (text(element.findtext(f"s:{part}", namespaces=_NS)) for part in ("Year", "Month", "Day"))
    if not year:
        return None
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d}" if month and day else year


def _date(period: etree._Element) -> str | None:
    """A feature's date period: the date when it is one day, else the year it starts in."""
    earliest = _calendar_date(period.find("s:Start/s:From", _NS))
    latest = _calendar_date(period.find("s:Start/s:To", _NS))
    if earliest is None or earliest == latest or latest is None:
        return earliest
    return earliest[:4]


def _fixed_ref(entity: EntityProxy) -> str:
    return (entity.id or "").removeprefix("ofac-")


def _features(profile: etree._Element, refs: _References, entity: EntityProxy) -> None:
    for feature in profile.iterfind("s:Feature", _NS):
        prop = _FEATURE_PROPERTIES.get(refs.value("FeatureType", feature.get("FeatureTypeID")) or "")
        if prop is None or entity.schema.get(prop) is None:
            continue
        for version in feature.iterfind("s:FeatureVersion", _NS):
            for location in version.iterfind("s:VersionLocation", _NS):
                address, country = refs.locations.get(location.get("LocationID", ""), (None, None))
                add(entity, prop, country if prop in _COUNTRY_PROPERTIES else address)
                if prop == "address" and entity.schema.get("country"):
                    add(entity, "country", country)
            for period in version.iterfind("s:DatePeriod", _NS):
                add(entity, prop, _date(period))
            for detail in version.iterfind("s:VersionDetail", _NS):
                add(entity, prop, text(detail.text) or refs.value("DetailReference", detail.get("DetailReferenceID")))


def _identifiers(identity_id: str, refs: _References, entity: EntityProxy) -> None:
    for kind, number, _ in refs.documents.get(identity_id, ()):
        lowered = kind.lower()
        prop = "passportNumber" if "passport" in lowered else "taxNumber" if "tax" in lowered else \
            "registrationNumber" if "regist" in lowered else "idNumber"
        add(entity, prop if entity.schema.get(prop) else "registrationNumber", number)


def _party(element: etree._Element, index: int, refs: _References, source: str) -> EntityProxy:
    fixed_ref = element.get("FixedRef")
    profile = element.find("s:Profile", _NS)
    where = f"/Sanctions/DistinctParties/DistinctParty[{index}]"
    if not fixed_ref or profile is None:
        raise InvalidDocument(f"{source}: DistinctParty {index} (line {element.sourceline}) has no FixedRef or "
                              "Profile", where)
    party_type = refs.party_types.get(profile.get("PartySubTypeID", ""), "")
    sub_type = refs.value("PartySubType", profile.get("PartySubTypeID"))
    schema = _PARTY_SCHEMAS.get(sub_type or "") or _PARTY_SCHEMAS.get(party_type)
    if schema is None:
        raise InvalidDocument(f"{source}: DistinctParty {fixed_ref} (line {element.sourceline}) has an unknown "
                              f"party type {party_type!r}", where)
    entity = new_entity(schema, f"ofac-{fixed_ref}")
    for identity in profile.iterfind("s:Identity", _NS):
        _names(identity, refs, entity)
        _identifiers(identity.get("ID", ""), refs, entity)
    if not entity.get("name"):
        raise InvalidDocument(f"{source}: DistinctParty {fixed_ref} (line {element.sourceline}) has no primary "
                              "name", where)
    _features(profile, refs, entity)
    return entity


def _listings(root: etree._Element, refs: _References) -> dict[str, Listing]:
    """Each profile's listing: its list, programmes and entry date (first entry of each profile)."""
    listings: dict[str, Listing] = {}
    for entry in root.iterfind("s:SanctionsEntries/s:SanctionsEntry", _NS):
        profile = entry.get("ProfileID", "")
        programmes = [text(m.findtext("s:Comment", namespaces=_NS)) for m in entry.iterfind("s:SanctionsMeasure", _NS)
                      if refs.value("SanctionsType", m.get("SanctionsTypeID")) == "Program"]
        listed_on = _calendar_date(entry.find("s:EntryEvent/s:Date", _NS))
        listings.setdefault(profile, Listing(refs.value("List", entry.get("ListID")) or "",
                                             ", ".join(p for p in programmes if p) or None, listed_on, profile))
    return listings


def _ownerships(root: etree._Element, refs: _References, known: set[str]) -> list[ListedRecord]:
    records = []
    for relation in root.iterfind("s:ProfileRelationships/s:ProfileRelationship", _NS):
        if refs.value("RelationType", relation.get("RelationTypeID")) != _OWNED_BY:
            continue
        owned, owner = relation.get("From-ProfileID", ""), relation.get("To-ProfileID", "")
        if owned in known and owner in known:
            ownership = new_entity("Ownership", f"ofac-relation-{relation.get('ID')}")
            ownership.add("owner", f"ofac-{owner}")
            ownership.add("asset", f"ofac-{owned}")
            ownership.add("role", _OWNED_BY)
            records.append(ListedRecord(ownership, None))
    return records


def read_advanced(root: etree._Element, source: str) -> SanctionsList:
    refs = _references(root)
    listings = _listings(root, refs)
    parties = [_party(element, index, refs, source)
               for index, element in enumerate(root.iterfind("s:DistinctParties/s:DistinctParty", _NS), start=1)]
    on_sdn = all(listings[_fixed_ref(p)].list_name == "SDN List" for p in parties if _fixed_ref(p) in listings)
    list_id, title = (SDN_LIST_ID, SDN_TITLE) if on_sdn else (CONSOLIDATED_LIST_ID, CONSOLIDATED_TITLE)
    result = SanctionsList(list_id, title, "ofac-advanced-xml", _calendar_date(root.find("s:DateOfIssue", _NS)))
    for party in parties:
        found = listings.get(_fixed_ref(party))
        result.records.append(ListedRecord(party, Listing(list_id, found.programme if found else None,
                                                          found.listed_on if found else None, _fixed_ref(party))))
    result.records += _ownerships(root, refs, {_fixed_ref(p) for p in parties})
    return result
