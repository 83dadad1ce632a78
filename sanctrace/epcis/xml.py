"""Reading EPCIS XML documents into events in JSON form (see the package docstring).

`read_xml(data, source)` accepts

* EPCIS 2.0 XML: `epcis:EPCISDocument` (`urn:epcglobal:epcis:xsd:2`) and `epcisq:EPCISQueryDocument`
  (`urn:epcglobal:epcis-query:xsd:2`), format "xml-2.0";
* EPCIS 1.2 XML (`urn:epcglobal:epcis:xsd:1`, `urn:epcglobal:epcis-query:xsd:1`), format "xml-1.2",
  upgraded on the way in: the `<extension>` and `<baseExtension>` wrappers of 1.2 are looked through
  (TransformationEvent and AssociationEvent inside the EventList's extensions; quantityList, sourceList,
  destinationList, ilmd, childQuantityList, sensorElementList, persistentDisposition inside an event's
  extensions; eventID and errorDeclaration inside baseExtension), so every field lands where EPCIS 2.0 has it.

CBV values and namespaces are kept as written (normalisation is a later step). The header holds the root's
schemaVersion and creationDate and, from an SBDH, instanceIdentifier, sender and receiver (the names the JSON
syntax gives them); master data in the header is ignored. `namespaces` maps each prefix declared anywhere in
the document to its IRI, except the default namespace and the EPCIS, SBDH and XML Schema ones.

Mapping to JSON form (names and shapes of the EPCIS 2.0 JSON schema):

* `type` is the event element's name; simple fields are their element text, whitespace-trimmed;
* the EPC lists, quantity lists, bizTransactionList, sourceList, destinationList, sensorElementList,
  correctiveEventIDs, persistentDisposition set/unset and sensorReport become JSON arrays; bizTransaction,
  source and destination become `{"type": ..., "<name>": ...}` (`type` left out when absent);
* `quantity` and the numeric sensor attributes become numbers: int when written without a fraction or
  exponent, float otherwise; `booleanValue` becomes a bool; a nil quantity (`xsi:nil="true"`) is left out;
* user extensions (elements and attributes in a non-EPCIS namespace, wherever EPCIS allows them) are keyed
  in Clark notation `{namespace}local`. An extension element with only text becomes that text (trimmed);
  one with child elements or attributes becomes a dict of them (a child or attribute without a namespace
  keeps its bare name; an element that repeats becomes a list; text next to attributes goes under "#text";
  text mixed with child elements is dropped). `xsi:` attributes are markup, not data, and are ignored.

Elements without a namespace are EPCIS's own: one that EPCIS does not define where it stands (in 2.0, or in
1.2 once unwrapped) makes the event unconvertible (`data=None`, `error`, `error_pointer`), as do an attribute
EPCIS does not define, a non-numeric number, a non-boolean `booleanValue`, a repeated single-valued field
and an entity reference. Unknown elements in the EventList (e.g. the 1.2 QuantityEvent) are reported the same
way. Element order is not checked, and nothing else is validated: a missing eventTime just leaves the key out.

Event locations are XPaths such as `/epcis:EPCISDocument/EPCISBody/EventList/ObjectEvent[2]`: the root with
the conventional prefix (`epcis`, or `epcisq` for query documents) whatever prefix the document used, every
step below the EventList with its 1-based position among same-named siblings. Error pointers continue the
event's XPath to the offending element or attribute (`.../quantityList/quantityElement[1]/quantity`).

The parser never resolves entities, loads a DTD or touches the network, so a document can neither make it
read a file (XXE) nor blow it up (billion laughs). The document is read with `iterparse` and each event
released once converted, so memory stays proportional to the converted output.
"""

from __future__ import annotations

import io
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from lxml import etree

from sanctrace.epcis.document import ParsedDocument, RawEvent
from sanctrace.errors import InvalidDocument

EPCIS_2 = "urn:epcglobal:epcis:xsd:2"
EPCIS_QUERY_2 = "urn:epcglobal:epcis-query:xsd:2"
EPCIS_1 = "urn:epcglobal:epcis:xsd:1"
EPCIS_QUERY_1 = "urn:epcglobal:epcis-query:xsd:1"
SBDH = "http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

# (root namespace, root name) -> (format, prefix used for the root in XPaths)
_ROOTS: dict[tuple[str, str], tuple[str, str]] = {
    (EPCIS_2, "EPCISDocument"): ("xml-2.0", "epcis"),
    (EPCIS_QUERY_2, "EPCISQueryDocument"): ("xml-2.0", "epcisq"),
    (EPCIS_1, "EPCISDocument"): ("xml-1.2", "epcis"),
    (EPCIS_QUERY_1, "EPCISQueryDocument"): ("xml-1.2", "epcisq"),
}

# Namespaces of the EPCIS machinery itself, not of user extensions: left out of ParsedDocument.namespaces.
_INFRASTRUCTURE_NAMESPACES = frozenset({
    EPCIS_2, EPCIS_QUERY_2, EPCIS_1, EPCIS_QUERY_1,
    "urn:epcglobal:epcis-masterdata:xsd:2", "urn:epcglobal:epcis-masterdata:xsd:1",
    "urn:epcglobal:xsd:1", SBDH, XSI, "http://www.w3.org/2001/XMLSchema",
})

_PARSER_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "load_dtd": False,
    "no_network": True,
    "huge_tree": True,
    "remove_comments": True,
    "remove_pis": True,
}

UNQUALIFIED_NS = "https://sanctrace.org/ns/unqualified#"  # unknown elements that have no namespace
_WRAPPERS = frozenset({"extension", "baseExtension"})  # looked through wherever EPCIS fields are read
_EVENT_LIST_PARENTS = frozenset({"EPCISBody", "resultsBody"})
_XSI_PREFIX = f"{{{XSI}}}"
_XSI_NIL = f"{{{XSI}}}nil"
_SBDH_HEADER = f"{{{SBDH}}}StandardBusinessDocumentHeader"
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}

Reader = Callable[[etree._Element], Any]


class _ConversionError(Exception):
    """Why an event cannot be converted, and the element (and attribute) at fault."""

    def __init__(self, reason: str, element: etree._Element, attribute: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.element = element
        self.attribute = attribute


def read_xml(data: bytes, source: str) -> ParsedDocument:
    """Read an EPCIS 2.0 or 1.2 XML document; raise InvalidDocument when it cannot be read at all.

    `source` names the document in error messages (a file name, "stdin", an upload id).
    """
    reader = _DocumentReader(source)
    try:
        for action, item in etree.iterparse(io.BytesIO(data), events=("start-ns", "end"), **_PARSER_OPTIONS):
            if action == "start-ns":
                reader.declare_namespace(*item)
            else:
                reader.element_ended(item)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position
        reason = f"{source}: not well-formed XML: {exc.msg}"
        if not reader.events:
            raise InvalidDocument(reason, f"{line}:{column}") from exc
        document = ParsedDocument(reader.format, reader.kind, reader.events, reader.header, reader.namespaces)
        document.broken, document.broken_at = reason, f"{line}:{column}"
        return document
    return reader.finish()


class _DocumentReader:
    """State of one pass over a document: called for each namespace declaration and each element's end."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.format = ""
        self.kind = ""
        self.root_step = ""
        self.events: list[RawEvent] = []
        self.header: dict[str, Any] = {}
        self.namespaces: dict[str, str] = {}
        self.event_list_found = False
        self._event_list: etree._Element | None = None
        self._event_list_path = ""
        self._positions: defaultdict[str, Counter[str]] = defaultdict(Counter)

    def declare_namespace(self, prefix: str, uri: str) -> None:
        """Record a prefixed user namespace (the first binding of a prefix wins)."""
        if prefix and uri not in _INFRASTRUCTURE_NAMESPACES:
            self.namespaces.setdefault(prefix, uri)

    def element_ended(self, element: etree._Element) -> None:
        """Handle a fully parsed element: an event (or event-list wrapper), the SBDH, or anything else."""
        if not self.format:
            self._check_root(element.getroottree().getroot())
        parent = element.getparent()
        if parent is None:
            return
        container = self._container_path(parent)
        if container is not None:
            self._read_event_list_member(element, container)
        elif element.tag == "EventList" and parent.tag in _EVENT_LIST_PARENTS:
            self.event_list_found = True
        elif element.tag == _SBDH_HEADER:
            self.header.update(_sbdh_fields(element))

    def finish(self) -> ParsedDocument:
        """The document read; InvalidDocument if it had no EventList."""
        if not self.event_list_found:
            raise InvalidDocument(
                f"{self.source}: no EventList (expected EPCISBody/EventList or "
                "EPCISBody/QueryResults/resultsBody/EventList, with unqualified EPCIS elements)",
                self.root_step,
            )
        return ParsedDocument(self.format, self.kind, self.events, self.header, self.namespaces)

    def _check_root(self, root: etree._Element) -> None:
        qname = etree.QName(root)
        known = _ROOTS.get((qname.namespace or "", qname.localname))
        if known is None:
            expected = "; ".join(f"{name} in {namespace}" for namespace, name in _ROOTS)
            raise InvalidDocument(
                f"{self.source}: root element {root.tag} is not an EPCIS document (expected {expected})",
                f"/{_xpath_name(root)}",
            )
        self.format, prefix = known
        self.kind = qname.localname
        self.root_step = f"/{prefix}:{qname.localname}"
        for name in ("schemaVersion", "creationDate"):
            if root.get(name):
                self.header[name] = root.get(name)

    def _container_path(self, element: etree._Element) -> str | None:
        """XPath of `element` if events may sit in it (the EventList or a wrapper inside it), else None."""
        if element.tag == "EventList":
            return self._event_list_xpath(element)
        if element.tag != "extension":
            return None
        outer = element.getparent()
        outer_path = None if outer is None else self._container_path(outer)
        if outer_path is None:
            return None
        return f"{outer_path}/extension[{self._positions[outer_path]['extension'] + 1}]"

    def _event_list_xpath(self, event_list: etree._Element) -> str | None:
        if event_list is self._event_list:
            return self._event_list_path
        parent = event_list.getparent()
        if parent is None or parent.tag not in _EVENT_LIST_PARENTS:
            return None
        steps = [_xpath_name(ancestor) for ancestor in event_list.iterancestors()][-2::-1]
        self._event_list, self._event_list_path = event_list, "/".join([self.root_step, *steps, "EventList"])
        return self._event_list_path

    def _read_event_list_member(self, element: etree._Element, container: str) -> None:
        name = _xpath_name(element)
        self._positions[container][name] += 1
        location = f"{container}/{name}[{self._positions[container][name]}]"
        if element.tag == "extension":
            self._positions.pop(location, None)  # a wrapper's members have all been read
        else:
            self.events.append(_raw_event(len(self.events), location, element))
        _release(element)


def _raw_event(index: int, location: str, element: etree._Element) -> RawEvent:
    """Convert one event element; a conversion failure is recorded on the RawEvent, not raised."""
    raw = etree.tostring(element, encoding="unicode", with_tail=False)
    try:
        data = _event(element)
    except _ConversionError as exc:
        pointer = _error_pointer(location, element, exc.element, exc.attribute)
        return RawEvent(index, location, raw, None, element.sourceline, exc.reason, pointer)
    except RecursionError:
        reason = "elements nested too deeply"
        return RawEvent(index, location, raw, None, element.sourceline, reason, location)
    return RawEvent(index, location, raw, data, element.sourceline)


def _release(element: etree._Element) -> None:
    """Free a converted event and everything before it, keeping memory flat on large documents."""
    element.clear(keep_tail=True)
    parent = element.getparent()
    while parent is not None and element.getprevious() is not None:
        del parent[0]


def _sbdh_fields(sbdh: etree._Element) -> dict[str, str]:
    """Instance identifier, sender and receiver (the first of each) from a Standard Business Document Header,
    under the names the EPCIS 2.0 JSON syntax gives them."""
    paths = {
        "instanceIdentifier": "DocumentIdentification/InstanceIdentifier",
        "sender": "Sender/Identifier",
        "receiver": "Receiver/Identifier",
    }
    fields = {}
    for key, path in paths.items():
        text = sbdh.findtext("/".join(f"{{{SBDH}}}{step}" for step in path.split("/")))
        if text and text.strip():
            fields[key] = text.strip()
    return fields


# ---------------------------------------------------------------------------------------------------------
# Converting one event


def _event(element: etree._Element) -> dict[str, Any]:
    """The JSON form of one event element."""
    readers = _EVENT_READERS.get(element.tag)
    if readers is None:
        hint = " (removed in EPCIS 2.0)" if element.tag == "QuantityEvent" else ""
        raise _ConversionError(f"unknown event element <{_xpath_name(element)}>{hint}", element)
    for entity in element.iter(etree.Entity):
        raise _ConversionError(f"entity reference {entity.text} is not allowed", entity.getparent())
    return {"type": element.tag, **_object(element, readers)}


def _object(element: etree._Element, readers: Mapping[str, Reader], *, extensible: bool = True,
            repeated: frozenset[str] = frozenset()) -> dict[str, Any]:
    """An element whose children are named fields: each read by its reader, user extensions in Clark notation.

    Fields in `repeated` collect into lists; any other field may occur once. With `extensible`, namespaced
    children and attributes are user extensions; without, they are errors.
    """
    result = _extension_attributes(element) if extensible else _no_attributes(element, ())
    for child in _fields(element):
        tag = child.tag
        if tag in readers:
            if tag in repeated:
                result.setdefault(tag, []).append(readers[tag](child))
            elif tag in result:
                raise _ConversionError(f"<{tag}> occurs more than once in <{element.tag}>", child)
            else:
                result[tag] = readers[tag](child)
        elif extensible and tag.startswith("{"):
            _add_extension(result, tag, _extension_value(child))
        elif extensible and tag not in _EPCIS_NAMES:
            # Not allowed by EPCIS 2.0, but found in GS1's own 1.2 examples: kept, in a namespace that says so.
            _add_extension(result, "{" + UNQUALIFIED_NS + "}" + tag, _extension_value(child))
        else:
            raise _ConversionError(_unexpected(child, element), child)
    return result


def _fields(element: etree._Element) -> Iterator[etree._Element]:
    """The child elements of an EPCIS element, looking through `extension` / `baseExtension` wrappers.

    Comments and processing instructions are dropped by the parser and entity references rejected per event
    (`_event`), so every child is an element.
    """
    for child in element:
        if child.tag in _WRAPPERS:
            yield from _fields(child)
        else:
            yield child


def _unexpected(child: etree._Element, parent: etree._Element) -> str:
    where = f"<{_xpath_name(parent)}>"
    if child.tag.startswith("{"):
        return f"element <{_xpath_name(child)}> is not allowed in {where}"
    return (f"unknown element <{child.tag}> in {where} (elements without a namespace are EPCIS's own; "
            "user extensions need a namespace)")


def _text(element: etree._Element, allowed_attributes: tuple[str, ...] = ()) -> str:
    """The trimmed text of an element without child elements (nor attributes but `allowed_attributes`)."""
    if len(element):
        raise _ConversionError(f"<{element.tag}> must not contain elements", element[0])
    if element.keys():
        _no_attributes(element, allowed_attributes)
    return (element.text or "").strip()


def _list_of(item_tag: str, read_item: Reader) -> Reader:
    """A reader for a list element whose children are all `item_tag`."""

    def read_list(element: etree._Element) -> list[Any]:
        _no_attributes(element, ())
        items = []
        for child in _fields(element):
            if child.tag != item_tag:
                raise _ConversionError(_unexpected(child, element), child)
            items.append(read_item(child))
        return items

    return read_list


def _typed_value(value_key: str) -> Reader:
    """A reader for `<bizTransaction type="...">value</bizTransaction>` (and source, destination)."""

    def read_typed(element: etree._Element) -> dict[str, str]:
        value = _text(element, ("type",))
        value_type = element.get("type")
        return {value_key: value} if value_type is None else {"type": value_type.strip(), value_key: value}

    return read_typed


def _quantity(element: etree._Element) -> int | float | None:
    """A quantity as a number; None when nil."""
    if element.get(_XSI_NIL, "").strip() in ("true", "1"):
        return None
    return _number(_text(element), element)


def _quantity_element(element: etree._Element) -> dict[str, Any]:
    value = _object(element, _QUANTITY_ELEMENT_READERS, extensible=False)
    if "quantity" in value and value["quantity"] is None:
        del value["quantity"]
    return value


def _sensor_element(element: etree._Element) -> dict[str, Any]:
    return _object(element, _SENSOR_ELEMENT_READERS, repeated=frozenset({"sensorReport"}))


def _attributes_reader(standard: Mapping[str, Callable[[str, etree._Element, str], Any]]) -> Reader:
    """A reader for sensorMetadata / sensorReport: standard attributes by `standard`, namespaced ones kept."""

    def read_attributes(element: etree._Element) -> dict[str, Any]:
        if len(element):
            raise _ConversionError(_unexpected(element[0], element), element[0])
        value: dict[str, Any] = {}
        for name, text in element.attrib.items():
            if name in standard:
                value[name] = standard[name](text.strip(), element, name)
            elif name.startswith(_XSI_PREFIX):
                continue
            elif name.startswith("{"):
                value[name] = text
            else:
                raise _ConversionError(f"attribute {name} is not allowed on <{element.tag}>", element, name)
        return value

    return read_attributes


def _number(text: str, element: etree._Element, attribute: str | None = None) -> int | float:
    """An xsd:decimal / xsd:double lexical value as a JSON number (int without fraction or exponent)."""
    try:
        if _INTEGER.fullmatch(text):
            return int(text)
        if _NUMBER.fullmatch(text) and math.isfinite(value := float(text)):
            return value
    except ValueError:  # an integer too long for int()
        pass
    raise _ConversionError(f"{text[:40]!r} is not a finite number", element, attribute)


def _boolean(text: str, element: etree._Element, attribute: str) -> bool:
    if text not in _BOOLEANS:
        raise _ConversionError(f"{text!r} is not a boolean (true, false, 1, 0)", element, attribute)
    return _BOOLEANS[text]


def _string(text: str, _element: etree._Element, _attribute: str) -> str:
    return text


def _extension_attributes(element: etree._Element) -> dict[str, Any]:
    """Namespaced attributes of an extensible EPCIS element as user extensions; others are errors."""
    extensions = {}
    for name, value in element.attrib.items():
        if name.startswith(_XSI_PREFIX):
            continue
        if not name.startswith("{"):
            raise _ConversionError(f"attribute {name} is not allowed on <{element.tag}>", element, name)
        extensions[name] = value
    return extensions


def _no_attributes(element: etree._Element, allowed: tuple[str, ...]) -> dict[str, Any]:
    """Check that an element has no attributes but `allowed` (and xsi:*); returns an empty dict to fill."""
    for name in element.attrib:
        if name not in allowed and not name.startswith(_XSI_PREFIX):
            raise _ConversionError(f"attribute {name} is not allowed on <{element.tag}>", element, name)
    return {}


def _extension_value(element: etree._Element) -> str | dict[str, Any]:
    """A user extension element: its text, or a dict of its attributes and child elements."""
    attributes = {name: value for name, value in element.attrib.items() if not name.startswith(_XSI_PREFIX)}
    children = list(element)
    text = (element.text or "").strip()
    if not children and not attributes:
        return text
    value: dict[str, Any] = dict(attributes)
    for child in children:
        _add_extension(value, child.tag, _extension_value(child))
    if text and not children:
        value["#text"] = text
    return value


def _add_extension(target: dict[str, Any], key: str, value: str | dict[str, Any]) -> None:
    """Add an extension value; a key seen before turns into a list (extension values are never lists)."""
    if key not in target:
        target[key] = value
    elif isinstance(target[key], list):
        target[key].append(value)
    else:
        target[key] = [target[key], value]


# ---------------------------------------------------------------------------------------------------------
# Pointers to where an event went wrong

# Elements that repeat by nature: their pointer step always carries a position.
_LIST_ITEMS = frozenset({
    "epc", "quantityElement", "bizTransaction", "source", "destination", "correctiveEventID",
    "sensorElement", "sensorReport", "set", "unset",
})


def _error_pointer(location: str, event: etree._Element, target: etree._Element,
                   attribute: str | None) -> str:
    """The XPath of `target` (and `attribute`) inside the event at `location`."""
    steps = []
    element = target
    while element is not None and element is not event:
        steps.append(_pointer_step(element))
        element = element.getparent()
    pointer = "/".join([location, *reversed(steps)])
    if attribute is not None:
        pointer += f"/@{_attribute_name(target, attribute)}"
    return pointer


def _pointer_step(element: etree._Element) -> str:
    name = _xpath_name(element)
    before = sum(1 for _ in element.itersiblings(element.tag, preceding=True))
    if element.tag in _LIST_ITEMS or before or next(element.itersiblings(element.tag), None) is not None:
        return f"{name}[{before + 1}]"
    return name


def _xpath_name(element: etree._Element) -> str:
    """An element's name as an XPath step: local name, prefix:local, or Q{namespace}local."""
    qname = etree.QName(element)
    if qname.namespace is None:
        return qname.localname
    if element.prefix:
        return f"{element.prefix}:{qname.localname}"
    return f"Q{{{qname.namespace}}}{qname.localname}"


def _attribute_name(element: etree._Element, attribute: str) -> str:
    qname = etree.QName(attribute)
    if qname.namespace is None:
        return qname.localname
    prefix = next((p for p, uri in element.nsmap.items() if p and uri == qname.namespace), None)
    return f"{prefix}:{qname.localname}" if prefix else f"Q{{{qname.namespace}}}{qname.localname}"


# ---------------------------------------------------------------------------------------------------------
# Which fields each element has, and how each is read

_EPC_LIST = _list_of("epc", _text)
_QUANTITY_LIST = _list_of("quantityElement", _quantity_element)

_QUANTITY_ELEMENT_READERS: dict[str, Reader] = {"epcClass": _text, "quantity": _quantity, "uom": _text}

_SENSOR_METADATA = _attributes_reader({
    name: _string for name in (
        "time", "startTime", "endTime", "deviceID", "deviceMetadata", "rawData", "dataProcessingMethod",
        "bizRules",
    )
})

_SENSOR_REPORT = _attributes_reader({
    **{name: _string for name in (
        "type", "exception", "deviceID", "deviceMetadata", "rawData", "dataProcessingMethod", "bizRules",
        "time",
        "microorganism", "chemicalSubstance", "coordinateReferenceSystem", "component", "stringValue",
        "hexBinaryValue", "uriValue", "uom",
    )},
    **{
        name: _number
        for name in ("value", "minValue", "maxValue", "meanValue", "sDev", "percRank", "percValue")
    },
    "booleanValue": _boolean,
})

_SENSOR_ELEMENT_READERS: dict[str, Reader] = {
    "sensorMetadata": _SENSOR_METADATA,
    "sensorReport": _SENSOR_REPORT,
}

_ERROR_DECLARATION_READERS: dict[str, Reader] = {
    "declarationTime": _text,
    "reason": _text,
    "correctiveEventIDs": _list_of("correctiveEventID", _text),
}


def _location(element: etree._Element) -> dict[str, Any]:
    """readPoint / bizLocation: {"id": ..., extensions...}."""
    return _object(element, {"id": _text})


def _error_declaration(element: etree._Element) -> dict[str, Any]:
    return _object(element, _ERROR_DECLARATION_READERS)


def _persistent_disposition(element: etree._Element) -> dict[str, Any]:
    return _object(element, {"set": _text, "unset": _text}, extensible=False,
                   repeated=frozenset({"set", "unset"}))


def _ilmd(element: etree._Element) -> dict[str, Any]:
    """Instance/lot master data: user extensions only."""
    return _object(element, {})


_FIELD_READERS: dict[str, Reader] = {
    "eventTime": _text,
    "recordTime": _text,
    "eventTimeZoneOffset": _text,
    "eventID": _text,
    "certificationInfo": _text,
    "errorDeclaration": _error_declaration,
    "parentID": _text,
    "epcList": _EPC_LIST,
    "childEPCs": _EPC_LIST,
    "inputEPCList": _EPC_LIST,
    "outputEPCList": _EPC_LIST,
    "quantityList": _QUANTITY_LIST,
    "childQuantityList": _QUANTITY_LIST,
    "inputQuantityList": _QUANTITY_LIST,
    "outputQuantityList": _QUANTITY_LIST,
    "transformationID": _text,
    "action": _text,
    "bizStep": _text,
    "disposition": _text,
    "persistentDisposition": _persistent_disposition,
    "readPoint": _location,
    "bizLocation": _location,
    "bizTransactionList": _list_of("bizTransaction", _typed_value("bizTransaction")),
    "sourceList": _list_of("source", _typed_value("source")),
    "destinationList": _list_of("destination", _typed_value("destination")),
    "sensorElementList": _list_of("sensorElement", _sensor_element),
    "ilmd": _ilmd,
}

_COMMON_FIELDS = (
    "eventTime", "recordTime", "eventTimeZoneOffset", "eventID", "certificationInfo", "errorDeclaration",
)
_WHAT_WHERE_WHY = ("bizStep", "disposition", "readPoint", "bizLocation", "bizTransactionList", "sourceList",
                   "destinationList", "sensorElementList", "persistentDisposition")

# The fields of each event type, as in the EPCIS 2.0 XSD (1.2's extension fields included, once unwrapped).
_EVENT_FIELDS: dict[str, tuple[str, ...]] = {
    "ObjectEvent": ("epcList", "quantityList", "action", "ilmd"),
    "AggregationEvent": ("parentID", "childEPCs", "childQuantityList", "action"),
    "TransactionEvent": ("parentID", "epcList", "quantityList", "action"),
    "TransformationEvent": ("inputEPCList", "inputQuantityList", "outputEPCList", "outputQuantityList",
                            "transformationID", "ilmd"),
    "AssociationEvent": ("parentID", "childEPCs", "childQuantityList", "action"),
}

_EVENT_READERS: dict[str, dict[str, Reader]] = {
    event_type: {name: _FIELD_READERS[name] for name in (*_COMMON_FIELDS, *fields, *_WHAT_WHERE_WHY)}
    for event_type, fields in _EVENT_FIELDS.items()
}

# Every element name EPCIS itself uses: an unknown unqualified element with one of these names is misplaced
# (an error), any other is kept as an extension in UNQUALIFIED_NS.
_EPCIS_NAMES = frozenset(_FIELD_READERS) | frozenset(
    {"type", "sensorMetadata", "sensorReport", "epcClass", "quantity", "uom", "id", "epc", "quantityElement",
     "declarationTime", "reason", "correctiveEventIDs", "set", "unset"})
