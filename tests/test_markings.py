"""Markings on recovered chips: manufacturer, part number, date code and lot resolution.

Case tables (tests/cases/markings_*.csv) hold the rules one row each; Hypothesis checks the properties
(normalisation idempotent, a listed packaging suffix never changes the best candidate, a date code built
from a week parses back to it, lot likelihoods sum to 1); the real-data tests run the resolver over the
8,326 foreign components found in Russian weapons (GUR War & Sanctions data, read from ../shared/data).
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sanctrace.identifiers import make_sgtin, serial_of
from sanctrace.tracing.markings import (
    CatalogPart,
    DateCodeReading,
    LotInfo,
    best,
    load_aliases,
    load_suffix_rules,
    match_lot_code,
    normalise_part_number,
    parse_date_code,
    part_number_variants,
    rank_lots,
    resolve_manufacturer,
    resolve_part,
    sgtin_for,
)
from tests.shared import SHARED_DATA

CASES = Path(__file__).parent / "cases"
COMPONENTS = SHARED_DATA / "weapons_components" / "awesome-drone-warfare-osint" / "data" / "components.csv"

FICTIONAL = (
    "Veldhoven Semiconductors N.V.",
    "Rheintal Mikroelektronik GmbH",
    "Aubrac Composants SAS",
    "Lagunare Microsistemi S.p.A.",
    "Tauern Sensorik AG",
    "Kestrel Peak Devices Inc.",
    "Hoshizora Denshi K.K.",
    "Jadebay Microelectronics Co., Ltd.",
    "Shenzhen Dahao Technology Co., Ltd.",
)
REAL = (
    "Texas Instruments Incorporated",
    "Analog Devices, Inc.",
    "Analogic Corporation",
    "Micron Technology, Inc.",
    "Microchip Technology Inc.",
    "NXP Semiconductors N.V.",
    "Nexperia B.V.",
    "Infineon Technologies AG",
    "onsemi",
    "STMicroelectronics N.V.",
    "Intel Corporation",
    "Advanced Micro Devices, Inc.",
    "Renesas Electronics Corporation",
    "Qorvo",
    "Monolithic Power Systems, Inc.",
    "Samsung Electronics Co., Ltd.",
    "Integral JSC",
    "Würth Elektronik GmbH & Co. KG",
    "u-blox AG",
)
CATALOGUES = {
    "mixed": FICTIONAL + REAL,
    "historic": ("Linear Technology Corporation", "Analog Devices, Inc."),
}


def _rows(name: str) -> list[dict[str, str]]:
    with open(CASES / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _names(cell: str) -> set[str]:
    return {n for n in cell.split("|") if n}


def _catalogue() -> list[CatalogPart]:
    return [CatalogPart(**row) for row in _rows("markings_catalogue.csv")]


# ---------------------------------------------------------------------------------------------------------
# Manufacturer
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "case", _rows("markings_manufacturers.csv"), ids=lambda c: f"{c['printed']!r}-{c['catalogue']}"
)
def test_manufacturer_cases(case):
    matches = resolve_manufacturer(case["printed"], CATALOGUES[case["catalogue"]])
    assert {m.name for m in best(matches)} == _names(case["expected"]), [(m.name, m.score) for m in matches]
    assert not {m.name for m in matches} & _names(case["absent"]), [(m.name, m.score) for m in matches]
    for match in matches:
        assert 0.55 <= match.score <= 1.0 and match.reasons and all(match.reasons)
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)


def test_historic_name_still_reaches_the_current_owner():
    """A catalogue listing both the historic and the current company ranks both, the named one first."""
    matches = resolve_manufacturer("Linear Technology", CATALOGUES["historic"])
    assert [m.name for m in matches] == ["Linear Technology Corporation", "Analog Devices, Inc."]
    assert "historic" in " ".join(matches[1].reasons) and "2017" in " ".join(matches[1].reasons)


def test_scores_order_the_kinds_of_evidence():
    catalogue = CATALOGUES["mixed"]

    def score(printed: str) -> float:
        return next(m.score for m in resolve_manufacturer(printed, catalogue) if m.name.startswith("Veldhoven"))

    assert score("Veldhoven Semiconductors N.V.") == 1.0
    assert 1.0 > score("Veldhoven Semiconductors B.V.") > score("Veldhoven Semi") > score("VELDHOVEN")
    assert score("VELDHOVEN VS") > score("VELDHOVEN") > score("VS")


def test_extra_aliases_from_the_caller():
    """Aliases an investigator's entity data holds (FtM `alias`/`weakAlias` of the manufacturer)."""
    catalogue = CATALOGUES["mixed"]
    assert not [m for m in resolve_manufacturer("Pfauen", catalogue) if m.name.startswith("Kestrel")]
    extra = {"Pfauen": "Kestrel Peak Devices Inc.", "KPDI": "Kestrel Peak Devices"}
    matches = resolve_manufacturer("PFAUEN", catalogue, extra)
    assert matches[0].name == "Kestrel Peak Devices Inc." and matches[0].score == 0.97
    assert "alias given" in matches[0].reasons[0]
    # the target may be written otherwise than in the catalogue
    assert resolve_manufacturer("KPDI", catalogue, extra)[0].name == "Kestrel Peak Devices Inc."


def test_nothing_printed():
    assert resolve_manufacturer(None, FICTIONAL) == []
    assert resolve_manufacturer("  ", FICTIONAL) == []
    assert resolve_manufacturer("VS", []) == []


def test_alias_table_is_well_formed():
    rows = load_aliases()
    names = {alias for alias, _, _, _ in rows}
    for alias, manufacturer, kind, note in rows:
        assert kind in ("brand", "short", "historic") and note and alias != manufacturer
        # every chain of aliases ends at a company that is no alias itself, within four hops, no cycle
        seen, current = {alias}, manufacturer
        for _ in range(4):
            if current not in names:
                break
            assert current not in seen, f"alias cycle through {current!r}"
            seen.add(current)
            current = next(m for a, m, _, _ in rows if a == current)
        assert current not in names, f"{alias!r}: chain longer than four hops"
    required = {
        ("TI", "Texas Instruments"),
        ("ADI", "Analog Devices"),
        ("Linear Technology", "Analog Devices"),
        ("Maxim Integrated", "Analog Devices"),
        ("Freescale Semiconductor", "NXP Semiconductors"),
        ("Atmel", "Microchip Technology"),
        ("Microsemi", "Microchip Technology"),
        ("Cypress Semiconductor", "Infineon Technologies"),
        ("International Rectifier", "Infineon Technologies"),
        ("Fairchild Semiconductor", "onsemi"),
        ("Altera", "Intel"),
        ("Xilinx", "AMD"),
        ("Intersil", "Renesas Electronics"),
        ("STM", "STMicroelectronics"),
    }
    assert required <= {(a, m) for a, m, _, _ in rows}


# ---------------------------------------------------------------------------------------------------------
# Part numbers
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", _rows("markings_part_numbers.csv"), ids=lambda c: c["text"])
def test_part_number_cases(case):
    assert normalise_part_number(case["text"]) == case["normalised"]
    assert part_number_variants(case["text"]) == case["variants"].split("|")


def test_every_suffix_rule_strips_its_example():
    for rule in load_suffix_rules():
        assert rule.kind in ("packaging", "compliance", "distributor") and rule.note
        assert "AB1234" in part_number_variants(f"AB1234{rule.example}"), rule.rule


@pytest.mark.parametrize("case", _rows("markings_parts.csv"), ids=lambda c: f"{c['manufacturer']}-{c['part_number']}")
def test_part_cases(case):
    candidates = resolve_part(case["manufacturer"], case["part_number"], _catalogue())
    top = {c.part.part_number for c in best(candidates)}
    assert top == _names(case["expected"]), [(c.part.part_number, c.score) for c in candidates]
    assert not {c.part.part_number for c in candidates} & _names(case["absent"])
    for candidate in candidates:
        assert 0 < candidate.score <= 1 and len(candidate.reasons) == 2


def test_part_levels_and_manufacturer_factor():
    catalogue = [
        CatalogPart("1", "Veldhoven Semiconductors N.V.", "VS100A-SO8", "854231", ""),
        CatalogPart("2", "Veldhoven Semiconductors N.V.", "VS100A-SO8X7Q", "854231", ""),
        CatalogPart("3", "Veldhoven Semiconductors N.V.", "VS100", "854231", ""),
        CatalogPart("4", "Tauern Sensorik AG", "VS100A-SO8", "854231", ""),
    ]
    scores = {c.part.gtin: c.score for c in resolve_part("VELDHOVEN", "VS100A-SO8", catalogue)}
    # exact > truncated marking (prefix of a catalogue number) > catalogue number that is a prefix
    assert scores["1"] > scores["2"] > scores["3"]
    # the same number from another manufacturer: disagreeing lowers it below the agreeing truncation
    assert scores["2"] > scores["4"]
    by_maker = {
        printed: {c.part.gtin: c.score for c in resolve_part(printed, "VS100A-SO8", catalogue)}["1"]
        for printed in ("VELDHOVEN", "", "Nobody Known", "TAUERN")
    }
    assert by_maker["VELDHOVEN"] > by_maker[""] > by_maker["Nobody Known"] > by_maker["TAUERN"]
    # no manufacturer: the same-numbered parts of both makers tie
    assert {c.part.gtin for c in best(resolve_part(None, "VS100A-SO8", catalogue))} == {"1", "4"}


def test_serial_resolves_to_its_sgtin():
    part = _catalogue()[3]
    assert sgtin_for(part, " 100729 ") == make_sgtin(part.gtin, "100729")
    assert serial_of(sgtin_for(part, "A-17")) == "A-17"


# -- properties --------------------------------------------------------------------------------------------

_TEXT = st.text(alphabet=st.sampled_from("ABCXYZabcxyz0123456789 -/#+.,&АВСЕНКМОРТХаеорсμµÄß\t"), max_size=24)


@given(_TEXT)
def test_normalisation_is_idempotent(text):
    once = normalise_part_number(text)
    assert normalise_part_number(once) == once
    assert re.fullmatch(r"[A-Z0-9]*", once)
    variants = part_number_variants(text)
    assert variants[0] == once and len(set(variants)) == len(variants)
    assert all(normalise_part_number(v) == v for v in variants)


_PACKAGES = ("QF48", "LQ64", "SO8", "DFN6", "BG256", "TQ100", "SOT23", "LGA14", "QN32", "WL25")
_BASE = st.builds(
    lambda prefix, family, grade, dash, package: f"{prefix}{family}{grade}{'-' if dash else ''}{package}",
    st.sampled_from(("VS", "RM", "AC", "LMS", "TS", "KP", "HZ", "JB")),
    st.integers(100, 9999),
    st.sampled_from("ABCDEFGHKLMNPRSTX"),
    st.booleans(),
    st.sampled_from(_PACKAGES),
)
_CATALOGUE_SUFFIXES = ("", "-TR", "/R7", "/R13", "Z", "TZ", "-T", "#PBF", "-REEL7")
_LISTED = [rule.example for rule in load_suffix_rules()]


def _top(manufacturer, marking, catalogue):
    return {c.part.gtin for c in best(resolve_part(manufacturer, marking, catalogue))}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(_BASE, min_size=1, max_size=8, unique_by=normalise_part_number),
    st.data(),
    st.sampled_from(_LISTED),
)
def test_a_listed_suffix_never_changes_the_best_candidate(bases, data, suffix):
    """One GTIN per device: the marking with any listed ordering suffix added has the same best candidate."""
    suffixes = [data.draw(st.sampled_from(_CATALOGUE_SUFFIXES)) for _ in bases]
    catalogue = [
        CatalogPart(str(i), "Veldhoven Semiconductors N.V.", base + suffix, "", "")
        for i, (base, suffix) in enumerate(zip(bases, suffixes))
    ]
    base = data.draw(st.sampled_from(bases))
    written = data.draw(st.sampled_from((str, str.lower, lambda m: m.replace("-", ""), lambda m: f" {m} ")))
    manufacturer = data.draw(st.sampled_from((None, "VS", "VELDHOVEN")))
    plain = _top(manufacturer, written(base), catalogue)
    assert plain == {str(bases.index(base))}
    assert _top(manufacturer, written(base + suffix), catalogue) == plain


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(_BASE, min_size=1, max_size=5, unique_by=normalise_part_number),
    st.data(),
    st.sampled_from(_LISTED),
)
def test_with_packaging_siblings_a_suffix_only_narrows_the_tie(bases, data, suffix):
    """Siblings that differ only by ordering suffix tie on the bare marking; a printed suffix can only narrow
    that tie, never move the best candidate elsewhere."""
    catalogue = []
    for base in bases:
        for variant in data.draw(st.lists(st.sampled_from(_CATALOGUE_SUFFIXES), min_size=1, max_size=3, unique=True)):
            catalogue.append(CatalogPart(f"{base}|{variant}", "Rheintal Mikroelektronik GmbH", base + variant, "", ""))
    marking = data.draw(st.sampled_from(bases))
    plain = _top("RME", marking, catalogue)
    assert plain == {p.gtin for p in catalogue if p.gtin.startswith(f"{marking}|")}
    with_suffix = _top("RME", marking + suffix, catalogue)
    assert with_suffix and with_suffix <= plain


# ---------------------------------------------------------------------------------------------------------
# Date codes
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", _rows("markings_date_codes.csv"), ids=lambda c: f"{c['code']!r}-{c['recovered_on']}")
def test_date_code_cases(case):
    recovered = date.fromisoformat(case["recovered_on"]) if case["recovered_on"] else None
    readings = parse_date_code(case["code"], recovered)
    got = {f"{r.iso_year}-W{r.iso_week:02d}:{r.format}" for r in readings}
    assert got == _names(case["readings"])
    if readings:
        assert abs(sum(r.weight for r in readings) - 1.0) < 1e-9
        assert all(r.reason for r in readings)
        if recovered:
            assert all(r.monday <= recovered for r in readings)


def test_recovery_date_as_datetime_or_text():
    expected = parse_date_code("312", date(2024, 5, 1))
    assert parse_date_code("312", datetime(2024, 5, 1, 12, tzinfo=UTC)) == expected
    assert parse_date_code("312", "2024-05-01") == expected
    assert parse_date_code("312", "") == []


_MADE = st.dates(min_value=date(2000, 1, 3), max_value=date(2040, 12, 28))


@given(_MADE, st.integers(0, 30 * 365))
def test_yyww_and_yyyyww_parse_back(made, days_later):
    year, week, _ = made.isocalendar()
    monday = date.fromisocalendar(year, week, 1)
    recovered = monday + timedelta(days=days_later)
    for code, fmt in (
        (f"{year % 100:02d}{week:02d}", "YYWW"),
        (f"{year}{week:02d}", "YYYYWW"),
        (f"{year}-W{week:02d}", "YYYY-Www"),
        (f"10D{year % 100:02d}{week:02d}", "ECIA YYWW"),
    ):
        readings = parse_date_code(code, recovered)
        assert [(r.iso_year, r.iso_week, r.format) for r in readings] == [(year, week, fmt)], code


@given(_MADE, st.integers(0, 9 * 365))
def test_yww_parses_back_within_the_decade(made, days_later):
    year, week, _ = made.isocalendar()
    recovered = date.fromisocalendar(year, week, 1) + timedelta(days=days_later)
    readings = parse_date_code(f"{year % 10}{week:02d}", recovered)
    assert [(r.iso_year, r.iso_week) for r in readings] == [(year, week)]


# ---------------------------------------------------------------------------------------------------------
# Lots
# ---------------------------------------------------------------------------------------------------------


def _lot(code: str, made: date | None, quantity: float | None = 1000, date_code: str | None = None) -> LotInfo:
    at = datetime(made.year, made.month, made.day, 10, tzinfo=UTC) if made else None
    return LotInfo(code, f"https://id.gs1.org/01/08712345000011/10/{code}", at, date_code, quantity)


def test_rank_lots_by_week_distance_and_size():
    lots = [
        _lot("2312A001", date(2023, 3, 21)),  # 2023-W12
        _lot("2313A002", date(2023, 3, 28), 3000),  # W13
        _lot("2314A003", date(2023, 4, 4)),  # W14
        _lot("2318A004", date(2023, 5, 2)),  # W18: outside the window
    ]
    readings = parse_date_code("2312", date(2024, 1, 1))
    ranked = rank_lots(readings, lots, window_weeks=2)
    assert [c.lot_info.lot for c in ranked] == ["2313A002", "2312A001", "2314A003"]
    assert abs(sum(c.likelihood for c in ranked) - 1) < 1e-5
    # week kernel 2/3, 1, 1/3 times lot size 3000, 1000, 1000: 2000 : 1000 : 333
    assert [c.likelihood for c in ranked] == pytest.approx([0.6, 0.3, 0.1], abs=1e-5)
    assert "1 week(s) from date code week 2023-W12" in " ".join(ranked[0].reasons)
    assert rank_lots(readings, lots, window_weeks=0)[0].lot_info.lot == "2312A001"
    assert len(rank_lots(readings, lots, window_weeks=0)) == 1


def test_rank_lots_recorded_date_code_and_fallbacks():
    undated = _lot("L2300046", None, 500, date_code="2312")
    other = _lot("L2300047", None, 500, date_code="2320")
    readings = parse_date_code("2312", date(2024, 1, 1))
    ranked = rank_lots(readings, [undated, other])
    assert [c.lot_info.lot for c in ranked] == ["L2300046"] and ranked[0].likelihood == 1.0
    assert "recorded date code '2312'" in ranked[0].reasons[0]
    # no date code: every lot by size; sizes unknown: uniform
    by_size = rank_lots([], [_lot("A", None, 3000), _lot("B", None, 1000)])
    assert [(c.lot_info.lot, c.likelihood) for c in by_size] == [("A", 0.75), ("B", 0.25)]
    uniform = rank_lots([], [_lot("A", None, None), _lot("B", None, None)])
    assert [c.likelihood for c in uniform] == [0.5, 0.5]
    # a date code no lot is near: nothing (the caller decides what to fall back on)
    assert rank_lots(parse_date_code("1901", date(2024, 1, 1)), [undated, other]) == []


def test_rank_lots_ambiguous_readings_share_weight():
    readings = parse_date_code("12312", date(2024, 1, 1))  # 2023-W12 or 2012-W31
    lots = [_lot("A", date(2023, 3, 21)), _lot("B", date(2012, 8, 1)), _lot("C", date(2018, 1, 1))]
    ranked = rank_lots(readings, lots)
    assert {c.lot_info.lot for c in ranked} == {"A", "B"} and ranked[0].likelihood == ranked[1].likelihood


def test_match_lot_code_tiers():
    lots = [_lot("2312A001", None), _lot("2312A0012", None), _lot("W23120004", None, 4000)]
    exact = match_lot_code("2312A001", lots)
    assert [(c.lot_info.lot, c.likelihood) for c in exact] == [("2312A001", 1.0)]
    loose = match_lot_code("2312-a001", lots)
    assert [c.lot_info.lot for c in loose] == ["2312A001"] and "ignoring case" in loose[0].reasons[0]
    truncated = match_lot_code("2312A", lots)
    assert {c.lot_info.lot for c in truncated} == {"2312A001", "2312A0012"}
    assert truncated[0].lot_info.lot == "2312A001"  # more of it printed
    assert "start of lot code" in truncated[0].reasons[0]
    tail = match_lot_code("120004", lots)
    assert [c.lot_info.lot for c in tail] == ["W23120004"] and "end of lot code" in tail[0].reasons[0]
    assert match_lot_code("23", lots) == [] and match_lot_code("", lots) == [] and match_lot_code("X9", []) == []


_LOT_CODE = st.text(alphabet="ABCDEFGHJK0123456789", min_size=4, max_size=12)


@given(st.lists(_LOT_CODE, min_size=1, max_size=6, unique=True), st.data())
def test_a_lot_code_as_written_down_finds_its_lot(codes, data):
    lots = [_lot(code, None, data.draw(st.one_of(st.none(), st.integers(1, 10_000)))) for code in codes]
    code = data.draw(st.sampled_from(codes))
    middle = len(code) // 2
    printed = data.draw(
        st.sampled_from((code, code.lower(), f"{code[:middle]} {code[middle:]}", f"{code[:middle]}-{code[middle:]}"))
    )
    found = match_lot_code(printed, lots)
    assert [(c.lot_info.lot, c.likelihood) for c in found] == [(code, 1.0)]


@given(
    st.lists(st.tuples(_MADE, st.one_of(st.none(), st.integers(1, 5000))), min_size=1, max_size=8),
    _MADE,
    st.integers(0, 4),
)
def test_lot_likelihoods_sum_to_one_within_the_window(lots, made, window):
    infos = [_lot(f"L{i}", day, quantity) for i, (day, quantity) in enumerate(lots)]
    year, week, _ = made.isocalendar()
    readings = [DateCodeReading(year, week, "YYWW", "test")]
    ranked = rank_lots(readings, infos, window)
    if ranked:
        assert abs(sum(c.likelihood for c in ranked) - 1) < 1e-5
    monday = date.fromisocalendar(year, week, 1)
    for candidate in ranked:
        at = candidate.lot_info.commissioned_at.date()
        assert abs((at - timedelta(days=at.weekday()) - monday).days) // 7 <= window
    assert len(ranked) == sum(
        1 for day, _ in lots if abs((day - timedelta(days=day.weekday()) - monday).days) // 7 <= window
    )


# ---------------------------------------------------------------------------------------------------------
# Real markings: components found in Russian weapons
# ---------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def components():
    if not COMPONENTS.exists():
        pytest.skip(f"reference data missing: {COMPONENTS}")
    with open(COMPONENTS, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def real_manufacturers():
    """The real companies the alias table names (the end of every alias chain)."""
    rows = load_aliases()
    aliases = {alias for alias, _, _, _ in rows}
    return sorted({m for _, m, _, _ in rows if m not in aliases})


def test_real_manufacturer_markings(components, real_manufacturers, request):
    resolved = {m: resolve_manufacturer(m, real_manufacturers) for m in {r["manufacturer"] for r in components}}
    hits = [r for r in components if resolved[r["manufacturer"]]]
    identified = [r for r in components if r["manufacturer"] != "Not identified"]
    share = len(hits) / len(components)
    request.node.user_properties.append(("rows", len(components)))
    request.node.user_properties.append(("rows_resolved", len(hits)))
    request.node.user_properties.append(("share_resolved", round(share, 4)))
    request.node.user_properties.append(("share_of_identified_resolved", round(len(hits) / len(identified), 4)))
    assert share >= 0.70, share
    # the most frequent real manufacturers, as investigators wrote them, each to the right company
    expected = {
        "Texas Instruments": "Texas Instruments",
        "Maxim Integrated Products (Analog Devices)": "Analog Devices",
        "Xilinx Inc. (AMD)": "AMD",
        "Altera Corporation (Intel)": "Intel",
        "Atmel (Microchip Technology)": "Microchip Technology",
        "ON Semiconductor (ONSEMI)": "onsemi",
        "National Semiconductor (Texas Instruments)": "Texas Instruments",
        "Spansion (Cypress Semiconductor, Infineon Technologies)": "Infineon Technologies",
        "Pulse Electronics Corporation": "Yageo",
        "Freescale Semiconductor": "NXP Semiconductors",
        "Standard Microsystems Corp (SMSC)": "Microchip Technology",
        "RF Micro Devices": "Qorvo",
    }
    for printed, company in expected.items():
        assert [m.name for m in best(resolved[printed])] == [company], printed
    # real companies that are none of those in the table must not be pulled in by a shared word
    for printed in (
        "CTS Corporation",
        "System Logic Semiconductor",
        "Token Electronics Industry Co",
        "Not identified",
        "Advanced Monolithic Systems Inc.",
        "SMC Corporation",
        "Semtech Corporation",
        "Skyworks Solutions, Inc",
        "Holt Integrated Circuits, Inc.",
        "Advanced Technology International",
        "Nippon Thompson",
        "TTi Inc.",
        "SemiConductor Devices",
        "Samsung Electro-Mechanics",
    ):
        if printed in resolved:
            assert resolved[printed] == [], (printed, resolved[printed])


def test_real_bracketed_names_agree(components, real_manufacturers, request):
    """`Atmel (Microchip Technology)`: the historic name outside and the current owner inside the brackets,
    resolved separately, must name the same company."""
    pairs = Counter()
    for row in components:
        match = re.fullmatch(r"([^()]+)\(([^()]+)\)", row["manufacturer"].strip())
        if not match:
            continue
        outside = resolve_manufacturer(match.group(1), real_manufacturers)
        inside = [
            m
            for piece in re.split(r",|\s-\s", match.group(2))
            for m in best(resolve_manufacturer(piece, real_manufacturers))
        ]
        if outside and inside:
            pairs["agree" if best(outside)[0].name in {m.name for m in inside} else "disagree"] += 1
    request.node.user_properties.append(("bracketed_rows_both_resolved", sum(pairs.values())))
    request.node.user_properties.append(("bracketed_agreement", pairs["agree"]))
    assert sum(pairs.values()) >= 1000
    assert pairs["disagree"] == 0, pairs


def test_real_part_numbers(components, real_manufacturers, request):
    """Real part numbers: normalisation holds, suffix rules fire on real ordering codes, and a catalogue
    built from the rows finds each row's own part among its best candidates from the marking as written."""
    rows = [r for r in components if r["oem_part_number"].strip()]
    stripped = sum(1 for r in rows if len(part_number_variants(r["oem_part_number"])) > 1)
    for row in rows:
        norm = normalise_part_number(row["oem_part_number"])
        assert normalise_part_number(norm) == norm
    catalogue, seen = [], set()
    for row in rows:
        matches = resolve_manufacturer(row["manufacturer"], real_manufacturers)
        if not matches:
            continue
        key = (matches[0].name, normalise_part_number(row["oem_part_number"]))
        if key not in seen:
            seen.add(key)
            catalogue.append(CatalogPart(str(len(catalogue)), key[0], row["oem_part_number"], "", ""))
    found = total = 0
    for row in rows:
        matches = resolve_manufacturer(row["manufacturer"], real_manufacturers)
        if not matches:
            continue
        total += 1
        top = best(resolve_part(row["manufacturer"], row["oem_part_number"], catalogue))
        wanted = (matches[0].name, normalise_part_number(row["oem_part_number"]))
        found += any((c.part.manufacturer, normalise_part_number(c.part.part_number)) == wanted for c in top)
    request.node.user_properties.append(("part_rows", len(rows)))
    request.node.user_properties.append(("part_rows_with_suffix_stripped", stripped))
    request.node.user_properties.append(("part_self_resolution", f"{found}/{total}"))
    assert len(rows) > 2000 and stripped > 50
    assert found == total
