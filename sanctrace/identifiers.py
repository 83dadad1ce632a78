"""GS1 identification keys in one canonical form, whichever way a reporter wrote them.

The same object may be written as an EPC URN (TDS 2.x: `urn:epc:id:sgtin:0614141.107346.2017`), an EPC
class or pattern URN (`urn:epc:class:lgtin:...`, `urn:epc:idpat:sgtin:...*`) or a GS1 Digital Link URI on
any domain, behind any path prefix (`https://example.com/shop/01/10614141073464/21/2017?17=250101`).
`canonical_uri` maps all of them to the form the CBV 2.0 event hash uses: an uncompressed Digital Link on
`https://id.gs1.org` carrying the primary key and its finest key qualifier only, numeric keys at full length
(GTIN-14) and every AI value percent-encoded one way:

    urn:epc:id:sgtin:0614141.107346.2017     -> https://id.gs1.org/01/10614141073464/21/2017
    urn:epc:id:sgln:0614141.07346.1234       -> https://id.gs1.org/414/0614141073467/254/1234
    urn:epc:class:lgtin:0614141.107346.LOT   -> https://id.gs1.org/01/10614141073464/10/LOT
    urn:epc:idpat:sgtin:0614141.107346.*     -> https://id.gs1.org/01/10614141073464

Key qualifiers kept (CBV 2.0 event hash, "most fine-granular level"): a serial (21) wins over a lot (10),
the consumer product variant (22) is dropped, an SGLN extension `0` is the GLN itself. Query strings (data
attributes) and fragments never belong to the key. Any URI that is neither a GS1 EPC URN nor a Digital Link
is an opaque identifier, kept as written (surrounding whitespace removed). A GS1 URN or Digital Link that
breaks its syntax (check digit, length, character set) raises `InvalidIdentifier`.

AI value formats are written in the notation of the GS1 Barcode Syntax Dictionary (N: digits, X: the
82-character set, Y: the 39-character set, `..n`: up to n, `[...]`: optional, linters after commas).
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from sanctrace.errors import InvalidIdentifier

GS1_RESOLVER = "https://id.gs1.org"

CSET_82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
CSET_39 = "#-/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_CSET_32 = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # check character pair of alphanumeric keys (GMN)
_CSET_64 = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"  # importer index
_CHARSETS = {"N": frozenset(string.digits), "X": frozenset(CSET_82), "Y": frozenset(CSET_39)}
_CHARSET_NAMES = {"N": "digits", "X": "GS1 characters (CSET 82)", "Y": "CSET 39 characters"}
_PRIMES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83)

# Characters percent-encoded in a canonical Digital Link value: all but letters, digits and -._';=
# (as the CBV 2.0 hash reference vectors do: the apostrophe, ';' and '=' stay unescaped).
_DL_ESCAPED = re.compile(r"[^A-Za-z0-9\-._';=]")
# Characters an EPC URN component must escape (TDS 2.x); '#' only occurs in CPI component/part references.
_URN_ESCAPED = re.compile(r'["%&/<>?#]')
_URN_RAW = frozenset(string.ascii_letters + string.digits + "!'()*+,-.:;=_")
_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")

# ---------------------------------------------------------------------------------------------------------
# Check digits
# ---------------------------------------------------------------------------------------------------------


def gs1_check_digit(digits: str) -> str:
    """The GS1 mod-10 check digit for `digits` (the key without its check digit), as a string."""
    if not digits.isdigit() or not digits.isascii():
        raise InvalidIdentifier(f"a GS1 check digit is computed over digits only, got {digits!r}")
    weighted_three = sum(map(int, digits[-1::-2]))  # the rightmost digit and every second one leftwards
    weighted_one = sum(map(int, digits[-2::-2]))
    return str(-(3 * weighted_three + weighted_one) % 10)


def gs1_check_pair(characters: str) -> str:
    """The two check characters of an alphanumeric key (GMN), for `characters` in CSET 82."""
    weights = _PRIMES[: len(characters)][::-1]
    total = sum(CSET_82.index(char) * weight for char, weight in zip(characters, weights)) % 1021
    return _CSET_32[total // 32] + _CSET_32[total % 32]


# ---------------------------------------------------------------------------------------------------------
# Application Identifier value formats
# ---------------------------------------------------------------------------------------------------------

AI_FORMATS = {
    "00": "N18,csum,gcppos2",
    "01": "N14,csum,gcppos2",
    "10": "X..20",
    "21": "X..20",
    "22": "X..20",
    "235": "X..28",
    "253": "N13,csum,gcppos1 [X..17]",
    "254": "X..20",
    "255": "N13,csum,gcppos1 [N..12]",
    "401": "X..30,gcppos1",
    "402": "N17,csum,gcppos1",
    "414": "N13,csum,gcppos1",
    "415": "N13,csum,gcppos1",
    "417": "N13,csum,gcppos1",
    "7040": "N1 X1 X1 X1,importeridx",
    "8003": "N1,zero N13,csum,gcppos1 [X..16]",
    "8004": "X..30,gcppos1",
    "8006": "N14,csum,gcppos2 N4,pieceoftotal",
    "8010": "Y..30,gcppos1",
    "8011": "N..12,nozeroprefix",
    "8013": "X..25,csumalpha,gcppos1",
    "8017": "N18,csum,gcppos1",
    "8018": "N18,csum,gcppos1",
    "8019": "N..10",
    "8020": "X..25",
}
"""Format of every AI a canonical key may hold (checked against the GS1 Barcode Syntax Dictionary)."""

AI_TITLES = {
    "00": "SSCC", "01": "GTIN", "10": "batch/lot", "21": "serial number", "22": "consumer product variant",
    "235": "third-party serial extension (TPX)", "253": "GDTI", "254": "GLN extension", "255": "GCN",
    "401": "GINC", "402": "GSIN", "414": "GLN", "415": "pay-to GLN", "417": "party GLN",
    "7040": "UIC with extension", "8003": "GRAI", "8004": "GIAI", "8006": "ITIP", "8010": "CPID",
    "8011": "CPID serial", "8013": "GMN", "8017": "GSRN of the provider", "8018": "GSRN of the recipient",
    "8019": "SRIN", "8020": "payment slip reference",
}


@dataclass(frozen=True, slots=True)
class _Component:
    """One component of an AI format: a character set, a length range and linters."""

    charset: str
    min_length: int
    max_length: int
    linters: tuple[str, ...]
    optional: bool


def _parse_format(spec: str) -> tuple[_Component, ...]:
    components = []
    for token in spec.split():
        optional = token.startswith("[")
        kind, *linters = token.strip("[]").split(",")
        charset, length = kind[0], kind[1:]
        if length.startswith(".."):
            low, high = (0 if optional else 1), int(length[2:])
        else:
            low = high = int(length)
        components.append(_Component(charset, low, high, tuple(linters), optional))
    return tuple(components)


_FORMATS = {ai: _parse_format(spec) for ai, spec in AI_FORMATS.items()}


def _invalid(ai: str, value: str, reason: str) -> InvalidIdentifier:
    return InvalidIdentifier(f"{AI_TITLES[ai]} (AI {ai}) {value!r}: {reason}")


def _check_ai_value(ai: str, value: str) -> None:
    """Raise InvalidIdentifier unless `value` matches the format of `ai`, check digits included."""
    position = 0
    for component in _FORMATS[ai]:
        fixed = component.min_length == component.max_length
        part = value[position: position + component.max_length] if fixed else value[position:]
        if not part and component.optional:
            break
        allowed = _CHARSETS[component.charset]
        if not allowed.issuperset(part):
            bad = "".join(sorted(set(part) - allowed))
            raise _invalid(ai, value, f"must hold {_CHARSET_NAMES[component.charset]} only, found {bad!r}")
        if fixed and len(part) < component.max_length:
            raise _invalid(ai, value, f"too short (format {AI_FORMATS[ai]})")
        if len(part) > component.max_length:
            raise _invalid(ai, value, f"too long (format {AI_FORMATS[ai]})")
        if not part:
            raise _invalid(ai, value, "empty")
        for linter in component.linters:
            _LINTERS[linter](ai, value, part)
        position += len(part)
    if position < len(value):
        raise _invalid(ai, value, f"too long (format {AI_FORMATS[ai]})")


def _lint_check_digit(ai: str, value: str, part: str) -> None:
    expected = gs1_check_digit(part[:-1])
    if part[-1] != expected:
        raise _invalid(ai, value, f"check digit should be {expected}, not {part[-1]}")


def _lint_check_pair(ai: str, value: str, part: str) -> None:
    if len(part) < 3:
        raise _invalid(ai, value, "too short for its two check characters")
    expected = gs1_check_pair(part[:-2])
    if part[-2:] != expected:
        raise _invalid(ai, value, f"check characters should be {expected}, not {part[-2:]}")


def _lint_company_prefix_at(offset: int) -> Callable[[str, str, str], None]:
    def lint(ai: str, value: str, part: str) -> None:
        prefix = part[offset: offset + 4]
        if len(prefix) < 4 or not prefix.isdigit():
            raise _invalid(ai, value, "must start with a GS1 Company Prefix (at least 4 digits)")

    return lint


def _lint_zero(ai: str, value: str, part: str) -> None:
    if part != "0":
        raise _invalid(ai, value, "must start with the digit 0")


def _lint_piece_of_total(ai: str, value: str, part: str) -> None:
    piece, total = int(part[:2]), int(part[2:])
    if not 1 <= piece <= total:
        raise _invalid(ai, value, f"piece {part[:2]} of total {part[2:]} is impossible")


def _lint_no_zero_prefix(ai: str, value: str, part: str) -> None:
    if len(part) > 1 and part[0] == "0":
        raise _invalid(ai, value, "must not start with a zero")


def _lint_importer_index(ai: str, value: str, part: str) -> None:
    if part not in _CSET_64:
        raise _invalid(ai, value, f"importer index {part!r} must be a letter, digit, '-' or '_'")


_LINTERS = {
    "csum": _lint_check_digit,
    "csumalpha": _lint_check_pair,
    "gcppos1": _lint_company_prefix_at(0),
    "gcppos2": _lint_company_prefix_at(1),
    "zero": _lint_zero,
    "pieceoftotal": _lint_piece_of_total,
    "nozeroprefix": _lint_no_zero_prefix,
    "importeridx": _lint_importer_index,
}

# ---------------------------------------------------------------------------------------------------------
# Primary keys and their qualifiers
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PrimaryKey:
    """A primary-key AI: its EPC scheme and the key qualifier sequences it accepts (GS1 Digital Link)."""

    scheme: str
    qualifier_sequences: tuple[tuple[str, ...], ...] = ()

    @property
    def qualifiers(self) -> frozenset[str]:
        return frozenset(ai for sequence in self.qualifier_sequences for ai in sequence)


PRIMARY_KEYS = {
    "00": PrimaryKey("sscc"),
    "01": PrimaryKey("sgtin", (("22", "10", "21"), ("235",))),
    "253": PrimaryKey("gdti"),
    "255": PrimaryKey("sgcn"),
    "401": PrimaryKey("ginc"),
    "402": PrimaryKey("gsin"),
    "414": PrimaryKey("sgln", (("254",), ("7040",))),
    "415": PrimaryKey("payto", (("8020",),)),
    "417": PrimaryKey("pgln", (("7040",),)),
    "8003": PrimaryKey("grai"),
    "8004": PrimaryKey("giai", (("7040",),)),
    "8006": PrimaryKey("itip", (("22", "10", "21"),)),
    "8010": PrimaryKey("cpi", (("8011",),)),
    "8013": PrimaryKey("gmn"),
    "8017": PrimaryKey("gsrnp", (("8019",),)),
    "8018": PrimaryKey("gsrn", (("8019",),)),
}
"""The primary keys of GS1 Digital Link, by AI (checked against the Syntax Dictionary's `dlpkey`)."""

DL_SHORT_NAMES = {
    "gtin": "01", "itip": "8006", "gmn": "8013", "cpid": "8010", "gln": "414", "party": "417",
    "gsrnp": "8017", "gsrn": "8018", "gcn": "255", "sscc": "00", "gdti": "253", "ginc": "401",
    "gsin": "402", "grai": "8003", "giai": "8004", "cpv": "22", "lot": "10", "ser": "21", "cpsn": "8011",
    "glnx": "254", "srin": "8019", "refno": "8020",
}
"""The short names GS1 Digital Link 1.0 allowed instead of AIs in paths (still read, never written)."""
_PATH_AI = {**{ai: ai for ai in AI_FORMATS}, **DL_SHORT_NAMES}

# Where the serial part starts in keys that carry it after their check digit.
_SERIAL_OFFSET = {"253": 13, "255": 13, "8003": 14}


@dataclass(frozen=True, slots=True)
class GS1Key:
    """A GS1 key in canonical form: the primary key and the qualifiers the canonical Digital Link keeps.

    `scheme` is the EPC scheme (sgtin, sscc, sgln, ...), `lgtin` for a GTIN with a lot, `gtin` for a bare
    GTIN, and for the keys without an EPC scheme `gmn` (GMN) and `payto` (pay-to GLN with a payment
    reference); `is_class` says the key names a class of objects rather than one object.
    Values are plain (not percent-encoded).
    """

    scheme: str
    ai: str
    key: str
    qualifiers: tuple[tuple[str, str], ...] = ()
    is_class: bool = False

    @property
    def digital_link(self) -> str:
        """The canonical GS1 Digital Link URI."""
        path = f"/{self.ai}/{_dl_encode(self.key)}"
        for ai, value in self.qualifiers:
            path += f"/{ai}/{_dl_encode(value)}"
        return GS1_RESOLVER + path


def _escape(match: re.Match[str]) -> str:
    return f"%{ord(match.group()):02X}"


def _dl_encode(value: str) -> str:
    return _DL_ESCAPED.sub(_escape, value)


def _urn_encode(value: str) -> str:
    return _URN_ESCAPED.sub(_escape, value)


def _unescape(match: re.Match[str]) -> str:
    return chr(int(match.group(1), 16))


def _percent_decode(text: str, what: str) -> str:
    decoded = _PERCENT.sub(_unescape, text)
    if "%" in _PERCENT.sub("", text):
        raise InvalidIdentifier(f"{what} {text!r}: '%' must start a percent-escape like %2F")
    return decoded


def _gs1_key(ai: str, key: str, qualifiers: list[tuple[str, str]]) -> GS1Key:
    """Check a primary key and its qualifiers, then reduce them to the canonical key."""
    primary = PRIMARY_KEYS[ai]
    _check_ai_value(ai, key)
    present = dict(qualifiers)
    if len(present) != len(qualifiers):
        raise InvalidIdentifier(f"{AI_TITLES[ai]} {key!r}: a key qualifier appears twice")
    sequence: tuple[str, ...] | None = ()
    if present:
        sequence = next((s for s in primary.qualifier_sequences if present.keys() <= set(s)), None)
    if sequence is None:
        allowed = " or ".join("/".join(s) for s in primary.qualifier_sequences) or "none"
        raise InvalidIdentifier(
            f"{AI_TITLES[ai]} {key!r}: key qualifiers {'/'.join(present)} not allowed (allowed: {allowed})"
        )
    for qualifier, value in qualifiers:
        _check_ai_value(qualifier, value)
    return _canonical_key(ai, key, [(q, present[q]) for q in sequence if q in present])


def _canonical_key(ai: str, key: str, qualifiers: list[tuple[str, str]]) -> GS1Key:
    present = dict(qualifiers)
    if ai in ("01", "8006"):
        finest = next((q for q in ("21", "235", "10") if q in present), None)
        qualifiers = [(finest, present[finest])] if finest else []
    elif present.get("254") == "0":
        qualifiers = []
    kept = {q for q, _ in qualifiers}
    scheme = PRIMARY_KEYS[ai].scheme
    if ai == "01":
        scheme = "sgtin" if "21" in kept else "upui" if "235" in kept else "lgtin" if "10" in kept else "gtin"
        is_class = scheme in ("gtin", "lgtin")
    elif ai == "8006":
        is_class = "21" not in kept
    elif ai == "8010":
        is_class = "8011" not in kept
    elif ai in _SERIAL_OFFSET:
        is_class = len(key) == _SERIAL_OFFSET[ai]
    else:
        is_class = ai == "8013"
    return GS1Key(scheme, ai, key, tuple(qualifiers), is_class)


# ---------------------------------------------------------------------------------------------------------
# EPC URNs (TDS 2.x pure identities, the LGTIN class and ID patterns)
# ---------------------------------------------------------------------------------------------------------

_EPC_URN = re.compile(r"(?i)urn:epc:(id|class|idpat):([a-z]+):(.*)")


def _company_prefix(scheme: str, prefix: str, reference: str, total: int | None = None) -> None:
    """Check a GS1 Company Prefix and the reference that follows it (together `total` digits)."""
    if not (prefix.isdigit() and prefix.isascii() and 6 <= len(prefix) <= 12):
        raise InvalidIdentifier(f"EPC {scheme}: GS1 Company Prefix {prefix!r} must be 6 to 12 digits")
    if total is not None:
        if not (reference.isdigit() or reference == "") or not reference.isascii():
            raise InvalidIdentifier(f"EPC {scheme}: reference {reference!r} must be digits")
        if len(prefix) + len(reference) != total:
            raise InvalidIdentifier(
                f"EPC {scheme}: company prefix {prefix} and reference {reference} must have {total} digits "
                f"together, not {len(prefix) + len(reference)}"
            )


def _urn_text(scheme: str, component: str, what: str) -> str:
    """Decode an alphanumeric EPC URN component (TDS escapes) into its plain value."""
    raw = _PERCENT.sub("", component)
    bad = sorted({char for char in raw if char not in _URN_RAW})
    if bad:
        raise InvalidIdentifier(
            f"EPC {scheme}: {what} {component!r} holds {''.join(bad)!r}, which an EPC URN must percent-escape"
        )
    return _percent_decode(component, f"EPC {scheme} {what}")


def _with_check_digit(digits: str) -> str:
    return digits + gs1_check_digit(digits)


def _gtin_of_urn(scheme: str, prefix: str, item: str) -> str:
    _company_prefix(scheme, prefix, item, 13)
    return _with_check_digit(item[:1] + prefix + item[1:])


def _urn_sgtin(scheme: str, fields: list[str], is_class: bool) -> GS1Key:
    prefix, item, serial = fields
    gtin = _gtin_of_urn(scheme, prefix, item)
    if is_class:
        return _gs1_key("01", gtin, [])
    ai = "235" if scheme == "upui" else "21"
    return _gs1_key("01", gtin, [(ai, _urn_text(scheme, serial, "serial"))])


def _urn_lgtin(scheme: str, fields: list[str], _: bool) -> GS1Key:
    prefix, item, lot = fields
    return _gs1_key("01", _gtin_of_urn(scheme, prefix, item), [("10", _urn_text(scheme, lot, "lot"))])


def _urn_sscc(scheme: str, fields: list[str], _: bool) -> GS1Key:
    prefix, reference = fields
    _company_prefix(scheme, prefix, reference, 17)
    return _gs1_key("00", _with_check_digit(reference[:1] + prefix + reference[1:]), [])


def _urn_sgln(scheme: str, fields: list[str], _: bool) -> GS1Key:
    prefix, location, extension = fields
    _company_prefix(scheme, prefix, location, 12)
    qualifiers = [("254", _urn_text(scheme, extension, "extension"))]
    return _gs1_key("414", _with_check_digit(prefix + location), qualifiers)


def _urn_pgln(scheme: str, fields: list[str], _: bool) -> GS1Key:
    prefix, party = fields
    _company_prefix(scheme, prefix, party, 12)
    return _gs1_key("417", _with_check_digit(prefix + party), [])


def _urn_serialised_after_check(scheme: str, fields: list[str], is_class: bool) -> GS1Key:
    """GRAI, GDTI, GCN: company prefix and reference (12 digits), check digit, then the serial."""
    prefix, reference, serial = fields
    _company_prefix(scheme, prefix, reference, 12)
    ai = {"grai": "8003", "gdti": "253", "sgcn": "255"}[scheme]
    key = ("0" if ai == "8003" else "") + _with_check_digit(prefix + reference)
    if not is_class:
        key += _required(scheme, serial if ai == "255" else _urn_text(scheme, serial, "serial"), "serial")
    return _gs1_key(ai, key, [])


def _urn_alphanumeric(scheme: str, fields: list[str], is_class: bool) -> GS1Key:
    """GIAI, GINC, CPI: the company prefix, then an alphanumeric reference (and the CPI serial)."""
    prefix, reference, *serial = fields
    _company_prefix(scheme, prefix, reference)
    key = prefix + _required(scheme, _urn_text(scheme, reference, "reference"), "reference")
    if scheme != "cpi":
        return _gs1_key("401" if scheme == "ginc" else "8004", key, [])
    return _gs1_key("8010", key, [] if is_class else [("8011", serial[0])])


def _urn_numeric(scheme: str, fields: list[str], _: bool) -> GS1Key:
    """GSRN, GSRN-P, GSIN: company prefix and reference, then the check digit."""
    prefix, reference = fields
    ai, length = {"gsrn": ("8018", 17), "gsrnp": ("8017", 17), "gsin": ("402", 16)}[scheme]
    _company_prefix(scheme, prefix, reference, length)
    return _gs1_key(ai, _with_check_digit(prefix + reference), [])


def _urn_itip(scheme: str, fields: list[str], is_class: bool) -> GS1Key:
    prefix, item, piece, total, serial = fields
    gtin = _gtin_of_urn(scheme, prefix, item)
    if not (len(piece) == len(total) == 2 and (piece + total).isdigit()):
        raise InvalidIdentifier(f"EPC itip: piece {piece!r} and total {total!r} must be two digits each")
    qualifiers = [] if is_class else [("21", _urn_text(scheme, serial, "serial"))]
    return _gs1_key("8006", gtin + piece + total, qualifiers)


def _required(scheme: str, value: str, what: str) -> str:
    if not value:
        raise InvalidIdentifier(f"EPC {scheme}: the {what} is empty")
    return value


_URNParser = Callable[[str, list[str], bool], GS1Key]

# scheme -> (number of dot-separated fields, parser, whether `*` in the last field names a class);
# the same schemes serve pure identities (urn:epc:id:) and patterns (urn:epc:idpat:).
_URN_SCHEMES: dict[str, tuple[int, _URNParser, bool]] = {
    "sgtin": (3, _urn_sgtin, True),
    "upui": (3, _urn_sgtin, True),
    "sscc": (2, _urn_sscc, False),
    "sgln": (3, _urn_sgln, False),
    "pgln": (2, _urn_pgln, False),
    "grai": (3, _urn_serialised_after_check, True),
    "gdti": (3, _urn_serialised_after_check, True),
    "sgcn": (3, _urn_serialised_after_check, True),
    "giai": (2, _urn_alphanumeric, False),
    "ginc": (2, _urn_alphanumeric, False),
    "cpi": (3, _urn_alphanumeric, True),
    "gsrn": (2, _urn_numeric, False),
    "gsrnp": (2, _urn_numeric, False),
    "gsin": (2, _urn_numeric, False),
    "itip": (5, _urn_itip, True),
}
_URN_CLASS_SCHEMES: dict[str, tuple[int, _URNParser, bool]] = {"lgtin": (3, _urn_lgtin, False)}


def _parse_epc_urn(match: re.Match[str]) -> GS1Key | None:
    kind, scheme, body = match.group(1).lower(), match.group(2).lower(), match.group(3)
    schemes = _URN_CLASS_SCHEMES if kind == "class" else _URN_SCHEMES
    if scheme not in schemes:
        return None  # an EPC scheme without a GS1 key (gid, usdod, adi, bic, imovn...)
    count, parse, class_pattern = schemes[scheme]
    fields = body.split(".", count - 1)
    if len(fields) != count:
        raise InvalidIdentifier(f"EPC {scheme} {body!r}: expected {count} fields separated by '.'")
    is_class = kind == "idpat" and "*" in fields
    if is_class and (not class_pattern or fields.index("*") != count - 1):
        return None  # a pattern wider than one class: no Digital Link names it
    return parse(scheme, fields, is_class)


# ---------------------------------------------------------------------------------------------------------
# GS1 Digital Link URIs
# ---------------------------------------------------------------------------------------------------------

_HTTP_URI = re.compile(r"(?i)https?://([^/?#]*)([^?#]*)")


def _parse_digital_link(match: re.Match[str]) -> GS1Key | None:
    host = match.group(1).lower()
    segments = match.group(2).split("/")[1:]
    if segments and not segments[-1]:
        segments.pop()
    strict = host == "id.gs1.org"
    for index, segment in enumerate(segments):
        ai = _PATH_AI.get(segment)
        if ai not in PRIMARY_KEYS:
            continue
        rest = segments[index + 1:]
        if len(rest) % 2 == 0:
            continue
        pairs = [(_PATH_AI.get(rest[i], ""), rest[i + 1]) for i in range(1, len(rest), 2)]
        if any(q not in PRIMARY_KEYS[ai].qualifiers for q, _ in pairs):
            continue
        if not strict and not _PERCENT.sub(_unescape, rest[0])[:1].isdigit():
            continue  # GS1 keys start with the company prefix: this path only looks like a Digital Link
        return _digital_link_key(ai, rest[0], pairs)
    if strict and segments and segments[0] in _PATH_AI:
        raise InvalidIdentifier(f"{match.group(0)!r} is not a valid GS1 Digital Link path")
    return None


def _digital_link_key(ai: str, raw_key: str, raw_qualifiers: list[tuple[str, str]]) -> GS1Key:
    key = _percent_decode(raw_key, f"{AI_TITLES[ai]} (AI {ai})")
    if ai == "01" and key.isdigit() and len(key) in (8, 12, 13):
        key = key.zfill(14)  # GTIN-8, -12 and -13 are written as GTIN-14
    qualifiers = [(q, _percent_decode(v, f"{AI_TITLES[q]} (AI {q})")) for q, v in raw_qualifiers]
    return _gs1_key(ai, key, qualifiers)


# ---------------------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------------------


@lru_cache(maxsize=1 << 16)
def parse_gs1(value: str) -> GS1Key | None:
    """The canonical GS1 key of an EPC URN or Digital Link; None for any other URI.

    Raises InvalidIdentifier for a GS1 URN / Digital Link that breaks its syntax.
    """
    text = value.strip()
    if text[:8].lower() == "urn:epc:":
        match = _EPC_URN.fullmatch(text)
        return _parse_epc_urn(match) if match else None
    if text[:4].lower() == "http":
        match = _HTTP_URI.match(text)
        return _parse_digital_link(match) if match else None
    return None


@lru_cache(maxsize=1 << 16)
def canonical_uri(value: str) -> str:
    """The canonical form of an identifier: the GS1 Digital Link of a GS1 key, else the URI as written."""
    key = parse_gs1(value)
    return key.digital_link if key else value.strip()


def to_epc_urn(value: str, gcp_length: int) -> str:
    """The EPC URN of a GS1 key (pure identity, `urn:epc:class:lgtin:` or a class-level `urn:epc:idpat:`).

    The Digital Link does not say where the GS1 Company Prefix ends: `gcp_length` does.
    """
    key = parse_gs1(value)
    if key is None:
        raise InvalidIdentifier(f"{value!r} is not a GS1 key")
    if not 6 <= gcp_length <= 12:
        raise InvalidIdentifier(f"an EPC needs a GS1 Company Prefix of 6 to 12 digits, not {gcp_length}")
    qualifiers = dict(key.qualifiers)
    no_epc = qualifiers.keys() & {"7040", "8019"} or (key.ai == "8006" and "10" in qualifiers)
    if key.ai not in _EPC_FORMATTERS or no_epc:
        raise InvalidIdentifier(f"{key.digital_link} has no EPC URN form")
    return _EPC_FORMATTERS[key.ai](key, qualifiers, gcp_length)


def _split_prefix(key: GS1Key, digits: str, gcp_length: int, reference_required: bool = False
                  ) -> tuple[str, str]:
    prefix, reference = digits[:gcp_length], digits[gcp_length:]
    if len(prefix) < gcp_length or not prefix.isdigit() or (reference_required and not reference):
        raise InvalidIdentifier(f"{key.digital_link}: cannot split a {gcp_length}-digit company prefix off")
    return prefix, reference


def _epc_gtin(key: GS1Key, qualifiers: dict[str, str], gcp_length: int) -> str:
    gtin = key.key[:14]
    prefix, item = _split_prefix(key, gtin[1:13], gcp_length)
    company_item = f"{prefix}.{gtin[0]}{item}"
    if key.ai == "8006":
        pieces = f"{key.key[14:16]}.{key.key[16:18]}"
        serial = _urn_encode(qualifiers["21"]) if "21" in qualifiers else "*"
        return f"urn:epc:{'idpat' if serial == '*' else 'id'}:itip:{company_item}.{pieces}.{serial}"
    if "21" in qualifiers:
        return f"urn:epc:id:sgtin:{company_item}.{_urn_encode(qualifiers['21'])}"
    if "235" in qualifiers:
        return f"urn:epc:id:upui:{company_item}.{_urn_encode(qualifiers['235'])}"
    if "10" in qualifiers:
        return f"urn:epc:class:lgtin:{company_item}.{_urn_encode(qualifiers['10'])}"
    return f"urn:epc:idpat:sgtin:{company_item}.*"


def _epc_sscc(key: GS1Key, _: dict[str, str], gcp_length: int) -> str:
    prefix, serial = _split_prefix(key, key.key[1:17], gcp_length)
    return f"urn:epc:id:sscc:{prefix}.{key.key[0]}{serial}"


def _epc_gln(key: GS1Key, qualifiers: dict[str, str], gcp_length: int) -> str:
    prefix, reference = _split_prefix(key, key.key[:12], gcp_length)
    if key.ai == "417":
        return f"urn:epc:id:pgln:{prefix}.{reference}"
    return f"urn:epc:id:sgln:{prefix}.{reference}.{_urn_encode(qualifiers.get('254', '0'))}"


def _epc_serialised_after_check(key: GS1Key, _: dict[str, str], gcp_length: int) -> str:
    """GRAI, GDTI, GCN: company prefix and reference, check digit, then an optional serial."""
    start = 1 if key.ai == "8003" else 0
    offset = _SERIAL_OFFSET[key.ai]
    prefix, reference = _split_prefix(key, key.key[start: offset - 1], gcp_length)
    serial = _urn_encode(key.key[offset:]) if not key.is_class else "*"
    return f"urn:epc:{'idpat' if key.is_class else 'id'}:{key.scheme}:{prefix}.{reference}.{serial}"


def _epc_alphanumeric(key: GS1Key, qualifiers: dict[str, str], gcp_length: int) -> str:
    """GIAI, GINC, CPID: the company prefix, then an alphanumeric reference."""
    prefix, reference = _split_prefix(key, key.key, gcp_length, reference_required=True)
    if key.ai != "8010":
        return f"urn:epc:id:{key.scheme}:{prefix}.{_urn_encode(reference)}"
    serial = qualifiers.get("8011", "*")
    return f"urn:epc:{'idpat' if serial == '*' else 'id'}:cpi:{prefix}.{_urn_encode(reference)}.{serial}"


def _epc_numeric(key: GS1Key, _: dict[str, str], gcp_length: int) -> str:
    """GSRN, GSRN-P, GSIN: company prefix and reference, without the check digit."""
    prefix, reference = _split_prefix(key, key.key[:-1], gcp_length)
    return f"urn:epc:id:{key.scheme}:{prefix}.{reference}"


_EPC_FORMATTERS = {
    "01": _epc_gtin, "8006": _epc_gtin, "00": _epc_sscc, "414": _epc_gln, "417": _epc_gln,
    "253": _epc_serialised_after_check, "255": _epc_serialised_after_check,
    "8003": _epc_serialised_after_check,
    "8004": _epc_alphanumeric, "401": _epc_alphanumeric, "8010": _epc_alphanumeric,
    "8017": _epc_numeric, "8018": _epc_numeric, "402": _epc_numeric,
}

# ---------------------------------------------------------------------------------------------------------
# Constructors and accessors used by other modules
# ---------------------------------------------------------------------------------------------------------


def make_gtin(gcp: str, item_ref: str, indicator: str = "0") -> str:
    """A GTIN-14 (with its check digit) from company prefix, item reference and indicator digit."""
    digits = indicator + gcp + item_ref
    if len(indicator) != 1 or len(digits) != 13 or not digits.isdigit():
        raise InvalidIdentifier(
            f"indicator {indicator!r}, company prefix {gcp!r} and item reference {item_ref!r} "
            "must be 13 digits together"
        )
    return _with_check_digit(digits)


def make_gln(gcp: str, location_ref: str) -> str:
    """A GLN (13 digits with its check digit) from company prefix and location reference."""
    digits = gcp + location_ref
    if len(digits) != 12 or not digits.isdigit():
        raise InvalidIdentifier(
            f"company prefix {gcp!r} and location reference {location_ref!r} must be 12 digits together"
        )
    return _with_check_digit(digits)


def _gtin14(gtin: str) -> str:
    return gtin.zfill(14) if gtin.isdigit() and len(gtin) in (8, 12, 13) else gtin


def make_sgtin(gtin: str, serial: str) -> str:
    """The canonical Digital Link of one serialised trade item."""
    return _gs1_key("01", _gtin14(gtin), [("21", serial)]).digital_link


def make_lgtin(gtin: str, lot: str) -> str:
    """The canonical Digital Link of a batch/lot of a trade item."""
    return _gs1_key("01", _gtin14(gtin), [("10", lot)]).digital_link


def make_sscc(gcp: str, serial_ref: str, extension: str = "0") -> str:
    """The canonical Digital Link of a logistic unit (SSCC) from its parts."""
    digits = extension + gcp + serial_ref
    if len(extension) != 1 or len(digits) != 17 or not digits.isdigit():
        raise InvalidIdentifier(
            f"extension {extension!r}, company prefix {gcp!r} and serial reference {serial_ref!r} "
            "must be 17 digits together"
        )
    return _gs1_key("00", _with_check_digit(digits), []).digital_link


def make_pgln(gln: str) -> str:
    """The canonical Digital Link of a party GLN."""
    return _gs1_key("417", gln, []).digital_link


def make_sgln(gln: str, extension: str | None = None) -> str:
    """The canonical Digital Link of a location GLN, with an optional GLN extension."""
    return _gs1_key("414", gln, [("254", extension)] if extension else []).digital_link


def gtin_of(uri: str) -> str | None:
    """The GTIN-14 an identifier names (trade item, lot, serial or ITIP piece), None for other keys."""
    key = parse_gs1(uri)
    if key is None or key.ai not in ("01", "8006"):
        return None
    return key.key[:14]


def lot_of(uri: str) -> str | None:
    """The batch/lot (AI 10) a canonical identifier keeps, if any."""
    key = parse_gs1(uri)
    return dict(key.qualifiers).get("10") if key else None


def serial_of(uri: str) -> str | None:
    """The serial part of a serialised key: AI 21, 235 or 8011, or the serial of a GRAI, GDTI or GCN."""
    key = parse_gs1(uri)
    if key is None:
        return None
    qualifiers = dict(key.qualifiers)
    for ai in ("21", "235", "8011"):
        if ai in qualifiers:
            return qualifiers[ai]
    if key.ai in _SERIAL_OFFSET and not key.is_class:
        return key.key[_SERIAL_OFFSET[key.ai]:]
    return None
