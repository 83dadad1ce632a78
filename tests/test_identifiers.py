"""GS1 identifiers: EPC URNs and Digital Links to one canonical Digital Link, and back to EPC URNs.

Oracles besides our own vectors: python-stdnum for check digits, the GS1 Barcode Syntax Dictionary for AI
formats and Digital Link primary keys, the GS1 Digital Link 1.2 grammar for short names, and the EPC Tag
Data Translation files for EPC URN partitions and the matching GS1 element strings.
"""

from __future__ import annotations

import re
from functools import cache

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from lxml import etree
from stdnum import ean

from sanctrace.errors import InvalidIdentifier
from sanctrace.identifiers import (
    AI_FORMATS,
    CSET_39,
    CSET_82,
    DL_SHORT_NAMES,
    PRIMARY_KEYS,
    GS1Key,
    canonical_uri,
    gs1_check_digit,
    gs1_check_pair,
    gtin_of,
    lot_of,
    make_gln,
    make_gtin,
    make_lgtin,
    make_pgln,
    make_sgln,
    make_sgtin,
    make_sscc,
    parse_gs1,
    serial_of,
    to_epc_urn,
)
from tests.shared import SHARED_DATA

GS1_IDENTIFIERS = SHARED_DATA / "gs1_identifiers"
SYNTAX_DICTIONARY = GS1_IDENTIFIERS / "gs1-syntax-engine" / "src" / "c-lib" / "gs1-syntax-dictionary.txt"
DL_GRAMMAR = GS1_IDENTIFIERS / "digital-link.js" / "grammar" / "GS1_Digital_Link_Grammar_1_2.abnf"
TDT = GS1_IDENTIFIERS / "epc-tag-data-translation" / "src" / "main" / "resources" / "gs1-tdt"

# ---------------------------------------------------------------------------------------------------------
# Known pairs
# ---------------------------------------------------------------------------------------------------------

URN_TO_DIGITAL_LINK = [
    # the examples of the CBV 2.0 event hash
    ("urn:epc:id:sgtin:0614141.107346.2017", "https://id.gs1.org/01/10614141073464/21/2017"),
    ("urn:epc:id:sgln:0614141.07346.1234", "https://id.gs1.org/414/0614141073467/254/1234"),
    ("urn:epc:class:lgtin:0614141.107346.LOT", "https://id.gs1.org/01/10614141073464/10/LOT"),
    # our own, one per scheme
    ("urn:epc:id:sgtin:9521234.054321.A7-x", "https://id.gs1.org/01/09521234543213/21/A7-x"),
    ("urn:epc:id:sgtin:952123456789.3.s1", "https://id.gs1.org/01/39521234567890/21/s1"),
    ("urn:epc:id:sscc:9521234.1000000042", "https://id.gs1.org/00/195212340000000423"),
    ("urn:epc:id:sgln:9521234.56789.0", "https://id.gs1.org/414/9521234567899"),
    ("urn:epc:id:sgln:9521234.56789.dock%2F7", "https://id.gs1.org/414/9521234567899/254/dock%2F7"),
    ("urn:epc:id:pgln:952123456.789", "https://id.gs1.org/417/9521234567899"),
    ("urn:epc:id:grai:9521234.00042.R-17", "https://id.gs1.org/8003/09521234000426R-17"),
    ("urn:epc:id:giai:9521234.TOOL-0007", "https://id.gs1.org/8004/9521234TOOL-0007"),
    ("urn:epc:id:gsrn:9521234.1234567890", "https://id.gs1.org/8018/952123412345678905"),
    ("urn:epc:id:gsrnp:95212345.123456789", "https://id.gs1.org/8017/952123451234567890"),
    ("urn:epc:id:gdti:9521234.00001.INV%2F2024", "https://id.gs1.org/253/9521234000013INV%2F2024"),
    ("urn:epc:id:cpi:9521234.PN-77%23B.42", "https://id.gs1.org/8010/9521234PN-77%23B/8011/42"),
    ("urn:epc:id:sgcn:9521234.00777.0099", "https://id.gs1.org/255/95212340077770099"),
    ("urn:epc:id:ginc:9521234.CONS(1)", "https://id.gs1.org/401/9521234CONS%281%29"),
    ("urn:epc:id:gsin:9521234.000000077", "https://id.gs1.org/402/95212340000000778"),
    ("urn:epc:id:itip:9521234.054321.03.04.P1", "https://id.gs1.org/8006/095212345432130304/21/P1"),
    ("urn:epc:id:upui:9521234.054321.tpx*99", "https://id.gs1.org/01/09521234543213/235/tpx%2A99"),
    ("urn:epc:class:lgtin:9521234.054321.L%26B", "https://id.gs1.org/01/09521234543213/10/L%26B"),
    # class-level patterns
    ("urn:epc:idpat:sgtin:9521234.054321.*", "https://id.gs1.org/01/09521234543213"),
    ("urn:epc:idpat:grai:9521234.00042.*", "https://id.gs1.org/8003/09521234000426"),
    ("urn:epc:idpat:gdti:9521234.00001.*", "https://id.gs1.org/253/9521234000013"),
    ("urn:epc:idpat:sgcn:9521234.00777.*", "https://id.gs1.org/255/9521234007777"),
    ("urn:epc:idpat:cpi:9521234.PN-77%23B.*", "https://id.gs1.org/8010/9521234PN-77%23B"),
    ("urn:epc:idpat:itip:9521234.054321.03.04.*", "https://id.gs1.org/8006/095212345432130304"),
]


@pytest.mark.parametrize(("urn", "digital_link"), URN_TO_DIGITAL_LINK)
def test_epc_urn_to_canonical_digital_link(urn, digital_link):
    assert canonical_uri(urn) == digital_link
    assert canonical_uri(digital_link) == digital_link


# Where the check digit ends in each numeric key: (start, end) of the digits it closes.
CHECKED_DIGITS = {"00": (0, 18), "01": (0, 14), "414": (0, 13), "417": (0, 13), "402": (0, 17),
                  "8017": (0, 18), "8018": (0, 18), "253": (0, 13), "255": (0, 13), "8006": (0, 14),
                  "8003": (1, 14)}


@pytest.mark.parametrize(
    "digital_link", [dl for _, dl in URN_TO_DIGITAL_LINK if parse_gs1(dl).ai in CHECKED_DIGITS]
)
def test_check_digits_of_the_vectors_agree_with_stdnum(digital_link):
    key = parse_gs1(digital_link)
    start, end = CHECKED_DIGITS[key.ai]
    digits = key.key[start:end]
    assert ean.calc_check_digit(digits[:-1]) == digits[-1]


@pytest.mark.parametrize(
    ("urn", "gcp_length", "digital_link"),
    [(urn, len(re.match(r"urn:epc:\w+:\w+:(\d+)", urn).group(1)), dl) for urn, dl in URN_TO_DIGITAL_LINK
     if not urn.startswith("urn:epc:idpat:upui")],
)
def test_digital_link_back_to_epc_urn(urn, gcp_length, digital_link):
    assert to_epc_urn(digital_link, gcp_length) == urn


def test_a_upui_pattern_names_its_gtin_and_comes_back_as_an_sgtin_pattern():
    assert canonical_uri("urn:epc:idpat:upui:9521234.054321.*") == "https://id.gs1.org/01/09521234543213"
    assert to_epc_urn("https://id.gs1.org/01/09521234543213", 7) == "urn:epc:idpat:sgtin:9521234.054321.*"


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        # another domain, a path prefix, the query string and fragment dropped
        ("https://example.com/01/09521234543213/21/A7-x", "https://id.gs1.org/01/09521234543213/21/A7-x"),
        ("http://brand.example/shop/p/01/09521234543213/21/A7-x?17=270101&linkType=gs1:pip#top",
         "https://id.gs1.org/01/09521234543213/21/A7-x"),
        ("HTTPS://ID.GS1.ORG/01/09521234543213/10/L1/", "https://id.gs1.org/01/09521234543213/10/L1"),
        # GTIN-8, -12 and -13 written at full length
        ("https://id.gs1.org/01/95012346", "https://id.gs1.org/01/00000095012346"),
        ("https://id.gs1.org/01/614141000036", "https://id.gs1.org/01/00614141000036"),
        ("https://id.gs1.org/01/9521234543213", "https://id.gs1.org/01/09521234543213"),
        # Digital Link 1.0 short names
        ("https://example.org/gtin/09521234543213/lot/L1", "https://id.gs1.org/01/09521234543213/10/L1"),
        ("https://example.org/gln/9521234567899/glnx/7", "https://id.gs1.org/414/9521234567899/254/7"),
        ("https://example.org/sscc/195212340000000423", "https://id.gs1.org/00/195212340000000423"),
        # percent-encoding, decoded and encoded one way
        ("https://id.gs1.org/01/09521234543213/21/%41%37%2d%78",
         "https://id.gs1.org/01/09521234543213/21/A7-x"),
        ("https://id.gs1.org/01/09521234543213/21/a!b(c)*d+e,f:g", "https://id.gs1.org/01/09521234543213/21/"
         "a%21b%28c%29%2Ad%2Be%2Cf%3Ag"),
        ("https://id.gs1.org/01/09521234543213/21/a%2fb%3fc%25",
         "https://id.gs1.org/01/09521234543213/21/a%2Fb%3Fc%25"),
        ("https://id.gs1.org/01/09521234543213/21/it%27s", "https://id.gs1.org/01/09521234543213/21/it's"),
        # the finest qualifier only; the consumer product variant dropped; qualifier order lenient
        ("https://id.gs1.org/01/09521234543213/22/V2/10/L1/21/S9",
         "https://id.gs1.org/01/09521234543213/21/S9"),
        ("https://id.gs1.org/01/09521234543213/21/S9/10/L1", "https://id.gs1.org/01/09521234543213/21/S9"),
        ("https://id.gs1.org/01/09521234543213/22/V2/10/L1", "https://id.gs1.org/01/09521234543213/10/L1"),
        ("https://id.gs1.org/01/09521234543213/22/V2", "https://id.gs1.org/01/09521234543213"),
        ("https://id.gs1.org/8006/095212345432130304/10/L1/21/P1",
         "https://id.gs1.org/8006/095212345432130304/21/P1"),
        # a GLN extension 0 is the GLN itself (as in EPC URNs)
        ("https://id.gs1.org/414/9521234567899/254/0", "https://id.gs1.org/414/9521234567899"),
        # keys and qualifiers without an EPC scheme
        ("https://example.com/8013/1987654Ad4X4bL5ttr2310c2K",
         "https://id.gs1.org/8013/1987654Ad4X4bL5ttr2310c2K"),
        ("https://id.gs1.org/417/9521234567899/7040/1A2b", "https://id.gs1.org/417/9521234567899/7040/1A2b"),
        ("https://id.gs1.org/8018/952123412345678905/8019/42",
         "https://id.gs1.org/8018/952123412345678905/8019/42"),
        ("https://example.com/415/9521234567899/refno/INV-1",
         "https://id.gs1.org/415/9521234567899/8020/INV-1"),
        # URN spelling: the EPC prefix is case-insensitive, an unneeded escape is decoded, whitespace trimmed
        ("  URN:EPC:ID:SGTIN:9521234.054321.A%37-x \n", "https://id.gs1.org/01/09521234543213/21/A7-x"),
        ("urn:epc:id:sgtin:9521234.054321.a.b.c", "https://id.gs1.org/01/09521234543213/21/a.b.c"),
    ],
)
def test_spellings_of_a_key_canonicalise_to_one_digital_link(written, canonical):
    assert canonical_uri(written) == canonical


@pytest.mark.parametrize(
    "uri",
    [
        "https://transaction.acme.com/po/12345678",
        "http://www.opengis.net/def/crs/EPSG/0/27700",
        "https://example.com/01/not-a-gtin",  # looks like a path, but a GS1 key starts with digits
        "https://example.com/01/09521234543213/99/x",  # AI 99 is no key qualifier
        "https://id.gs1.org/",
        "urn:epcglobal:cbv:bt:9521234000004:4711",
        "urn:epc:id:gid:95100000.12345.400",
        "urn:epc:idpat:sgtin:9521234.*.*",
        "urn:epc:idpat:sscc:9521234.*",
        "urn:uuid:0d6f4dbb-2f3d-4c4f-9d6e-5f0f4b0b8a52",
        "geo:50.947573,6.922120",
        "urn:example:part:RU-1234",
    ],
)
def test_other_uris_are_opaque_and_kept(uri):
    assert parse_gs1(uri) is None
    assert canonical_uri(uri) == uri


def test_opaque_uris_are_only_trimmed():
    assert canonical_uri("  urn:example:x \t") == "urn:example:x"


@pytest.mark.parametrize(
    ("uri", "reason"),
    [
        ("https://id.gs1.org/01/09521234543214", "check digit should be 3, not 4"),
        ("https://example.com/01/09521234543214/21/1", "check digit"),
        ("https://id.gs1.org/00/195212340000000424", "check digit"),
        ("https://id.gs1.org/414/9521234567898", "check digit"),
        ("https://id.gs1.org/8017/952123451234567891", "check digit"),
        ("https://id.gs1.org/01/95212345432", "too short"),
        ("https://id.gs1.org/01/0952123454321300", "too long"),
        ("https://id.gs1.org/01/ABC", "must hold digits only"),
        ("https://id.gs1.org/01/09521234543213/21/" + "x" * 21, "too long"),
        ("https://id.gs1.org/01/09521234543213/21/caf%C3%A9", "GS1 characters"),
        ("https://id.gs1.org/01/09521234543213/21/a%zz", "percent-escape"),
        ("https://id.gs1.org/01/09521234543213/21/S1/235/T1", "not allowed"),
        ("https://id.gs1.org/01/09521234543213/21/S1/ser/S2", "appears twice"),
        ("https://id.gs1.org/8003/19521234000426", "must start with the digit 0"),
        ("https://id.gs1.org/8006/095212345432130503", "piece 05 of total 03"),
        ("https://id.gs1.org/8010/9521234PN/8011/042", "must not start with a zero"),
        ("https://id.gs1.org/8010/9521234pn", "CSET 39"),
        ("https://id.gs1.org/8004/ABC", "GS1 Company Prefix"),
        ("https://id.gs1.org/8013/1987654Ad4X4bL5ttr2310c2L", "check characters should be 2K"),
        ("https://id.gs1.org/417/9521234567899/7040/1A2!", "importer index"),
        ("urn:epc:id:sgtin:95212.0543210.1", "6 to 12 digits"),
        ("urn:epc:id:sgtin:9521234.54321.1", "13 digits together"),
        ("urn:epc:id:sgtin:9521234.054321.a/b", "must percent-escape"),
        ("urn:epc:id:sgtin:9521234.054321", "expected 3 fields"),
        ("urn:epc:id:sscc:9521234.10000000", "17 digits together"),
        ("urn:epc:id:sgln:9521234.56789.", "empty"),
        ("urn:epc:id:grai:9521234.00042.", "serial is empty"),
        ("urn:epc:id:cpi:9521234.PN.007", "must not start with a zero"),
        ("urn:epc:id:itip:9521234.054321.3.04.P1", "two digits each"),
        ("urn:epc:id:giai:9521234." + "X" * 24, "too long"),
    ],
)
def test_malformed_gs1_identifiers_raise_with_a_reason(uri, reason):
    with pytest.raises(InvalidIdentifier, match=re.escape(reason)):
        canonical_uri(uri)


def test_gs1_key_fields():
    assert parse_gs1("urn:epc:id:sgtin:9521234.054321.A7-x") == GS1Key(
        "sgtin", "01", "09521234543213", (("21", "A7-x"),), False
    )
    assert parse_gs1("urn:epc:class:lgtin:9521234.054321.L1") == GS1Key(
        "lgtin", "01", "09521234543213", (("10", "L1"),), True
    )
    assert parse_gs1("https://id.gs1.org/01/09521234543213").scheme == "gtin"
    assert parse_gs1("urn:epc:id:upui:9521234.054321.T").scheme == "upui"
    assert parse_gs1("urn:epc:idpat:grai:9521234.00042.*").is_class
    assert not parse_gs1("urn:epc:id:grai:9521234.00042.7").is_class
    assert parse_gs1("https://id.gs1.org/8013/1987654Ad4X4bL5ttr2310c2K") == GS1Key(
        "gmn", "8013", "1987654Ad4X4bL5ttr2310c2K", (), True
    )
    assert parse_gs1("urn:epc:id:sgln:9521234.56789.0").digital_link == "https://id.gs1.org/414/9521234567899"


@pytest.mark.parametrize(
    ("digital_link", "gcp_length", "reason"),
    [
        ("https://id.gs1.org/01/09521234543213/21/1", 5, "6 to 12 digits"),
        ("https://id.gs1.org/8004/9521234TOOL", 8, "cannot split"),
        ("https://id.gs1.org/8004/9521234", 7, "cannot split"),
        ("https://id.gs1.org/8013/1987654Ad4X4bL5ttr2310c2K", 7, "no EPC URN form"),
        ("https://id.gs1.org/414/9521234567899/7040/1A2b", 7, "no EPC URN form"),
        ("https://id.gs1.org/8018/952123412345678905/8019/42", 7, "no EPC URN form"),
        ("https://id.gs1.org/8006/095212345432130304/10/L1", 7, "no EPC URN form"),
        ("https://id.gs1.org/415/9521234567899/8020/INV-1", 7, "no EPC URN form"),
        ("https://example.com/not/gs1", 7, "not a GS1 key"),
    ],
)
def test_to_epc_urn_refuses_what_it_cannot_write(digital_link, gcp_length, reason):
    with pytest.raises(InvalidIdentifier, match=re.escape(reason)):
        to_epc_urn(digital_link, gcp_length)


def test_to_epc_urn_writes_sgln_extension_zero_and_pgln():
    assert to_epc_urn("https://id.gs1.org/414/9521234567899", 7) == "urn:epc:id:sgln:9521234.56789.0"
    assert to_epc_urn("https://id.gs1.org/417/9521234567899", 12) == "urn:epc:id:pgln:952123456789."


# ---------------------------------------------------------------------------------------------------------
# Constructors and accessors
# ---------------------------------------------------------------------------------------------------------


def test_constructors():
    gtin = make_gtin("9521234", "54321")
    assert gtin == "09521234543213"
    assert make_gtin("9521234", "54321", indicator="3") == "39521234543214"
    assert make_gln("9521234", "56789") == "9521234567899"
    assert make_sgtin(gtin, "A/1") == "https://id.gs1.org/01/09521234543213/21/A%2F1"
    assert make_sgtin("9521234543213", "1") == "https://id.gs1.org/01/09521234543213/21/1"
    assert make_lgtin(gtin, "L1") == "https://id.gs1.org/01/09521234543213/10/L1"
    assert make_sscc("9521234", "000000042", extension="1") == "https://id.gs1.org/00/195212340000000423"
    assert make_pgln("9521234567899") == "https://id.gs1.org/417/9521234567899"
    assert make_sgln("9521234567899") == "https://id.gs1.org/414/9521234567899"
    assert make_sgln("9521234567899", "dock-7") == "https://id.gs1.org/414/9521234567899/254/dock-7"


@pytest.mark.parametrize(
    "call",
    [
        lambda: make_gtin("9521234", "5432"),
        lambda: make_gtin("9521234", "54321", indicator="12"),
        lambda: make_gln("952123A", "56789"),
        lambda: make_sgtin("09521234543214", "1"),
        lambda: make_lgtin("09521234543213", ""),
        lambda: make_sscc("9521234", "42"),
        lambda: make_pgln("9521234567898"),
        lambda: make_sgln("9521234567899", "x" * 21),
    ],
)
def test_constructors_reject_bad_input(call):
    with pytest.raises(InvalidIdentifier):
        call()


def test_accessors():
    sgtin = "urn:epc:id:sgtin:9521234.054321.A7-x"
    assert (gtin_of(sgtin), lot_of(sgtin), serial_of(sgtin)) == ("09521234543213", None, "A7-x")
    lgtin = "https://id.gs1.org/01/09521234543213/10/L1"
    assert (gtin_of(lgtin), lot_of(lgtin), serial_of(lgtin)) == ("09521234543213", "L1", None)
    assert gtin_of("urn:epc:id:itip:9521234.054321.03.04.P1") == "09521234543213"
    assert serial_of("urn:epc:id:itip:9521234.054321.03.04.P1") == "P1"
    assert serial_of("urn:epc:id:grai:9521234.00042.R-17") == "R-17"
    assert serial_of("urn:epc:id:cpi:9521234.PN.42") == "42"
    assert serial_of("urn:epc:id:upui:9521234.054321.T9") == "T9"
    assert serial_of("urn:epc:idpat:gdti:9521234.00001.*") is None
    assert gtin_of("urn:epc:id:sscc:9521234.1000000042") is None
    opaque = "urn:example:x"
    assert (gtin_of(opaque), lot_of(opaque), serial_of(opaque)) == (None, None, None)


# ---------------------------------------------------------------------------------------------------------
# Check digits
# ---------------------------------------------------------------------------------------------------------


@given(st.text(alphabet="0123456789", min_size=1, max_size=30))
def test_check_digit_agrees_with_stdnum(digits):
    assert gs1_check_digit(digits) == ean.calc_check_digit(digits)


def test_check_digit_rejects_non_digits():
    with pytest.raises(InvalidIdentifier):
        gs1_check_digit("12a4")


def test_check_character_pair_of_the_gs1_general_specifications_example():
    assert gs1_check_pair("1987654Ad4X4bL5ttr2310c") == "2K"


# ---------------------------------------------------------------------------------------------------------
# Against GS1 reference data
# ---------------------------------------------------------------------------------------------------------


@cache
def _syntax_dictionary() -> dict[str, tuple[str, str]]:
    """AI -> (format, attributes) from the GS1 Barcode Syntax Dictionary."""
    entries = {}
    for line in SYNTAX_DICTIONARY.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        ai, rest = line.split(None, 1)
        body = rest.split("#", 1)[0].strip()
        tokens = body.split()
        if tokens and tokens[0][0] not in "NXYZ[":  # flags column
            tokens = tokens[1:]
        spec = [t for t in tokens if t[0] in "NXYZ["]
        attributes = [t for t in tokens if t[0] not in "NXYZ["]
        entries[ai] = (" ".join(spec), " ".join(attributes))
    return entries


@pytest.mark.parametrize("ai", sorted(AI_FORMATS))
def test_ai_formats_are_those_of_the_syntax_dictionary(ai):
    assert AI_FORMATS[ai] == _syntax_dictionary()[ai][0]


@pytest.mark.parametrize("ai", sorted(PRIMARY_KEYS))
def test_digital_link_primary_keys_and_qualifiers_are_those_of_the_syntax_dictionary(ai):
    attributes = _syntax_dictionary()[ai][1].split()
    dlpkey = next(a for a in attributes if a.startswith("dlpkey"))
    sequences = tuple(tuple(s.split(",")) for s in dlpkey.partition("=")[2].split("|") if s)
    assert PRIMARY_KEYS[ai].qualifier_sequences == sequences


def test_every_digital_link_primary_key_of_the_syntax_dictionary_is_known():
    primary = {ai for ai, (_, attributes) in _syntax_dictionary().items() if "dlpkey" in attributes}
    assert primary == set(PRIMARY_KEYS)


def test_short_names_are_those_of_the_digital_link_grammar():
    grammar = DL_GRAMMAR.read_text(encoding="utf-8")
    codes = re.findall(r'^\S+-code\s*=\s*"(\d+)"\s*/\s*%s"(\w+)"', grammar, re.M)
    assert {name: code for code, name in codes if code in AI_FORMATS} == DL_SHORT_NAMES


def test_character_sets_are_those_of_the_tag_data_translation_files():
    option = etree.parse(str(TDT / "SGTIN-198.xml")).find(".//{*}level[@type='PURE_IDENTITY']/{*}option")
    pattern = option.get("pattern")
    serial_class = re.search(r"\.\((\[[^\]]+\])\{1,20\}\)$", pattern).group(1)
    assert {chr(c) for c in range(128) if re.fullmatch(serial_class, chr(c))} == set(CSET_82)
    assert set(CSET_39) == set("#-/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _tdt_numeric_options() -> list[tuple[str, int, str, str]]:
    """(file, company prefix length, EPC URN pattern, element string pattern) of the numeric TDT schemes."""
    options = []
    for path in sorted(TDT.glob("*.xml")):
        root = etree.parse(str(path)).getroot()
        levels = {level.get("type"): level for level in root.iter("{*}level")}
        if "PURE_IDENTITY" not in levels or "ELEMENT_STRING" not in levels:
            continue
        element_options = levels["ELEMENT_STRING"].iter("{*}option")
        element_strings = {option.get("optionKey"): option.get("pattern") for option in element_options}
        for option in levels["PURE_IDENTITY"].iter("{*}option"):
            pattern = option.get("pattern")
            if "[0-9]" in pattern and "[!" not in pattern:
                key = option.get("optionKey")
                options.append((path.name, int(key), pattern, element_strings[key]))
    return options


TDT_OPTIONS = _tdt_numeric_options()


def test_tag_data_translation_files_were_read():
    assert {name for name, *_ in TDT_OPTIONS} >= {"SGTIN-96.xml", "SSCC-96.xml", "SGLN-96.xml", "GRAI-96.xml",
                                                   "GIAI-96.xml", "GSRN-96.xml", "GDTI-96.xml"}


@pytest.mark.parametrize(("name", "gcp_length", "urn_pattern", "element_pattern"), TDT_OPTIONS,
                         ids=[f"{name}-{gcp}" for name, gcp, *_ in TDT_OPTIONS])
@settings(max_examples=25)
@given(data=st.data())
def test_epc_urns_of_the_tag_data_translation_files(name, gcp_length, urn_pattern, element_pattern, data):
    urn = data.draw(st.from_regex(urn_pattern, fullmatch=True))
    assume(not urn.startswith("urn:epc:id:sgln:") or not urn.endswith(".0"))  # extension 0: no AI 254
    key = parse_gs1(urn)
    assert to_epc_urn(canonical_uri(urn), gcp_length) == urn
    element_string = key.ai + key.key + "".join(ai + value for ai, value in key.qualifiers)
    assert re.fullmatch(element_pattern, element_string)


# ---------------------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------------------

URN_ESCAPES = {'"': "%22", "%": "%25", "&": "%26", "/": "%2F", "<": "%3C", ">": "%3E", "?": "%3F", "#": "%23"}


def _urn_escaped(text: str) -> str:
    return "".join(URN_ESCAPES.get(char, char) for char in text)


def _digits(length: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=length, max_size=length)


def _gs1_text(max_size: int, alphabet: str = CSET_82) -> st.SearchStrategy[str]:
    return st.text(alphabet=alphabet, min_size=1, max_size=max_size)


@st.composite
def epc_urns(draw) -> tuple[str, int]:
    """A canonical EPC URN of any scheme, with its company prefix length."""
    scheme = draw(st.sampled_from(["sgtin", "upui", "lgtin", "sscc", "sgln", "pgln", "grai", "giai", "gsrn",
                                   "gsrnp", "gdti", "cpi", "sgcn", "ginc", "gsin", "itip"]))
    gcp_length = draw(st.integers(6, 12))
    gcp = draw(_digits(gcp_length))
    item = draw(_digits(13 - gcp_length))
    reference = draw(_digits(12 - gcp_length))
    pattern = draw(st.booleans()) and scheme in ("sgtin", "grai", "gdti", "sgcn", "cpi", "itip")
    kind = "idpat" if pattern else "class" if scheme == "lgtin" else "id"
    if scheme in ("sgtin", "upui", "lgtin"):
        last = "*" if pattern else _urn_escaped(draw(_gs1_text(28 if scheme == "upui" else 20)))
        body = f"{gcp}.{item}.{last}"
    elif scheme == "itip":
        total = draw(st.integers(1, 99))
        piece = draw(st.integers(1, total))
        last = "*" if pattern else _urn_escaped(draw(_gs1_text(20)))
        body = f"{gcp}.{item}.{piece:02d}.{total:02d}.{last}"
    elif scheme == "sscc":
        body = f"{gcp}.{draw(_digits(17 - gcp_length))}"
    elif scheme == "sgln":
        extension = draw(st.one_of(st.just("0"), _gs1_text(20)))
        body = f"{gcp}.{reference}.{_urn_escaped(extension)}"
    elif scheme == "pgln":
        body = f"{gcp}.{reference}"
    elif scheme in ("grai", "gdti"):
        last = "*" if pattern else _urn_escaped(draw(_gs1_text(16 if scheme == "grai" else 17)))
        body = f"{gcp}.{reference}.{last}"
    elif scheme == "sgcn":
        body = f"{gcp}.{reference}.{'*' if pattern else draw(st.text('0123456789', min_size=1, max_size=12))}"
    elif scheme in ("giai", "ginc"):
        body = f"{gcp}.{_urn_escaped(draw(_gs1_text(30 - gcp_length)))}"
    elif scheme == "cpi":
        part = _urn_escaped(draw(_gs1_text(30 - gcp_length, CSET_39)))
        serial = "*" if pattern else str(draw(st.integers(0, 10**12 - 1)))
        body = f"{gcp}.{part}.{serial}"
    elif scheme in ("gsrn", "gsrnp"):
        body = f"{gcp}.{draw(_digits(17 - gcp_length))}"
    else:  # gsin
        body = f"{gcp}.{draw(_digits(16 - gcp_length))}"
    return f"urn:epc:{kind}:{scheme}:{body}", gcp_length


@given(epc_urns())
def test_epc_urn_to_digital_link_and_back(urn_and_gcp_length):
    urn, gcp_length = urn_and_gcp_length
    digital_link = canonical_uri(urn)
    assert digital_link.startswith("https://id.gs1.org/")
    assert to_epc_urn(digital_link, gcp_length) == urn


def _percent_encode_all(text: str) -> str:
    return "".join(f"%{ord(char):02x}" for char in text)


def _percent_encode_delimiters(text: str) -> str:
    """Only what a URI path cannot hold as-is; every other GS1 character written raw."""
    return re.sub(r"[%/?#]", lambda match: f"%{ord(match.group()):02X}", text)


@given(
    epc_urns(),
    st.sampled_from(["https://example.com", "http://brand.example:8080", "https://id.gs1.org"]),
    st.sampled_from(["", "/shop", "/a/b-c/products"]),
    st.booleans(),
    st.sampled_from(["", "?17=270101", "?linkType=gs1:pip&x=%2F", "#frag"]),
)
def test_any_spelling_of_a_digital_link_canonicalises_to_the_same_value(urn_and_gcp_length, domain, prefix,
                                                                        encode_everything, query):
    canonical = canonical_uri(urn_and_gcp_length[0])
    key = parse_gs1(canonical)
    encode = _percent_encode_all if encode_everything else _percent_encode_delimiters
    path = f"/{key.ai}/{encode(key.key)}" + "".join(f"/{ai}/{encode(value)}" for ai, value in key.qualifiers)
    assert canonical_uri(domain + prefix + path + query) == canonical


@given(st.one_of(epc_urns().map(lambda pair: pair[0]), epc_urns().map(lambda pair: canonical_uri(pair[0])),
                 st.text(max_size=60), st.text(max_size=40).map(lambda t: "https://example.com/01/" + t)))
def test_canonical_uri_is_idempotent(value):
    try:
        canonical = canonical_uri(value)
    except InvalidIdentifier:
        assume(False)
    assert canonical_uri(canonical) == canonical
