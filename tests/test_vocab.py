"""CBV 2.0 and GS1 sensor vocabularies: every allowed spelling to one web URI, and back to the bare word.

Oracles: the EPCIS 2.0 JSON-LD context files (the term lists) and GS1's own EPCIS examples (every CBV value
they use must be understood).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanctrace.epcis.jsonld import read_json
from sanctrace.epcis.xml import read_xml
from sanctrace.errors import InvalidVocabulary
from sanctrace.vocab import KINDS, VOCABULARIES, canonical_cbv, expand_cbv, short_cbv
from tests.shared import GS1_EPCIS

CONTEXTS = GS1_EPCIS / "JSON-LD-Context"
CONTEXT_FILES = {
    "bizStep": "cbv-context-bizstep.jsonld",
    "disposition": "cbv-context-disposition.jsonld",
    "bizTransactionType": "cbv-context-biztransaction-type.jsonld",
    "sourceDestType": "cbv-context-sourcedest-type.jsonld",
    "errorReason": "cbv-context-error-reason.jsonld",
    "component": "cbv-context-component.jsonld",
    "measurementType": "gs1-context-measurement-type.jsonld",
    "sensorAlertType": "gs1-context-sensor-alert-type.jsonld",
}


def _context_terms(kind: str) -> dict[str, str]:
    """term -> full IRI, as the JSON-LD context file of `kind` defines them."""
    context = json.loads((CONTEXTS / CONTEXT_FILES[kind]).read_text(encoding="utf-8"))["@context"]
    prefixes = {k: v for k, v in context.items() if isinstance(v, str) and v.endswith("/")}
    terms = {}
    for term, value in context.items():
        if term.startswith("@") or term in prefixes:
            continue
        prefix, _, local = value.partition(":")
        terms[term] = prefixes[prefix] + local
    return terms


def test_every_vocabulary_has_its_context_file():
    assert set(CONTEXT_FILES) == set(VOCABULARIES)


@pytest.mark.parametrize("kind", sorted(CONTEXT_FILES))
def test_term_lists_are_those_of_the_epcis_json_ld_context(kind):
    terms = _context_terms(kind)
    assert VOCABULARIES[kind].terms == set(terms)
    for term, iri in terms.items():
        assert canonical_cbv(kind, term) == iri


SPELLINGS = [
    ("bizStep", ["shipping", "urn:epcglobal:cbv:bizstep:shipping", "cbv:BizStep-shipping",
                 "https://ref.gs1.org/cbv/BizStep-shipping", "  shipping\n"],
     "https://ref.gs1.org/cbv/BizStep-shipping"),
    ("disposition", ["in_transit", "urn:epcglobal:cbv:disp:in_transit", "cbv:Disp-in_transit",
                     "https://ref.gs1.org/cbv/Disp-in_transit"], "https://ref.gs1.org/cbv/Disp-in_transit"),
    ("bizTransactionType", ["po", "urn:epcglobal:cbv:btt:po", "cbv:BTT-po", "https://ref.gs1.org/cbv/BTT-po"],
     "https://ref.gs1.org/cbv/BTT-po"),
    ("sourceDestType", ["owning_party", "urn:epcglobal:cbv:sdt:owning_party", "cbv:SDT-owning_party",
                        "https://ref.gs1.org/cbv/SDT-owning_party"],
     "https://ref.gs1.org/cbv/SDT-owning_party"),
    ("errorReason", ["incorrect_data", "urn:epcglobal:cbv:er:incorrect_data", "cbv:ER-incorrect_data",
                     "https://ref.gs1.org/cbv/ER-incorrect_data"],
     "https://ref.gs1.org/cbv/ER-incorrect_data"),
    ("component", ["latitude", "cbv:Comp-latitude", "https://ref.gs1.org/cbv/Comp-latitude"],
     "https://ref.gs1.org/cbv/Comp-latitude"),
    ("measurementType", ["Temperature", "gs1:Temperature", "https://gs1.org/voc/Temperature"],
     "https://gs1.org/voc/Temperature"),
    ("sensorAlertType", ["ALARM_CONDITION", "gs1:ALARM_CONDITION", "https://gs1.org/voc/ALARM_CONDITION"],
     "https://gs1.org/voc/ALARM_CONDITION"),
]


@pytest.mark.parametrize(
    ("kind", "written", "canonical"),
    [(kind, written, canonical) for kind, spellings, canonical in SPELLINGS for written in spellings],
)
def test_every_allowed_spelling_gives_the_web_uri(kind, written, canonical):
    assert canonical_cbv(kind, written) == canonical


@pytest.mark.parametrize(("kind", "spellings", "canonical"), SPELLINGS)
def test_the_short_form_is_the_bare_word(kind, spellings, canonical):
    assert short_cbv(kind, canonical) == spellings[0]


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("bizStep", "urn:example:bizstep:foo"),
        ("bizStep", "https://example.com/steps/x"),
        ("bizStep", "http://epcis.example.com/user/vocab/bizstep/exampling"),
        ("bizTransactionType", "urn:gs1:epcisapp:rail:btt:passage"),
        ("component", "example:x"),
        ("measurementType", "example:someSensorProperty"),
        ("measurementType", "rail:Abc"),
    ],
)
def test_user_vocabulary_uris_are_kept(kind, value):
    assert canonical_cbv(kind, value) == value
    assert short_cbv(kind, value) == value


def test_gs1_web_vocabulary_curies_are_expanded_even_beyond_the_context_lists():
    # the draft names GS1's sensor examples use (gs1:MT-Temperature, gs1:AT-Alarm_condition) are GS1 URIs too
    voc = "https://gs1.org/voc/"
    assert canonical_cbv("measurementType", "gs1:MT-Temperature") == voc + "MT-Temperature"
    assert canonical_cbv("measurementType", "gs1:Molar_concentration") == voc + "Molar_concentration"
    assert canonical_cbv("sensorAlertType", "gs1:AT-Alarm_condition") == voc + "AT-Alarm_condition"
    assert short_cbv("measurementType", voc + "MT-Temperature") == voc + "MT-Temperature"


def test_units_of_measure_are_kept():
    assert canonical_cbv("uom", " KGM ") == "KGM"
    assert short_cbv("uom", "CEL") == "CEL"


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("bizStep", "shiping"),
        ("bizStep", "Shipping"),
        ("disposition", "in transit"),
        ("measurementType", "temperature"),
        ("bizStep", "urn:epcglobal:cbv:bizstep:teleporting"),
        ("bizStep", "cbv:BizStep-teleporting"),
        ("disposition", "https://ref.gs1.org/cbv/Disp-teleported"),
        ("bizStep", "urn:epcglobal:cbv:disp:in_transit"),  # a disposition where a bizStep belongs
        ("bizStep", "https://ref.gs1.org/cbv/Disp-in_transit"),
        ("component", "cbv:BizStep-shipping"),
    ],
)
def test_values_in_no_allowed_form_raise(kind, value):
    with pytest.raises(InvalidVocabulary):
        canonical_cbv(kind, value)


def test_the_reason_lists_the_allowed_forms():
    with pytest.raises(InvalidVocabulary) as raised:
        canonical_cbv("bizStep", "shiping")
    reason = str(raised.value)
    assert "'shiping'" in reason
    for form in ("bare word", "URN 'urn:epcglobal:cbv:bizstep:", "CURIE 'cbv:BizStep-",
                 "web URI 'https://ref.gs1.org/cbv/BizStep-", "your own vocabulary"):
        assert form in reason


def test_the_kind_prefix_of_a_web_uri_is_read_case_insensitively():
    # GS1's XML sensor example writes "Bizstep-"
    assert canonical_cbv("bizStep", "https://ref.gs1.org/cbv/Bizstep-sensor_reporting") == (
        "https://ref.gs1.org/cbv/BizStep-sensor_reporting"
    )


def test_unknown_kind_raises():
    with pytest.raises(InvalidVocabulary, match="unknown vocabulary kind"):
        canonical_cbv("colour", "red")


def test_expand_cbv_rewrites_spellings_without_checking_terms():
    assert expand_cbv("urn:epcglobal:cbv:bizstep:teleport") == "https://ref.gs1.org/cbv/BizStep-teleport"
    assert expand_cbv("gs1:Anything") == "https://gs1.org/voc/Anything"
    assert expand_cbv("urn:epcglobal:cbv:bt:9521234000004:4711") == "urn:epcglobal:cbv:bt:9521234000004:4711"
    assert expand_cbv("example:x") == "example:x"


# ---------------------------------------------------------------------------------------------------------
# Round trips
# ---------------------------------------------------------------------------------------------------------

TERMS = st.sampled_from(sorted((kind, term) for kind, v in VOCABULARIES.items() for term in v.terms))
USER_URIS = st.from_regex(r"(urn:example:[a-z]{1,8}:[A-Za-z0-9_]{1,12}|https://example\.com/[a-z0-9/]{1,20})",
                          fullmatch=True)


@given(TERMS)
def test_bare_word_to_canonical_and_back(kind_and_term):
    kind, term = kind_and_term
    canonical = canonical_cbv(kind, term)
    assert short_cbv(kind, canonical) == term
    assert canonical_cbv(kind, canonical) == canonical


@given(st.sampled_from(sorted(VOCABULARIES)), USER_URIS)
def test_user_uri_round_trips_unchanged(kind, uri):
    assert canonical_cbv(kind, short_cbv(kind, uri)) == uri


@given(st.sampled_from(KINDS), st.text(max_size=30))
def test_canonical_is_idempotent(kind, value):
    try:
        canonical = canonical_cbv(kind, value)
    except InvalidVocabulary:
        return
    assert canonical_cbv(kind, canonical) == canonical
    assert canonical_cbv(kind, short_cbv(kind, canonical)) == canonical


# ---------------------------------------------------------------------------------------------------------
# GS1's own examples
# ---------------------------------------------------------------------------------------------------------

EVENT_VOCABULARY_FIELDS = {"bizStep": "bizStep", "disposition": "disposition"}
LIST_TYPES = {"bizTransactionList": "bizTransactionType", "sourceList": "sourceDestType",
              "destinationList": "sourceDestType"}
SENSOR_REPORT_FIELDS = {"type": "measurementType", "exception": "sensorAlertType", "component": "component",
                        "uom": "uom"}


def _vocabulary_values(event: dict) -> list[tuple[str, str]]:
    """(kind, value) of every vocabulary value in one event in JSON form."""
    found = [(kind, event[name]) for name, kind in EVENT_VOCABULARY_FIELDS.items() if name in event]
    for name, kind in LIST_TYPES.items():
        found += [(kind, item["type"]) for item in event.get(name, []) if "type" in item]
    for values in event.get("persistentDisposition", {}).values():
        found += [("disposition", value) for value in values]
    if "reason" in event.get("errorDeclaration", {}):
        found.append(("errorReason", event["errorDeclaration"]["reason"]))
    for element in event.get("sensorElementList", []):
        for report in element.get("sensorReport", []):
            found += [(kind, report[name]) for name, kind in SENSOR_REPORT_FIELDS.items() if name in report]
    return found


def _gs1_examples() -> list[Path]:
    return [*sorted((GS1_EPCIS / "JSON").rglob("*.jsonld")), *sorted((GS1_EPCIS / "XML").rglob("*.xml"))]


def test_every_vocabulary_value_of_gs1_examples_is_understood():
    values = set()
    for path in _gs1_examples():
        reader = read_json if path.suffix == ".jsonld" else read_xml
        try:
            document = reader(path.read_bytes(), str(path))
        except Exception:  # noqa: BLE001 - not an event document (capture job status, master data...)
            continue
        for event in document.events:
            if event.data:
                values.update(_vocabulary_values(event.data))
    assert len(values) > 100
    for kind, value in sorted(values):
        canonical_cbv(kind, value)  # raises InvalidVocabulary for a value in no allowed form
