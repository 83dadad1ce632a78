"""For XML input, what we accept and reject agrees with GS1's official EPCIS 2.0 XSD (read from ../shared/data).

Each case is one ObjectEvent (written as XML) in a one-event document; the XSD's verdict and ours must agree,
except where the case table says why we differ on purpose.
"""

from __future__ import annotations

from functools import cache

import pytest

from sanctrace.epcis.capture import check_document
from tests.shared import GS1_EPCIS

FIELDS = {
    "eventTime": "<eventTime>2023-02-01T07:30:00.000+01:00</eventTime>",
    "offset": "<eventTimeZoneOffset>+01:00</eventTimeZoneOffset>",
    "epcList": "<epcList><epc>urn:epc:id:sgtin:4012345.012345.1</epc></epcList>",
    "action": "<action>OBSERVE</action>",
    "bizStep": "<bizStep>urn:epcglobal:cbv:bizstep:shipping</bizStep>",
    "quantity": ("<quantityList><quantityElement><epcClass>urn:epc:class:lgtin:4012345.012345.L1"
                 "</epcClass><quantity>{q}</quantity><uom>H87</uom></quantityElement></quantityList>"),
}


def event(*, drop: tuple[str, ...] = (), replace: dict[str, str] | None = None, quantity: str = "5",
          extra: str = "") -> bytes:
    """A one-event EPCIS 2.0 XML document; fields dropped, replaced or added as asked."""
    fields = {**FIELDS, **(replace or {})}
    fields["quantity"] = fields["quantity"].format(q=quantity)
    body = "".join(value for name, value in fields.items() if name not in drop)
    return (
        '<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" xmlns:ex="https://example.org/ns/" '
        'schemaVersion="2.0" creationDate="2023-01-01T00:00:00Z"><EPCISBody><EventList>'
        f"<ObjectEvent>{body}{extra}</ObjectEvent></EventList></EPCISBody></epcis:EPCISDocument>"
    ).encode()


AGREE = {
    "valid": (event(), True),
    "valid-with-extension": (event(extra="<ex:note>checked</ex:note>"), True),
    "missing-event-time": (event(drop=("eventTime",)), False),
    "missing-action": (event(drop=("action",)), False),
    "bad-action": (event(replace={"action": "<action>MOVE</action>"}), False),
    "quantity-as-text": (event(quantity="ten"), False),
    "unknown-epcis-element": (event(extra="<parentID>urn:epc:id:sscc:4012345.0000000017</parentID>"), False),
}

DIFFER = {
    # EPCIS 2.0 XML fixes an element order; we read the fields whatever their order (nothing is ambiguous),
    # rather than refuse a reporter's whole event for it.
    "fields-out-of-order": (event(drop=("action",), extra="<action>OBSERVE</action>"), True),
    # The XSD types eventTimeZoneOffset as a plain string; EPCIS 2.0 §7.3.4 (and the JSON Schema's pattern)
    # say +hh:mm / -hh:mm.
    "bad-offset": (event(replace={"offset": "<eventTimeZoneOffset>1h</eventTimeZoneOffset>"}), False),
    # The XSD types epcList entries as anyURI; we also check GS1 keys (check digit, lengths, characters).
    "bad-gs1-key": (event(replace={"epcList": "<epcList><epc>urn:epc:id:sscc:4012345.00000000179</epc></epcList>"}),
                    False),
}


@cache
def xsd():
    import xmlschema

    return xmlschema.XMLSchema(str(GS1_EPCIS / "XSD" / "EPCglobal-epcis-2_0.xsd"))


def ours(document: bytes) -> bool:
    checked = check_document(document, "case.xml")
    return bool(checked.events) and not checked.rejections


@pytest.mark.parametrize("name", sorted(AGREE))
def test_agrees_with_gs1_xsd(name):
    document, expected = AGREE[name]
    assert xsd().is_valid(document.decode()) is expected, "the case table is wrong about GS1's XSD"
    assert ours(document) is expected


@pytest.mark.parametrize("name", sorted(DIFFER))
def test_differs_from_the_xsd_on_purpose(name):
    document, expected = DIFFER[name]
    assert xsd().is_valid(document.decode()) is not expected
    assert ours(document) is expected
