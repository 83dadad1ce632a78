"""The UN Security Council Consolidated List, in its XML form (`CONSOLIDATED_LIST`) (pure).

`INDIVIDUALS/INDIVIDUAL` become Person entities and `ENTITIES/ENTITY` Organization entities `un-<DATAID>`; the
listing is the UN list type (the sanctions committee: `DRC`, `Al-Qaida`, `DPRK`...), `LISTED_ON` and the
reference number.
"""

from __future__ import annotations

from lxml import etree

from sanctrace.errors import InvalidDocument
from sanctrace.screening.parties import Listing
from sanctrace.sources.lists.common import add, country_code, iso_date, join, local_name, new_entity, text
from sanctrace.sources.lists.model import ListedRecord, SanctionsList

LIST_ID = "un-sc-consolidated"
TITLE = "UN Security Council Consolidated List"


def is_un(root: etree._Element) -> bool:
    return local_name(root) == "CONSOLIDATED_LIST"


def _address(element: etree._Element) -> str | None:
    return join(*(element.findtext(tag) for tag in ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY")),
                separator=", ")


def _record(element: etree._Element, kind: str, container: str, index: int, source: str) -> ListedRecord:
    data_id = text(element.findtext("DATAID"))
    person = kind == "INDIVIDUAL"
    where = f"/CONSOLIDATED_LIST/{container}/{kind}[{index}]"
    if not data_id:
        raise InvalidDocument(f"{source}: {kind} {index} (line {element.sourceline}) has no DATAID", where)
    entity = new_entity("Person" if person else "Organization", f"un-{data_id}")
    parts = [element.findtext(tag) for tag in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
    add(entity, "name", join(*parts))
    if not entity.get("name"):
        raise InvalidDocument(f"{source}: {kind} {data_id} (line {element.sourceline}) has no name", where)
    add(entity, "name", element.findtext("NAME_ORIGINAL_SCRIPT"))
    if person:
        add(entity, "firstName", parts[0])
        add(entity, "lastName", join(*parts[1:]))
        add(entity, "gender", element.findtext("GENDER"))
        add(entity, "title", [v.text for v in element.iterfind("TITLE/VALUE")])
        add(entity, "position", [v.text for v in element.iterfind("DESIGNATION/VALUE")])
        add(entity, "nationality", [country_code(v.text) for v in element.iterfind("NATIONALITY/VALUE")])
    for alias in element.iterfind(f"{kind}_ALIAS"):
        weak = text(alias.findtext("QUALITY")) == "Low"
        add(entity, "weakAlias" if weak and person else "alias", alias.findtext("ALIAS_NAME"))
    for address in element.iterfind(f"{kind}_ADDRESS"):
        add(entity, "address", _address(address))
        add(entity, "country", country_code(address.findtext("COUNTRY")))
    for birth in element.iterfind("INDIVIDUAL_DATE_OF_BIRTH"):
        add(entity, "birthDate", iso_date(birth.findtext("DATE")) or text(birth.findtext("YEAR")))
    for place in element.iterfind("INDIVIDUAL_PLACE_OF_BIRTH"):
        add(entity, "birthPlace", join(place.findtext("CITY"), place.findtext("STATE_PROVINCE"),
                                       place.findtext("COUNTRY"), separator=", "))
    for document in element.iterfind("INDIVIDUAL_DOCUMENT"):
        kind_of_document = (text(document.findtext("TYPE_OF_DOCUMENT")) or "").lower()
        add(entity, "passportNumber" if "passport" in kind_of_document else "idNumber",
            document.findtext("NUMBER"))
    add(entity, "notes", element.findtext("COMMENTS1"))
    reference = text(element.findtext("REFERENCE_NUMBER"))
    listing = Listing(LIST_ID, text(element.findtext("UN_LIST_TYPE")), iso_date(element.findtext("LISTED_ON")),
                      reference or data_id)
    return ListedRecord(entity, listing)


def read_un(root: etree._Element, source: str) -> SanctionsList:
    result = SanctionsList(LIST_ID, TITLE, "un-sc-xml", iso_date((root.get("dateGenerated") or "")[:10]))
    for container, kind in (("INDIVIDUALS", "INDIVIDUAL"), ("ENTITIES", "ENTITY")):
        for index, element in enumerate(root.iterfind(f"{container}/{kind}"), start=1):
            result.records.append(_record(element, kind, container, index, source))
    return result
