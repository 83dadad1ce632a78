"""What is made: component categories (with their CHPL HS codes), the fictional manufacturers and their
parts catalogue, and the modules that module makers build from them."""

from __future__ import annotations

import random
from dataclasses import dataclass

from sanctrace.chpl import load_chpl
from sanctrace.identifiers import make_gtin


@dataclass(frozen=True, slots=True)
class Category:
    """A kind of component. `description` is filled with one of `values`; `reel` are the usual units per
    reel; `serialisable` parts may carry serials; `modular` chips are what module makers build in."""

    name: str
    hs6: str
    description: str
    values: tuple[int, ...]
    reel: tuple[int, ...]
    serialisable: bool = False
    modular: bool = False


def _kind(name: str, hs6: str, description: str, values: str, reel: str, flags: str = "") -> Category:
    """A category row: `values` and `reel` as space-separated numbers; `flags`: "s" serialisable,
    "m" modular."""
    values_, reel_ = (tuple(int(n) for n in text.split()) for text in (values, reel))
    return Category(name, hs6, description, values_, reel_, "s" in flags, "m" in flags)


# fmt: off
_CATEGORIES = (
    _kind("mcu", "854231", "32-bit microcontroller, {n} kB flash", "64 128 256 512 1024", "1000 2000", "m"),
    _kind("dsp", "854231", "digital signal processor, {n} MHz", "200 300 480 600", "500 1000", "sm"),
    _kind("fpga", "854239", "FPGA, {n}k logic cells", "25 50 85 150 300", "200 500", "sm"),
    _kind("flash", "854232", "serial NOR flash, {n} Mbit", "16 32 64 128 256", "3000 4000"),
    _kind("sram", "854232", "asynchronous SRAM, {n} Mbit", "4 8 16 32", "1000 2000"),
    _kind("opamp", "854233", "precision operational amplifier, {n} MHz GBW", "1 5 10 50", "2500 3000"),
    _kind("rf_amp", "854233", "RF power amplifier, {n} MHz to 6 GHz", "50 400 700", "1000 2000", "m"),
    _kind("gnss_ic", "854239", "multi-band GNSS receiver, {n} channels", "72 96 184", "1000 2000", "m"),
    _kind("rf_transceiver", "854239", "sub-GHz RF transceiver, {n} dBm", "14 20 27", "2000 3000", "m"),
    _kind("adc", "854239", "{n}-bit sigma-delta ADC", "16 24 32", "1000 2500"),
    _kind("imu", "854151", "6-axis MEMS inertial unit, {n} dps", "250 2000 4000", "500 1000", "sm"),
    _kind("mosfet", "854129", "N-channel power MOSFET, {n} V", "30 60 100 150", "2500 5000"),
    _kind("transistor", "854121", "small-signal bipolar transistor, {n} mA", "100 200 500", "3000 10000"),
    _kind("diode", "854110", "Schottky barrier diode, {n} V", "20 40 60 100", "3000 10000"),
    _kind("crystal", "854160", "quartz crystal unit, {n} MHz", "8 16 25 32 48", "1000 3000"),
    _kind("mlcc", "853224", "multilayer ceramic capacitor, {n} nF", "1 10 100 220", "4000 10000"),
    _kind("tantalum", "853221", "tantalum capacitor, {n} uF", "10 22 47 100", "2000 3000"),
    _kind("dcdc", "850440", "isolated DC-DC converter module, {n} W", "3 6 15 30", "50 100", "s"),
    _kind("connector", "853690", "RF coaxial connector, {n} GHz", "6 12 18", "500 1000"),
    _kind("gnss_module", "852691", "GNSS receiver module, {n} Hz update rate", "5 10 20 25", "250 500"),
    _kind("radio_module", "851762", "radio data-link module, {n} km range", "5 10 20 40", "250 500"),
)
# fmt: on
CATEGORIES = {c.name: c for c in _CATEGORIES}
MODULE_CATEGORIES = ("gnss_module", "radio_module")


@dataclass(frozen=True, slots=True)
class MakerSpec:
    """A fictional manufacturer: registered name, country, the brand names marked on its parts, the prefix
    of its part numbers, what it makes, and how it writes ordering suffixes, lot codes and HS codes."""

    name: str
    country: str
    brands: tuple[str, ...]
    prefix: str
    categories: tuple[str, ...]
    suffixes: tuple[str, ...]
    lot_style: str
    hs_style: str
    domain: str


# fmt: off
MAKERS = (
    MakerSpec("Veldhoven Semiconductors N.V.", "NL", ("VELDHOVEN", "VS"), "VS",
              ("mcu", "dsp", "flash", "gnss_ic", "rf_transceiver", "fpga"), ("-TR", ""), "yyww", "cn8",
              "veldhoven-semi"),
    MakerSpec("Rheintal Mikroelektronik GmbH", "DE", ("RHEINTAL", "RME"), "RM",
              ("imu", "adc", "opamp", "mosfet", "crystal"), ("/R7", "/R13"), "year", "hs6", "rheintal-mikro"),
    MakerSpec("Aubrac Composants SAS", "FR", ("AUBRAC", "AC"), "AC",
              ("mlcc", "tantalum", "diode", "transistor"), ("Z", "TZ"), "serial", "dotted",
              "aubrac-composants"),
    MakerSpec("Lagunare Microsistemi S.p.A.", "IT", ("LAGUNARE", "LMS"), "LMS",
              ("rf_amp", "rf_transceiver", "mcu", "dcdc"), ("-TR", "-T"), "yyww", "cn8", "lagunare"),
    MakerSpec("Tauern Sensorik AG", "AT", ("TAUERN", "TS"), "TS",
              ("imu", "adc", "mcu"), ("/R7", ""), "week", "hs6", "tauern-sensorik"),
    MakerSpec("Kestrel Peak Devices Inc.", "US", ("KESTREL", "KPD"), "KP",
              ("fpga", "sram", "flash", "opamp"), ("-TR", "Z"), "year", "hts", "kestrelpeak"),
    MakerSpec("Hoshizora Denshi K.K.", "JP", ("HOSHIZORA", "HZD"), "HZ",
              ("crystal", "mlcc", "connector"), ("-TR", ""), "serial", "hs6", "hoshizora"),
    MakerSpec("Jadebay Microelectronics Co., Ltd.", "TW", ("JADEBAY", "JBM"), "JB",
              ("mosfet", "diode", "gnss_ic", "mcu"), ("/R7", ""), "week", "dotted", "jadebay"),
)
# fmt: on

_PACKAGES = ("QF48", "LQ64", "SO8", "DFN6", "BG256", "TQ100", "SOT23", "LGA14", "QN32", "WL25")


@dataclass(frozen=True, slots=True)
class Part:
    """One orderable trade item. `marking` is the part number printed on the device: the orderable number
    without its ordering (packing) suffix; `item` is indicator digit + item reference (EPC URN order)."""

    index: int
    maker: str
    gcp: str
    item: str
    gtin: str
    part_number: str
    marking: str
    category: Category
    hs_code: str
    description: str
    serialised: bool

    @property
    def tier(self) -> int:
        return load_chpl()[self.category.hs6].level


def format_hs(hs6: str, style: str) -> str:
    """A CHPL HS-6 code as a catalogue writes it: bare, dotted, as an EU CN-8 or a US HTS-10 code."""
    if style == "dotted":
        return f"{hs6[:4]}.{hs6[4:]}"
    if style == "cn8":
        return f"{hs6[:4]}.{hs6[4:]}.90"
    if style == "hts":
        return f"{hs6[:4]}.{hs6[4:]}.0000"
    return hs6


def make_parts(
    maker_key: str,
    spec: MakerSpec,
    gcp: str,
    count: int,
    serialised_share: float,
    first_index: int,
    rng: random.Random,
) -> list[Part]:
    """`count` parts of one manufacturer; about a fifth share their marking with a sibling that differs only
    by the ordering suffix (so a marking alone cannot tell the two GTINs apart). `serialised_share` is the
    share of parts in serialisable categories that are sold with serial numbers."""
    parts: list[Part] = []
    seen: set[str] = set()
    while len(parts) < count:
        category = CATEGORIES[rng.choice(spec.categories)]
        marking = _marking(spec.prefix, rng)
        if marking in seen:
            continue
        seen.add(marking)
        suffixes = spec.suffixes if rng.random() < 0.2 else (rng.choice(spec.suffixes),)
        serialised = category.serialisable and rng.random() < serialised_share
        description = category.description.format(n=rng.choice(category.values))
        for suffix in suffixes[: count - len(parts)]:
            item = "0" + str(len(parts) + 1).zfill(12 - len(gcp))
            parts.append(
                Part(
                    first_index + len(parts),
                    maker_key,
                    gcp,
                    item,
                    make_gtin(gcp, item[1:]),
                    marking + suffix,
                    marking,
                    category,
                    format_hs(category.hs6, spec.hs_style),
                    description,
                    serialised,
                )
            )
    return parts


def _marking(prefix: str, rng: random.Random) -> str:
    family = rng.randrange(100, 9999)
    grade = rng.choice("ABCDEFGHKLMNPRSTX")
    package = rng.choice(_PACKAGES)
    dash = "-" if rng.random() < 0.5 else ""
    return f"{prefix}{family}{grade}{dash}{package}"


def module_parts(maker_key: str, prefix: str, gcp: str, first_index: int, rng: random.Random) -> list[Part]:
    """The modules a module maker sells, one per module category."""
    parts = []
    for offset, name in enumerate(MODULE_CATEGORIES):
        category = CATEGORIES[name]
        marking = f"{prefix}-{rng.choice(('M', 'N', 'R'))}{rng.randrange(10, 99)}{rng.choice('ABCX')}"
        item = "0" + str(offset + 1).zfill(12 - len(gcp))
        parts.append(
            Part(
                first_index + offset,
                maker_key,
                gcp,
                item,
                make_gtin(gcp, item[1:]),
                marking,
                marking,
                category,
                category.hs6,
                category.description.format(n=rng.choice(category.values)),
                False,
            )
        )
    return parts


def lot_code(style: str, year: int, week: int, number: int, rng: random.Random) -> str:
    """A lot code in a manufacturer's house style (letters and digits only)."""
    yy = f"{year % 100:02d}"
    if style == "yyww":
        return f"{yy}{week:02d}{rng.choice('ABCDEFGH')}{number:03d}"
    if style == "year":
        return f"L{yy}{number:05d}"
    if style == "week":
        return f"W{yy}{week:02d}{number:04d}"
    return f"{number:06d}{rng.choice('ABCDEFGHJK')}{rng.choice('ABCDEFGHJK')}"
