"""Fictional names: companies and people of every country, in their own script and in the Latin spellings
that other parties' records use (several transliteration systems, legal-form spellings, case, punctuation).

All stems are pseudo-words built from syllables, so names are invented, never real companies; a short
blocklist keeps well-known electronics brands out.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

from sanctrace.simulate.geography import COUNTRIES

# fmt: off
_ONSETS = (
    "b", "br", "d", "dr", "f", "g", "gr", "k", "kr", "l", "m", "n", "p", "r", "s", "st", "t",
    "tr", "v", "z",
)
_VOWELS = ("a", "e", "i", "o", "u", "a", "e", "o")
_CODAS = ("", "", "n", "r", "l", "s", "x", "m", "k", "t")
# Real company names the syllable generators could produce.
_BLOCKED = {
    "altera", "dajiang", "haixin", "huawei", "intel", "kyocera", "lenovo", "maxim", "melexis",
    "murata", "nexperia", "rohm", "sony", "tdk", "tongfang", "toshiba", "vishay", "xiaomi",
    "xinhua", "zhongxing",
}

_CYR_ONSETS = (
    "б", "в", "г", "д", "з", "к", "л", "м", "н", "п", "р", "с", "т", "ст", "тр", "кр", "гр",
    "пр", "х", "ч", "ш",
)
_CYR_VOWELS = ("а", "о", "е", "и", "у", "а", "о")
_CYR_SOFT = ("я", "ю")  # only after the consonants that take them naturally
_CYR_CODAS = ("", "", "н", "р", "л", "с", "к", "м", "й", "т", "кс")

# Chinese name stems: (hanzi, pinyin).
_HAN = (
    ("华", "hua"), ("芯", "xin"), ("鑫", "xin"), ("达", "da"), ("科", "ke"), ("创", "chuang"),
    ("源", "yuan"), ("通", "tong"), ("恒", "heng"), ("泰", "tai"), ("宇", "yu"), ("腾", "teng"),
    ("嘉", "jia"), ("博", "bo"), ("瑞", "rui"), ("昊", "hao"), ("海", "hai"), ("星", "xing"),
    ("金", "jin"), ("辰", "chen"), ("航", "hang"), ("微", "wei"), ("宏", "hong"), ("远", "yuan"),
    ("锐", "rui"), ("凯", "kai"), ("峰", "feng"), ("讯", "xun"),
)
_HAN_WORDS = {
    "Electronics": ("电子", "dianzi"), "Technology": ("科技", "keji"), "Trading": ("贸易", "maoyi"),
    "Microelectronics": ("微电子", "weidianzi"), "Communication": ("通讯", "tongxun"),
    "Components": ("元器件", "yuanqijian"),
}
_HAN_CITIES = {
    "Shenzhen": "深圳", "Shanghai": "上海", "Suzhou": "苏州", "Chengdu": "成都", "Xiamen": "厦门",
    "Hong Kong": "香港", "Kowloon": "九龙",
}

# Cyrillic -> Latin, several systems: BGN/PCGN style, ICAO passports, German-style, informal.
_BASE = dict(zip("абвгдезиклмнопрстуфы", "abvgdeziklmnoprstufy", strict=True))
TRANSLIT = {
    "bgn": _BASE | {"ё": "ye", "ж": "zh", "й": "y", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
                    "ъ": "", "ь": "", "э": "e", "ю": "yu", "я": "ya"},
    "icao": _BASE | {"ё": "e", "ж": "zh", "й": "i", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
                     "ъ": "ie", "ь": "", "э": "e", "ю": "iu", "я": "ia"},
    "german": _BASE | {"в": "w", "ж": "sch", "з": "s", "ё": "jo", "й": "j", "х": "ch", "ц": "z", "ч": "tsch",
                       "ш": "sch", "щ": "schtsch", "ъ": "", "ь": "", "э": "e", "ю": "ju", "я": "ja"},
    "informal": _BASE | {"ё": "yo", "ж": "j", "й": "i", "х": "h", "ц": "c", "ч": "ch", "ш": "sh", "щ": "sch",
                         "ъ": "", "ь": "", "э": "e", "ы": "i", "ю": "yu", "я": "ya"},
}
# fmt: on


def transliterate(text: str, system: str = "bgn") -> str:
    """Cyrillic text in Latin letters by one of the `TRANSLIT` systems (other characters kept)."""
    table = TRANSLIT[system]
    out = []
    for char in text:
        low = char.lower()
        if low in table:
            latin = table[low]
            out.append(latin.capitalize() if char != low else latin)
        else:
            out.append(char)
    return "".join(out)


def ascii_fold(text: str) -> str:
    """Diacritics dropped ("Dış Ticaret" -> "Dis Ticaret")."""
    text = text.replace("ı", "i").replace("İ", "I").replace("ß", "ss")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def pseudo_word(rng: random.Random, syllables: int | None = None) -> str:
    """An invented, pronounceable Latin word ("Varentis")."""
    while True:
        count = syllables or rng.choice((2, 2, 3))
        word = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(count)) + rng.choice(_CODAS)
        if word not in _BLOCKED and 4 <= len(word) <= 11:
            return word.capitalize()


def cyrillic_word(rng: random.Random) -> str:
    """An invented Cyrillic word ("Варентекс")."""
    syllables = []
    for _ in range(rng.choice((2, 3))):
        onset = rng.choice(_CYR_ONSETS)
        soft = onset in ("л", "м", "н", "р", "в") and rng.random() < 0.15
        syllables.append(onset + rng.choice(_CYR_SOFT if soft else _CYR_VOWELS))
    return ("".join(syllables) + rng.choice(_CYR_CODAS)).capitalize()


@dataclass(frozen=True, slots=True)
class CompanyName:
    """A company's name in its parts, so that other records can spell it their own way.

    `stem` is the distinctive word (Latin; for Cyrillic names the native stem is `native_stem`, for Chinese
    names the pinyin syllables are in `stem` and the characters in `native_stem`), `word` the trade word,
    `form` the index of the legal form in the country's `legal_forms`.
    """

    country: str
    stem: str
    word: str
    form: int
    city: str
    native_stem: str = ""
    native_word: str = ""

    @property
    def forms(self) -> tuple[str, ...]:
        return COUNTRIES[self.country].legal_forms[self.form]

    @property
    def official(self) -> str:
        """The name as registered, in Latin script."""
        script = COUNTRIES[self.country].script
        if script == "cyrillic":
            return f"{transliterate(self.native_stem)} {transliterate(self.native_word)} {self.forms[0]}"
        if script == "han":
            return self._han_latin(self.stem, self.word)
        return f"{self.stem} {self.word} {self.forms[0]}"

    @property
    def native(self) -> str | None:
        """The name in its own script (Cyrillic or Chinese), None for Latin-script countries."""
        script = COUNTRIES[self.country].script
        if script == "cyrillic":
            return f"{self.forms[-1]} «{self.native_stem} {self.native_word}»"
        if script == "han":
            word = _HAN_WORDS[self.word][0]
            if self.country == "HK":
                return f"{self.native_stem}{word}(香港)有限公司"
            return f"{_HAN_CITIES.get(self.city, '')}{self.native_stem}{word}有限公司"
        return None

    def _han_latin(self, stem: str, word: str) -> str:
        if self.country == "HK":
            return f"{stem} {word} (HK) {self.forms[0]}"
        return f"{self.city} {stem} {word} {self.forms[0]}"

    def variant(self, rng: random.Random) -> str:
        """The name as some other party's records spell it."""
        script = COUNTRIES[self.country].script
        if script == "cyrillic":
            return self._cyrillic_variant(rng)
        if script == "han":
            return self._han_variant(rng)
        return self._latin_variant(rng)

    def _latin_variant(self, rng: random.Random) -> str:
        form = rng.choice(self.forms)
        choice = rng.randrange(6)
        if choice == 0:
            return self.official
        if choice == 1:
            return f"{self.stem} {self.word} {form}".upper()
        if choice == 2:
            return f"{self.stem} {self.word}"
        if choice == 3:
            return ascii_fold(f"{self.stem} {self.word} {form}")
        if choice == 4:
            return f"{self.stem} {form}"
        return f"{self.stem.upper()} {self.word} {form}".replace(".", "")

    def _cyrillic_variant(self, rng: random.Random) -> str:
        system = rng.choice(tuple(TRANSLIT))
        stem, word = transliterate(self.native_stem, system), transliterate(self.native_word, system)
        form = rng.choice(self.forms[:-1])
        choice = rng.randrange(5)
        if choice == 0:
            return f"{stem} {word} {form}"
        if choice == 1:
            return f"{form} {stem}-{word}".upper()
        if choice == 2:
            return f"{stem} {form}"
        if choice == 3:
            return f'{self.forms[1]} "{stem} {word}"'
        return self.official

    def _han_variant(self, rng: random.Random) -> str:
        choice = rng.randrange(5)
        if choice == 0:
            return self.official
        if choice == 1:
            return ascii_fold(self.official).replace(",", "").replace(".", "").upper()
        if choice == 2:
            spaced = " ".join(s.capitalize() for s in _split_pinyin(self.stem))
            return self._han_latin(spaced, self.word)
        if choice == 3:
            return f"{self.stem} {self.word} ({self.city}) {rng.choice(self.forms)}"
        return f"{self.stem} {self.word} {rng.choice(self.forms)}"


def _split_pinyin(stem: str) -> list[str]:
    syllables = sorted({p for _, p in _HAN}, key=len, reverse=True)
    out, rest = [], stem.lower()
    while rest:
        match = next((s for s in syllables if rest.startswith(s)), rest)
        out.append(match)
        rest = rest[len(match) :]
    return out


def company_name(country: str, rng: random.Random, stem: str | None = None) -> CompanyName:
    """A new company name for `country`; `stem` forces the distinctive word (Latin-script countries)."""
    info = COUNTRIES[country]
    form = rng.randrange(len(info.legal_forms))
    city = rng.choice(info.cities)
    if info.script == "cyrillic":
        return CompanyName(country, "", "", form, city, cyrillic_word(rng), rng.choice(info.trade_words))
    if info.script == "han":
        chars = rng.sample(_HAN, 2)
        while "".join(p for _, p in chars) in _BLOCKED:
            chars = rng.sample(_HAN, 2)
        word = rng.choice(info.trade_words)
        pinyin = "".join(p for _, p in chars).capitalize()
        return CompanyName(country, pinyin, word, form, city, "".join(h for h, _ in chars))
    return CompanyName(country, stem or pseudo_word(rng), rng.choice(info.trade_words), form, city)


def lookalike_stem(stem: str, rng: random.Random) -> str:
    """A stem one edit away from `stem` ("Varentis" -> "Varentys"), as legitimate look-alike names have."""
    letters = list(stem.lower())
    position = rng.randrange(1, len(letters))
    letters[position] = rng.choice([v for v in "aeiouyk" if v != letters[position]])
    return "".join(letters).capitalize()


# People: (Latin given names, Latin family names) or, for Cyrillic/Chinese cultures, native forms.
# fmt: off
_PEOPLE_LATIN = {
    "eu": (
        (
            "Thomas", "Anna", "Marco", "Julia", "Pieter", "Sophie", "Jan", "Katarzyna", "Lukas",
            "Elena", "Henrik", "Claire",
        ),
        (
            "Brenner", "Jansen", "Moretti", "Dubois", "Nowak", "Novak", "Virtanen", "Lindqvist",
            "Garcia", "Schmid", "Keller", "Bakker",
        ),
    ),
    "tr": (
        ("Mehmet", "Ahmet", "Emre", "Murat", "Ayşe", "Zeynep", "Elif", "Burak", "Selin", "Okan"),
        (
            "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Aydın", "Öztürk", "Arslan",
            "Doğan",
        ),
    ),
    "ar": (
        (
            "Ahmed", "Mohammed", "Khalid", "Omar", "Youssef", "Fatima", "Aisha", "Hassan",
            "Rania", "Tariq",
        ),
        (
            "Al Mansouri", "Al Hashimi", "Haddad", "Nasser", "Khoury", "Saleh", "Darwish",
            "Farouk",
        ),
    ),
    "en": (
        (
            "James", "Emily", "Daniel", "Sarah", "Michael", "Priya", "Arjun", "Laura", "Kevin",
            "Grace",
        ),
        ("Carter", "Hughes", "Patel", "Sharma", "Reed", "Lawson", "Bennett", "Walsh"),
    ),
    "ca": (
        ("Gevorg", "Ani", "Giorgi", "Nino", "Aram", "Tamar", "Levan", "Armen"),
        ("Petrosyan", "Hakobyan", "Beridze", "Kapanadze", "Sargsyan", "Lomidze", "Grigoryan"),
    ),
}
_PEOPLE_CYRILLIC = (
    (
        "Алексей", "Дмитрий", "Сергей", "Игорь", "Михаил", "Андрей", "Олег", "Павел", "Нурлан",
        "Азамат", "Тимур", "Рустам", "Елена", "Ольга", "Ирина", "Айгуль", "Жанна", "Наталья",
    ),
    ("ов", "ев", "ин"),
)
_PEOPLE_HAN = (
    ("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"), ("杨", "Yang"),
    ("黄", "Huang"), ("赵", "Zhao"), ("吴", "Wu"), ("周", "Zhou"),
)
_GIVEN_HAN = (
    ("伟", "Wei"), ("军", "Jun"), ("磊", "Lei"), ("芳", "Fang"), ("敏", "Min"), ("静", "Jing"),
    ("浩", "Hao"), ("晓明", "Xiaoming"), ("燕", "Yan"), ("平", "Ping"),
)
_CULTURE = {
    "TR": "tr", "AE": "ar", "IL": "en", "IN": "en", "US": "en", "GB": "en", "AM": "ca",
    "GE": "ca", "RU": "cyr", "KZ": "cyr", "KG": "cyr", "UZ": "cyr", "CN": "han", "HK": "han",
    "TW": "han",
}
# fmt: on


@dataclass(frozen=True, slots=True)
class PersonName:
    latin: str
    native: str | None = None


def person_name(country: str, rng: random.Random) -> PersonName:
    """A fictional person's name as a registry of `country` records it."""
    culture = _CULTURE.get(country, "eu" if COUNTRIES[country].region == "EU" else "en")
    if culture == "cyr":
        given = rng.choice(_PEOPLE_CYRILLIC[0])
        family = cyrillic_word(rng) + rng.choice(_PEOPLE_CYRILLIC[1])
        if given[-1] == "а" or given in ("Айгуль", "Жанна", "Ирина", "Елена", "Ольга", "Наталья"):
            family += "а"
        native = f"{family} {given}"
        return PersonName(f"{transliterate(given)} {transliterate(family)}", native)
    if culture == "han":
        (fh, fp), (gh, gp) = rng.choice(_PEOPLE_HAN), rng.choice(_GIVEN_HAN)
        return PersonName(f"{fp} {gp}", f"{fh}{gh}")
    given, family = _PEOPLE_LATIN[culture]
    return PersonName(f"{rng.choice(given)} {rng.choice(family)}")
