"""EPCIS 2.0 / CBV 2.0: reading documents, validating and normalising events, the event hash, writing back.

Everything in this package is pure: bytes or dicts in, dicts or dataclasses out; no store, no clock.

The *JSON form* of an event, shared by the readers, the validator, the hash and the writer:
the EPCIS 2.0 JSON/JSON-LD representation of one event, exactly as in GS1's JSON examples written against
the standard EPCIS 2.0 context, except that

* every key that is not an EPCIS/CBV term (user extensions: at event level, inside `ilmd`, `readPoint`,
  `bizLocation`, `errorDeclaration`, `sensorElementList` entries, `sensorMetadata`, `sensorReport`) is written
  in Clark notation `{namespace-IRI}localName`; a nested extension element is a dict with Clark keys, an
  element that repeats is a list, element text is a string;
* values are as the reporter wrote them (CBV values in any allowed spelling, identifiers as EPC URN or
  GS1 Digital Link): normalisation is a separate step (`normalise.py`);
* numbers (`quantity`, sensor values) are JSON numbers, whichever syntax the document used.

The readers (`jsonld.read_json`, `xml.read_xml`) turn a document into a `ParsedDocument` of `RawEvent`s.
"""
