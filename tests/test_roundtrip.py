"""Hypothesis: parse -> write back -> parse is stable for any valid event we can generate."""

from __future__ import annotations

from datetime import datetime

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctrace.epcis.capture import check_document
from sanctrace.epcis.writer import write_document
from tests.factories import CONTEXT, doc_bytes

companies = st.sampled_from(["4012345", "0614141", "952005385"])
serials = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789-", min_size=1, max_size=12)
item_refs = {"4012345": "012345", "0614141": "107346", "952005385": "0123"}
pgln_refs = {"4012345": "00000", "0614141": "00001", "952005385": "001"}


@st.composite
def sgtins(draw) -> str:
    gcp = draw(companies)
    return f"urn:epc:id:sgtin:{gcp}.{item_refs[gcp]}.{draw(serials)}"


@st.composite
def lots(draw) -> str:
    gcp = draw(companies)
    return f"urn:epc:class:lgtin:{gcp}.{item_refs[gcp]}.{draw(serials)}"


biz_steps = st.sampled_from(["shipping", "receiving", "urn:epcglobal:cbv:bizstep:packing",
                             "https://ref.gs1.org/cbv/BizStep-commissioning", "https://example.org/steps/x-ray"])
times = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 1, 1))
offsets = st.sampled_from(["+00:00", "+01:00", "-06:00", "+05:30", "+14:00"])
extension_values = st.recursive(
    st.text(alphabet="abc xyz 0123", max_size=8),
    lambda inner: st.dictionaries(st.sampled_from(["ex:a", "ex:b", "ex:c"]), inner, min_size=1, max_size=3),
    max_leaves=5,
)


@st.composite
def object_events(draw) -> dict:
    moment = draw(times)
    offset = draw(offsets)
    event = {
        "type": "ObjectEvent",
        "eventTime": moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}" + offset,
        "eventTimeZoneOffset": offset,
        "action": draw(st.sampled_from(["OBSERVE", "ADD", "DELETE"])),
        "bizStep": draw(biz_steps),
    }
    if draw(st.booleans()):
        event["epcList"] = draw(st.lists(sgtins(), min_size=1, max_size=4, unique=True))
    else:
        event["quantityList"] = [{"epcClass": draw(lots()), "quantity": draw(st.integers(1, 10**6)), "uom": "H87"}]
    if draw(st.booleans()):
        gcp = draw(companies)
        event["sourceList"] = [{"type": "owning_party", "source": f"urn:epc:id:pgln:{gcp}.{pgln_refs[gcp]}"}]
    if draw(st.booleans()):
        event["ex:note"] = draw(extension_values)
    return event


@settings(max_examples=60, deadline=None)
@given(st.lists(object_events(), min_size=1, max_size=5))
def test_parse_write_parse_is_stable(events):
    first = check_document(doc_bytes(*events, context=[CONTEXT, {"ex": "https://example.org/ns/"}]), "generated")
    assert not first.rejections, [r.describe() for r in first.rejections]
    written = write_document([(e.event_id, e.body) for e in first.events], first.events[0].event_time,
                             first.parsed.namespaces)
    second = check_document(orjson.dumps(written), "written")
    assert not second.rejections
    assert [e.event_id for e in second.events] == [e.event_id for e in first.events]
    assert [e.event_hash for e in second.events] == [e.event_hash for e in first.events]
    assert [e.objects for e in second.events] == [e.objects for e in first.events]
    rewritten = write_document([(e.event_id, e.body) for e in second.events], first.events[0].event_time,
                               second.parsed.namespaces)
    assert rewritten == written
