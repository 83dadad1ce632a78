"""OFAC's Specially Designated Nationals list, in its classic XML (`sdnList`) and its legacy CSV files (pure).

* **Classic XML**: `sdnEntry` elements with names, `programList`, `idList`, `akaList`, `addressList`,
  birth dates and places, nationalities, vessel details. It states no listing date.
* **CSV**: `sdn.csv` (one row per party: ent_num, name, type, programs, title, vessel fields, remarks), with the
  companion files `add.csv` (addresses), `alt.csv` (aliases) and `sdn_comments.csv` (remarks continued); the
  consolidated non-SDN lists use the same layout (`cons_prim.csv`, `cons_add.csv`, `cons_alt.csv`,
  `cons_comments.csv`). Birth dates, places and identifiers are read from the remarks ("DOB 28 Jul 1963;
  Passport P0017003 (Belize); ...").

Parties become Person, Organization, Vessel or Airplane entities `ofac-<uid>`, the same ids whatever the format.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

from followthemoney.proxy import EntityProxy
from lxml import etree

from sanctrace.errors import InvalidDocument
from sanctrace.screening.parties import Listing
from sanctrace.sources.lists.common import add, country_code, iso_date, join, local_name, new_entity, text
from sanctrace.sources.lists.model import ListedRecord, SanctionsList

SDN_LIST_ID = "us-ofac-sdn"
SDN_TITLE = "OFAC Specially Designated Nationals and Blocked Persons List"
CONSOLIDATED_LIST_ID = "us-ofac-consolidated"
CONSOLIDATED_TITLE = "OFAC Consolidated (non-SDN) Sanctions List"
SCHEMAS = {"individual": "Person", "entity": "Organization", "vessel": "Vessel", "aircraft": "Airplane"}
CSV_COLUMNS = {"main": 12, "addresses": 6, "aliases": 5, "comments": 2}
_REMARK = re.compile(r"^(?:alt\. )?(?P<kind>[A-Za-z][A-Za-z .#/'-]*?) (?P<value>[\w][\w./-]*)"
                     r"(?: \((?P<country>[^)]+)\))?$")
_ID_KINDS = (("passport", "passportNumber"), ("tax id", "taxNumber"), ("legal entity number", "leiCode"),
             ("registration", "registrationNumber"), ("company number", "registrationNumber"),
             ("national id", "idNumber"), ("cedula", "idNumber"), ("ssn", "idNumber"), ("d.n.i", "idNumber"),
             ("identification number", "idNumber"), ("imo", "imoNumber"), ("swift", "swiftBic"))
_AKA = re.compile(r"a\.k\.a\. '([^']+)'")


def person_name(last: str | None, first: str | None) -> str | None:
    """OFAC writes a person's family name apart (or first, before a comma): given names first, then family."""
    return join(first, last)


def programmes(value: str | None) -> list[str]:
    """The CSV's program column: "NPWMD] [IFSR" -> ["NPWMD", "IFSR"]."""
    return [p.strip(" []") for p in (value or "").split("] [") if p.strip(" []") and p.strip() != "-0-"]


def _id_property(entity: EntityProxy, kind: str) -> str | None:
    kind = kind.lower()
    for marker, prop in _ID_KINDS:
        if marker in kind and entity.schema.get(prop) is not None:
            return prop
    if ("no." in kind or "number" in kind or kind.endswith(" id")) and entity.schema.get("idNumber"):
        return "idNumber"
    return None


def read_remarks(entity: EntityProxy, remarks: str | None) -> None:
    """Birth dates and places, identifiers, e-mails, websites and aliases written into OFAC's remarks."""
    for item in (text(remarks) or "").rstrip(".").split("; "):
        if item.startswith("DOB ") and entity.schema.get("birthDate"):
            add(entity, "birthDate", iso_date(item[4:].replace("circa ", "")) or item[4:][-4:])
        elif item.startswith("POB ") and entity.schema.get("birthPlace"):
            add(entity, "birthPlace", item[4:])
        elif item.startswith(("Email Address ", "Website ")):
            add(entity, "email" if item.startswith("Email") else "website", item.split(" ", 2)[-1])
        elif item.startswith(("Nationality ", "Citizen ")):
            add(entity, "nationality" if entity.schema.get("nationality") else "country",
                country_code(item.split(" ", 1)[1]))
        elif (akas := _AKA.findall(item)):
            add(entity, "alias", akas)
        elif (found := _REMARK.match(item)) and (prop := _id_property(entity, found["kind"])):
            add(entity, prop, found["value"])
    add(entity, "notes", remarks)


# -- classic XML ----------------------------------------------------------------------------------------


def is_sdn_xml(root: etree._Element) -> bool:
    return local_name(root) == "sdnList"


def _children(element: etree._Element, path: str) -> Iterator[etree._Element]:
    """Namespace-blind descent: `_children(entry, "akaList/aka")`."""
    current = [element]
    for step in path.split("/"):
        current = [child for parent in current for child in parent if local_name(child) == step]
    yield from current


def _value(element: etree._Element, name: str) -> str | None:
    return text(next((child.text for child in _children(element, name)), None))


def _xml_entry(element: etree._Element, index: int, source: str, list_id: str) -> ListedRecord:
    uid = _value(element, "uid")
    kind = (_value(element, "sdnType") or "").lower()
    if not uid or kind not in SCHEMAS or not _value(element, "lastName"):
        raise InvalidDocument(f"{source}: sdnEntry {index} (line {element.sourceline}, uid {uid}) needs a uid, a "
                              f"lastName and an sdnType of {', '.join(SCHEMAS)}", f"/sdnList/sdnEntry[{index}]")
    person = kind == "individual"
    entity = new_entity(SCHEMAS[kind], f"ofac-{uid}")
    last, first = _value(element, "lastName"), _value(element, "firstName")
    add(entity, "name", person_name(last, first))
    if person:
        add(entity, "firstName", first)
        add(entity, "lastName", last)
        add(entity, "title", _value(element, "title"))
    for aka in _children(element, "akaList/aka"):
        weak = _value(aka, "category") == "weak"
        add(entity, "weakAlias" if weak and person else "alias",
            person_name(_value(aka, "lastName"), _value(aka, "firstName")))
    for item in _children(element, "idList/id"):
        prop = _id_property(entity, _value(item, "idType") or "")
        if prop:
            add(entity, prop, _value(item, "idNumber"))
    for address in _children(element, "addressList/address"):
        parts = [_value(address, tag) for tag in ("address1", "address2", "address3", "city", "stateOrProvince",
                                                  "postalCode", "country")]
        add(entity, "address", join(*parts, separator=", "))
        add(entity, "country", country_code(_value(address, "country")))
    for path in ("nationalityList/nationality", "citizenshipList/citizenship"):
        for item in _children(element, path):
            add(entity, "nationality" if person else "country", country_code(_value(item, "country")))
    for birth in _children(element, "dateOfBirthList/dateOfBirthItem"):
        value = _value(birth, "dateOfBirth")
        add(entity, "birthDate", iso_date(value) or (value[-4:] if value else None))
    for place in _children(element, "placeOfBirthList/placeOfBirthItem"):
        add(entity, "birthPlace", _value(place, "placeOfBirth"))
    for vessel in _children(element, "vesselInfo"):
        add(entity, "callSign", _value(vessel, "callSign"))
        add(entity, "flag", country_code(_value(vessel, "vesselFlag")))
    read_remarks(entity, _value(element, "remarks"))
    programme = ", ".join(p for p in (text(item.text) for item in _children(element, "programList/program")) if p)
    return ListedRecord(entity, Listing(list_id, programme or None, None, uid))


def read_sdn_xml(root: etree._Element, source: str) -> SanctionsList:
    """The classic `sdnList` XML (sdn.xml, or consolidated.xml for the non-SDN lists)."""
    consolidated = "cons" in source.rsplit("/", 1)[-1].lower()
    list_id, title = (CONSOLIDATED_LIST_ID, CONSOLIDATED_TITLE) if consolidated else (SDN_LIST_ID, SDN_TITLE)
    published = next((_value(p, "Publish_Date") for p in _children(root, "publshInformation")), None)
    result = SanctionsList(list_id, title, "ofac-sdn-xml", iso_date(published))
    for index, element in enumerate(_children(root, "sdnEntry"), start=1):
        result.records.append(_xml_entry(element, index, source, list_id))
    return result


# -- legacy CSV files ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CsvFile:
    """One OFAC CSV file, its role told by its number of columns."""

    source: str
    role: str  # main | addresses | aliases | comments
    rows: list[tuple[int, list[str]]]  # (line number, columns)

    @property
    def consolidated(self) -> bool:
        return self.source.rsplit("/", 1)[-1].lower().startswith("cons")

    @property
    def folder(self) -> str:
        return self.source.rsplit("/", 1)[0] if "/" in self.source else ""


def _csv_rows(content: str) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(content))
    rows = []
    for columns in reader:
        if columns and any(c.strip() for c in columns) and columns[0].strip() != "\x1a":
            rows.append((reader.line_num, [c.strip() for c in columns]))
    return rows


def sniff_csv(content: str, source: str) -> CsvFile | None:
    """An OFAC CSV file (its role), or None when the content does not look like one."""
    rows = _csv_rows(content)
    if not rows or not rows[0][1][0].isdigit():
        return None
    roles = {count: role for role, count in CSV_COLUMNS.items()}
    role = roles.get(len(rows[0][1]))
    if role is None:
        return None
    expected = CSV_COLUMNS[role]
    for line, columns in rows:
        if len(columns) != expected or not columns[0].isdigit():
            raise InvalidDocument(f"{source}: line {line} (ent_num {columns[0]!r}) has {len(columns)} columns; an "
                                  f"OFAC {role} file has {expected}, the first an entity number", f"line {line}")
    return CsvFile(source, role, rows)


def _csv_entity(line: int, columns: list[str], source: str, list_id: str) -> ListedRecord:
    ent_num, name, kind, programs, title = columns[:5]
    schema = SCHEMAS.get(text(kind.lower()) or "entity")
    if schema is None or not text(name):
        raise InvalidDocument(f"{source}: line {line} (ent_num {ent_num}) has no name or an unknown type "
                              f"{kind!r}", f"line {line}")
    entity = new_entity(schema, f"ofac-{ent_num}")
    if schema == "Person" and "," in name:
        last, first = name.split(",", 1)
        add(entity, "name", person_name(last, first))
        add(entity, "lastName", last)
        add(entity, "firstName", first)
    else:
        add(entity, "name", name)
    if schema == "Person":
        add(entity, "title", title)
    if schema == "Vessel":
        add(entity, "callSign", columns[5])
        add(entity, "flag", country_code(columns[9]))
    return ListedRecord(entity, Listing(list_id, ", ".join(programmes(programs)) or None, None, ent_num))


def read_ofac_csv(files: list[CsvFile]) -> SanctionsList:
    """One main file with its companions (same folder, same `cons_` prefix or none)."""
    [main] = [f for f in files if f.role == "main"]
    list_id, title = (CONSOLIDATED_LIST_ID, CONSOLIDATED_TITLE) if main.consolidated else (SDN_LIST_ID, SDN_TITLE)
    records = {columns[0]: _csv_entity(line, columns, main.source, list_id) for line, columns in main.rows}
    remarks = {columns[0]: columns[11] for _, columns in main.rows}
    for companion in files:
        for _, columns in companion.rows:
            record = records.get(columns[0])
            if companion.role == "comments" and columns[0] in remarks:
                remarks[columns[0]] = (text(remarks[columns[0]]) or "") + columns[1]
                continue
            if record is None:
                continue  # rows of parties not on the main file (OFAC ships them)
            if companion.role == "addresses":
                add(record.entity, "address", join(*columns[2:5], separator=", "))
                add(record.entity, "country", country_code(columns[4]))
            elif companion.role == "aliases":
                person = record.entity.schema.is_a("Person") and "," in columns[3]
                add(record.entity, "alias", person_name(*columns[3].split(",", 1)) if person else columns[3])
    for ent_num, record in records.items():
        read_remarks(record.entity, remarks.get(ent_num))
    return SanctionsList(list_id, title, "ofac-csv", None, list(records.values()))
