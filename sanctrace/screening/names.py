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
* **A legal form inside the name** ("Jin *Yu* Trading Limited": rigour reads "yu" as a legal form) is read as a
  plain word when the name has a legal form at its start or end already: a name has one legal form, at an edge.
* **Abbreviations and translations of generic words** (`resources/name_abbreviations.csv`: Gen. = General,
  Mfg = Manufacturing, 贸易 = Trading ...). Chinese words are split off the name around the generic words the
  table translates before they are transliterated ("金宇贸易" -> "jinyu maoyi"), so the brand stands alone.
* **Transliteration variants**: two Latin spellings of one name by two systems (Wodiso / Vodizo: w/v, s/z;
  Khoman / Choman; Zhukov / Jukov; Şahin / Shahin) are told apart from other words by the letter pairs that
  differ (`spelling_variant`).
* **Qualifiers in brackets** ("Haohai Trading (Kowloon) Limited") are found, so that a place written on one
  side only, or another place, counts little.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from itertools import groupby
from typing import Any

import icu
from followthemoney.names import schema_type_tag
from followthemoney.schema import Schema
from rigour.names import Name, NamePart, NamePartTag, NameTypeTag, SymbolCategory, analyze_names
from rigour.text import ascii_text
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
_BRACKET = re.compile(r"([()（）\[\]])")
_BRACKETED = re.compile(r"[(（\[]([^()（）\[\]]*)[)）\]]")
_WORD = re.compile(r"\w+")
MAX_QUALIFIER_WORDS = 3  # a bracket holding more words than this is more than a qualifier
# brackets holding another name or a legal form, not a place
NOT_QUALIFIERS = frozenset({"formerly", "former", "ex", "fka", "aka", "dba", "previously", "bivsh", "бывш",
                            "бывшее", "ранее", "pvt", "pte", "pty", "private", "public", "plc"})
ACRONYM_SHARE = 2 / 3  # letters in brackets this much found among the name's initials: its acronym

# Letter pairs that two transliteration systems write differently for one sound (Cyrillic, Turkic, Chinese ...):
# w/v (Wodiso, Vodizo), s/z, kh/h/ch (Khoman, Homan, Choman), j/y/zh (Jukov, Yukov, Zhukov), ou/u, sh/sch,
# ts/c/z (Kuznetsov, Kuznecov, Kusnezow), i/y, ph/f, x/ks, ck/k, q/k, dzh/dj/j, German ue/oe/ae.
VARIANT_PAIRS = (("w", "v"), ("s", "z"), ("kh", "h"), ("kh", "ch"), ("ch", "h"), ("j", "y"), ("zh", "j"),
                 ("zh", "y"), ("ou", "u"), ("sch", "sh"), ("ts", "c"), ("ts", "z"), ("c", "z"), ("tz", "ts"),
                 ("tz", "z"), ("i", "y"), ("iy", "y"), ("iy", "i"), ("ph", "f"), ("x", "ks"), ("ck", "k"),
                 ("q", "k"), ("dzh", "j"), ("dj", "j"), ("ch", "tch"), ("ch", "tsch"), ("ue", "u"), ("oe", "o"),
                 ("ae", "a"))
_VARIANT_STEPS = tuple((x, y) for pair in VARIANT_PAIRS for x, y in (pair, pair[::-1]))
MIN_VARIANT_LENGTH = 4
# Latin letters with a diacritic that a transliteration writes as two letters (Turkish ş = sh, Czech č = ch ...).
_DIGRAPH_LETTERS = str.maketrans({"ş": "sh", "ș": "sh", "š": "sh", "ś": "sh", "ç": "ch", "č": "ch", "ć": "ch",
                                  "ž": "zh", "ż": "zh", "ź": "zh", "ß": "ss"})
_DIGRAPH_CHARS = frozenset("şșšśçčćžżźß")
# One blocking key for every spelling of a token (`variant_key`): the pairs above folded to one letter.
_FOLD_STEPS = (("tsch", "h"), ("tch", "h"), ("shch", "s"), ("sch", "s"), ("dzh", "j"), ("dj", "j"), ("zh", "j"),
               ("kh", "h"), ("ch", "h"), ("sh", "s"), ("ts", "s"), ("tz", "s"), ("ph", "f"), ("ck", "k"), ("ou", "u"),
               ("ue", "u"), ("oe", "o"), ("ae", "a"), ("x", "ks"))
_FOLD_LETTERS = str.maketrans({"w": "v", "z": "s", "c": "s", "y": "i", "j": "i", "q": "k"})


@dataclass(frozen=True, slots=True)
class AnalysedName:
    """One name, analysed once: rigour's `Name` and, where it helps, its Latin transliteration."""

    original: str
    name: Name
    latin: Name | None  # transliterated when rigour does not latinise the script; None otherwise
    consonantal: bool  # written in a script best compared by its consonants
    legal_forms: tuple[tuple[str, str], ...]  # (form as written, the form it was read as)
    # what the comparison works out once per name (its parts' facts), kept with the name: rigour's `Name`
    # compares equal to any name of the same comparable form, whatever its kind or tags, so it is no cache key
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


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


@dataclass(frozen=True, slots=True)
class WordTables:
    """`resources/name_abbreviations.csv`, read for the matcher."""

    equivalent: Mapping[tuple[str, str], str]  # (word, word) -> how: "abbreviation (gen = general)"
    generic: frozenset[str]  # every word of the table (both columns, and the pinyin of the translated ones)
    expansions: Mapping[str, frozenset[str]]  # a word -> the words it stands for or translates (for the index)
    han_words: re.Pattern[str] | None  # the Chinese words of the table, to split a name around


@cache
def word_tables() -> WordTables:
    text = resources.files("sanctrace").joinpath("resources", "name_abbreviations.csv").read_text(encoding="utf-8")
    equivalent: dict[tuple[str, str], str] = {}
    expansions: dict[str, set[str]] = {}
    han: list[str] = []
    for row in csv.DictReader(io.StringIO(text)):
        short, long, kind = row["short"].strip(), row["long"].strip().lower(), row["kind"].strip()
        written = short.lower()
        if kind == "translation" and "Han" in text_scripts(short):
            han.append(short)
            written = _NOT_NAME_CHARACTER.sub("", "".join(_transliterator().transliterate(short).split()))
        how = f"{kind} ({short} = {long})"
        equivalent[(written, long)] = equivalent[(long, written)] = how
        expansions.setdefault(written, set()).add(long)
        expansions.setdefault(long, set()).add(written)
    pattern = re.compile("(" + "|".join(re.escape(w) for w in sorted(han, key=len, reverse=True)) + ")") \
        if han else None
    generic = frozenset(word for pair in equivalent for word in pair)
    return WordTables(equivalent, generic, {k: frozenset(v) for k, v in expansions.items()}, pattern)


def equivalent_words(a: str, b: str) -> str | None:
    """How two comparable words are one (an abbreviation, a translation of a generic word), or None."""
    tables = word_tables()
    return tables.equivalent.get((a, b)) if a in tables.generic and b in tables.generic else None


@cache
def _any_legal_form() -> re.Pattern[str]:
    """One pattern matching wherever one of `legal_forms()` would."""
    return re.compile("|".join(f"(?{'i' if f.pattern.flags & re.IGNORECASE else ''}:{f.pattern.pattern})"
                               for f in legal_forms()))


@cache
def _legal_form_edges() -> tuple[re.Pattern[str], re.Pattern[str], int]:
    """What a name must begin or end with for a legal form to open or close it, as quick tests: the first two
    letters of a form, at the start; the last two, last (or before a closing newline, where `$` also matches). And
    how far from the end a form closing the name can begin: the longest form, and that newline."""

    def edges(letters: Callable[[str], str]) -> str:
        folded = {re.escape(letters(f.form)) for f in legal_forms() if f.pattern.flags & re.IGNORECASE}
        exact = {re.escape(letters(f.form)) for f in legal_forms() if not f.pattern.flags & re.IGNORECASE}
        return "|".join(([f"(?i:{'|'.join(sorted(folded))})"] if folded else []) + sorted(exact))

    return (re.compile(f"(?:{edges(lambda form: form[:2])})"),
            re.compile(f"(?:{edges(lambda form: form[-2:])})" + r"\n?\Z"),
            max(len(f.form) for f in legal_forms()) + 1)


def has_legal_form(text: str) -> bool:
    """Whether one of `legal_forms()` opens or closes the name (what `_any_legal_form().search` says, sooner).

    Most names neither begin nor end as a form does, and are told at once. The others are searched at their start
    and in their last characters only: a form is matched letter for letter, case folded or not, so one closing the
    name begins at most `reach` characters from its end (where spaces come before it, the form's first letter
    follows a space too, and the pattern matches there)."""
    opening, closing, reach = _legal_form_edges()
    if opening.match(text) is None and closing.search(text, max(0, len(text) - 3)) is None:
        return False
    pattern = _any_legal_form()
    return pattern.match(text) is not None or pattern.search(text, max(1, len(text) - reach)) is not None


def rewrite_legal_forms(text: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """Rewrite legal forms rigour does not know, where they open or close the name, to one it does."""
    if not has_legal_form(text):
        return text, ()
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


def _han_pieces(word: str) -> list[str]:
    """A Chinese word split around the generic words of `name_abbreviations.csv` ("金宇贸易" -> 金宇, 贸易)."""
    pattern = word_tables().han_words if "Han" in text_scripts(word) else None
    if pattern is None:
        return [word]
    return [piece for piece in pattern.split(word) if piece] if pattern.search(word) else [word]


def transliterate(text: str) -> str:
    """Latin letters for any script (ICU), without the marks some transliterations keep (ʿ, ', ・).

    Each word is transliterated on its own, and the syllables ICU separates within a word written without
    spaces (Chinese, Japanese) are joined again: 习近平 -> "xijinping", not "xi jin ping". Brackets are kept as
    words of their own (they mark a qualifier: "金宇贸易(香港)" -> "jinyu maoyi ( xianggang )"), and a Chinese word
    is split around the generic words the abbreviation table translates.
    """
    words = _BRACKET.sub(r" \1 ", text.replace("·", " ").replace("・", " ")).split()
    found = []
    for word in words:
        if _BRACKET.fullmatch(word):
            found.append("(" if word in "(（[" else ")")
            continue
        for piece in (_han_pieces(word) if len(word) > 1 else (word,)):
            latin = _latin_piece(piece)
            if latin:
                found.append(latin)
    return " ".join(found)


@lru_cache(maxsize=1 << 16)
def _latin_piece(piece: str) -> str:
    """One word (or piece of a Chinese word) in Latin letters, syllables joined, marks dropped."""
    return _NOT_NAME_CHARACTER.sub("", "".join(_transliterator().transliterate(piece).split()))


def _is_acronym(letters: str, words: Sequence[str]) -> bool:
    """Whether `letters` read as the initials of `words` ("DTSRC": Defense Technology and Science Research
    Center): most of them found, in order, among the words' first letters."""
    initials = [word[0] for word in words if word]
    found, at = 0, 0
    for letter in letters:
        for position in range(at, len(initials)):
            if initials[position] == letter:
                found, at = found + 1, position + 1
                break
    return len(letters) >= 2 and found >= ACRONYM_SHARE * len(letters)


def qualifier_words(form: str) -> frozenset[str]:
    """The words a name holds in brackets, when they read as a qualifier (a place: "(HK)", "(Suzhou)"), not as
    another name ("(formerly ...)"), a legal form ("(Pvt)") or the name's acronym ("(DTSRC)")."""
    if "(" not in form and "（" not in form and "[" not in form:
        return frozenset()
    outside = _WORD.findall(_BRACKETED.sub(" ", form).lower())
    words: set[str] = set()
    for content in _BRACKETED.findall(form):
        inside = _WORD.findall(content.lower())
        if not 0 < len(inside) <= MAX_QUALIFIER_WORDS or NOT_QUALIFIERS.intersection(inside):
            continue
        if len(inside) <= 2 and _is_acronym("".join(inside), outside):
            continue
        words.update(inside)
    return frozenset(words)


def latin_spellings(part: NamePart) -> tuple[str, ...]:
    """The Latin spellings of a part: its comparable form and, for a Latin word with ş, č, ž ..., the form that
    writes them as two letters (Şahin -> "sahin", "shahin")."""
    form = part.form
    if form.isascii() or not form.isalpha():
        return (part.comparable,)
    digraphs = form.translate(_DIGRAPH_LETTERS)
    if digraphs == form or not can_latinize(form) or "Latin" not in text_scripts(form):
        return (part.comparable,)
    spelled = ascii_text(digraphs).lower()
    return (part.comparable, spelled) if spelled != part.comparable else (part.comparable,)


@lru_cache(maxsize=1 << 16)
def _substitutions(a: str, b: str) -> tuple[tuple[str, str], ...] | None:
    """The fewest letter pairs of `VARIANT_PAIRS` that turn `a` into `b` (letters otherwise the same), or None."""
    # fewest[i][j]: the pairs turning a[i:] into b[j:], worked backwards from the ends
    fewest: list[list[tuple[tuple[str, str], ...] | None]] = [[None] * (len(b) + 1) for _ in range(len(a) + 1)]
    fewest[len(a)][len(b)] = ()
    for i in range(len(a), -1, -1):
        for j in range(len(b), -1, -1):
            if i == len(a) and j == len(b):
                continue
            found = fewest[i + 1][j + 1] if i < len(a) and j < len(b) and a[i] == b[j] else None
            for x, y in _VARIANT_STEPS:
                if a.startswith(x, i) and b.startswith(y, j):
                    rest = fewest[i + len(x)][j + len(y)]
                    if rest is not None and (found is None or len(rest) + 1 < len(found)):
                        found = ((x, y), *rest)
            fewest[i][j] = found
    return fewest[0][0]


def spelling_variant(query: NamePart, candidate: NamePart) -> str | None:
    """The letter pairs by which two spellings of one word differ ("w/v, s/z"), when they are transliteration
    variants: the same letters but for a few pairs of `VARIANT_PAIRS` (at most one in three letters); else None."""
    if query.form.isascii() and candidate.form.isascii() and \
            variant_key(query.comparable) != variant_key(candidate.comparable):
        return None  # the common case, decided at once
    for a in latin_spellings(query):
        for b in latin_spellings(candidate):
            if variant_key(a) != variant_key(b):  # a cheap test first: the pairs folded to one letter differ
                continue
            a, b = squeeze(a), squeeze(b)
            if min(len(a), len(b)) < MIN_VARIANT_LENGTH or not (a.isalpha() and b.isalpha()):
                continue
            pairs = _substitutions(a, b) if a != b else ()
            if pairs is None or len(pairs) > max(1, min(len(a), len(b)) // 3):
                continue
            found = [f"{c}/{c.translate(_DIGRAPH_LETTERS)}" for c in query.form + candidate.form if c in _DIGRAPH_CHARS]
            found += [f"{x}/{y}" for x, y in pairs]
            if found:
                return ", ".join(dict.fromkeys(found))
    return None


@lru_cache(maxsize=1 << 18)
def variant_key(token: str) -> str:
    """One key for the transliteration variants of a token, for blocking ("wodiso", "vodizo" -> "vodiso")."""
    for digraph, letter in _FOLD_STEPS:
        token = token.replace(digraph, letter)
    return _single_letters(token.translate(_FOLD_LETTERS))


def _single_letters(text: str) -> str:
    """The text with each run of one letter written once ("mohammad" -> "mohamad")."""
    return "".join(letter for letter, _ in groupby(text)) if _REPEATS.search(text) else text


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
                found.add(_single_letters(variant))
    return frozenset(found)


def skeleton_keys(token: str) -> frozenset[str]:
    """The shortest skeletons of a token (h dropped, al- dropped; w as a vowel or as v): for indexing."""
    token = token.lower()
    if token.startswith("al") and len(token) > 4:
        token = token[2:]
    folded = _consonants(token).translate(_H)
    if "w" not in folded:  # w read as a vowel or as v: one skeleton where there is none
        return frozenset((_single_letters(folded),))
    return frozenset(_single_letters(folded.translate(table)) for table in (_W_AS_VOWEL, _W_AS_CONSONANT))


@lru_cache(maxsize=1 << 18)
def squeeze(token: str) -> str:
    """The token with doubled letters written once: "Mohammad" -> "mohamad"."""
    return _single_letters(token)


def is_patronymic(part: NamePart) -> bool:
    word = part.comparable
    return len(word) > 5 and word.endswith(PATRONYMIC_ENDINGS)


def name_kind(schema: Schema) -> NameTypeTag:
    """How to read the names of a schema: person, organisation, legal entity (either), object."""
    return schema_type_tag(schema)


def _inner_legal_forms(name: Name) -> set[NamePart]:
    """The parts rigour read as a legal form inside the name — a plain word before and after them — when the
    name has a legal form at its start or end already ("Jin *Yu* Trading Limited")."""
    legal = {part for span in name.spans if span.symbol.category == SymbolCategory.ORG_CLASS for part in span.parts}
    if len(legal) < 2:
        return set()
    parts = name.parts
    edge = set()  # the legal forms (and what binds them: "& Co", "de") at either end
    for ordered in (parts, parts[::-1]):
        for part in ordered:
            if part in legal or part.tag == NamePartTag.STOP or part.comparable in ("co", "and"):
                edge.add(part)
            else:
                break
    if not any(part in edge for part in legal):
        return set()
    return {part for part in legal if part not in edge}


def _without_legal_forms(name: Name, words: set[NamePart]) -> Name:
    """The same name with `words` read as plain words, not legal forms."""
    rebuilt = Name(name.original, form=name.form, tag=name.tag)
    if [p.form for p in rebuilt.parts] != [p.form for p in name.parts]:
        return name
    for old, new in zip(name.parts, rebuilt.parts):
        new.tag = NamePartTag.UNSET if old in words else old.tag
    by_index = {part.index: part for part in rebuilt.parts}
    for span in name.spans:
        if span.symbol.category == SymbolCategory.ORG_CLASS and any(part in words for part in span.parts):
            continue
        if len(span.parts) == 1:
            rebuilt.apply_part(by_index[span.parts[0].index], span.symbol)
        else:
            rebuilt.apply_phrase(" ".join(part.form for part in span.parts), span.symbol)
    return rebuilt


def _analyse(kind: NameTypeTag, text: str, part_tags: Mapping[NamePartTag, Sequence[str]] | None,
             query: bool) -> Name | None:
    names = analyze_names(kind, [text], part_tags, infer_initials=query, consolidate=False)
    if not names:
        return None
    name = next(iter(names))
    if kind in (NameTypeTag.ORG, NameTypeTag.ENT):
        inner = _inner_legal_forms(name)
        if inner:
            name = _without_legal_forms(name, inner)
    return name


def analyse_name(kind: NameTypeTag, text: str, part_tags: Mapping[NamePartTag, Sequence[str]] | None = None,
                 query: bool = False) -> AnalysedName | None:
    """Analyse one name; None when nothing of it is left to compare (only punctuation, only a title...)."""
    rewritten, forms = rewrite_legal_forms(text) if kind in (NameTypeTag.ORG, NameTypeTag.ENT) else (text, ())
    name = _analyse(kind, rewritten, part_tags, query)
    if name is None:
        return None
    latin = None
    if not can_latinize(name.form):
        latin_text = transliterate(rewritten)
        latin = _analyse(kind, latin_text, None, query) if latin_text else None
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
