"""What is printed on a recovered chip, resolved against the catalogue and the ledger's lots (pure: no I/O
beyond the package's own resource tables, no clock).

Investigators write down the manufacturer as marked (a brand, initials, a short or historic name: `TI`,
`VELDHOVEN`, `VS`, `Linear Tech.`), the part number as printed (any case and spacing, ordering suffixes
mostly absent), a lot code when legible and a date code. Each step here returns *ranked candidates with
their reasons*, never one silent pick: equal evidence gives equal scores (ties), and every result says why.

Manufacturer (`resolve_manufacturer`), best method per catalogue manufacturer:

* same name once case, punctuation and legal form (rigour's organisation types, plus the few it leaves
  out: Corporation, Corp, Company, Co, K.K.) are set aside: 1.0 (0.98 when both carry different legal
  forms, N.V. against B.V.; 0.97 when only the spacing differs: `ST Microelectronics`, `U-blox`);
* the printed words are among the name's words, in order: whole words, abbreviations (`Instr.` — a word
  prefix, accepted when marked by a dot or next to another whole distinctive word, so `Analog` alone never
  reaches `Analogic`), one-typo words (seven letters or more); generic words (`Semiconductors`, `Devices`,
  `Silicon`, `National`, country names, ...) weigh less and at least one distinctive word must match; a
  printed generic word the name lacks costs 0.08, and only after the first matching word and next to a
  whole distinctive word (`Texas Instruments Semiconductor`, never `Advanced Monolithic Systems` for
  Monolithic Power Systems): 0.6 to 0.95;
* initials of the name's words (`VS`, `KPD`), one letter at most from inside a compound word (`RME` for
  Rheintal Mikro-elektronik, `HZD` for Hoshi-zora Denshi; the inner letter at least four letters in,
  three from the end, and after a vowel, where a syllable starts): 0.8, 0.7 with one inner letter, 0.62 with two;
* a name of the alias table (`resources/manufacturer_aliases.csv`: `alias,manufacturer,kind,note`, kind
  brand | short | historic) or of the caller's `extra_aliases`, matched as above, times 0.97 (brand, extra),
  0.93 (short) or 0.9 (historic); an alias may name another alias (`Spansion` -> `Cypress Semiconductor`
  -> `Infineon Technologies`), each further hop times its own kind's weight; one alias may name several
  manufacturers (`Motorola`);
* a mark of two or three letters that begins a distinctive word of the name (`DA` for Shenzhen Dahao
  Technology), when nothing better links the two: 0.58 (weak);
* two printed parts that each name the same manufacturer (`VELDHOVEN VS`): the better one plus 0.03;
* bracketed text (`Maxim Integrated Products (Analog Devices)`) is resolved on its own, split at commas and
  dashes, at 0.9 of its score; a manufacturer named both outside and inside the brackets gains 0.03.

Matches under 0.55 are dropped. Scores are rounded to 4 decimals so that equal evidence ties exactly.

Part number (`resolve_part`): `normalise_part_number` folds look-alike Cyrillic/Greek letters into Latin,
transliterates the rest, upper-cases and keeps letters and digits only; `part_number_variants` adds the
forms with ordering/packaging suffixes stripped (rules in `resources/part_suffixes.csv`, each documented
there; applied up to three times, the stem must keep three characters and a digit). Levels:

* 1.0  — same normalised number, or the catalogue number is the marking plus a listed ordering suffix
  (packaging is not printed on the device, so `X` cannot tell `X` from `X-TR`: they tie);
* 0.92 — the marking carries a listed suffix the catalogue number lacks; 0.9 — both carry (different)
  listed suffixes on the same stem;
* 0.55-0.85 — truncated marking: the marking is a prefix (three characters or more) of the catalogue
  number, by the share of it that is printed;
* 0.3-0.5 — the catalogue number (four characters or more) is a prefix of the marking, the rest unknown;
* the part's manufacturer agreeing with the printed one multiplies by 0.75 + 0.25 x its match score; no
  printed manufacturer by 0.75; a printed manufacturer resolving to none of the catalogue by 0.7; one
  resolving to others only by 0.45;
* a manufacturer and no usable part number: every part of the matched manufacturers at 0.2 x that factor.

Left out on purpose (each would strip real device letters): TI's trailing reel letters R/T (`SN74HC04DR`),
onsemi's lead-free G (`MC7805CTG`; `STM32F407VG` ends in G too), Microchip's T inserted before the
temperature range (`PIC16F877AT-I/P`), and a bare `-1`/`-2` (UCC2808-1 and -2 are different devices).
Such catalogue numbers are still reached as truncated markings, one level lower.

Date code (`parse_date_code`): YYWW, YWW (decade: the latest year ending in Y whose week starts on or before
the recovery date, no earlier than ten years before it; no reading without a recovery date), YYYYWW,
ISO `2023-W12` / `23W12`, the ECIA label's data identifiers (`9D`/`10D` + YYWW, optionally followed by M;
`11D` + YYYYWW; `N/T` and `MIXED` carry no date), separators between the digits (`23-12`), one or two
assembly-site letters before or after the digits (`E2312`, `2312A`), and five digits read both ways (site
digit + YYWW, YYWW + digit: two readings). Weeks are checked (01-53, week 53 only in long ISO years) and
never later than the recovery date; YYWW without a recovery date assumes the 2000s. TI-style codes
(YMLLLLS), month codes and Julian dates are not read.

Lots: `rank_lots` (date-code readings against commissioning weeks and recorded date codes, +- a window,
by week distance and lot size) and `match_lot_code` (exact, then ignoring case/spaces/dashes, then a
truncated code that is a prefix or suffix of a lot). A serial resolves directly to its SGTIN (`sgtin_for`).
"""

from __future__ import annotations

import bisect
import csv
import io
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache, lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Any, TypeVar

from rigour.names import extract_org_types
from rigour.text import ascii_text

from sanctrace.identifiers import make_sgtin

__all__ = [
    "CatalogPart",
    "DateCodeReading",
    "LotCandidate",
    "LotInfo",
    "ManufacturerMatch",
    "PartCandidate",
    "SuffixRule",
    "best",
    "load_aliases",
    "load_suffix_rules",
    "match_lot_code",
    "normalise_part_number",
    "parse_date_code",
    "part_number_variants",
    "rank_lots",
    "resolve_manufacturer",
    "resolve_part",
    "sgtin_for",
]

_EMPTY: Mapping[str, str] = MappingProxyType({})

# ---------------------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CatalogPart:
    """One row of the parts catalogue (`gtin,manufacturer,part_number,hs_code,description`)."""

    gtin: str
    manufacturer: str
    part_number: str
    hs_code: str
    description: str


@dataclass(frozen=True, slots=True)
class ManufacturerMatch:
    """A catalogue manufacturer the printed name may mean, with its score (0-1) and why."""

    name: str
    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PartCandidate:
    """A catalogue part the marking may be, with its score (0-1) and why."""

    part: CatalogPart
    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DateCodeReading:
    """One way to read a date code: an ISO year and week. `weight` shares belief among the readings of one
    ambiguous code (1.0 when there is a single reading)."""

    iso_year: int
    iso_week: int
    format: str
    reason: str
    weight: float = 1.0

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.iso_year, self.iso_week, 1)


@dataclass(frozen=True, slots=True)
class LotInfo:
    """A lot of the part as the ledger knows it: code, EPC class (LGTIN), when it was commissioned, the date
    code recorded with it, and its size."""

    lot: str
    epc_class: str
    commissioned_at: datetime | None
    date_code: str | None
    quantity: float | None


@dataclass(frozen=True, slots=True)
class LotCandidate:
    """A lot the recovered unit may come from; the likelihoods of one answer sum to 1."""

    lot_info: LotInfo
    likelihood: float
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SuffixRule:
    """An ordering/packaging suffix that is not printed on devices (`resources/part_suffixes.csv`)."""

    rule: str
    pattern: re.Pattern[str]
    kind: str
    example: str
    note: str


_C = TypeVar("_C", ManufacturerMatch, PartCandidate, LotCandidate)


def best(candidates: Sequence[_C]) -> list[_C]:
    """The candidates tied at the top (all of them: a tie is never broken silently)."""
    if not candidates:
        return []

    def value(c: ManufacturerMatch | PartCandidate | LotCandidate) -> float:
        return c.likelihood if isinstance(c, LotCandidate) else c.score

    top = max(value(c) for c in candidates)
    return [c for c in candidates if abs(value(c) - top) < 1e-9]


# ---------------------------------------------------------------------------------------------------------
# Resource tables
# ---------------------------------------------------------------------------------------------------------


def _resource_rows(name: str) -> list[dict[str, str]]:
    text = resources.files("sanctrace").joinpath("resources", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@cache
def load_suffix_rules() -> tuple[SuffixRule, ...]:
    """The ordering-suffix rules, in table order."""
    return tuple(
        SuffixRule(row["rule"], re.compile(f"(?:{row['pattern']})$"), row["kind"], row["example"], row["note"])
        for row in _resource_rows("part_suffixes.csv")
    )


@cache
def load_aliases() -> tuple[tuple[str, str, str, str], ...]:
    """The alias table as (alias, manufacturer, kind, note) rows."""
    rows = _resource_rows("manufacturer_aliases.csv")
    for row in rows:
        if row["kind"] not in _KIND_WEIGHT:
            raise ValueError(f"manufacturer_aliases.csv: unknown kind {row['kind']!r} for {row['alias']!r}")
    return tuple((r["alias"], r["manufacturer"], r["kind"], r["note"]) for r in rows)


# ---------------------------------------------------------------------------------------------------------
# Manufacturer names
# ---------------------------------------------------------------------------------------------------------

_KIND_WEIGHT = {"brand": 0.97, "short": 0.93, "historic": 0.9, "extra": 0.97}
_KIND_WORDS = {
    "brand": "a brand of",
    "short": "a short name of",
    "historic": "a historic name of",
    "extra": "an alias given for",
}
_MIN_MANUFACTURER_SCORE = 0.55
_BRACKET_WEIGHT = 0.9

# Legal forms rigour's organisation-type table does not hold (it leaves these generic words alone).
_EXTRA_LEGAL = frozenset({"corporation", "corp", "company", "co", "kk", "kabushiki kaisha", "incorporated"})
# Legal forms written before the name (Russian, Ukrainian, Indonesian); others are only taken off the end,
# so that a name starting with letters that happen to be a legal form elsewhere ("RF Micro Devices") keeps them.
_LEADING_LEGAL = frozenset({"ooo", "oao", "zao", "pao", "ao", "pjsc", "ojsc", "cjsc", "jsc", "tov", "pt", "cv"})
_STOPWORDS = frozenset({"the", "of", "and", "und", "et", "de", "du", "des", "der", "die", "das"})
# Words that say what a company does or where it is, not who it is: they weigh less, cannot alone carry a
# match, and a printed one the name lacks is tolerated.
_GENERIC = frozenset(
    """
    semiconductor semiconductors semi semiconductores halbleiter electronics electronic electro electrical
    electric elektronik elettronica electronique microelectronics microelectronic mikroelektronik
    microelettronica microsistemi microsystems technology technologies tech devices device systems system
    components component composants componenti sensorik sensors sensor instruments instrument circuits
    international industries industry industrial integrated products product solutions group holdings
    holding manufacturing labs laboratories power wireless communications communication science sciences
    engineering denshi dianzi keji precision enterprise enterprises silicon micro national standard general
    advanced digital united applied energy
    america americas usa us europe european asia global germany deutschland austria france italy italia
    japan nippon china taiwan korea uk switzerland netherlands
    """.split()
)
_CHUNK_SPLIT = re.compile(r"[\s,;/()\[\]\-\u2010-\u2015_:+]+")
_BRACKETS = re.compile(r"\(([^()]*)\)|\[([^\[\]]*)\]")
_BRACKET_PARTS = re.compile(r"\s*(?:[,;]|\s[-\u2013\u2014]\s)\s*")
_NOT_ALNUM_LOWER = re.compile(r"[^a-z0-9]")


@lru_cache(maxsize=4096)
def _is_legal(phrase: str) -> bool:
    if phrase in _EXTRA_LEGAL:
        return True
    found = extract_org_types(phrase)
    return len(found) == 1 and found[0][0].replace(" ", "") == phrase.replace(" ", "")


@dataclass(frozen=True, slots=True)
class _Name:
    """A manufacturer name as compared: significant words (legal forms and stopwords out), which of them
    are generic, which were written with an abbreviation dot, and the legal forms found."""

    text: str
    tokens: tuple[str, ...]
    generic: tuple[bool, ...]
    dotted: tuple[bool, ...]
    legal: tuple[str, ...]

    @property
    def key(self) -> str:
        return " ".join(self.tokens)

    @property
    def squashed(self) -> str:
        return "".join(self.tokens)


def _chunks(text: str) -> list[tuple[str, bool]]:
    """Words of a name: ASCII, case-folded, letters and digits only, with whether each ended in a dot."""
    text = ascii_text(unicodedata.normalize("NFKC", text)).replace("&", " and ")
    out = []
    for raw in _CHUNK_SPLIT.split(text):
        token = _NOT_ALNUM_LOWER.sub("", raw.casefold())
        if token:
            out.append((token, raw.endswith(".")))
    return out


def _strip_legal(words: list[tuple[str, bool]]) -> tuple[list[tuple[str, bool]], list[str]]:
    """Legal forms taken off the end (one to three words at a time) and the few written before the name off
    the start, while a word remains."""
    legal: list[str] = []

    def keeps_a_word(rest: list[tuple[str, bool]]) -> bool:
        return any(w not in _STOPWORDS for w, _ in rest)

    changed = True
    while changed and len(words) > 1:
        changed = False
        for size in (3, 2, 1):
            if len(words) > size:
                tail = " ".join(w for w, _ in words[-size:])
                if _is_legal(tail) and keeps_a_word(words[:-size]):
                    legal.append(tail)
                    words = words[:-size]
                    changed = True
                    break
                head = " ".join(w for w, _ in words[:size])
                if head in _LEADING_LEGAL and keeps_a_word(words[size:]):
                    legal.append(head)
                    words = words[size:]
                    changed = True
                    break
    return words, legal


@lru_cache(maxsize=8192)
def _name(text: str) -> _Name:
    words, legal = _strip_legal(_chunks(text))
    kept = [(w, d) for w, d in words if w not in _STOPWORDS] or words
    return _Name(
        text,
        tuple(w for w, _ in kept),
        tuple(w in _GENERIC for w, _ in kept),
        tuple(d for _, d in kept),
        tuple(legal),
    )


def _one_edit(a: str, b: str) -> bool:
    """One substitution, insertion, deletion or adjacent transposition apart (and not equal)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
        if len(diffs) == 1:
            return True
        if len(diffs) != 2:
            return False
        i, j = diffs
        return j == i + 1 and a[i] == b[j] and a[j] == b[i]
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]


def _token_quality(printed: str, dotted: bool, name_token: str) -> tuple[float, str]:
    """How well one printed word matches one word of the name: (quality, how); quality 0 when not at all.
    Prefixes come back as ("prefix") for the caller to gate."""
    if printed == name_token:
        return 1.0, "exact"
    if len(printed) >= 3 and name_token.startswith(printed):
        return 0.5 + 0.5 * len(printed) / len(name_token), "prefix-dotted" if dotted else "prefix"
    if len(printed) >= 7 and len(name_token) >= 7 and _one_edit(printed, name_token):
        return 0.8, "typo"
    return 0.0, ""


def _word_match(printed: _Name, name: _Name) -> tuple[float, str] | None:
    """The printed words found, in order, among the name's words (see the module docstring)."""
    p, n = printed.tokens, name.tokens
    if not p or not n or len(p) > len(n) + 3:
        return None
    weights = [0.35 if g else 1.0 for g in name.generic]
    total = sum(weights)
    best_found: tuple[float, str] | None = None

    def search(i: int, j: int, acc: list[tuple[int, int, float, str]], skipped: int) -> None:
        nonlocal best_found
        if i == len(p):
            result = _judge(acc, skipped)
            if result and (best_found is None or result[0] > best_found[0]):
                best_found = result
            return
        for jj in range(j, len(n)):
            quality, how = _token_quality(p[i], printed.dotted[i], n[jj])
            if quality:
                search(i + 1, jj + 1, [*acc, (i, jj, quality, how)], skipped)
        if printed.generic[i] and acc:
            search(i + 1, j, acc, skipped + 1)

    def _judge(acc: list[tuple[int, int, float, str]], skipped: int) -> tuple[float, str] | None:
        if not acc:
            return None
        whole_distinctive = any(how in ("exact", "typo") and not name.generic[j] for _, j, _, how in acc)
        if skipped and not any(how == "exact" and not name.generic[j] for _, j, _, how in acc):
            return None
        if not whole_distinctive and any(how == "prefix" for _, _, _, how in acc):
            return None
        anchored = whole_distinctive or any(how == "prefix-dotted" and not name.generic[j] for _, j, _, how in acc)
        if not anchored:
            return None
        cover = sum(weights[j] * q for _, j, q, _ in acc) / total
        score = 0.6 + 0.35 * cover - 0.08 * skipped
        parts = []
        for i, j, _, how in acc:
            if how == "exact":
                parts.append(f"'{p[i]}'")
            elif how == "typo":
                parts.append(f"'{p[i]}' ~ '{n[j]}' (one letter off)")
            else:
                parts.append(f"'{p[i]}' abbreviates '{n[j]}'")
        words = ", ".join(parts)
        extra = f"; {skipped} generic printed word(s) not in the name" if skipped else ""
        return score, f"words {words} of '{name.text}'{extra}"

    search(0, 0, [], 0)
    return best_found


def _acronym_match(printed: _Name, name: _Name) -> tuple[float, str] | None:
    """`printed` (one word of 2-5 letters) as the initials of the name's words, each word giving its first
    letter and at most one inner letter where a compound word joins (4+ letters in, 3+ from the end)."""
    if len(printed.tokens) != 1 or len(name.tokens) < 2:
        return None
    acronym = printed.tokens[0]
    if not (2 <= len(acronym) <= 5 and acronym.isalpha()) or acronym in name.tokens:
        return None
    words = name.tokens
    found: list[int] = []

    def search(a: int, w: int, inner: int) -> None:
        if w == len(words):
            if a == len(acronym):
                found.append(inner)
            return
        word = words[w]
        if a >= len(acronym) or acronym[a] != word[0]:
            return
        search(a + 1, w + 1, inner)
        if a + 1 < len(acronym):
            letter = acronym[a + 1]
            for k in range(4, len(word) - 2):
                if word[k] == letter and word[k - 1] in "aeiouy":
                    search(a + 2, w + 1, inner + 1)

    search(0, 0, 0)
    if not found:
        return None
    inner = min(found)
    score = {0: 0.8, 1: 0.7, 2: 0.62}.get(inner)
    if score is None:
        return None
    how = "initials" if inner == 0 else f"initials ({inner} from inside a compound word)"
    return score, f"'{acronym.upper()}' = {how} of '{name.text}'"


def _similarity(printed: _Name, name: _Name, acronyms: bool = True) -> tuple[float, str] | None:
    """The best way `printed` may write `name`: (score, reason), or None."""
    if not printed.tokens or not name.tokens:
        return None
    if printed.key == name.key:
        if printed.legal and name.legal and set(printed.legal) != set(name.legal):
            return 0.98, f"same name as '{name.text}' but for the legal form"
        return 1.0, f"same name as '{name.text}'"
    if printed.squashed == name.squashed:
        return 0.97, f"same name as '{name.text}' but for the spacing"
    results = [r for r in (_word_match(printed, name), _acronym_match(printed, name) if acronyms else None) if r]
    if acronyms and not results:
        results = [r for r in [_short_mark(printed, name)] if r]
    return max(results, key=lambda r: r[0]) if results else None


def _short_mark(printed: _Name, name: _Name) -> tuple[float, str] | None:
    """Weak evidence: a printed mark of two or three letters that begins a distinctive word of the name
    (`DA` for Shenzhen Dahao Technology)."""
    if len(printed.tokens) != 1:
        return None
    mark = printed.tokens[0]
    if not (2 <= len(mark) <= 3 and mark.isalpha()):
        return None
    for token, generic in zip(name.tokens, name.generic):
        if not generic and len(token) > len(mark) and token.startswith(mark):
            return 0.58, f"'{mark.upper()}' = first letters of '{token}' in '{name.text}' (a short mark: weak)"
    return None


@dataclass(frozen=True, slots=True)
class _Alias:
    name: _Name
    target: str
    kind: str
    note: str


class _ManufacturerIndex:
    """The catalogue's manufacturers and every alias, compiled once per (manufacturers, extra aliases)."""

    def __init__(self, manufacturers: tuple[str, ...], extra: tuple[tuple[str, str], ...]):
        self.manufacturers = tuple(dict.fromkeys(m for m in manufacturers if m and m.strip()))
        self.names = [_name(m) for m in self.manufacturers]
        rows = [_Alias(_name(a), m, k, n) for a, m, k, n in load_aliases()]
        rows += [_Alias(_name(a), m, "extra", "given by the caller") for a, m in extra]
        self.aliases = [a for a in rows if a.name.tokens]
        self.by_key: dict[str, list[_Alias]] = defaultdict(list)
        self.same_company: dict[str, list[_Alias]] = defaultdict(list)
        for alias in self.aliases:
            self.by_key[alias.name.key].append(alias)
            if alias.kind != "historic":
                self.same_company[_name(alias.target).key].append(alias)
        # the companies the alias table names, as names in their own right ("AMD" for a catalogue that
        # writes "Advanced Micro Devices, Inc.")
        self.companies = [_name(t) for t in dict.fromkeys(a.target for a in self.aliases)]
        self._targets: dict[str, list[tuple[str, float, tuple[str, ...]]]] = {}
        self._cache: dict[str, list[ManufacturerMatch]] = {}

    def targets(self, target: str, depth: int = 0) -> list[tuple[str, float, tuple[str, ...]]]:
        """Catalogue manufacturers an alias target stands for: (name, factor, chain of reasons)."""
        cached = self._targets.get(target)
        if cached is not None and depth == 0:
            return cached
        target_name = _name(target)
        out: list[tuple[str, float, tuple[str, ...]]] = []
        for manufacturer, name in zip(self.manufacturers, self.names):
            found = _similarity(target_name, name, acronyms=False)
            if found and found[0] >= 0.9:
                why: tuple[str, ...] = () if found[0] == 1.0 else (f"'{target}' is catalogued as '{manufacturer}'",)
                out.append((manufacturer, found[0], why))
            else:
                # the catalogue may write the company by another of its own names ("AMD" catalogued as
                # "Advanced Micro Devices, Inc.")
                for other in self.same_company.get(target_name.key, ()):
                    found = _similarity(other.name, name, acronyms=False)
                    if found and found[0] >= 0.9:
                        why = (f"'{target}' is catalogued as '{manufacturer}' ('{other.name.text}': {other.note})",)
                        out.append((manufacturer, found[0] * 0.97, why))
                        break
        if depth < 4:
            for alias in self.by_key.get(target_name.key, ()):
                for manufacturer, factor, why in self.targets(alias.target, depth + 1):
                    hop = f"'{target}' is {_KIND_WORDS[alias.kind]} '{alias.target}' ({alias.note})"
                    out.append((manufacturer, factor * _KIND_WEIGHT[alias.kind], (hop, *why)))
        if depth == 0:
            self._targets[target] = out
        return out

    def plain(self, printed: _Name) -> dict[str, tuple[float, tuple[str, ...]]]:
        """Direct and alias matches of one printed text (no brackets, no splitting)."""
        found: dict[str, tuple[float, tuple[str, ...]]] = {}

        def offer(manufacturer: str, score: float, reasons: tuple[str, ...]) -> None:
            score = round(min(score, 1.0), 4)
            if manufacturer not in found or score > found[manufacturer][0]:
                found[manufacturer] = (score, reasons)

        for manufacturer, name in zip(self.manufacturers, self.names):
            match = _similarity(printed, name)
            if match:
                offer(manufacturer, match[0], (match[1],))
        for alias in self.aliases:
            match = _similarity(printed, alias.name, acronyms=False)
            if not match:
                continue
            weight = _KIND_WEIGHT[alias.kind]
            reason = f"{match[1]}, {_KIND_WORDS[alias.kind]} '{alias.target}' ({alias.note})"
            for manufacturer, factor, why in self.targets(alias.target):
                offer(manufacturer, match[0] * weight * factor, (reason, *why))
        for company in self.companies:
            match = _similarity(printed, company, acronyms=False)
            if not match:
                continue
            for manufacturer, factor, why in self.targets(company.text):
                if why:
                    offer(manufacturer, match[0] * factor, (match[1], *why))
        return found

    def resolve(self, text: str) -> list[ManufacturerMatch]:
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        bracketed = [g1 or g2 for g1, g2 in _BRACKETS.findall(text)]
        main = _BRACKETS.sub(" ", text).strip()
        scores: dict[str, tuple[float, tuple[str, ...]]] = {}
        outside = self._with_splits(main) if main else {}
        inside: dict[str, tuple[float, tuple[str, ...]]] = {}
        for group in bracketed:
            for piece in _BRACKET_PARTS.split(group):
                if not piece.strip():
                    continue
                for manufacturer, (score, reasons) in self._with_splits(piece).items():
                    score = score * _BRACKET_WEIGHT
                    if manufacturer not in inside or score > inside[manufacturer][0]:
                        why = tuple(f"in brackets '{piece.strip()}': {r}" for r in reasons)
                        inside[manufacturer] = (score, why)
        for manufacturer in outside.keys() | inside.keys():
            a, b = outside.get(manufacturer), inside.get(manufacturer)
            if a and b:
                scores[manufacturer] = (min(1.0, max(a[0], b[0]) + 0.03), a[1] + b[1])
            else:
                scores[manufacturer] = a or b  # type: ignore[assignment]
        matches = sorted(
            (ManufacturerMatch(m, round(s, 4), r) for m, (s, r) in scores.items() if s >= _MIN_MANUFACTURER_SCORE),
            key=lambda m: (-m.score, m.name),
        )
        if len(self._cache) > 100_000:
            self._cache.clear()
        self._cache[text] = matches
        return matches

    def _with_splits(self, text: str) -> dict[str, tuple[float, tuple[str, ...]]]:
        """`plain`, plus two printed parts that each name the same manufacturer (`VELDHOVEN VS`)."""
        printed = _name(text)
        found = self.plain(printed)
        chunks = [c for c in re.split(r"\s+", text.strip()) if c]
        if 2 <= len(chunks) <= 6:
            for cut in range(1, len(chunks)):
                left = self.plain(_name(" ".join(chunks[:cut])))
                if not left:
                    continue
                right = self.plain(_name(" ".join(chunks[cut:])))
                for manufacturer in left.keys() & right.keys():
                    (ls, lr), (rs, rr) = left[manufacturer], right[manufacturer]
                    score = round(min(0.97, max(ls, rs) + 0.03), 4)
                    if manufacturer not in found or score > found[manufacturer][0]:
                        found[manufacturer] = (score, (*lr, *rr))
        return found


@lru_cache(maxsize=32)
def _manufacturer_index(manufacturers: tuple[str, ...], extra: tuple[tuple[str, str], ...]) -> _ManufacturerIndex:
    return _ManufacturerIndex(manufacturers, extra)


def resolve_manufacturer(
    printed: str | None, manufacturers: Sequence[str], extra_aliases: Mapping[str, str] = _EMPTY
) -> list[ManufacturerMatch]:
    """The catalogue manufacturers `printed` may name, best first; empty when nothing is plausible."""
    if not printed or not printed.strip():
        return []
    index = _manufacturer_index(tuple(manufacturers), tuple(sorted(extra_aliases.items())))
    return index.resolve(printed.strip())


# ---------------------------------------------------------------------------------------------------------
# Part numbers
# ---------------------------------------------------------------------------------------------------------

# Cyrillic and Greek capitals (and small letters) that look like Latin ones, as investigators' keyboards
# produce them; transliteration would turn Cyrillic Н into N and Р into R.
_LOOKALIKES = str.maketrans(
    {
        **dict(zip("АВСЕНІЈКМОРЅТХУ", "ABCEHIJKMOPSTXY")),
        **dict(zip("авсеіјкмортхуѕ", "ABCEIJKMOPTXYS")),
        **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX")),
        "µ": "U",
        "μ": "U",
    }
)
_NOT_PART_CHAR = re.compile(r"[^A-Z0-9]")
_SPACES = re.compile(r"\s+")


def _fold(text: str) -> str:
    """Upper-case ASCII with look-alike letters folded, separators kept, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text).translate(_LOOKALIKES)
    return _SPACES.sub(" ", ascii_text(text)).strip().upper()


def normalise_part_number(text: str) -> str:
    """The part number as compared: look-alike letters folded into Latin, upper case, letters and digits
    only (`ltc 1234-#pbf` -> `LTC1234PBF`). Idempotent."""
    return _NOT_PART_CHAR.sub("", _fold(text or ""))


_Stripped = tuple[tuple[str, str], ...]  # (rule, suffix text) pairs, outermost first


def _variants(text: str) -> list[tuple[str, _Stripped]]:
    """(normalised form, suffixes stripped to reach it), the unstripped form first."""
    start = _fold(text or "")
    out: dict[str, _Stripped] = {normalise_part_number(start): ()}
    frontier: list[tuple[str, _Stripped]] = [(start, ())]
    rules = load_suffix_rules()
    for _ in range(3):
        following = []
        for current, applied in frontier:
            for rule in rules:
                match = rule.pattern.search(current)
                if not match or match.start() == 0:
                    continue
                stem = current[: match.start()].rstrip(" -/#,")
                norm = normalise_part_number(stem)
                if len(norm) < 3 or not any(c.isdigit() for c in norm):
                    continue
                path = (*applied, (rule.rule, current[len(stem) :].strip()))
                if norm not in out:
                    out[norm] = path
                    following.append((stem, path))
        frontier = following
    return list(out.items())


def part_number_variants(text: str) -> list[str]:
    """The normalised part number, then the forms with listed ordering/packaging suffixes stripped
    (`resources/part_suffixes.csv`), most specific first."""
    return [form for form, _ in _variants(text)]


def _rule_text(stripped: _Stripped) -> str:
    kinds = {r.rule: r.kind for r in load_suffix_rules()}
    return " + ".join(f"'{text}' ({kinds[rule]}, rule {rule})" for rule, text in reversed(stripped))


@dataclass(frozen=True, slots=True)
class _Entry:
    index: int
    part: CatalogPart
    full: str
    variants: tuple[tuple[str, _Stripped], ...]


class _PartIndex:
    """Catalogue parts by normalised number and by stripped variant, plus sorted keys for prefix search."""

    def __init__(self, catalogue: tuple[CatalogPart, ...]):
        self.entries = []
        for i, part in enumerate(catalogue):
            variants = _variants(part.part_number)
            self.entries.append(_Entry(i, part, variants[0][0], tuple(variants[1:])))
        self.exact: dict[str, list[_Entry]] = defaultdict(list)
        self.stripped: dict[str, list[tuple[_Entry, _Stripped]]] = defaultdict(list)
        for entry in self.entries:
            self.exact[entry.full].append(entry)
            for form, rules in entry.variants:
                self.stripped[form].append((entry, rules))
        self.sorted_keys = sorted({e.full for e in self.entries} | set(self.stripped))
        self.manufacturers = tuple(dict.fromkeys(p.manufacturer for p in catalogue))
        self.by_manufacturer: dict[str, list[CatalogPart]] = defaultdict(list)
        for part in catalogue:
            self.by_manufacturer[part.manufacturer].append(part)

    def starting_with(self, prefix: str) -> Iterable[str]:
        i = bisect.bisect_left(self.sorted_keys, prefix)
        while i < len(self.sorted_keys) and self.sorted_keys[i].startswith(prefix):
            yield self.sorted_keys[i]
            i += 1

    def number_matches(self, marking: str) -> dict[int, tuple[float, str]]:
        """Entry index -> (score, reason) for every catalogue part the printed number may be."""
        found: dict[int, tuple[float, str]] = {}

        def offer(entry: _Entry, score: float, reason: str) -> None:
            key = entry.index
            if key not in found or score > found[key][0]:
                found[key] = (score, reason)

        variants = _variants(marking)
        full = variants[0][0]
        if not full:
            return {}
        for entry in self.exact.get(full, ()):
            offer(entry, 1.0, f"part number '{entry.part.part_number}' = printed '{marking.strip()}'")
        for entry, rules in self.stripped.get(full, ()):
            offer(
                entry,
                1.0,
                f"part number '{entry.part.part_number}' = printed '{marking.strip()}' + ordering suffix "
                f"{_rule_text(rules)}, which is not printed on devices",
            )
        for form, marking_rules in variants[1:]:
            for entry in self.exact.get(form, ()):
                offer(
                    entry,
                    0.92,
                    f"printed '{marking.strip()}' = part number '{entry.part.part_number}' + ordering suffix "
                    f"{_rule_text(marking_rules)}",
                )
            for entry, rules in self.stripped.get(form, ()):
                offer(
                    entry,
                    0.9,
                    f"printed '{marking.strip()}' and part number '{entry.part.part_number}' differ only by "
                    f"ordering suffixes ({_rule_text(marking_rules)} / {_rule_text(rules)})",
                )
        if len(full) >= 3:
            for key in self.starting_with(full):
                if key == full:
                    continue
                share = len(full) / len(key)
                for entry in self.exact.get(key, ()):
                    offer(
                        entry,
                        0.55 + 0.3 * share,
                        f"printed '{marking.strip()}' is the start of part number '{entry.part.part_number}' "
                        f"({len(full)} of {len(key)} characters: truncated marking)",
                    )
                for entry, _ in self.stripped.get(key, ()):
                    offer(
                        entry,
                        0.55 + 0.3 * share,
                        f"printed '{marking.strip()}' is the start of part number '{entry.part.part_number}' "
                        f"without its ordering suffix ({len(full)} of {len(key)} characters: truncated marking)",
                    )
        for form, _ in variants:
            for end in range(len(form) - 1, 3, -1):
                head = form[:end]
                share = end / len(form)
                for entry in self.exact.get(head, ()):
                    offer(
                        entry,
                        0.3 + 0.2 * share,
                        f"part number '{entry.part.part_number}' is the start of printed '{marking.strip()}' "
                        f"(the rest, '{form[end:]}', is not in the catalogue)",
                    )
                for entry, _ in self.stripped.get(head, ()):
                    offer(
                        entry,
                        0.3 + 0.2 * share,
                        f"part number '{entry.part.part_number}' without its ordering suffix is the start of "
                        f"printed '{marking.strip()}' (the rest, '{form[end:]}', is not in the catalogue)",
                    )
        return found


@lru_cache(maxsize=8)
def _part_index(catalogue: tuple[CatalogPart, ...]) -> _PartIndex:
    return _PartIndex(catalogue)


def resolve_part(
    manufacturer: str | None,
    part_number: str | None,
    catalogue: Sequence[CatalogPart],
    extra_aliases: Mapping[str, str] = _EMPTY,
) -> list[PartCandidate]:
    """The catalogue parts the marking may be, ranked (see the module docstring for the scores). Ties are
    returned as ties; `best()` gives the tied top."""
    index = _part_index(tuple(catalogue))
    printed_manufacturer = (manufacturer or "").strip()
    matches = resolve_manufacturer(printed_manufacturer, index.manufacturers, extra_aliases)
    by_name = {m.name: m for m in matches}

    def factor(part: CatalogPart) -> tuple[float, str]:
        if not printed_manufacturer:
            return 0.75, "no manufacturer printed"
        match = by_name.get(part.manufacturer)
        if match:
            return 0.75 + 0.25 * match.score, (
                f"manufacturer '{printed_manufacturer}' -> '{part.manufacturer}' ({match.score:.2f}: "
                + "; ".join(match.reasons)
                + ")"
            )
        if not matches:
            return 0.7, f"manufacturer '{printed_manufacturer}' resolves to no catalogue manufacturer"
        others = ", ".join(f"'{m.name}'" for m in matches[:3])
        return 0.45, f"manufacturer '{printed_manufacturer}' points to {others}, not '{part.manufacturer}'"

    candidates: list[PartCandidate] = []
    number = (part_number or "").strip()
    if number:
        for key, (score, reason) in index.number_matches(number).items():
            part = index.entries[key].part
            f, why = factor(part)
            candidates.append(PartCandidate(part, round(score * f, 4), (reason, why)))
    if not candidates and matches:
        note = f"part number '{number}' matches no catalogue part; " if number else "no part number printed; "
        for match in matches:
            for part in index.by_manufacturer.get(match.name, ()):
                f, why = factor(part)
                candidates.append(PartCandidate(part, round(0.2 * f, 4), (f"{note}every part of '{match.name}'", why)))
    candidates.sort(key=lambda c: (-c.score, c.part.manufacturer, c.part.part_number, c.part.gtin))
    return candidates


def sgtin_for(part: CatalogPart, serial: str) -> str:
    """The SGTIN (canonical Digital Link) of serial `serial` of `part`: a serial identifies the unit
    directly, no lot needed. Raises InvalidIdentifier for a serial GS1 does not allow."""
    return make_sgtin(part.gtin, serial.strip())


# ---------------------------------------------------------------------------------------------------------
# Date codes
# ---------------------------------------------------------------------------------------------------------

_ECIA = re.compile(r"^(9D|10D)(\d{4})M?$|^11D(\d{6})$")
_ISO_WEEK = re.compile(r"^(\d{4})-?W(\d{2})$|^(\d{2})W(\d{2})$")
_DIGIT_SEPARATORS = re.compile(r"(?<=\d)[-/. ](?=\d)")
_SITE_LETTERS = re.compile(r"^([A-Z]{1,2})(\d{3,4})$|^(\d{3,4})([A-Z]{1,2})$")
_FIRST_YEAR = 1970


def _week_ok(year: int, week: int) -> bool:
    if not 1 <= week <= 53 or year < _FIRST_YEAR:
        return False
    try:
        date.fromisocalendar(year, week, 1)
    except ValueError:
        return False
    return True


def _not_after(year: int, week: int, recovered_on: date | None) -> bool:
    return recovered_on is None or date.fromisocalendar(year, week, 1) <= recovered_on


def _latest_year(ending: int, modulus: int, week: int, recovered_on: date, earliest: int) -> int | None:
    """The latest ISO year ending in `ending` (mod `modulus`) whose week `week` starts on or before the
    recovery date, and not before `earliest`. An ISO year may start in the previous calendar year."""
    year = recovered_on.year + 1
    year -= (year - ending) % modulus
    while year >= max(earliest, _FIRST_YEAR):
        if _week_ok(year, week) and _not_after(year, week, recovered_on):
            return year
        year -= modulus
    return None


def _yyww(yy: int, week: int, recovered_on: date | None) -> tuple[int, str] | None:
    """The year of a two-digit year: the latest one not after the recovery date (1970 at the earliest)."""
    if recovered_on is None:
        year = 2000 + yy
        return (year, "century assumed to be the 2000s (no recovery date)") if _week_ok(year, week) else None
    found = _latest_year(yy, 100, week, recovered_on, _FIRST_YEAR)
    if found is None:
        return None
    return found, f"latest year ending in {yy:02d} not after the recovery date {recovered_on}"


def _yww(y: int, week: int, recovered_on: date | None) -> tuple[int, str] | None:
    """The year of a one-digit year: the latest year ending in `y` not after the recovery date and no
    more than ten years before it."""
    if recovered_on is None:
        return None
    found = _latest_year(y, 10, week, recovered_on, recovered_on.year - 10)
    if found is None:
        return None
    return found, f"decade inferred: latest year ending in {y} not after the recovery date {recovered_on}"


def _reading(digits: str, recovered_on: date | None, form: str, prefix: str) -> DateCodeReading | None:
    if len(digits) == 6:
        year, week = int(digits[:4]), int(digits[4:])
        if _week_ok(year, week) and _not_after(year, week, recovered_on):
            return DateCodeReading(year, week, f"{prefix}YYYYWW", f"{form}: year {year}, week {week}")
        return None
    if len(digits) == 4:
        found = _yyww(int(digits[:2]), int(digits[2:]), recovered_on)
        if found:
            year, why = found
            return DateCodeReading(
                year, int(digits[2:]), f"{prefix}YYWW", f"{form}: week {int(digits[2:])} of {year} ({why})"
            )
        return None
    if len(digits) == 3:
        found = _yww(int(digits[0]), int(digits[1:]), recovered_on)
        if found:
            year, why = found
            return DateCodeReading(
                year, int(digits[1:]), f"{prefix}YWW", f"{form}: week {int(digits[1:])} of {year} ({why})"
            )
    return None


def recovery_day(value: Any) -> date | None:
    """A recovery date as stored (a date) or as given (a datetime, ISO text); None when unknown."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        return date.fromisoformat(value.strip()[:10])
    return None


def parse_date_code(code: str, recovered_on: date | None) -> list[DateCodeReading]:
    """Every plausible (ISO year, week) reading of a printed date code; [] when none (see the module
    docstring for the formats). Readings of one ambiguous code share weight 1. `recovered_on` may also be
    given as a datetime or an ISO date string."""
    recovered_on = recovery_day(recovered_on)
    text = _fold(code or "").replace(" ", "") if code else ""
    if not text or text in ("N/T", "NT", "MIXED"):
        return []
    ecia = _ECIA.match(text)
    if ecia:
        if ecia.group(1):
            found = _reading(ecia.group(2), recovered_on, f"ECIA label date code {ecia.group(1)}", "ECIA ")
        else:
            found = _reading(ecia.group(3), recovered_on, "ECIA label date code 11D", "ECIA ")
        return [found] if found else []
    iso = _ISO_WEEK.match(text)
    if iso:
        if iso.group(1):
            year, week = int(iso.group(1)), int(iso.group(2))
            ok = _week_ok(year, week) and _not_after(year, week, recovered_on)
            return [DateCodeReading(year, week, "YYYY-Www", f"ISO week {year}-W{week:02d}")] if ok else []
        found = _reading(iso.group(3) + iso.group(4), recovered_on, "ISO-style week", "")
        return [DateCodeReading(found.iso_year, found.iso_week, "YYWww", found.reason)] if found else []
    digits = _DIGIT_SEPARATORS.sub("", text)
    separated = digits != text
    if digits.isdigit() and len(digits) in (3, 4, 6):
        form = "digits (separator ignored)" if separated else "digits"
        found = _reading(digits, recovered_on, form, "")
        return [found] if found else []
    if digits.isdigit() and len(digits) == 5:
        readings = [
            r
            for r in (
                _reading(digits[1:], recovered_on, f"site digit '{digits[0]}' then YYWW", "D+"),
                _reading(digits[:4], recovered_on, f"YYWW then trailing digit '{digits[4]}'", ""),
            )
            if r
        ]
        share = 1.0 / len(readings) if readings else 0.0
        return [
            DateCodeReading(
                r.iso_year,
                r.iso_week,
                r.format if r.format.startswith("D+") else f"{r.format}+D",
                f"{r.reason}; five digits read two ways",
                share,
            )
            for r in readings
        ]
    site = _SITE_LETTERS.match(digits)
    if site:
        letters, number = (site.group(1), site.group(2)) if site.group(1) else (site.group(4), site.group(3))
        before = bool(site.group(1))
        where = f"assembly-site/factory letter(s) '{letters}' {'before' if before else 'after'} the date"
        found = _reading(number, recovered_on, where, "L+" if before else "")
        if found:
            fmt = found.format if before else f"{found.format}+L"
            return [DateCodeReading(found.iso_year, found.iso_week, fmt, found.reason)]
    return []


# ---------------------------------------------------------------------------------------------------------
# Lots
# ---------------------------------------------------------------------------------------------------------


def _weeks_between(a: date, b: date) -> int:
    """Whole ISO weeks from the week of `a` to the week of `b` (signed)."""
    monday_a = a.fromordinal(a.toordinal() - a.weekday())
    monday_b = b.fromordinal(b.toordinal() - b.weekday())
    return (monday_b - monday_a).days // 7


def _size_weights(lots: Sequence[LotInfo]) -> tuple[list[float], str]:
    known = [lot.quantity for lot in lots if lot.quantity is not None and lot.quantity > 0]
    if not known:
        return [1.0] * len(lots), "lot sizes unknown: equal weight"
    fill = sum(known) / len(known)
    weights = [lot.quantity if lot.quantity is not None and lot.quantity > 0 else fill for lot in lots]
    if len(known) < len(lots):
        return weights, "weighted by lot size (unknown sizes taken as the mean of the known ones)"
    return weights, "weighted by lot size"


def _lot_week_readings(lot: LotInfo) -> list[DateCodeReading]:
    if not lot.date_code:
        return []
    reference = lot.commissioned_at.date() if lot.commissioned_at else None
    return parse_date_code(lot.date_code, reference)


def _normalised(candidates: list[tuple[LotInfo, float, list[str]]]) -> list[LotCandidate]:
    total = sum(weight for _, weight, _ in candidates)
    if total <= 0:
        return []
    out = [LotCandidate(lot, round(weight / total, 6), tuple(reasons)) for lot, weight, reasons in candidates]
    out.sort(key=lambda c: (-c.likelihood, c.lot_info.lot, c.lot_info.epc_class))
    return out


def rank_lots(
    readings: Sequence[DateCodeReading], lots: Sequence[LotInfo], window_weeks: int = 2
) -> list[LotCandidate]:
    """The lots a unit with these date-code readings may come from: lots whose recorded date code gives the
    reading's week, or commissioned within `window_weeks` of it; likelihood from the week distance
    (1 at the same week falling linearly to 1/(window+1) at the window's edge), the reading's weight and the
    lot's size, normalised to sum to 1. No readings: every lot, by size (or uniform). Readings but no lot in
    the window: []."""
    if not lots:
        return []
    sizes, size_note = _size_weights(lots)
    if not readings:
        return _normalised(
            [(lot, size, ["no date code: every lot of the part", size_note]) for lot, size in zip(lots, sizes)]
        )
    window = max(0, window_weeks)
    found: list[tuple[LotInfo, float, list[str]]] = []
    for lot, size in zip(lots, sizes):
        recorded = {(r.iso_year, r.iso_week) for r in _lot_week_readings(lot)}
        total, reasons = 0.0, []
        for reading in readings:
            label = f"{reading.iso_year}-W{reading.iso_week:02d}"
            kernel, why = 0.0, ""
            if (reading.iso_year, reading.iso_week) in recorded:
                kernel, why = 1.0, f"recorded date code '{lot.date_code}' is {label}"
            if lot.commissioned_at is not None:
                distance = abs(_weeks_between(reading.monday, lot.commissioned_at.date()))
                if distance <= window:
                    k = (window + 1 - distance) / (window + 1)
                    if k > kernel:
                        year, week, _ = lot.commissioned_at.date().isocalendar()
                        kernel = k
                        why = (
                            f"commissioned {year}-W{week:02d}, {distance} week(s) from date code week {label}"
                            f" (window +-{window})"
                        )
            if kernel:
                total += reading.weight * kernel
                reasons.append(why)
        if total:
            found.append((lot, total * size, [*reasons, size_note]))
    return _normalised(found)


def _lot_key(text: str) -> str:
    return _NOT_PART_CHAR.sub("", _fold(text))


def match_lot_code(printed: str, lots: Sequence[LotInfo]) -> list[LotCandidate]:
    """The lots a printed lot code may be: exact matches; else matches ignoring case, spaces, dashes and
    punctuation; else lots that the printed code (three characters or more) begins or ends (lot codes are
    truncated on small packages). Likelihoods within the answering tier by lot size, summing to 1."""
    text = (printed or "").strip()
    if not text or not lots:
        return []
    tiers: list[list[tuple[LotInfo, float, str]]] = [[], [], []]
    key = _lot_key(text)
    for lot in lots:
        lot_key = _lot_key(lot.lot)
        if lot.lot.strip() == text:
            tiers[0].append((lot, 1.0, f"lot code '{lot.lot}' as printed"))
        elif key and lot_key == key:
            tiers[1].append((lot, 1.0, f"lot code '{lot.lot}' = printed '{text}' ignoring case and separators"))
        elif len(key) >= 3 and lot_key != key:
            if lot_key.startswith(key):
                share = len(key) / len(lot_key)
                tiers[2].append(
                    (lot, share, f"printed '{text}' is the start of lot code '{lot.lot}' (truncated marking)")
                )
            elif lot_key.endswith(key):
                share = len(key) / len(lot_key)
                tiers[2].append(
                    (lot, share, f"printed '{text}' is the end of lot code '{lot.lot}' (truncated marking)")
                )
    for tier in tiers:
        if tier:
            sizes, size_note = _size_weights([lot for lot, _, _ in tier])
            return _normalised([(lot, share * size, [why, size_note]) for (lot, share, why), size in zip(tier, sizes)])
    return []
