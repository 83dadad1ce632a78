"""The EPCIS XML reader (`sanctrace.epcis.xml.read_xml`).

* every XML example GS1 and the hash-algorithm project publish reads, with as many events as an XPath count
  finds (the few events GS1 got wrong are listed with the reason);
* parity: the events equal those of the JSON-LD twin of the same document, after a small comparison
  normaliser (CBV spellings cut to their last term, timestamps compared as instants); for GS1's XML/JSON
  example pairs, the places where GS1's two versions really say different things are listed and skipped;
* the 1.2 upgrade, locations and line numbers, the SBDH header, document namespaces;
* unreadable documents, unconvertible events, XXE;
* a Hypothesis round trip: random ObjectEvents, rendered to XML by a serializer here, read back the same.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from sanctrace.epcis.xml import EPCIS_1, EPCIS_2, EPCIS_QUERY_1, UNQUALIFIED_NS, read_xml
from sanctrace.errors import InvalidDocument
from tests.shared import GS1_EPCIS, HASH_EXAMPLES

EVENT_TYPES = (
    "ObjectEvent", "AggregationEvent", "TransactionEvent", "TransformationEvent", "AssociationEvent",
)

# GS1 XML files that are not event documents: capture-job status reports (root epcis:EPCISCaptureJob, what
# the capture interface answers about a capture job) and CBV master-data documents (root
# EPCISMasterDataDocument in urn:epcglobal:epcis-masterdata:xsd:2). Both are refused: "not an EPCIS document".
NOT_EVENT_DOCUMENTS = {
    "XML/CaptureJob/Example-CaptureJobRunning.xml": "EPCISCaptureJob",
    "XML/CaptureJob/Example-CaptureJobSuccess.xml": "EPCISCaptureJob",
    "XML/CaptureJob/Example-CaptureJobWithErrorFile.xml": "EPCISCaptureJob",
    "XML/CaptureJob/Example-CaptureJobWithErrors.xml": "EPCISCaptureJob",
    "XML/CBV/CBV-11.4-2020-06-16a.xml": "EPCISMasterDataDocument",
    "XML/Mimasu/Example-masterData.xml": "EPCISMasterDataDocument",
}

# Events in GS1's 1.2 examples that break the standard with an unqualified element where EPCIS 2.0 allows
# none: an unqualified <myField> in the 1.2 extension/extension slot (reserved for future EPCIS versions),
# and <sensorMetaData>, a misspelling of sensorMetadata. They are kept, in UNQUALIFIED_NS.
UNQUALIFIED_EVENTS = {
    ("XSL/1.2/XML/ObjectEvent.xml", 1): ("myField", None),
    ("XSL/1.2/XML/AssociationEvent.xml", 5): ("sensorMetaData", "sensorElementList"),
}


def _relative(path: Path) -> str:
    root = GS1_EPCIS if path.is_relative_to(GS1_EPCIS) else HASH_EXAMPLES.parent.parent
    return str(path.relative_to(root))


def _event_documents() -> list[Path]:
    files = [
        *sorted((GS1_EPCIS / "XML").rglob("*.xml")),
        *sorted((GS1_EPCIS / "XSL" / "1.2" / "XML").glob("*.xml")),
        *sorted(HASH_EXAMPLES.glob("*.xml")),
    ]
    return [path for path in files if _relative(path) not in NOT_EVENT_DOCUMENTS]


def _count_events(path: Path) -> int:
    """The number of event elements, counted with XPath independently of the reader."""
    tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    test = " or ".join(f"self::{name}" for name in EVENT_TYPES)
    return int(tree.xpath(f"count(//EventList//*[{test}])"))


# ---------------------------------------------------------------------------------------------------------
# Every published example


@pytest.mark.parametrize("path", _event_documents(), ids=_relative)
def test_every_example_reads_with_all_its_events(path):
    document = read_xml(path.read_bytes(), path.name)

    assert len(document.events) == _count_events(path)
    assert [event.index for event in document.events] == list(range(len(document.events)))
    assert document.format == ("xml-1.2" if "/1.2/" in str(path) else "xml-2.0")
    for event in document.events:
        assert event.error is None, (event.location, event.error, event.error_pointer)
        assert event.data["type"] in EVENT_TYPES
        unqualified = UNQUALIFIED_EVENTS.get((_relative(path), event.index))
        if unqualified:
            name, container = unqualified
            holder = event.data[container][0] if container else event.data
            assert "{" + UNQUALIFIED_NS + "}" + name in holder


@pytest.mark.parametrize("relative, root_name", NOT_EVENT_DOCUMENTS.items(), ids=list(NOT_EVENT_DOCUMENTS))
def test_documents_that_are_not_event_documents_are_refused(relative, root_name):
    path = GS1_EPCIS / relative
    assert etree.QName(etree.parse(str(path)).getroot()).localname == root_name
    with pytest.raises(InvalidDocument, match="is not an EPCIS document"):
        read_xml(path.read_bytes(), path.name)


def test_the_example_lists_are_complete():
    assert len(_event_documents()) > 50
    assert all((GS1_EPCIS / relative).exists() for relative in NOT_EVENT_DOCUMENTS)
    assert all((GS1_EPCIS / relative).exists() for relative, _ in UNQUALIFIED_EVENTS)


# ---------------------------------------------------------------------------------------------------------
# Parity with the JSON-LD twins

VOCABULARY_KEYS = {"bizStep", "disposition", "type", "reason", "set", "unset", "exception", "component"}
TIME_KEYS = {"eventTime", "recordTime", "declarationTime", "time", "startTime", "endTime"}
STANDARD_PREFIXES = {
    term: iri
    for term, iri in orjson.loads((GS1_EPCIS / "epcis-context.jsonld").read_bytes())["@context"].items()
    if isinstance(iri, str) and iri.endswith(("/", "#", ":"))
}


def comparable(value: Any, key: str | None = None) -> Any:
    """What both syntaxes must agree on: CBV values cut to their last term
    (`urn:epcglobal:cbv:bizstep:receiving`, `cbv:BizStep-receiving` and `receiving` all give `receiving`),
    timestamps as instants, hex in upper case."""
    if isinstance(value, dict):
        return {k: comparable(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [comparable(v, key) for v in value]
    if not isinstance(value, str):
        return value
    if key in VOCABULARY_KEYS:
        return re.split(r"[:/#-]", value)[-1]
    if key in TIME_KEYS:
        return datetime.fromisoformat(value)
    if key == "hexBinaryValue":
        return value.upper()
    return value


def twin_events(paths: list[Path], aliases: dict[str, str]) -> list[dict[str, Any]]:
    """The events of JSON-LD documents, prefixed keys in Clark notation (namespaces in `aliases` replaced)."""
    events = []
    for path in paths:
        document = orjson.loads(path.read_bytes())
        prefixes = dict(STANDARD_PREFIXES)
        for entry in document.get("@context", []):
            if isinstance(entry, dict):
                prefixes.update({k: v for k, v in entry.items() if isinstance(v, str)})
        body = document["epcisBody"]
        if "queryResults" in body:
            body = body["queryResults"]["resultsBody"]
        events += [_clark_keys(event, prefixes, aliases) for event in body["eventList"]]
    return events


def _clark_keys(value: Any, prefixes: dict[str, str], aliases: dict[str, str]) -> Any:
    if isinstance(value, list):
        return [_clark_keys(item, prefixes, aliases) for item in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        prefix, colon, local = key.partition(":")
        if colon and prefix in prefixes:
            namespace = aliases.get(prefixes[prefix], prefixes[prefix])
            key = f"{{{namespace}}}{local}"
        out[key] = _clark_keys(item, prefixes, aliases)
    return out


def without(value: Any, path: tuple[Any, ...]) -> Any:
    """`value` without what `path` (keys and list indexes, "*" for any) points at."""
    if not isinstance(value, (dict, list)):
        return value
    head, rest = path[0], path[1:]
    kept = []
    for key, item in value.items() if isinstance(value, dict) else enumerate(value):
        if head in ("*", key):
            if not rest:
                continue
            item = without(item, rest)
        kept.append((key, item))
    return dict(kept) if isinstance(value, dict) else [item for _, item in kept]


def _hash_example_twins() -> list[Path]:
    return [path for path in sorted(HASH_EXAMPLES.glob("*.xml")) if path.with_suffix(".jsonld").exists()]


@pytest.mark.parametrize("path", _hash_example_twins(), ids=lambda path: path.stem)
def test_events_equal_those_of_the_jsonld_twin(path):
    events = [event.data for event in read_xml(path.read_bytes(), path.name).events]
    twins = twin_events([path.with_suffix(".jsonld")], {})

    assert comparable(events) == comparable(twins)


class Twin(NamedTuple):
    """A GS1 XML example, the JSON-LD files of its events (in order), and where GS1 wrote them differently."""

    xml: str
    json: list[str]
    aliases: dict[str, str]  # namespace in the JSON version -> the one in the XML version
    differences: list[tuple[Any, ...]]  # paths into the event list where the versions disagree


HASH_IDS = ("*", "eventID")  # the JSON versions add the event hash as eventID; the XML versions have none
EX = "{https://ns.example.com/epcis}"
SENSOR_JSON = [f"JSON/WithSensorData/SensorDataExample{n}.jsonld" for n in (*range(1, 13), 14, 15)]

GS1_TWINS = {
    "ObjectEvent-9.6.1": Twin(
        "XML/Example_9.6.1-ObjectEvent-2020_06_18a.xml", ["JSON/Example_9.6.1-ObjectEvent.jsonld"],
        {"http://ns.example.com/epcis/": "http://ns.example.com/epcis"}, [HASH_IDS],
    ),
    "TransactionEvent": Twin(
        "XML/Example-TransactionEvent-2020_07_03y.xml", ["JSON/Example-TransactionEvents-2020_07_03y.jsonld"],
        {},
        [
            # XML has an empty <rail:vehicleMasterGIAI/> (read as ""), JSON leaves the key out
            (1, "{urn:gs1:epcisapp:rail:}vehicle", 1, "{urn:gs1:epcisapp:rail:}vehicleMasterGIAI"),
            # JSON writes this one as the boolean true, the two others as the string "true"
            (1, "{urn:gs1:epcisapp:rail:}vehicle", 2, "{urn:gs1:epcisapp:rail:}vehicleUniquelyIdentified"),
        ],
    ),
    "ErrorDeclaration": Twin(
        "XML/WithErrorDeclaration/ErrorDeclarationAndCorrectiveEvent.xml",
        ["JSON/WithErrorDeclaration/ErrorDeclarationAndCorrectiveEvent.jsonld"],
        {"http://ns.example.com/epcis/": "http://ns.example.com/epcis"},
        [
            ("*", "inputQuantityList", 0, "quantity"),  # XML: xsi:nil="true"; JSON: 500
            ("*", "inputQuantityList", 0, "uom"),  # JSON only
            ("*", "readPoint"),  # different read points
        ],
    ),
    "AssociationEvent": Twin(
        "XML/AssociationEvent/AssociationEventExamples.xml",
        [f"JSON/AssociationEvent/AssociationEvent-{letter}.jsonld" for letter in "abcdefgh"], {},
        [HASH_IDS, (6, "errorDeclaration", "correctiveEventIDs")],  # a UUID in XML, an event hash in JSON
    ),
    "SensorData": Twin(
        "XML/WithSensorData/SensorDataExamples.xml", SENSOR_JSON,
        {
            "http://ns.example.com/epcis/": "https://ns.example.com/epcis",
            # CBV master data: urn:epcglobal:cbv:mda in XML, urn:epcglobal:cbv:mda: in the JSON-LD context
            "urn:epcglobal:cbv:mda:": "urn:epcglobal:cbv:mda",
        },
        [
            HASH_IDS,
            (3, "sensorElementList", 0, "sensorReport", "*", "rawData"),  # other rawData URLs
            (5, "epcList"), (5, "quantityList"),  # JSON case 6 observes other objects
            # two different child elements in XML (one dict), an array of two one-key objects in JSON
            (5, "sensorElementList", 0, f"{EX}furtherSensorData"),
            (7, "sensorElementList", 1, f"{EX}furtherSensorData"),
            (7, "childEPCs"),  # empty <childEPCs/> in XML, absent in JSON
            (7, "sensorElementList", 0, "sensorReport", 1, "type"),  # Molar_concentration, renamed in JSON
            (7, "sensorElementList", 0, "sensorReport", 2, "type"),
            (8, "sensorElementList", 0, "sensorReport", "*", "type"),  # JSON only
            (9, "sensorElementList", 0, "sensorReport", "*", f"{EX}feature"),  # JSON only
            (10, "sensorElementList", 0, "sensorReport", 0, "type"),  # EffectiveDoseRate / DoseEquivalentRate
            (11, "readPoint", f"{EX}gs1ES"), (11, "bizLocation", f"{EX}gs1ES"),  # XML only
            (11, "errorDeclaration", f"{EX}field"),  # other content
            (11, "{https://ns.example2.com/epcis}furtherData"),  # XML only
        ],
    ),
}


@pytest.mark.parametrize("twin", GS1_TWINS.values(), ids=list(GS1_TWINS))
def test_gs1_xml_examples_equal_their_json_versions_but_for_listed_differences(twin):
    events = [event.data for event in read_xml((GS1_EPCIS / twin.xml).read_bytes(), twin.xml).events]
    twins = twin_events([GS1_EPCIS / name for name in twin.json], twin.aliases)
    for path in twin.differences:
        events, twins = without(events, path), without(twins, path)

    assert comparable(events) == comparable(twins)


def test_the_listed_differences_are_real():
    twin = GS1_TWINS["ErrorDeclaration"]
    events = [event.data for event in read_xml((GS1_EPCIS / twin.xml).read_bytes(), twin.xml).events]
    twins = twin_events([GS1_EPCIS / name for name in twin.json], twin.aliases)

    assert comparable(events) != comparable(twins)
    assert "quantity" not in events[0]["inputQuantityList"][0]  # a nil quantity is left out


# ---------------------------------------------------------------------------------------------------------
# EPCIS 1.2

EPCIS_12_DOCUMENT = f"""<?xml version="1.0" encoding="UTF-8"?>
<epcis:EPCISDocument xmlns:epcis="{EPCIS_1}" xmlns:ex="http://example.com/ex/"
    schemaVersion="1.2" creationDate="2024-01-01T00:00:00Z">
  <EPCISBody>
    <EventList>
      <ObjectEvent>
        <eventTime>2024-01-01T10:00:00Z</eventTime>
        <eventTimeZoneOffset>+00:00</eventTimeZoneOffset>
        <baseExtension>
          <eventID>urn:uuid:11111111-1111-4111-8111-111111111111</eventID>
          <errorDeclaration>
            <declarationTime>2024-01-02T00:00:00Z</declarationTime>
            <reason>urn:epcglobal:cbv:er:incorrect_data</reason>
            <correctiveEventIDs><correctiveEventID>urn:uuid:2</correctiveEventID></correctiveEventIDs>
            <ex:note>typo</ex:note>
          </errorDeclaration>
        </baseExtension>
        <epcList/>
        <action>ADD</action>
        <bizStep>urn:epcglobal:cbv:bizstep:commissioning</bizStep>
        <extension>
          <quantityList>
            <quantityElement>
              <epcClass>urn:epc:class:lgtin:4012345.012345.998877</epcClass>
              <quantity>2.5</quantity>
              <uom>KGM</uom>
            </quantityElement>
          </quantityList>
          <sourceList>
            <source type="urn:epcglobal:cbv:sdt:owning_party">urn:epc:id:pgln:4012345.00001</source>
          </sourceList>
          <ilmd><ex:lot>L1</ex:lot></ilmd>
        </extension>
        <ex:field>x</ex:field>
      </ObjectEvent>
      <extension>
        <TransformationEvent>
          <eventTime>2024-01-01T11:00:00Z</eventTime>
          <eventTimeZoneOffset>+00:00</eventTimeZoneOffset>
          <baseExtension><eventID>urn:uuid:3</eventID></baseExtension>
          <inputEPCList><epc>urn:epc:id:sgtin:4012345.011122.25</epc></inputEPCList>
          <outputQuantityList>
            <quantityElement><epcClass>urn:epc:class:lgtin:4012345.077889.1</epcClass><quantity>10</quantity></quantityElement>
          </outputQuantityList>
          <transformationID>urn:epc:id:gdti:4012345.55555.1</transformationID>
          <ilmd><ex:bestBefore>2025-01-01</ex:bestBefore></ilmd>
          <extension><ex:machine>M1</ex:machine></extension>
        </TransformationEvent>
      </extension>
      <AggregationEvent>
        <eventTime>2024-01-01T12:00:00Z</eventTime>
        <eventTimeZoneOffset>+00:00</eventTimeZoneOffset>
        <parentID>urn:epc:id:sscc:4012345.0000000001</parentID>
        <childEPCs/>
        <action>ADD</action>
        <extension>
          <childQuantityList>
            <quantityElement><epcClass>urn:epc:class:lgtin:4012345.012345.1</epcClass><quantity>3</quantity></quantityElement>
          </childQuantityList>
        </extension>
      </AggregationEvent>
      <extension>
        <extension>
          <AssociationEvent>
            <eventTime>2024-01-01T13:00:00Z</eventTime>
            <eventTimeZoneOffset>+00:00</eventTimeZoneOffset>
            <parentID>urn:epc:id:grai:4012345.55555.987</parentID>
            <childEPCs><epc>urn:epc:id:giai:4000001.12345</epc></childEPCs>
            <action>ADD</action>
          </AssociationEvent>
        </extension>
      </extension>
    </EventList>
  </EPCISBody>
</epcis:EPCISDocument>
""".encode()

EX_NS = "{http://example.com/ex/}"


def test_a_12_document_reads_as_20_events():
    document = read_xml(EPCIS_12_DOCUMENT, "old.xml")

    assert (document.format, document.kind) == ("xml-1.2", "EPCISDocument")
    assert document.header == {"schemaVersion": "1.2", "creationDate": "2024-01-01T00:00:00Z"}
    assert document.namespaces == {"ex": "http://example.com/ex/"}
    assert [event.data for event in document.events] == [
        {
            "type": "ObjectEvent",
            "eventTime": "2024-01-01T10:00:00Z",
            "eventTimeZoneOffset": "+00:00",
            "eventID": "urn:uuid:11111111-1111-4111-8111-111111111111",
            "errorDeclaration": {
                "declarationTime": "2024-01-02T00:00:00Z",
                "reason": "urn:epcglobal:cbv:er:incorrect_data",
                "correctiveEventIDs": ["urn:uuid:2"],
                f"{EX_NS}note": "typo",
            },
            "epcList": [],
            "action": "ADD",
            "bizStep": "urn:epcglobal:cbv:bizstep:commissioning",
            "quantityList": [
                {"epcClass": "urn:epc:class:lgtin:4012345.012345.998877", "quantity": 2.5, "uom": "KGM"},
            ],
            "sourceList": [
                {"type": "urn:epcglobal:cbv:sdt:owning_party", "source": "urn:epc:id:pgln:4012345.00001"},
            ],
            "ilmd": {f"{EX_NS}lot": "L1"},
            f"{EX_NS}field": "x",
        },
        {
            "type": "TransformationEvent",
            "eventTime": "2024-01-01T11:00:00Z",
            "eventTimeZoneOffset": "+00:00",
            "eventID": "urn:uuid:3",
            "inputEPCList": ["urn:epc:id:sgtin:4012345.011122.25"],
            "outputQuantityList": [{"epcClass": "urn:epc:class:lgtin:4012345.077889.1", "quantity": 10}],
            "transformationID": "urn:epc:id:gdti:4012345.55555.1",
            "ilmd": {f"{EX_NS}bestBefore": "2025-01-01"},
            f"{EX_NS}machine": "M1",
        },
        {
            "type": "AggregationEvent",
            "eventTime": "2024-01-01T12:00:00Z",
            "eventTimeZoneOffset": "+00:00",
            "parentID": "urn:epc:id:sscc:4012345.0000000001",
            "childEPCs": [],
            "action": "ADD",
            "childQuantityList": [{"epcClass": "urn:epc:class:lgtin:4012345.012345.1", "quantity": 3}],
        },
        {
            "type": "AssociationEvent",
            "eventTime": "2024-01-01T13:00:00Z",
            "eventTimeZoneOffset": "+00:00",
            "parentID": "urn:epc:id:grai:4012345.55555.987",
            "childEPCs": ["urn:epc:id:giai:4000001.12345"],
            "action": "ADD",
        },
    ]


def test_events_inside_12_wrappers_are_located_through_them():
    document = read_xml(EPCIS_12_DOCUMENT, "old.xml")
    event_list = "/epcis:EPCISDocument/EPCISBody/EventList"
    lines = EPCIS_12_DOCUMENT.decode().splitlines()

    def line_of(tag: str) -> int:
        return next(number for number, line in enumerate(lines, 1) if f"<{tag}>" in line)

    assert [(event.index, event.location, event.line) for event in document.events] == [
        (0, f"{event_list}/ObjectEvent[1]", line_of("ObjectEvent")),
        (1, f"{event_list}/extension[1]/TransformationEvent[1]", line_of("TransformationEvent")),
        (2, f"{event_list}/AggregationEvent[1]", line_of("AggregationEvent")),
        (3, f"{event_list}/extension[2]/extension[1]/AssociationEvent[1]", line_of("AssociationEvent")),
    ]


def test_a_12_query_document():
    data = f"""<epcisq:EPCISQueryDocument xmlns:epcisq="{EPCIS_QUERY_1}" schemaVersion="1.2"
        creationDate="2024-01-01T00:00:00Z"><EPCISBody><QueryResults><queryName>SimpleEventQuery</queryName>
        <resultsBody><EventList><ObjectEvent><eventTime>2024-01-01T10:00:00Z</eventTime>
        <eventTimeZoneOffset>+00:00</eventTimeZoneOffset><epcList/><action>OBSERVE</action></ObjectEvent>
        </EventList></resultsBody></QueryResults></EPCISBody></epcisq:EPCISQueryDocument>""".encode()

    document = read_xml(data, "query.xml")

    assert (document.format, document.kind) == ("xml-1.2", "EPCISQueryDocument")
    assert document.events[0].location == (
        "/epcisq:EPCISQueryDocument/EPCISBody/QueryResults/resultsBody/EventList/ObjectEvent[1]"
    )
    assert document.events[0].data["action"] == "OBSERVE"


# ---------------------------------------------------------------------------------------------------------
# Documents, headers, locations


def document_with(*events: str, namespace: str = EPCIS_2, header: str = "") -> bytes:
    """An EPCIS document around the given event elements (the EventList starts on line 5)."""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<epcis:EPCISDocument xmlns:epcis="{namespace}" xmlns:ex="http://example.com/ex/" '
        f'schemaVersion="2.0" creationDate="2024-01-01T00:00:00Z">\n{header}\n'
        "<EPCISBody>\n<EventList>\n" + "\n".join(events) + "\n</EventList>\n</EPCISBody>\n"
        "</epcis:EPCISDocument>\n"
    ).encode()


def object_event(quantity: str = "5", extra: str = "") -> str:
    return (
        "<ObjectEvent><eventTime>2024-01-01T10:00:00Z</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset>"
        "<epcList/><action>OBSERVE</action><quantityList><quantityElement>"
        f"<epcClass>urn:epc:class:lgtin:4012345.012345.1</epcClass><quantity>{quantity}</quantity>"
        f"</quantityElement></quantityList>{extra}</ObjectEvent>"
    )


SBDH_HEADER = """<EPCISHeader xmlns:sbdh="http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader">
  <sbdh:StandardBusinessDocumentHeader>
    <sbdh:HeaderVersion>1.0</sbdh:HeaderVersion>
    <sbdh:Sender>
      <sbdh:Identifier Authority="GS1">urn:epc:id:pgln:4012345.00001</sbdh:Identifier>
    </sbdh:Sender>
    <sbdh:Receiver>
      <sbdh:Identifier Authority="GS1">urn:epc:id:pgln:0614141.00002</sbdh:Identifier>
    </sbdh:Receiver>
    <sbdh:DocumentIdentification>
      <sbdh:Standard>EPCglobal</sbdh:Standard>
      <sbdh:TypeVersion>2.0</sbdh:TypeVersion>
      <sbdh:InstanceIdentifier> 1234567890 </sbdh:InstanceIdentifier>
      <sbdh:Type>Events</sbdh:Type>
      <sbdh:CreationDateAndTime>2024-01-01T00:00:00Z</sbdh:CreationDateAndTime>
    </sbdh:DocumentIdentification>
  </sbdh:StandardBusinessDocumentHeader>
  <extension>
    <EPCISMasterData>
      <VocabularyList>
        <Vocabulary type="urn:epcglobal:epcis:vtype:BusinessLocation">
          <VocabularyElementList>
            <VocabularyElement id="urn:epc:id:sgln:4012345.00001.0">
              <attribute id="urn:epcglobal:cbv:mda#name">Depot</attribute>
            </VocabularyElement>
          </VocabularyElementList>
        </Vocabulary>
      </VocabularyList>
    </EPCISMasterData>
  </extension>
</EPCISHeader>"""


def test_the_sbdh_gives_the_header_and_master_data_is_ignored():
    document = read_xml(document_with(object_event(), header=SBDH_HEADER), "sbdh.xml")

    assert document.header == {
        "schemaVersion": "2.0",
        "creationDate": "2024-01-01T00:00:00Z",
        "instanceIdentifier": "1234567890",
        "sender": "urn:epc:id:pgln:4012345.00001",
        "receiver": "urn:epc:id:pgln:0614141.00002",
    }
    assert len(document.events) == 1 and document.events[0].data is not None


def test_namespaces_are_the_prefixed_user_ones():
    path = HASH_EXAMPLES / "ReferenceEventHashAlgorithm.xml"

    # xsi (XML Schema machinery) and epcis are left out; every declared user prefix is kept
    assert read_xml(path.read_bytes(), path.name).namespaces == {
        "https": "https://ns.example.com/epcis/",
        "example": "https://ns.example.com/epcis/",
    }


def test_query_document_locations_lines_and_raw_xml():
    path = HASH_EXAMPLES / "epcisQueryDocument.xml"
    document = read_xml(path.read_bytes(), path.name)
    event_list = "/epcisq:EPCISQueryDocument/EPCISBody/QueryResults/resultsBody/EventList"

    assert document.kind == "EPCISQueryDocument"
    assert [(event.location, event.line) for event in document.events] == [
        (f"{event_list}/ObjectEvent[1]", 9),
        (f"{event_list}/ObjectEvent[2]", 27),
    ]
    raw = etree.fromstring(document.events[1].raw)  # self-contained: carries its namespace declarations
    assert raw.tag == "ObjectEvent"
    assert raw.findtext("{http://ns.example.com/epcis/}myField") == "Example of a vendor/user extension"


def test_user_extensions_become_clark_keys_lists_and_dicts():
    extension = """<ex:plain> text </ex:plain><ex:repeated>1</ex:repeated><ex:repeated>2</ex:repeated>
        <ex:nested><inner>a</inner><ex:deeper><ex:leaf>b</ex:leaf></ex:deeper></ex:nested>
        <ex:empty/><ex:attributed ex:unit="KGM" scale="2">3.5</ex:attributed>"""
    event = read_xml(document_with(object_event(extra=extension)), "ext.xml").events[0].data

    assert {key: value for key, value in event.items() if key.startswith("{")} == {
        f"{EX_NS}plain": "text",
        f"{EX_NS}repeated": ["1", "2"],
        f"{EX_NS}nested": {"inner": "a", f"{EX_NS}deeper": {f"{EX_NS}leaf": "b"}},
        f"{EX_NS}empty": "",
        f"{EX_NS}attributed": {f"{EX_NS}unit": "KGM", "scale": "2", "#text": "3.5"},
    }


def test_sensor_reports_have_typed_values():
    sensors = """<sensorElementList><sensorElement>
        <sensorMetadata time="2024-01-01T09:00:00Z" ex:batch="7"/>
        <sensorReport type="gs1:Temperature" value="-12" minValue="1.5e1" booleanValue="1"
            hexBinaryValue="0aFF" uom="CEL" percRank="50.0"/>
        <ex:note>n</ex:note>
      </sensorElement></sensorElementList>"""
    event = read_xml(document_with(object_event(extra=sensors)), "sensor.xml").events[0].data

    assert event["sensorElementList"] == [
        {
            "sensorMetadata": {"time": "2024-01-01T09:00:00Z", f"{EX_NS}batch": "7"},
            "sensorReport": [
                {"type": "gs1:Temperature", "value": -12, "minValue": 15.0, "booleanValue": True,
                 "hexBinaryValue": "0aFF", "uom": "CEL", "percRank": 50.0},
            ],
            f"{EX_NS}note": "n",
        }
    ]


# ---------------------------------------------------------------------------------------------------------
# Unconvertible events


def test_a_non_numeric_quantity_spoils_only_its_own_event():
    document = read_xml(document_with(object_event("1"), object_event("many"), object_event("3")), "q.xml")
    first, bad, third = document.events

    assert first.data["quantityList"][0]["quantity"] == 1
    assert third.data["quantityList"][0]["quantity"] == 3
    assert (bad.index, bad.data, bad.line) == (1, None, 7)
    assert "'many' is not a finite number" in bad.error
    assert bad.location == "/epcis:EPCISDocument/EPCISBody/EventList/ObjectEvent[2]"
    assert bad.error_pointer == bad.location + "/quantityList/quantityElement[1]/quantity"
    assert "<quantity>many</quantity>" in bad.raw


def sensor_report(attributes: str) -> str:
    report = f"<sensorReport {attributes}/>"
    return f"<sensorElementList><sensorElement>{report}</sensorElement></sensorElementList>"


REPORT = "/sensorElementList/sensorElement[1]/sensorReport[1]"


@pytest.mark.parametrize(
    "extra, error, pointer",
    [
        ("<bizStep>a</bizStep><bizStep>b</bizStep>", "<bizStep> occurs more than once", "/bizStep[2]"),
        ("<parentID>urn:x</parentID>", "unknown element <parentID>", "/parentID"),
        (sensor_report('value="hot"'), "'hot' is not a finite number", f"{REPORT}/@value"),
        (sensor_report('value="INF"'), "'INF' is not a finite number", f"{REPORT}/@value"),
        (sensor_report('booleanValue="yes"'), "'yes' is not a boolean", f"{REPORT}/@booleanValue"),
        (sensor_report('colour="red"'), "attribute colour is not allowed", f"{REPORT}/@colour"),
        ("<bizTransactionList><bizTransaction>urn:a<b/></bizTransaction></bizTransactionList>",
         "must not contain elements", "/bizTransactionList/bizTransaction[1]/b"),
        ('<persistentDisposition><set ex:why="x">urn:d</set></persistentDisposition>',
         "attribute {http://example.com/ex/}why is not allowed", "/persistentDisposition/set[1]/@ex:why"),
        ("<readPoint><id>urn:x</id><epcList/></readPoint>", "unknown element <epcList>", "/readPoint/epcList"),
    ],
)
def test_an_event_that_breaks_epcis_names_is_not_converted(extra, error, pointer):
    [event] = read_xml(document_with(object_event(extra=extra)), "bad.xml").events

    assert event.data is None
    assert error in event.error
    assert event.error_pointer == event.location + pointer


def test_unknown_event_elements_keep_their_place():
    quantity_event = "<QuantityEvent><eventTime>2005-01-01T00:00:00Z</eventTime></QuantityEvent>"
    vendor_event = "<ex:CustomEvent/>"
    document = read_xml(document_with(object_event(), quantity_event, vendor_event, object_event()), "u.xml")

    assert [event.data is not None for event in document.events] == [True, False, False, True]
    assert "removed in EPCIS 2.0" in document.events[1].error
    assert document.events[2].error == "unknown event element <ex:CustomEvent>"
    assert document.events[2].location.endswith("/EventList/ex:CustomEvent[1]")
    assert document.events[3].location.endswith("/EventList/ObjectEvent[2]")


def test_extensions_nested_deeper_than_python_recursion_spoil_only_their_event():
    deep = "<ex:a>" * 1500 + "x" + "</ex:a>" * 1500
    document = read_xml(document_with(object_event(extra=deep), object_event()), "deep.xml")

    assert document.events[0].error == "elements nested too deeply"
    assert document.events[1].data is not None


def test_event_attributes_in_a_namespace_are_extensions():
    event = object_event().replace("<ObjectEvent>", '<ObjectEvent ex:origin="line 4">')
    [read] = read_xml(document_with(event), "attribute.xml").events

    assert read.data[f"{EX_NS}origin"] == "line 4"


def test_qualified_epcis_children_are_not_an_event_list():
    data = f'<EPCISDocument xmlns="{EPCIS_2}"><EPCISBody><EventList/></EPCISBody></EPCISDocument>'.encode()

    with pytest.raises(InvalidDocument, match="with unqualified EPCIS elements"):
        read_xml(data, "qualified.xml")


def test_a_missing_event_time_is_left_to_the_validator():
    event = object_event().replace("<eventTime>2024-01-01T10:00:00Z</eventTime>", "")
    [read] = read_xml(document_with(event), "no-time.xml").events

    assert read.error is None and "eventTime" not in read.data


# ---------------------------------------------------------------------------------------------------------
# Unreadable documents and hostile input


def test_broken_xml_is_an_invalid_document_with_line_and_column():
    data = document_with(object_event()).replace(b"</action>", b"</actoin>")
    with pytest.raises(InvalidDocument, match="not well-formed XML") as caught:
        read_xml(data, "broken.xml")

    line, column = map(int, caught.value.location.split(":"))
    bad_tag_starts = data.decode().splitlines()[line - 1].find("</actoin>") + 1
    assert line == 6 and bad_tag_starts <= column <= bad_tag_starts + len("</actoin>")
    assert "broken.xml" in caught.value.detail


def test_a_truncated_file_keeps_the_events_before_the_break():
    data = (HASH_EXAMPLES / "epcisDocWithVariousEventTypes.xml").read_bytes()
    whole = read_xml(data, "whole.xml")
    half = read_xml(data[: len(data) // 2], "half.xml")

    assert half.broken and "not well-formed XML" in half.broken and ":" in half.broken_at
    assert 0 < len(half.events) < len(whole.events)
    assert [e.data for e in half.events] == [e.data for e in whole.events[: len(half.events)]]


def test_a_file_truncated_before_any_event_is_an_invalid_document():
    data = (HASH_EXAMPLES / "epcisDocWithVariousEventTypes.xml").read_bytes()
    with pytest.raises(InvalidDocument, match="not well-formed XML"):
        read_xml(data[: data.index(b"<EventList>") + 20], "cut.xml")


@pytest.mark.parametrize("data", [b"", b"   ", b"not xml at all"], ids=["empty", "blank", "text"])
def test_no_xml_at_all_is_an_invalid_document(data):
    with pytest.raises(InvalidDocument, match="not well-formed XML"):
        read_xml(data, "nothing")


@pytest.mark.parametrize(
    "root",
    [
        '<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:3">',
        "<EPCISDocument>",
        f'<epcis:EPCISQueryDocument xmlns:epcis="{EPCIS_2}">',  # a query document in the non-query namespace
    ],
    ids=["xsd-3", "no-namespace", "query-in-document-namespace"],
)
def test_a_root_in_the_wrong_namespace_is_an_invalid_document(root):
    name = root.split()[0].split(">")[0][1:]
    data = f"{root}<EPCISBody><EventList/></EPCISBody></{name}>".encode()

    with pytest.raises(InvalidDocument, match="is not an EPCIS document") as caught:
        read_xml(data, "wrong.xml")

    assert EPCIS_2 in caught.value.detail and EPCIS_1 in caught.value.detail


def test_a_document_without_event_list_is_an_invalid_document():
    data = f'<epcis:EPCISDocument xmlns:epcis="{EPCIS_2}"><EPCISBody/></epcis:EPCISDocument>'.encode()

    with pytest.raises(InvalidDocument, match="no EventList") as caught:
        read_xml(data, "empty.xml")

    assert caught.value.location == "/epcis:EPCISDocument"


def test_an_empty_event_list_is_a_document_without_events():
    assert read_xml(document_with(), "none.xml").events == []


@pytest.mark.parametrize("declaration", ["internal-subset", "external-dtd", "parameter-entity"])
def test_external_entities_are_never_read(declaration, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    doctypes = {
        "internal-subset": f'<!DOCTYPE epcis:EPCISDocument [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>',
        "external-dtd": f'<!DOCTYPE epcis:EPCISDocument SYSTEM "{secret.as_uri()}">',
        "parameter-entity": f'<!DOCTYPE epcis:EPCISDocument [<!ENTITY % p SYSTEM "{secret.as_uri()}"> %p;]>',
    }
    data = document_with(object_event(extra="<ex:leak>&xxe;</ex:leak>"))
    data = data.replace(b"?>\n", f"?>\n{doctypes[declaration]}\n".encode(), 1)
    if declaration != "internal-subset":
        data = data.replace(b"&xxe;", b"")

    try:
        document = read_xml(data, "xxe.xml")
    except InvalidDocument as refused:
        assert "TOP-SECRET" not in str(refused)
        return
    assert "TOP-SECRET" not in repr(document)
    if declaration == "internal-subset":
        [event] = document.events
        assert event.data is None and "entity reference &xxe; is not allowed" in event.error
        assert event.error_pointer == event.location + "/ex:leak"


def test_entity_expansion_bombs_are_not_expanded():
    bomb = (
        '<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    )
    data = document_with(object_event(extra="<ex:boom>&c;</ex:boom>"))
    data = data.replace(b"?>\n", f"?>\n{bomb}\n".encode(), 1)

    [event] = read_xml(data, "bomb.xml").events

    assert event.data is None and "&c;" in event.error


# ---------------------------------------------------------------------------------------------------------
# Round trip: random ObjectEvents rendered to XML read back to the same dicts

NAMESPACES = ("http://example.com/a/", "urn:example:b:")
texts = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cn")), max_size=12).map(str.strip)
words = st.from_regex(r"[A-Za-z][A-Za-z0-9_.:-]{0,15}", fullmatch=True)
local_names = st.from_regex(r"[a-z][A-Za-z0-9]{0,8}", fullmatch=True)
clark_names = st.builds(lambda ns, local: f"{{{ns}}}{local}", st.sampled_from(NAMESPACES), local_names)
numbers = st.one_of(st.integers(-(10**15), 10**15), st.floats(allow_nan=False, allow_infinity=False))


def _extension_values(depth: int = 2) -> st.SearchStrategy[Any]:
    """A user extension value: text, or (nested) dicts whose repeated keys are lists of two or more."""
    if depth == 0:
        return texts
    inner = _extension_values(depth - 1)
    single = st.one_of(texts, st.dictionaries(clark_names, inner, min_size=1, max_size=3))
    return st.one_of(single, st.lists(single, min_size=2, max_size=3)) if depth < 2 else single


extensions = st.dictionaries(clark_names, st.one_of(_extension_values(1), _extension_values(2)), max_size=3)
sensor_reports = st.fixed_dictionaries(
    {"type": words},
    optional={"value": numbers, "minValue": numbers, "booleanValue": st.booleans(), "uom": words,
              "stringValue": texts, "hexBinaryValue": st.from_regex(r"([0-9A-F]{2})+", fullmatch=True)},
)
object_events = st.fixed_dictionaries(
    {
        "type": st.just("ObjectEvent"),
        "eventTime": words,
        "eventTimeZoneOffset": words,
        "epcList": st.lists(words, max_size=3),
        "action": st.sampled_from(["ADD", "OBSERVE", "DELETE"]),
    },
    optional={
        "eventID": words,
        "certificationInfo": words,
        "bizStep": words,
        "disposition": words,
        "readPoint": st.fixed_dictionaries({"id": words}),
        "bizTransactionList": st.lists(
            st.fixed_dictionaries({"bizTransaction": words}, optional={"type": words}), min_size=1, max_size=2
        ),
        "quantityList": st.lists(
            st.fixed_dictionaries({"epcClass": words}, optional={"quantity": numbers, "uom": words}),
            min_size=1, max_size=2,
        ),
        "sourceList": st.lists(
            st.fixed_dictionaries({"type": words, "source": words}), min_size=1, max_size=2
        ),
        "sensorElementList": st.lists(
            st.fixed_dictionaries({"sensorReport": st.lists(sensor_reports, min_size=1, max_size=2)}),
            min_size=1, max_size=2,
        ),
        "persistentDisposition": st.fixed_dictionaries(
            {}, optional={"set": st.lists(words, min_size=1, max_size=2),
                          "unset": st.lists(words, min_size=1, max_size=2)},
        ),
        "ilmd": extensions,
    },
).flatmap(lambda event: extensions.map(lambda more: {**event, **more}))


def render_object_event(event: dict[str, Any]) -> etree._Element:
    """A test-side serializer: the XML of an ObjectEvent in JSON form (fields in XSD order)."""
    element = etree.Element("ObjectEvent")
    for key in ("eventTime", "eventTimeZoneOffset", "eventID", "certificationInfo"):
        if key in event:
            etree.SubElement(element, key).text = event[key]
    _render_list(element, "epcList", "epc", event["epcList"])
    etree.SubElement(element, "action").text = event["action"]
    for key in ("bizStep", "disposition"):
        if key in event:
            etree.SubElement(element, key).text = event[key]
    if "readPoint" in event:
        etree.SubElement(etree.SubElement(element, "readPoint"), "id").text = event["readPoint"]["id"]
    if "bizTransactionList" in event:
        transactions = etree.SubElement(element, "bizTransactionList")
        for transaction in event["bizTransactionList"]:
            attributes = {"type": transaction["type"]} if "type" in transaction else {}
            etree.SubElement(transactions, "bizTransaction", attributes).text = transaction["bizTransaction"]
    if "quantityList" in event:
        quantities = etree.SubElement(element, "quantityList")
        for quantity in event["quantityList"]:
            item = etree.SubElement(quantities, "quantityElement")
            for key in ("epcClass", "quantity", "uom"):
                if key in quantity:
                    etree.SubElement(item, key).text = _lexical(quantity[key])
    if "sourceList" in event:
        sources = etree.SubElement(element, "sourceList")
        for source in event["sourceList"]:
            etree.SubElement(sources, "source", {"type": source["type"]}).text = source["source"]
    if "sensorElementList" in event:
        sensors = etree.SubElement(element, "sensorElementList")
        for sensor in event["sensorElementList"]:
            sensor_element = etree.SubElement(sensors, "sensorElement")
            for report in sensor["sensorReport"]:
                etree.SubElement(sensor_element, "sensorReport", {k: _lexical(v) for k, v in report.items()})
    if "persistentDisposition" in event:
        disposition = etree.SubElement(element, "persistentDisposition")
        for key in ("unset", "set"):
            for value in event["persistentDisposition"].get(key, []):
                etree.SubElement(disposition, key).text = value
    if "ilmd" in event:
        ilmd = etree.SubElement(element, "ilmd")
        for key, value in event["ilmd"].items():
            _render_extension(ilmd, key, value)
    for key, value in event.items():
        if key.startswith("{"):
            _render_extension(element, key, value)
    return element


def _render_list(parent: etree._Element, name: str, item: str, values: list[str]) -> None:
    listed = etree.SubElement(parent, name)
    for value in values:
        etree.SubElement(listed, item).text = value


def _render_extension(parent: etree._Element, key: str, value: Any) -> None:
    if isinstance(value, list):
        for item in value:
            _render_extension(parent, key, item)
    elif isinstance(value, dict):
        element = etree.SubElement(parent, key)
        for inner_key, inner_value in value.items():
            _render_extension(element, inner_key, inner_value)
    else:
        etree.SubElement(parent, key).text = value


def _lexical(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)


@settings(max_examples=200, deadline=None)
@given(object_events)
def test_random_object_events_read_back_from_xml(event):
    document = etree.Element(f"{{{EPCIS_2}}}EPCISDocument", nsmap={"epcis": EPCIS_2})
    document.set("schemaVersion", "2.0")
    event_list = etree.SubElement(etree.SubElement(document, "EPCISBody"), "EventList")
    event_list.append(render_object_event(event))

    [read] = read_xml(etree.tostring(document, xml_declaration=True, encoding="UTF-8"), "random.xml").events

    assert read.error is None, (read.error, read.error_pointer)
    assert read.data == event
