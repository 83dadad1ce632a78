"""The EU Financial Sanctions File (FSF): the consolidated list of persons, groups and entities subject to EU
financial sanctions, in its XML export (pure).

Two generations are read:

* **FSF 1.1** (`<export xmlns="http://eu.europa.ec/fpi/fsd/export">` with `sanctionEntity` elements): names in
  `nameAlias`, the programme in `regulation/@programme`, identity documents in `identification`;
* the **legacy FSD XML** (`<WHOLE>` with `ENTITY` elements, as published until 2016; ISO 3-letter countries).

Each sanction entity becomes a Person or an Organization `eu-fsf-<logicalId>`; its listing is the programme,
the designation date (else the regulation's publication date) and the logical id.
"""

from __future__ import annotations

from lxml import etree

from sanctrace.errors import InvalidDocument
from sanctrace.screening.parties import Listing
from sanctrace.sources.lists.common import add, country_code, iso_date, join, local_name, new_entity, text
from sanctrace.sources.lists.model import ListedRecord, SanctionsList

NAMESPACE = "http://eu.europa.ec/fpi/fsd/export"
LIST_ID = "eu-fsf"
TITLE = "EU Financial Sanctions File"
_NS = {"f": NAMESPACE}
_ID_PROPERTIES = {"passport": "passportNumber", "id": "idNumber", "regnumber": "registrationNumber",
                  "fiscalcode": "taxNumber", "swiftbic": "swiftBic", "imo": "imoNumber"}


def is_fsf(root: etree._Element) -> bool:
    return etree.QName(root).namespace == NAMESPACE and local_name(root) == "export"


def is_legacy(root: etree._Element) -> bool:
    return local_name(root) == "WHOLE" and root.find("ENTITY") is not None


def _country(element: etree._Element) -> str | None:
    code = element.get("countryIso2Code")
    return code.lower() if code and code != "00" else country_code(element.get("countryDescription"))


def _fsf_record(element: etree._Element, index: int, source: str) -> ListedRecord:
    logical_id = element.get("logicalId")
    subject = element.find("f:subjectType", _NS)
    if not logical_id or subject is None:
        raise InvalidDocument(f"{source}: sanctionEntity {index} (line {element.sourceline}) has no logicalId "
                              "or subjectType", f"/export/sanctionEntity[{index}]")
    person = subject.get("code") == "person"
    entity = new_entity("Person" if person else "Organization", f"eu-fsf-{logical_id}")
    for alias in element.iterfind("f:nameAlias", _NS):
        add(entity, "name", alias.get("wholeName") or join(alias.get("firstName"), alias.get("middleName"),
                                                             alias.get("lastName")))
        if person:
            add(entity, "firstName", alias.get("firstName"))
            add(entity, "lastName", alias.get("lastName"))
            add(entity, "title", alias.get("title"))
            add(entity, "gender", alias.get("gender"))
            add(entity, "position", alias.get("function"))
    if not entity.get("name"):
        raise InvalidDocument(f"{source}: sanctionEntity {logical_id} (line {element.sourceline}) has no name",
                              f"/export/sanctionEntity[{index}]")
    for citizenship in element.iterfind("f:citizenship", _NS):
        add(entity, "nationality" if person else "country", _country(citizenship))
    for birth in element.iterfind("f:birthdate", _NS):
        if person:
            add(entity, "birthDate", birth.get("birthdate") or birth.get("year"))
            add(entity, "birthPlace", join(birth.get("city"), birth.get("place"), separator=", "))
    for address in element.iterfind("f:address", _NS):
        add(entity, "address", join(address.get("street"), address.get("poBox"), address.get("zipCode"),
                                    address.get("city"), address.get("region"), address.get("countryDescription"),
                                    separator=", "))
        add(entity, "country", _country(address))
    for identification in element.iterfind("f:identification", _NS):
        prop = _ID_PROPERTIES.get(identification.get("identificationTypeCode", ""), "idNumber")
        add(entity, prop if entity.schema.get(prop) else "idNumber" if person else "registrationNumber",
            identification.get("number") or identification.get("latinNumber"))
    for remark in element.iterfind("f:remark", _NS):
        add(entity, "notes", remark.text)
    regulation = element.find("f:regulation", _NS)
    programme = regulation.get("programme") if regulation is not None else None
    listed_on = element.get("designationDate") or (regulation.get("publicationDate")
                                                   if regulation is not None else None)
    return ListedRecord(entity, Listing(LIST_ID, programme, iso_date(listed_on), logical_id))


def read_fsf(root: etree._Element, source: str) -> SanctionsList:
    """FSF 1.1: `export/sanctionEntity`."""
    result = SanctionsList(LIST_ID, TITLE, "eu-fsf-xml", iso_date((root.get("generationDate") or "")[:10]))
    for index, element in enumerate(root.iterfind("f:sanctionEntity", _NS), start=1):
        result.records.append(_fsf_record(element, index, source))
    return result


def _legacy_record(element: etree._Element, index: int, source: str) -> ListedRecord:
    entity_id = element.get("Id")
    if not entity_id:
        raise InvalidDocument(f"{source}: ENTITY {index} (line {element.sourceline}) has no Id",
                              f"/WHOLE/ENTITY[{index}]")
    person = element.get("Type") == "P"
    entity = new_entity("Person" if person else "Organization", f"eu-fsf-{entity_id}")
    for name in element.iterfind("NAME"):
        add(entity, "name", text(name.findtext("WHOLENAME")) or join(
            name.findtext("FIRSTNAME"), name.findtext("MIDDLENAME"), name.findtext("LASTNAME")))
        if person:
            add(entity, "firstName", name.findtext("FIRSTNAME"))
            add(entity, "lastName", name.findtext("LASTNAME"))
            add(entity, "gender", name.findtext("GENDER"))
    if not entity.get("name"):
        raise InvalidDocument(f"{source}: ENTITY {entity_id} (line {element.sourceline}) has no name",
                              f"/WHOLE/ENTITY[{index}]")
    for birth in element.iterfind("BIRTH"):
        if person:
            add(entity, "birthDate", iso_date(birth.findtext("DATE")))
            add(entity, "birthPlace", birth.findtext("PLACE"))
    for citizen in element.iterfind("CITIZEN"):
        add(entity, "nationality" if person else "country", country_code(citizen.findtext("COUNTRY")))
    for passport in element.iterfind("PASSPORT"):
        number = text(passport.findtext("NUMBER"))
        add(entity, "passportNumber" if person else "registrationNumber", number.split(" (")[0] if number else None)
    for address in element.iterfind("ADDRESS"):
        add(entity, "address", join(address.findtext("STREET"), address.findtext("ZIPCODE"),
                                    address.findtext("CITY"), address.findtext("COUNTRY"), separator=", "))
        add(entity, "country", country_code(address.findtext("COUNTRY")))
    add(entity, "notes", element.get("remark"))
    return ListedRecord(entity, Listing(LIST_ID, element.get("programme"), iso_date(element.get("reg_date")),
                                        entity_id))


def read_legacy(root: etree._Element, source: str) -> SanctionsList:
    """The legacy FSD XML: `WHOLE/ENTITY`."""
    result = SanctionsList(LIST_ID, TITLE, "eu-fsd-legacy-xml", iso_date(root.get("Date")))
    for index, element in enumerate(root.iterfind("ENTITY"), start=1):
        result.records.append(_legacy_record(element, index, source))
    return result
