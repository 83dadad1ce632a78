"""Each official list format, read from the real samples in ../shared/data/sanctions with exact counts; the
formats without a shared sample (EU FSF 1.1, OFAC classic XML) from small files written here after their XSD;
malformed files refused with the record named."""

from __future__ import annotations

from collections import Counter

import pytest

from sanctrace.errors import InvalidDocument
from sanctrace.sources.lists import read_list, read_lists
from tests.shared import SHARED_DATA

SANCTIONS = SHARED_DATA / "sanctions"
EU_LEGACY = SANCTIONS / "opendatalabcz-sanction-lists/src/test/resources/EU/data.xml"
HMT_CSV = SANCTIONS / "opendatalabcz-sanction-lists/src/test/resources/BOE/data.csv"
OFAC_ADVANCED = SANCTIONS / "ofac-sdn-analysis/tests/test.xml"
UN_XML = SANCTIONS / "watchman/test/testdata/UN_consolidated.xml"
UK_XML = SANCTIONS / "sanctions_lists_etl/tests/fixtures/sample_uk_sanctions.xml"
OFAC_CSV = SANCTIONS / "watchman/internal/ofactest/testdata"
OFAC_CONS = SANCTIONS / "watchman/test/testdata"
FTM_T1 = SANCTIONS / "yente/tests/fixtures/dataset/t1/entities.ftm.json"

FSF_XML = """<?xml version="1.0" encoding="UTF-8"?>
<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate="2024-05-02T10:00:00.000+02:00" globalFileId="1">
  <sanctionEntity logicalId="13" designationDate="2022-02-25" unitedNationId="">
    <remark>Member of the Security Council</remark>
    <regulation regulationType="regulation" organisationType="commission" publicationDate="2022-02-25"
                entryIntoForceDate="2022-02-25" numberTitle="2022/330 (OJ L53)" programme="RUS" logicalId="1">
      <publicationUrl>https://eur-lex.europa.eu/</publicationUrl>
    </regulation>
    <subjectType code="person" classificationCode="P"/>
    <nameAlias firstName="Sergei" middleName="Viktorovich" lastName="Lavrov" wholeName="Sergei Viktorovich Lavrov"
               function="Minister of Foreign Affairs" gender="M" nameLanguage="EN" strong="true" logicalId="2"
               regulationLanguage="en"><regulationSummary regulationType="regulation" publicationDate="2022-02-25"
               numberTitle="2022/330"/></nameAlias>
    <nameAlias wholeName="Сергей Викторович Лавров" nameLanguage="RU" strong="true" logicalId="3"
               regulationLanguage="en"><regulationSummary regulationType="regulation" publicationDate="2022-02-25"
               numberTitle="2022/330"/></nameAlias>
    <citizenship countryIso2Code="RU" countryDescription="RUSSIAN FEDERATION" logicalId="4" regulationLanguage="en">
      <regulationSummary regulationType="regulation" publicationDate="2022-02-25" numberTitle="2022/330"/></citizenship>
    <birthdate birthdate="1950-03-21" calendarType="GREGORIAN" city="Moscow" countryIso2Code="RU"
               countryDescription="RUSSIAN FEDERATION" logicalId="5" regulationLanguage="en">
      <regulationSummary regulationType="regulation" publicationDate="2022-02-25" numberTitle="2022/330"/></birthdate>
  </sanctionEntity>
  <sanctionEntity logicalId="77" designationDate="2023-06-23">
    <regulation regulationType="regulation" organisationType="council" publicationDate="2023-06-23"
                entryIntoForceDate="2023-06-23" numberTitle="2023/1214" programme="RUS" logicalId="8"/>
    <subjectType code="enterprise" classificationCode="E"/>
    <nameAlias wholeName="Altyn Trade LLP" strong="true" logicalId="9" regulationLanguage="en">
      <regulationSummary regulationType="regulation" publicationDate="2023-06-23" numberTitle="2023/1214"/></nameAlias>
    <address city="Almaty" street="Abai Avenue 10" countryIso2Code="KZ" countryDescription="KAZAKHSTAN"
             logicalId="10" regulationLanguage="en">
      <regulationSummary regulationType="regulation" publicationDate="2023-06-23" numberTitle="2023/1214"/></address>
    <identification identificationTypeCode="regnumber" identificationTypeDescription="Registration Number"
                    number="220540012345" countryIso2Code="KZ" countryDescription="KAZAKHSTAN" logicalId="11"
                    regulationLanguage="en"><regulationSummary regulationType="regulation"
                    publicationDate="2023-06-23" numberTitle="2023/1214"/></identification>
  </sanctionEntity>
</export>
""".encode()

SDN_XML = b"""<?xml version="1.0" standalone="yes"?>
<sdnList xmlns="http://tempuri.org/sdnList.xsd">
  <publshInformation><Publish_Date>02/23/2024</Publish_Date><Record_Count>2</Record_Count></publshInformation>
  <sdnEntry>
    <uid>36368</uid><firstName>Ilya Anatolyevich</firstName><lastName>MARKOV</lastName><sdnType>Individual</sdnType>
    <programList><program>RUSSIA-EO14024</program></programList>
    <akaList><aka><uid>1</uid><type>a.k.a.</type><category>strong</category><lastName>MARKOV</lastName>
      <firstName>Ilya Anatolevich</firstName></aka></akaList>
    <nationalityList><nationality><uid>2</uid><country>Russia</country><mainEntry>true</mainEntry></nationality>
    </nationalityList>
    <dateOfBirthList><dateOfBirthItem><uid>3</uid><dateOfBirth>30 Aug 1976</dateOfBirth><mainEntry>true</mainEntry>
    </dateOfBirthItem></dateOfBirthList>
  </sdnEntry>
  <sdnEntry>
    <uid>41079</uid><lastName>POLA RAIZ OOO</lastName><sdnType>Entity</sdnType>
    <programList><program>RUSSIA-EO14024</program></programList>
    <idList><id><uid>4</uid><idType>Tax ID No.</idType><idNumber>7706470941</idNumber><idCountry>Russia</idCountry>
    </id></idList>
    <addressList><address><uid>5</uid><city>Moscow</city><country>Russia</country></address></addressList>
  </sdnEntry>
</sdnList>
"""


def listed(data: bytes, source: str) -> list:
    return read_list(data, source).listed


def properties(record) -> dict:
    return record.entity.to_dict()["properties"]


def test_eu_fsf_1_1():
    parsed = read_list(FSF_XML, "fsf.xml")
    assert (parsed.list_id, parsed.format, parsed.issued_on, len(parsed.listed)) == ("eu-fsf", "eu-fsf-xml",
                                                                                      "2024-05-02", 2)
    lavrov, altyn = parsed.listed
    assert lavrov.entity.id == "eu-fsf-13" and lavrov.entity.schema.name == "Person"
    assert set(properties(lavrov)["name"]) == {"Sergei Viktorovich Lavrov", "Сергей Викторович Лавров"}
    assert properties(lavrov)["birthDate"] == ["1950-03-21"] and properties(lavrov)["nationality"] == ["ru"]
    assert (lavrov.listing.programme, lavrov.listing.listed_on, lavrov.listing.record_id) == ("RUS", "2022-02-25",
                                                                                            "13")
    assert altyn.entity.schema.name == "Organization"
    assert properties(altyn)["registrationNumber"] == ["220540012345"] and properties(altyn)["country"] == ["kz"]


def test_eu_legacy_fsd_xml():
    parsed = read_list(EU_LEGACY.read_bytes(), str(EU_LEGACY))
    assert (parsed.list_id, parsed.format, parsed.issued_on) == ("eu-fsf", "eu-fsd-legacy-xml", "2016-02-11")
    assert len(parsed.listed) == 595
    mugabe = parsed.listed[0]
    assert mugabe.entity.id == "eu-fsf-1" and properties(mugabe)["name"] == ["Robert Gabriel Mugabe"]
    assert properties(mugabe)["birthDate"] == ["1924-02-21"]
    assert (mugabe.listing.programme, mugabe.listing.listed_on) == ("ZWE", "2012-02-21")


def test_ofac_classic_xml():
    parsed = read_list(SDN_XML, "sdn.xml")
    assert (parsed.list_id, parsed.format, parsed.issued_on, len(parsed.listed)) == ("us-ofac-sdn", "ofac-sdn-xml",
                                                                                      "2024-02-23", 2)
    markov, pola = parsed.listed
    assert properties(markov)["name"] == ["Ilya Anatolyevich MARKOV"]
    assert properties(markov)["alias"] == ["Ilya Anatolevich MARKOV"]
    assert properties(markov)["birthDate"] == ["1976-08-30"] and properties(markov)["nationality"] == ["ru"]
    assert markov.listing.programme == "RUSSIA-EO14024" and markov.listing.record_id == "36368"
    assert pola.entity.id == "ofac-41079" and properties(pola)["taxNumber"] == ["7706470941"]


def test_ofac_advanced_xml():
    parsed = read_list(OFAC_ADVANCED.read_bytes(), str(OFAC_ADVANCED))
    assert (parsed.list_id, parsed.format, parsed.issued_on) == ("us-ofac-sdn", "ofac-advanced-xml", "2024-02-23")
    assert Counter(r.entity.schema.name for r in parsed.listed) == {"Person": 21, "Organization": 11, "Vessel": 5}
    markov = next(r for r in parsed.listed if r.entity.id == "ofac-36368")
    assert set(properties(markov)["name"]) == {"Ilya Anatolyevich Markov", "Илья Анатольевич Марков"}
    assert properties(markov)["birthDate"] == ["1976-08-30"] and properties(markov)["gender"] == ["male"]
    vessel = next(r for r in parsed.listed if r.entity.id == "ofac-36399")
    assert properties(vessel) == {"name": ["Lady Leila"], "callSign": ["UCGL"], "flag": ["ru"]}


def test_ofac_csv_set_is_joined_to_its_main_file():
    files = sorted(OFAC_CSV.glob("*.csv"))
    [found] = read_lists([(str(f), f.read_bytes()) for f in files])
    parsed = found.sanctions_list
    assert (parsed.list_id, parsed.format, len(parsed.listed)) == ("us-ofac-sdn", "ofac-csv", 17)
    aircraft = next(r for r in parsed.listed if r.entity.id == "ofac-11195")
    assert "HESA TRADE CENTER" in properties(aircraft)["alias"]  # from alt.csv
    assert "26740" in properties(aircraft)["registrationNumber"]  # from the remarks
    assert any("Esfahan" in a for a in properties(aircraft)["address"])  # from add.csv
    assert aircraft.listing.programme == "NPWMD, IFSR, IRAN-CON-ARMS-EO"
    person = next(r for r in parsed.listed if r.entity.id == "ofac-10278")
    assert properties(person)["name"] == ["Elvis Angus LOGAN MOREY"]
    assert properties(person)["birthDate"] == ["1963-07-28"] and properties(person)["passportNumber"] == ["P0017003"]


def test_ofac_consolidated_csv_set():
    names = ("cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv")
    [found] = read_lists([(str(OFAC_CONS / n), (OFAC_CONS / n).read_bytes()) for n in names])
    assert found.sanctions_list.list_id == "us-ofac-consolidated"
    assert len(found.sanctions_list.listed) == 442


def test_un_consolidated_xml():
    parsed = read_list(UN_XML.read_bytes(), str(UN_XML))
    assert (parsed.list_id, parsed.issued_on) == ("un-sc-consolidated", "2026-02-27")
    assert Counter(r.entity.schema.name for r in parsed.listed) == {"Person": 730, "Organization": 273}
    first = parsed.listed[0]
    assert first.entity.id == "un-6907993" and properties(first)["name"] == ["ERIC BADEGE"]
    assert (first.listing.programme, first.listing.listed_on, first.listing.record_id) == ("DRC", "2012-12-31",
                                                                                         "CDi.001")


def test_uk_sanctions_list_xml():
    parsed = read_list(UK_XML.read_bytes(), str(UK_XML))
    assert (parsed.list_id, parsed.issued_on, len(parsed.listed)) == ("gb-fcdo-sanctions", "2026-09-10", 5)
    first = parsed.listed[0]
    assert first.entity.id == "gb-fcdo-AFG0001"
    assert set(properties(first)["name"]) == {"HAJI KHAIRULLAH MONEY EXCHANGE", "حاجی خيرالله صرافی"}
    assert first.listing.listed_on == "2012-06-29"


def test_hm_treasury_csv():
    parsed = read_list(HMT_CSV.read_bytes(), str(HMT_CSV))
    assert (parsed.list_id, parsed.issued_on, len(parsed.listed)) == ("gb-hmt-consolidated", "2016-02-12", 463)


def test_followthemoney_json_lines():
    parsed = read_list(FTM_T1.read_bytes(), str(FTM_T1))
    assert (parsed.list_id, len(parsed.records), len(parsed.listed)) == ("eu_fsf", 7, 6)


def test_ftm_sanction_entities_give_the_listing():
    lines = (b'{"id": "p1", "schema": "Person", "properties": {"name": ["Ivan Petrov"]}}\n'
             b'{"id": "s1", "schema": "Sanction", "properties": {"entity": ["p1"], "program": ["RUS"], '
             b'"listingDate": ["2022-03-15"], "authorityId": ["EU.123.45"]}}\n'
             b'{"id": "a1", "schema": "Address", "properties": {"full": ["Lenina 1, Moscow"]}}\n')
    parsed = read_list(lines, "mylist.jsonl")
    assert parsed.list_id == "mylist" and [r.entity.id for r in parsed.records] == ["p1", "a1"]
    [person] = parsed.listed
    assert (person.listing.programme, person.listing.listed_on, person.listing.record_id) == ("RUS", "2022-03-15",
                                                                                            "EU.123.45")


@pytest.mark.parametrize(("data", "source", "message"), [
    (b"<sdnList><sdnEntry><uid>1</uid>", "broken.xml", "not well-formed XML"),
    (SDN_XML.replace(b"<uid>41079</uid>", b""), "sdn.xml", "sdnEntry 2"),
    (FSF_XML.replace(b'logicalId="77" ', b""), "fsf.xml", "sanctionEntity 2"),
    (b'{"id": "x", "schema": "Persona", "properties": {}}\n', "x.jsonl", "line 1 (entity x) has an unknown schema"),
    (b"<root/>", "other.xml", "XML root <root> is no list format"),
    (b"hello", "notes.txt", "not a list format"),
])
def test_malformed_files_are_refused_naming_the_record(data, source, message):
    with pytest.raises(InvalidDocument) as raised:
        read_list(data, source)
    assert message in str(raised.value)


def test_malformed_ofac_csv_names_the_line():
    path = OFAC_CONS / "invalidFiles" / "sdn_comments.csv"
    [found] = read_lists([(str(path), path.read_bytes())])
    assert found.error is not None and "line 4" in str(found.error)


def test_ofac_companion_without_its_main_file_is_an_error():
    add = OFAC_CSV / "add.csv"
    [found] = read_lists([(str(add), add.read_bytes())])
    assert found.error is not None and "exactly one main file" in str(found.error)
