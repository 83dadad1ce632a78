"""Names as the matcher sees them: rigour's analysis, plus what the evaluation showed it misses (pure).

* **Legal forms** rigour does not know (`resources/legal_forms.csv`: TOO, ОсОО, A.Ş., 有限公司 ...) are rewritten,
  where they open or close a name, to the form rigour normalises (LLP, LLC, JSC), and remembered for the
  explanation. rigour itself folds the ones it knows (ООО, OOO, LLC, Ltd. Şti., MChJ, GmbH ...) to one class.
* **Scripts rigour does not latinise** (Arabic, Hebrew, Chinese, Japanese, Thai, Indic ...): the name also gets a
  Latin transliteration (ICU), compared when the other name shares no script with it.
* **Consonant skeletons**: Arabic and Hebrew are written without short vowels (and ICU drops the inherent vowel
  of Thai or Indic scripts), so their transliteration ("mhmd") is compared with the consonants of the Latin name
  ("Mohamed" -> "mhmd").
* **Patronymics** (-ovich, -ovna, -ogly, -kyzy ...) are recognised, so that one written on a single side barely
  counts against a match.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import icu
from followthemoney.names import schema_type_tag
from followthemoney.schema import Schema
from rigour.names import Name, NamePart, NamePartTag, NameTypeTag, analyze_names
from rigour.text.scripts import can_latinize, text_scripts

# Scripts whose transliteration is best compared by consonants: abjads write no short vowels, and ICU drops
# the inherent vowel of most abugidas.
CONSONANTAL_SCRIPTS = frozenset({"Arabic", "Hebrew", "Syriac", "Thaana", "Thai", "Lao", "Khmer", "Myanmar",
                                 "Devanagari", "Bengali", "Gurmukhi", "Gujarati", "Oriya", "Tamil", "Telugu",
                                 "Kannada", "Malayalam", "Sinhala", "Tibetan"})
PATRONYMIC_ENDINGS = ("ovich", "evich", "avich", "ovych", "evych", "ovitch", "evitch", "ovitsj", "owitsj",
                      "owitsch", "ewitsch", "ovics", "ovici", "ovna", "evna", "ivna", "ichna", "ogly", "ogli",
                      "kyzy", "qizi", "uulu")
_NOT_NAME_CHARACTER = re.compile(r"[^\w\s-]")
_SKELETON_DIGRAPHS = (("x", "ks"), ("tsh", "s"), ("tch", "s"), ("ts", "s"), ("ph", "f"), ("th", "t"), ("kh", "h"),
                      ("sh", "s"), ("ch", "s"), ("gh", "g"), ("dh", "d"))
_SOFT_C = re.compile(r"c(?=[eiy])")
_SKELETON_LETTERS = str.maketrans({"p": "b", "v": "f", "q": "k", "c": "k", "z": "s", "g": "j",
                                   "e": None, "a": None, "i": None, "o": None, "u": None, "y": None})
_W_AS_VOWEL = str.maketrans({"w": None})
_W_AS_CONSONANT = str.maketrans({"w": "f"})
_H = str.maketrans({"h": None})
_REPEATS = re.compile(r"(.)\1+")


@dataclass(frozen=True, slots=True)
class AnalysedName:
    """One name, analysed once: rigour's `Name` and, where it helps, its Latin transliteration."""

    original: str
    name: Name
    latin: Name | None  # transliterated when rigour does not latinise the script; None otherwise
    consonantal: bool  # written in a script best compared by its consonants
    legal_forms: tuple[tuple[str, str], ...]  # (form as written, the form it was read as)


@dataclass(frozen=True, slots=True)
class LegalForm:
    form: str
    canonical: str
    pattern: re.Pattern[str]


@cache
def legal_forms() -> tuple[LegalForm, ...]:
    """The legal forms of `resources/legal_forms.csv`, longest first."""
    text = resources.files("sanctrace").joinpath("resources", "legal_forms.csv").read_text(encoding="utf-8")
    forms = []
    for row in csv.DictReader(io.StringIO(text)):
        form = row["form"]
        escaped = re.escape(form)
        if "Han" in text_scripts(form) or "Katakana" in text_scripts(form):
            pattern = re.compile(rf"^{escaped}|{escaped}$")  # written without spaces
        else:
            flags = re.IGNORECASE if len(form) > 3 or not form.isascii() else 0  # "TOO", not "too"
            pattern = re.compile(rf"^{escaped}(?=[\s,.]|$)|(?<=[\s,])\s*{escaped}$", flags)
        forms.append(LegalForm(form, row["canonical"], pattern))
    return tuple(sorted(forms, key=lambda f: -len(f.form)))


def rewrite_legal_forms(text: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """Rewrite legal forms rigour does not know, where they open or close the name, to one it does."""
    found: list[tuple[str, str]] = []
    for legal_form in legal_forms():
        match = legal_form.pattern.search(text)
        if match:
            found.append((match.group(0).strip(), legal_form.canonical))
            text = " ".join(f"{text[:match.start()]} {legal_form.canonical} {text[match.end():]}".split())
    return text, tuple(found)


@cache
def _transliterator() -> icu.Transliterator:
    return icu.Transliterator.createInstance("Any-Latin; Latin-ASCII; Lower")


def transliterate(text: str) -> str:
    """Latin letters for any script (ICU), without the marks some transliterations keep (ʿ, ', ・).

    Each word is transliterated on its own, and the syllables ICU separates within a word written without
    spaces (Chinese, Japanese) are joined again: 习近平 -> "xijinping", not "xi jin ping".
    """
    words = text.replace("·", " ").replace("・", " ").split()
    latin = ("".join(_transliterator().transliterate(word).split()) for word in words)
    return " ".join(_NOT_NAME_CHARACTER.sub("", word) for word in latin if word)


def is_consonantal(text: str) -> bool:
    return bool(text_scripts(text) & CONSONANTAL_SCRIPTS)


def _consonants(token: str) -> str:
    for digraph, letter in _SKELETON_DIGRAPHS:
        token = token.replace(digraph, letter)
    return _SOFT_C.sub("s", token).translate(_SKELETON_LETTERS)


@lru_cache(maxsize=1 << 18)
def skeletons(token: str) -> frozenset[str]:
    """The consonants of a Latin token, similar sounds folded: "Mohammed" -> "mhmd", "Vladimir" -> "fldmr".

    Transliterations from Arabic and Hebrew disagree on a few letters, so a token has several skeletons: the
    article al- kept or dropped, w read as a vowel or as v, h kept or dropped. Two tokens sound alike when they
    share one.
    """
    token = token.lower()
    forms = {token, token[2:]} if token.startswith("al") and len(token) > 4 else {token}
    found = set()
    for form in forms:
        folded = _consonants(form)
        for w_read in (folded.translate(_W_AS_VOWEL), folded.translate(_W_AS_CONSONANT)):
            for variant in (w_read, w_read.translate(_H)):
                found.add(_REPEATS.sub(r"\1", variant))
    return frozenset(found)


def skeleton_keys(token: str) -> frozenset[str]:
    """The shortest skeletons of a token (h dropped, al- dropped; w as a vowel or as v): for indexing."""
    token = token.lower()
    if token.startswith("al") and len(token) > 4:
        token = token[2:]
    folded = _consonants(token).translate(_H)
    return frozenset(_REPEATS.sub(r"\1", folded.translate(table)) for table in (_W_AS_VOWEL, _W_AS_CONSONANT))


@lru_cache(maxsize=1 << 18)
def squeeze(token: str) -> str:
    """The token with doubled letters written once: "Mohammad" -> "mohamad"."""
    return _REPEATS.sub(r"\1", token)


def is_patronymic(part: NamePart) -> bool:
    word = part.comparable
    return len(word) > 5 and word.endswith(PATRONYMIC_ENDINGS)


def name_kind(schema: Schema) -> NameTypeTag:
    """How to read the names of a schema: person, organisation, legal entity (either), object."""
    return schema_type_tag(schema)


def analyse_name(kind: NameTypeTag, text: str, part_tags: Mapping[NamePartTag, Sequence[str]] | None = None,
                 query: bool = False) -> AnalysedName | None:
    """Analyse one name; None when nothing of it is left to compare (only punctuation, only a title...)."""
    rewritten, forms = rewrite_legal_forms(text) if kind in (NameTypeTag.ORG, NameTypeTag.ENT) else (text, ())
    names = analyze_names(kind, [rewritten], part_tags, infer_initials=query, consolidate=False)
    if not names:
        return None
    name = next(iter(names))
    latin = None
    if not can_latinize(name.form):
        latin_text = transliterate(rewritten)
        latin_names = analyze_names(kind, [latin_text], infer_initials=query, consolidate=False) if latin_text else ()
        latin = next(iter(latin_names), None)
    return AnalysedName(text, name, latin, is_consonantal(text), forms)


def analyse_names(kind: NameTypeTag, texts: Sequence[str],
                  part_tags: Mapping[NamePartTag, Sequence[str]] | None = None,
                  query: bool = False) -> list[AnalysedName]:
    """Analyse each distinct name (by its comparable form), keeping the first spelling of each."""
    seen: set[str] = set()
    analysed = []
    for text in texts:
        name = analyse_name(kind, text, part_tags, query)
        if name is not None and name.name.comparable not in seen:
            seen.add(name.name.comparable)
            analysed.append(name)
    return analysed
