"""Countries of the simulated world: how many customers each has, its cities, time zone, company legal forms
and trade words, its script, and the region that decides which distributor branch serves it."""

from __future__ import annotations

from dataclasses import dataclass

# Countries through which controlled items reach Russia (the "watched" transit countries).
WATCHED = ("TR", "AE", "KZ", "KG", "AM", "GE", "HK", "CN", "UZ")


@dataclass(frozen=True, slots=True)
class Country:
    """What the simulator needs to know about one country.

    `legal_forms` holds, per legal form, its spellings (official first); `trade_words` are the words companies
    put after their name ("Elektronik", "General Trading"); `script` is the script of official names
    ("latin", "cyrillic" or "han"); `region` picks the serving distributor branch (see `BRANCH_PREFERENCE`).
    """

    code: str
    weight: float
    cities: tuple[str, ...]
    tz: str
    legal_forms: tuple[tuple[str, ...], ...]
    trade_words: tuple[str, ...]
    region: str
    script: str = "latin"


def _c(code, weight, cities, tz, forms, words, region, script="latin") -> Country:
    return Country(code, weight, tuple(cities.split(",")), tz, forms, tuple(words.split(",")), region, script)


_EN_WORDS = "Electronics,Technologies,Systems,Components,Engineering,Devices"
# fmt: off
_ROWS = (
    _c("DE", 10, "Munich,Stuttgart,Hamburg,Dresden,Nuremberg", "+01:00",
       (("GmbH", "G.m.b.H.", "Gesellschaft mit beschränkter Haftung"), ("AG", "Aktiengesellschaft")),
       "Elektronik,Systemtechnik,Automation,Messtechnik,Antriebstechnik", "EU"),
    _c("NL", 4, "Eindhoven,Rotterdam,Utrecht,Delft", "+01:00",
       (("B.V.", "BV", "Besloten Vennootschap"),), "Electronics,Systems,Technology,Automation", "EU"),
    _c("FR", 6, "Toulouse,Lyon,Grenoble,Nantes,Rennes", "+01:00",
       (("SAS", "S.A.S."), ("SARL", "S.A.R.L.")), "Électronique,Systèmes,Technologies,Industrie", "EU"),
    _c("IT", 6, "Milan,Turin,Bologna,Padua", "+01:00",
       (("S.r.l.", "SRL", "s.r.l."), ("S.p.A.", "SpA")), "Elettronica,Sistemi,Automazione,Tecnologie", "EU"),
    _c("PL", 5, "Warsaw,Wroclaw,Gdansk,Krakow,Poznan", "+01:00",
       (("Sp. z o.o.", "SP ZOO", "sp. z o. o."),), "Elektronika,Systemy,Automatyka,Technologie", "EU"),
    _c("CZ", 3, "Brno,Prague,Ostrava", "+01:00",
       (("s.r.o.", "SRO", "spol. s r.o."),), "Elektronika,Systems,Technika", "EU"),
    _c("AT", 2, "Graz,Linz,Vienna", "+01:00", (("GmbH", "G.m.b.H."),), "Elektronik,Technik,Automation", "EU"),
    _c("SE", 2, "Gothenburg,Malmo,Stockholm", "+01:00",
       (("AB", "Aktiebolag"),), "Elektronik,System,Teknik", "EU"),
    _c("FI", 2, "Tampere,Espoo,Oulu", "+02:00", (("Oy", "OY"),), "Elektroniikka,Systems,Tekniikka", "EU"),
    _c("ES", 4, "Barcelona,Madrid,Valencia,Bilbao", "+01:00",
       (("S.L.", "SL"), ("S.A.", "SA")), "Electrónica,Sistemas,Tecnologías", "EU"),
    _c("BE", 2, "Leuven,Ghent,Antwerp", "+01:00",
       (("BV", "B.V."), ("SA", "S.A.")), "Electronics,Systems,Technics", "EU"),
    _c("HU", 2, "Budapest,Gyor,Debrecen", "+01:00",
       (("Kft.", "KFT"),), "Elektronika,Rendszerek,Technika", "EU"),
    _c("RO", 2, "Cluj-Napoca,Timisoara,Bucharest", "+02:00",
       (("S.R.L.", "SRL"),), "Electronica,Sisteme,Tehnologii", "EU"),
    _c("LT", 1, "Vilnius,Kaunas,Klaipeda", "+02:00", (("UAB",),), "Elektronika,Sistemos,Logistika", "EU"),
    _c("EE", 1, "Tallinn,Tartu", "+02:00", (("OÜ", "OU"),), "Elektroonika,Systems,Trade", "EU"),
    _c("LV", 1, "Riga,Daugavpils", "+02:00", (("SIA",),), "Elektronika,Sistemas,Trade", "EU"),
    _c("GB", 4, "Cambridge,Bristol,Manchester,Reading", "+00:00",
       (("Ltd", "Limited", "LTD."),), _EN_WORDS, "EU"),
    _c("CH", 2, "Zurich,Basel,Lausanne", "+01:00",
       (("AG", "SA"), ("GmbH",)), "Elektronik,Systems,Technik", "EU"),
    _c("NO", 1, "Oslo,Trondheim", "+01:00", (("AS", "A/S"),), "Elektronikk,Systemer,Teknikk", "EU"),
    _c("US", 5, "San Jose,Austin,Boston,Phoenix,Dallas", "-06:00",
       (("Inc.", "Inc", "Incorporated"), ("LLC", "L.L.C.")), _EN_WORDS, "AM"),
    _c("MX", 1, "Guadalajara,Monterrey", "-06:00",
       (("S.A. de C.V.", "SA de CV"),), "Electrónica,Sistemas,Tecnología", "AM"),
    _c("BR", 2, "Sao Paulo,Campinas,Curitiba", "-03:00",
       (("Ltda.", "LTDA"),), "Eletrônica,Sistemas,Tecnologia", "AM"),
    _c("IL", 2, "Haifa,Tel Aviv,Petah Tikva", "+02:00", (("Ltd.", "Ltd"),), _EN_WORDS, "ME"),
    _c("IN", 4, "Bengaluru,Pune,Chennai,Hyderabad", "+05:30",
       (("Pvt. Ltd.", "Private Limited", "PVT LTD"),), _EN_WORDS, "SA"),
    _c("JP", 3, "Osaka,Nagoya,Yokohama,Kyoto", "+09:00",
       (("K.K.", "Co., Ltd.", "Kabushiki Kaisha"),), "Denki,Electronics,Systems,Engineering", "EA"),
    _c("KR", 3, "Seoul,Suwon,Incheon", "+09:00",
       (("Co., Ltd.", "Co Ltd", "Company Limited"),), _EN_WORDS, "EA"),
    _c("TW", 3, "Hsinchu,Taipei,Taichung", "+08:00",
       (("Co., Ltd.", "Co Ltd", "Corporation"),), _EN_WORDS, "EA"),
    _c("SG", 2, "Singapore", "+08:00", (("Pte. Ltd.", "Pte Ltd", "Private Limited"),), _EN_WORDS, "EA"),
    _c("MY", 2, "Penang,Kuala Lumpur", "+08:00", (("Sdn. Bhd.", "Sdn Bhd"),), _EN_WORDS, "EA"),
    _c("VN", 2, "Hanoi,Ho Chi Minh City", "+07:00", (("Co., Ltd", "Company Limited"),), _EN_WORDS, "EA"),
    _c("TR", 8, "Istanbul,Ankara,Izmir,Bursa,Kocaeli", "+03:00",
       (("A.Ş.", "AS", "A.S.", "Anonim Şirketi"), ("Ltd. Şti.", "LTD STI", "Limited Şirketi")),
       "Elektronik,Teknoloji,Otomasyon,Dış Ticaret,Mühendislik", "TR"),
    _c("GE", 2, "Tbilisi,Batumi,Kutaisi", "+04:00",
       (("LLC", "Ltd"),), "Electronics,Trade,Technologies", "TR"),
    _c("AM", 2, "Yerevan,Gyumri", "+04:00", (("LLC", "L.L.C."), ("CJSC",)), "Electronics,Trade,Tech", "TR"),
    _c("AE", 6, "Dubai,Sharjah,Abu Dhabi,Ajman", "+04:00",
       (("FZE", "F.Z.E."), ("FZCO", "FZ-CO"), ("General Trading LLC", "Gen. Trading L.L.C.")),
       "Electronics Trading,Technologies,Trading,Components", "ME"),
    _c("KZ", 4, "Almaty,Astana,Karaganda,Shymkent", "+05:00",
       (("LLP", "TOO", "ТОО"),), "Электроника,Технологии,Снабжение,Комплект", "CA", "cyrillic"),
    _c("KG", 2, "Bishkek,Osh", "+06:00",
       (("LLC", "OsOO", "ОсОО"),), "Электроника,Торг,Снаб", "CA", "cyrillic"),
    _c("UZ", 2, "Tashkent,Samarkand", "+05:00",
       (("LLC", "MChJ", "ООО"),), "Электроника,Савдо,Технологии", "CA", "cyrillic"),
    _c("HK", 6, "Hong Kong,Kowloon", "+08:00",
       (("Limited", "Ltd", "Co., Limited"),), "Electronics,Technology,Trading,Components", "EA", "han"),
    _c("CN", 8, "Shenzhen,Shanghai,Suzhou,Chengdu,Xiamen", "+08:00",
       (("Co., Ltd.", "Co Ltd", "Company Limited"),),
       "Electronics,Technology,Trading,Microelectronics,Communication", "EA", "han"),
    _c("RU", 0, "Moscow,Saint Petersburg,Yekaterinburg,Novosibirsk,Kazan,Izhevsk", "+03:00",
       (("OOO", "LLC", "ООО"), ("AO", "JSC", "АО")),
       "Электроника,Технологии,Снабжение,Приборы,Системы", "RU", "cyrillic"),
)
# fmt: on
COUNTRIES: dict[str, Country] = {c.code: c for c in _ROWS}

# Which branch countries serve each customer region, in order of preference (after a same-country branch).
BRANCH_PREFERENCE = {
    "EU": ("DE", "NL", "FR", "IT", "PL", "AT", "CZ", "SE", "FI"),
    "AM": ("US",),
    "TR": ("TR", "DE", "IT"),
    "ME": ("AE", "TR"),
    "CA": ("TR", "AE", "DE", "FI", "PL"),
    "EA": ("HK", "SG", "CN"),
    "SA": ("AE", "SG"),
    "RU": ("FI", "DE", "PL"),
}


def serving_branch(country: str, branches: dict[str, str]) -> str:
    """The key of the branch that serves a customer in `country`, from a {branch country: branch key} map."""
    if country in branches:
        return branches[country]
    for candidate in BRANCH_PREFERENCE[COUNTRIES[country].region]:
        if candidate in branches:
            return branches[candidate]
    return next(iter(branches.values()))


def customer_countries(watched_share: float) -> tuple[list[str], list[float]]:
    """Customer countries and sampling weights; the watched countries get `watched_share` of the weight."""
    codes = [c.code for c in COUNTRIES.values() if c.weight > 0]
    watched = sum(COUNTRIES[c].weight for c in codes if c in WATCHED)
    other = sum(COUNTRIES[c].weight for c in codes if c not in WATCHED)
    weights = [
        COUNTRIES[c].weight * (watched_share / watched if c in WATCHED else (1 - watched_share) / other)
        for c in codes
    ]
    return codes, weights
