"""The UK's sanctions lists (pure): the UK Sanctions List XML (`Designations`, published by the FCDO) and the
consolidated list CSV of HM Treasury / OFSI (one row per name, rows of one designation sharing a Group ID).

Individuals become Person entities, entities Organization, ships Vessel: `gb-fcdo-<UniqueID>` from the XML,
`gb-hmt-<Group ID>` from the CSV. The listing is the regime, the designation date and the record id.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from lxml import etree

from sanctrace.errors import InvalidDocument
from sanctrace.screening.parties import Listing
from sanctrace.sources.lists.common import add, country_code, iso_date, join, local_name, new_entity, text
from sanctrace.sources.lists.model import ListedRecord, SanctionsList

XML_LIST_ID = "gb-fcdo-sanctions"
XML_TITLE = "UK Sanctions List"
CSV_LIST_ID = "gb-hmt-consolidated"
CSV_TITLE = "HM Treasury consolidated list of financial sanctions targets"
_SCHEMAS = {"individual": "Person", "entity": "Organization", "ship": "Vessel"}
_NAME_PARTS = ("Name1", "Name2", "Name3", "Name4", "Name5", "Name6")
CSV_HEADER = ("Name 6", "Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Title", "DOB", "Town of Birth",
              "Country of Birth", "Nationality", "Passport Details", "NI Number", "Position", "Address 1",
              "Address 2", "Address 3", "Address 4", "Address 5", "Address 6", "Post/Zip Code", "Country",
              "Other Information", "Group Type", "Alias Type", "Regime", "Listed On", "Last Updated", "Group ID")


def is_uk_xml(root: etree._Element) -> bool:
    return local_name(root) == "Designations"


def _uk_date(value: str | None) -> str | None:
    """dd/mm/yyyy, with unknown parts written dd or mm ("dd/mm/1945" -> "1945")."""
    value = text(value)
    if value and value.startswith("dd/mm/"):
        return value[6:]
    return iso_date(value)


def _xml_name(name: etree._Element) -> str | None:
    return join(*(name.findtext(part) for part in _NAME_PARTS[:5]), name.findtext("Name6"))


def _xml_record(element: etree._Element, index: int, source: str) -> ListedRecord:
    unique_id = text(element.findtext("UniqueID"))
    kind = (text(element.findtext("IndividualEntityShip")) or "").lower()
    where = f"/Designations/Designation[{index}]"
    if not unique_id or kind not in _SCHEMAS:
        raise InvalidDocument(f"{source}: Designation {index} (line {element.sourceline}) has no UniqueID or an "
                              f"unknown IndividualEntityShip {kind!r}", where)
    entity = new_entity(_SCHEMAS[kind], f"gb-fcdo-{unique_id}")
    for name in element.iterfind("Names/Name"):
        primary = text(name.findtext("NameType")) == "Primary Name"
        add(entity, "name" if primary else "alias", _xml_name(name))
        if primary and kind == "individual":
            add(entity, "firstName", name.findtext("Name1"))
            add(entity, "lastName", name.findtext("Name6"))
    if not entity.get("name") and not entity.get("alias"):
        raise InvalidDocument(f"{source}: Designation {unique_id} (line {element.sourceline}) has no name", where)
    if not entity.get("name"):
        entity.add("name", entity.get("alias")[0])
    add(entity, "name", [n.text for n in element.iterfind("NonLatinNames/NonLatinName/NameNonLatinScript")])
    for address in element.iterfind("Addresses/Address"):
        lines = [address.findtext(f"AddressLine{i}") for i in range(1, 7)]
        add(entity, "address", join(*lines, address.findtext("AddressPostalCode"),
                                    address.findtext("AddressCountry"), separator=", "))
        add(entity, "country", country_code(address.findtext("AddressCountry")))
    for individual in element.iterfind("IndividualDetails/Individual"):
        add(entity, "birthDate", [_uk_date(d.text) for d in individual.iterfind("DOBs/DOB")])
        add(entity, "nationality", [country_code(n.text) for n in individual.iterfind("Nationalities/Nationality")])
        add(entity, "gender", [g.text for g in individual.iterfind("Genders/Gender")])
        add(entity, "passportNumber", [p.text for p in individual.iterfind("PassportDetails/Passport/PassportNumber")])
        add(entity, "idNumber", [n.text for n in individual.iterfind(
            "NationalIdentifierDetails/NationalIdentifier/NationalIdentifierNumber")])
    for details in element.iterfind("EntityDetails/Entity"):
        add(entity, "registrationNumber", [n.text for n in details.iterfind(
            "BusinessRegistrationNumbers/BusinessRegistrationNumber")])
    add(entity, "imoNumber", [n.text for n in element.iterfind("ShipDetails/Ship/IMONumbers/IMONumber")])
    add(entity, "notes", element.findtext("OtherInformation"))
    listing = Listing(XML_LIST_ID, text(element.findtext("RegimeName")), _uk_date(element.findtext("DateDesignated")),
                      unique_id)
    return ListedRecord(entity, listing)


def read_uk_xml(root: etree._Element, source: str) -> SanctionsList:
    result = SanctionsList(XML_LIST_ID, XML_TITLE, "uk-sanctions-xml", _uk_date(root.findtext("DateGenerated")))
    for index, element in enumerate(root.iterfind("Designation"), start=1):
        result.records.append(_xml_record(element, index, source))
    return result


def is_hmt_csv(head: str) -> bool:
    """The HM Treasury consolidated CSV: a "Last Updated,<date>" line, then its header."""
    lines = head.splitlines()
    return len(lines) > 1 and lines[0].startswith("Last Updated") and lines[1].startswith("Name 6,Name 1")


def _csv_rows(content: str, source: str) -> Iterator[tuple[int, dict[str, str]]]:
    lines = content.splitlines(keepends=True)
    reader = csv.DictReader(io.StringIO("".join(lines[1:])))
    if tuple(reader.fieldnames or ()) != CSV_HEADER:
        raise InvalidDocument(f"{source}: the header is not the HM Treasury consolidated list's: "
                              f"{reader.fieldnames}", "line 2")
    for number, row in enumerate(reader, start=1):
        if None in row or any(value is None for value in row.values()):
            raise InvalidDocument(f"{source}: row {number} (line {reader.line_num + 1}) does not have the "
                                  f"{len(CSV_HEADER)} columns of the header", f"row {number}")
        yield number, row


def read_hmt_csv(content: str, source: str) -> SanctionsList:
    result = SanctionsList(CSV_LIST_ID, CSV_TITLE, "hmt-csv", _uk_date(content.split(",", 2)[1].split("\n")[0]))
    groups: dict[str, ListedRecord] = {}
    for number, row in _csv_rows(content, source):
        group = text(row["Group ID"])
        if not group:
            raise InvalidDocument(f"{source}: row {number} has no Group ID", f"row {number}")
        schema = _SCHEMAS.get((text(row["Group Type"]) or "").lower(), "LegalEntity")
        if group not in groups:
            listing = Listing(CSV_LIST_ID, text(row["Regime"]), _uk_date(row["Listed On"]), group)
            groups[group] = ListedRecord(new_entity(schema, f"gb-hmt-{group}"), listing)
        entity = groups[group].entity
        name = join(row["Name 1"], row["Name 2"], row["Name 3"], row["Name 4"], row["Name 5"], row["Name 6"])
        primary = (text(row["Alias Type"]) or "").lower() in ("primary name", "prime alias", "")
        add(entity, "name" if primary else "alias", name)
        if schema == "Person":
            add(entity, "birthDate", _uk_date(row["DOB"]))
            add(entity, "nationality", country_code(row["Nationality"]))
        add(entity, "address", join(*(row[f"Address {i}"] for i in range(1, 7)), row["Post/Zip Code"],
                                    row["Country"], separator=", "))
        add(entity, "country", country_code(row["Country"]))
    for record in groups.values():
        if not record.entity.get("name"):  # only aliases: the first one names it
            record.entity.add("name", record.entity.get("alias")[0])
    result.records = list(groups.values())
    return result
