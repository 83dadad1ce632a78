"""Comparing two names part by part, keeping the evidence for every part (pure).

For one pair of analysed names:

1. identical comparable forms score 1.0, each part `exact` (or `transliteration` when written in two scripts);
2. rigour pairs the parts it recognises on both sides (symbols: one given name in any script or spelling, one
   legal form, initials, numbers); each pairing it proposes is tried;
3. the parts left over are put in order (a person's name parts in any order) and compared by rigour's residue
   distance (typos, split or merged tokens); Chinese characters too unlike to be one name (宏腾 / 达宏: another
   trade name sharing a character) are left unpaired;
4. what is still unmatched is tried against the other side's leftovers with rules rigour misses: initials
   (J ≈ Joachim), syllables written apart or together (Jin Yu ≈ Jinyu), abbreviations and translations of
   generic words (Gen. ≈ General, maoyi 贸易 ≈ Trading: `resources/name_abbreviations.csv`), doubled letters
   and swapped neighbours (Mohamad ≈ Mohammad, Sko ≈ Sok), transliteration variants (Wodiso ≈ Vodizo: w/v,
   s/z) and, between names written in two scripts, the same sound (metaphone: Трейд ≈ Trade) or, for a
   consonantal script (Arabic, Hebrew, Thai, Indic), the same consonant skeleton;
5. each part's score is weighted — a legal form or a patronymic on one side only barely counts, a part of the
   query missing from the candidate counts much more than one of the candidate's missing from the query — and
   the weighted mean is the name's score. A qualifier in brackets ("(HK)", "(Kowloon)") that differs or is
   written on one side only counts little; when every word of the query is found in the candidate (a short
   form of the registered name: "Deki" / "Deki Technologie"), the candidate's extra generic words count less
   than its extra distinctive words.

When the two names share no script and one of them is in a script rigour does not latinise, the comparison is
made again on the Latin transliteration, and the better of the two is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rigour.names import (
    Name,
    NamePart,
    NamePartTag,
    NameTypeTag,
    Symbol,
    SymbolCategory,
    align_person_name_order,
    compare_parts,
    pair_symbols,
)
from rigour.text.scripts import common_scripts

from sanctrace.screening.names import (
    AnalysedName,
    equivalent_words,
    is_patronymic,
    latin_spellings,
    qualifier_words,
    skeletons,
    spelling_variant,
    squeeze,
    variant_key,
    word_tables,
)

# How much a pairing made by rigour's symbols is worth (score) and how much it weighs in the mean (weight).
SYMBOL_SCORES = {SymbolCategory.ORG_CLASS: 1.0, SymbolCategory.INITIAL: 0.9, SymbolCategory.NAME: 0.9,
                 SymbolCategory.NICK: 0.6, SymbolCategory.SYMBOL: 0.9, SymbolCategory.DOMAIN: 0.9,
                 SymbolCategory.NUMERIC: 1.0, SymbolCategory.LOCATION: 0.9, SymbolCategory.PHONETIC: 0.8}
SYMBOL_WEIGHTS = {SymbolCategory.ORG_CLASS: 0.5, SymbolCategory.INITIAL: 0.5, SymbolCategory.NICK: 0.8,
                  SymbolCategory.SYMBOL: 0.3, SymbolCategory.DOMAIN: 0.7, SymbolCategory.NUMERIC: 1.3,
                  SymbolCategory.LOCATION: 0.8}
SYMBOL_HOW = {SymbolCategory.ORG_CLASS: "legal form", SymbolCategory.INITIAL: "initial",
              SymbolCategory.NAME: "alias", SymbolCategory.NICK: "nickname", SymbolCategory.NUMERIC: "number",
              SymbolCategory.PHONETIC: "phonetic"}

EXTRA_QUERY_WEIGHT = 0.8  # a query part the candidate lacks
EXTRA_CANDIDATE_WEIGHT = {NameTypeTag.PER: 0.2}  # a candidate part the query lacks (people: middle names...)
EXTRA_CANDIDATE_DEFAULT = 0.3
EXTRA_FACTORS = {"legal form": 0.3, "patronymic": 0.15, "stopword": 0.5, "generic word": 0.6, "number": 1.3}
CONFLICT_WEIGHTS = {"legal form": 1.0, "number": 1.3, "patronymic": 1.0}  # both sides have one; they differ

# Rules for leftovers rigour could not pair: (how, score, weight).
INITIAL = ("initial", 0.9, 0.5)
DOUBLED_LETTERS = ("spelling: doubled letters", 0.95, 1.0)
SWAPPED_LETTERS = ("spelling: swapped letters", 0.9, 1.0)
SAME_SOUND = ("phonetic", 0.8, 1.0)
CONSONANTS = ("consonant skeleton", 0.85, 1.0)
JOINED = ("joined syllables", 0.98, 1.0)  # "Jin Yu" / "Jinyu": the same letters, spaced otherwise
EQUIVALENT_WORD = (0.95, 0.5)  # an abbreviation or a translation of a generic word: score, weight
PREFIX_ABBREVIATION = (0.9, 0.5)  # "Elektr." / "Elektronik": the start of a generic word
MIN_PREFIX_ABBREVIATION = 3
VARIANT = (0.9, 1.0)  # a transliteration variant: strong, not exact
MAX_VARIANT_LENGTH_GAP = 4  # "tsch" / "ch" twice: spellings further apart in length are not variants
MAX_JOINED_PARTS = 3
SAME_WORDS_FLOOR = 0.95  # rigour scores the same words below 1.0 by their neighbours' costs ("cham" 0.76)
HAN_FUZZY_FLOOR = 0.7  # Chinese characters this unlike ("宏腾元器件" / "达宏元器件": another trade name) do not pair
TRANSLITERATED_CAP = 0.95  # no part matched through an ICU transliteration is certain
QUALIFIER_DIFFERS_WEIGHT = 0.25  # "(Kowloon)" / "(HK)": another place, the same company as a rule
QUALIFIER_ALONE_WEIGHT = 0.1  # a qualifier written on one side only
SHORT_FORM_FACTOR = 0.25  # a candidate's extra generic word when the query is a short form of its name
FLOOR_MARGIN = 1e-9  # a pairing is passed over only when its bound is under the floor by more than rounding


@dataclass(frozen=True, slots=True)
class PartMatch:
    """The evidence for one part of a name: which parts, how they matched, their score and weight."""

    query: str
    candidate: str
    how: str
    score: float
    weight: float

    def describe(self) -> str:
        if not self.candidate:
            pair = f"{self.query!r} only in the query"
        elif not self.query:
            pair = f"{self.candidate!r} only in the candidate"
        else:
            pair = f"{self.query!r} ≈ {self.candidate!r}"
        return f"{pair}: {self.how} ({self.score:.2f} × {self.weight:.2f})"

    def to_dict(self) -> dict[str, Any]:
        return {"query": self.query, "candidate": self.candidate, "how": self.how, "score": round(self.score, 3),
                "weight": round(self.weight, 3)}


@dataclass(frozen=True, slots=True)
class NameComparison:
    """The score of one query name against one candidate name, and the evidence for it."""

    score: float
    query: str
    candidate: str
    parts: tuple[PartMatch, ...]
    transliterated: bool = False  # compared through the Latin transliteration of one side

    def describe(self) -> str:
        via = " (through transliteration)" if self.transliterated else ""
        return f"{self.query!r} ~ {self.candidate!r}{via}: " + "; ".join(p.describe() for p in self.parts)

    def to_dict(self) -> dict[str, Any]:
        return {"score": round(self.score, 3), "query": self.query, "candidate": self.candidate,
                "transliterated": self.transliterated, "parts": [p.to_dict() for p in self.parts]}


NO_MATCH = NameComparison(0.0, "", "", ())


def _han(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)


def _forms(parts: Iterable[NamePart]) -> str:
    return " ".join(part.form for part in parts)


def _same_words(query: Sequence[NamePart], candidate: Sequence[NamePart]) -> str:
    """`exact`, or `transliteration` when the same comparable words are written in different scripts."""
    if _forms(query) == _forms(candidate) or common_scripts(_forms(query), _forms(candidate)):
        return "exact"
    return "transliteration"


def _identical(query: AnalysedName, candidate: AnalysedName) -> NameComparison:
    how = _same_words(query.name.parts, candidate.name.parts)
    parts = tuple(PartMatch(q.form, c.form, how, 1.0, 1.0) for q, c in zip(query.name.parts, candidate.name.parts))
    return NameComparison(1.0, query.original, candidate.original, parts)


def _symbol_match(edge: Any) -> PartMatch:
    symbol: Symbol = edge.symbol
    category = symbol.category
    literal = edge.qstr == edge.rstr
    how = SYMBOL_HOW.get(category, "synonym")
    if category == SymbolCategory.NAME and literal:
        how = _same_words(edge.qps, edge.rps)
    elif category == SymbolCategory.ORG_CLASS:
        how = f"legal form ({symbol.id})"
    score = 1.0 if literal else SYMBOL_SCORES.get(category, 1.0)
    return PartMatch(_forms(edge.qps), _forms(edge.rps), how, score, SYMBOL_WEIGHTS.get(category, 1.0))


def _part_kind(part: NamePart, category: SymbolCategory | None) -> str | None:
    """Why a part left unmatched weighs less (or more) than a plain word, if it does."""
    if part.tag == NamePartTag.LEGAL or category == SymbolCategory.ORG_CLASS:
        return "legal form"
    if part.numeric or category == SymbolCategory.NUMERIC:
        return "number"
    if is_patronymic(part):
        return "patronymic"
    if part.tag == NamePartTag.STOP:
        return "stopword"
    if category == SymbolCategory.SYMBOL:
        return "generic word"
    return None


@dataclass(frozen=True, slots=True)
class _NameFacts:
    """What the scorer needs to know about each part of a name, worked out once per name."""

    kinds: dict[NamePart, str | None]
    org_classes: dict[NamePart, str]
    generic: frozenset[NamePart]  # words any company may use: rigour's symbols and domains, the abbreviation table
    qualifiers: frozenset[NamePart]  # written in brackets: "(HK)"
    symbols: dict[NamePart, frozenset[Symbol]]  # the symbols of the spans holding each part
    numeric: bool  # holds a number symbol


_GENERIC_CATEGORIES = (SymbolCategory.SYMBOL, SymbolCategory.DOMAIN)
_NO_PARTS: frozenset[NamePart] = frozenset()


def _name_facts(name: Name) -> _NameFacts:
    categories: dict[NamePart, SymbolCategory] = {}
    org_classes: dict[NamePart, str] = {}
    generic: set[NamePart] = set()
    symbols: dict[NamePart, set[Symbol]] = {}
    numeric = False
    for span in name.spans:
        symbol = span.symbol
        category = symbol.category
        numeric = numeric or category == SymbolCategory.NUMERIC
        for part in span.parts:
            categories.setdefault(part, category)
            if category == SymbolCategory.ORG_CLASS:
                org_classes.setdefault(part, symbol.id)
            elif category in _GENERIC_CATEGORIES:
                generic.add(part)
            held = symbols.get(part)
            if held is None:
                symbols[part] = {symbol}
            else:
                held.add(symbol)
    parts = name.parts
    generic_words = word_tables().generic
    generic.update(part for part in parts if part.comparable in generic_words)
    bracketed = qualifier_words(name.form)
    qualifiers = frozenset(part for part in parts if part.form in bracketed
                           and part.tag != NamePartTag.LEGAL) if bracketed else _NO_PARTS
    # one shared empty set where a name has no generic word or qualifier (most names: 117,000 sets in a
    # 50,000-entity index)
    return _NameFacts({part: _part_kind(part, categories.get(part)) for part in parts}, org_classes,
                      frozenset(generic) if generic else _NO_PARTS, qualifiers or _NO_PARTS,
                      {part: frozenset(held) for part, held in symbols.items()}, numeric)


# -- an upper bound on the score, for pruning candidates that cannot reach a threshold ----------------------

# rigour's residue distance pairs two parts only when its alignment matched more than this share of the shorter
# part's characters (`cluster_overlap_min` of rigour's CompareConfig, default 0.51). The characters an
# alignment matches between two parts are a subsequence of both: their longest common subsequence can only be
# longer.
RESIDUE_OVERLAP = 0.51
_MAX_MATCH_WEIGHT = max(1.0, *SYMBOL_WEIGHTS.values())
_NO_SYMBOLS: frozenset[Symbol] = frozenset()


@dataclass(slots=True)
class _PartSketch:
    """What decides whether a part could pair with another part at all, worked out once per name."""

    comparable: str
    symbols: frozenset[Symbol]
    variant_keys: frozenset[str]
    squeezed: str
    letter_layers: tuple[int, ...]  # layer k: a bit for each letter found more than k times (`letter_layers`)
    metaphone: str | None
    generic_word: bool  # a word of the abbreviation table
    lone_query_weight: float  # at least this in the mean when left alone on the query side
    lone_candidate_factor: float  # times the candidate's extra-part weight when left alone on the candidate side


@dataclass(frozen=True, slots=True)
class _NameSketch:
    parts: tuple[_PartSketch, ...]
    numeric: bool  # holds a number symbol (weighs more than a plain match)
    spaced: bool  # a part whose comparable form holds a space: rigour's alignment would not split it as we do


def _name_sketch(name: Name, facts: _NameFacts) -> _NameSketch:
    generic_words = word_tables().generic
    sketches = []
    spaced = False
    for part in name.parts:
        kind = facts.kinds.get(part)
        qualifier = part in facts.qualifiers
        # what a part left alone weighs at least (`_leftovers`); parts that may be grouped (conflicts,
        # qualifiers) or discounted (legal forms, patronymics, a short form's generic words) are counted as 0
        lone_query = EXTRA_QUERY_WEIGHT if (kind is None or kind == "generic word") and not qualifier else 0.0
        lone_candidate = 1.0 if kind is None and not qualifier and part not in facts.generic else 0.0
        comparable = part.comparable
        spaced = spaced or " " in comparable
        spellings = latin_spellings(part)
        sketches.append(_PartSketch(
            comparable, facts.symbols.get(part, _NO_SYMBOLS),
            frozenset(variant_key(spelling) for spelling in spellings) if len(spellings) > 1 else
            frozenset((variant_key(comparable),)), squeeze(comparable), letter_layers(comparable),
            part.metaphone, comparable in generic_words, lone_query, lone_candidate))
    return _NameSketch(tuple(sketches), facts.numeric, spaced)


@dataclass(slots=True)
class _View:
    """A name as one comparison mode sees it: rigour's `Name` (native or transliterated), its facts and (once
    asked for) its sketch."""

    name: Name
    facts: _NameFacts
    sketch_: _NameSketch | None = None

    @property
    def sketch(self) -> _NameSketch:
        if self.sketch_ is None:
            self.sketch_ = _name_sketch(self.name, self.facts)
        return self.sketch_


def _view(analysed: AnalysedName, latin: bool) -> _View:
    """The native (or, when there is one and `latin`, the transliterated) name with its facts, worked out once
    per analysed name."""
    key = "latin" if latin and analysed.latin is not None else "native"
    view = analysed.memo.get(key)
    if view is None:
        name = analysed.latin if key == "latin" else analysed.name
        assert name is not None
        view = analysed.memo[key] = _View(name, _name_facts(name))
    return view


def prepare(name: AnalysedName) -> None:
    """Work out now what comparing a candidate name needs (its parts' facts, native and transliterated), rather
    than on its first comparison: for a name in an index, built once and shared by worker processes."""
    for latin in (False, True):
        _view(name, latin).sketch  # noqa: B018 (worked out and kept)


def _could_pair(q: _PartSketch, c: _PartSketch, cross_script: bool) -> bool:
    """Whether any rule of the scorer could pair the two parts (a necessary condition, cheap to test): a shared
    rigour symbol; a rule's own test (`_rule_could_pair`); or enough letters in common for rigour's residue
    distance to pair them, which swapped letters always have. Consonant skeletons are not part of it."""
    if not q.symbols.isdisjoint(c.symbols):
        return True
    a, b = q.comparable, c.comparable
    if not a or not b:
        return False
    if _rule_could_pair(q, c, a, b, cross_script):
        return True
    # the letters the two words share, counted with repeats, bound their longest common subsequence: far
    # cheaper, and most pairs of words fail it already
    needed = RESIDUE_OVERLAP * min(len(a), len(b))
    q_layers, c_layers = q.letter_layers, c.letter_layers
    shared = (q_layers[0] & c_layers[0]).bit_count()
    if len(q_layers) > 1 and len(c_layers) > 1:
        shared += sum((x & y).bit_count() for x, y in zip(q_layers[1:], c_layers[1:]))
    return shared > needed and _overlap(a, b)


def _could_rescue(q: _PartSketch, c: _PartSketch, cross_script: bool, consonants: bool) -> bool:
    """Whether any rule for leftover parts (`_rescue`, `_Scorer._joined`) could pair two parts: a necessary
    condition. The rules of `_could_pair` less rigour's (symbols, letters in common: the residue distance has had
    its turn), with two more: swapped letters and, when asked, consonant skeletons."""
    a, b = q.comparable, c.comparable
    if not a or not b:
        return False
    return _rule_could_pair(q, c, a, b, cross_script) or (len(a) == len(b) and _swapped_once(a, b)) or \
        (consonants and _same_consonants(a, b))


def _rule_could_pair(q: _PartSketch, c: _PartSketch, a: str, b: str, cross_script: bool) -> bool:
    """The tests of `_could_pair` and `_could_rescue` alike (`a`, `b`: the parts' comparable forms, not empty):
    one written inside the other (initials, prefixes, syllables written together); the same transliteration-variant
    key or the same letters doubled otherwise; words of the abbreviation table; the same sound across scripts."""
    if a in b or b in a or q.squeezed == c.squeezed or not q.variant_keys.isdisjoint(c.variant_keys):
        return True
    if q.generic_word and c.generic_word and equivalent_words(a, b) is not None:
        return True
    return cross_script and q.metaphone is not None and q.metaphone == c.metaphone


def letter_layers(word: str) -> tuple[int, ...]:
    """A word's letters as bit sets by how often they occur: layer k holds a bit for each letter found more than
    k times, so that the letters two words share, counted with repeats, are the sum of their layers' common bits
    (never less than their longest common subsequence). Letters are folded into 64 bits (`ord % 64`): two letters
    sharing a bit can only make that count larger."""
    layers = [0]
    seen: dict[int, int] = {}  # each bit: how often its letters were found so far
    for letter in word:
        flag = 1 << (ord(letter) & 63)
        k = seen.get(flag, 0)
        seen[flag] = k + 1
        if k == len(layers):
            layers.append(0)
        layers[k] |= flag
    return tuple(layers)


_OVERLAPS: dict[tuple[str, str], bool] = {}
MAX_OVERLAPS_KEPT = 1 << 16


def _overlap(a: str, b: str) -> bool:
    """Whether the two words have enough letters in common for rigour's residue distance to pair them (cached:
    the same pairs of words recur, "mohammed" meets "muhammad" in query after query)."""
    key = (a, b)
    found = _OVERLAPS.get(key)
    if found is None:
        if len(_OVERLAPS) >= MAX_OVERLAPS_KEPT:
            _OVERLAPS.clear()
        found = _OVERLAPS[key] = common_subsequence(letter_positions(a), len(a), b) > \
            RESIDUE_OVERLAP * min(len(a), len(b))
    return found


def letter_positions(word: str) -> dict[str, int]:
    """Each letter of a word -> a bit for each position holding it (for `common_subsequence`; worked out when a
    pair of words is first tested, rather than kept for every part of every indexed name)."""
    letters: dict[str, int] = {}
    for position, letter in enumerate(word):
        letters[letter] = letters.get(letter, 0) | 1 << position
    return letters


def common_subsequence(letters: dict[str, int], length: int, other: str) -> int:
    """The length of the longest common subsequence of a word (`letters`: each letter's positions as bits, and
    its `length`) and `other`, bit-parallel (Hyyrö 2004)."""
    full = (1 << length) - 1
    row = full
    for letter in other:
        matched = row & letters.get(letter, 0)
        row = ((row + matched) | (row - matched)) & full
    return length - row.bit_count()


def _mode_bound(query: AnalysedName, candidate: AnalysedName, latin: bool, consonants: bool,
                cross_script: bool) -> float:
    """An upper bound on `_compare` for one comparison mode.

    The score is a weighted mean of part scores (each at most 1). Every entry scoring above 0 pairs at least
    one query part with at least one candidate part that could pair (`_could_pair`), each part in one entry at
    most, and weighs at most `_MAX_MATCH_WEIGHT` (1.0 unless a number is involved); a part that could pair with
    nothing is left alone and adds its weight, scoring 0. So the mean is at most M / (M + U), M the largest
    possible weight of the paired entries, U the least weight of the parts that must stay alone.
    """
    if consonants:
        return 1.0  # consonant skeletons of parts joined together: any part may pair
    q_view, c_view = _view(query, latin), _view(candidate, latin)
    q_sketch, c_sketch = q_view.sketch, c_view.sketch
    if q_sketch.spaced or c_sketch.spaced:
        return 1.0
    extra = EXTRA_CANDIDATE_WEIGHT.get(c_view.name.tag, EXTRA_CANDIDATE_DEFAULT)
    entries, alone = _entries_and_alone(q_sketch.parts, c_sketch.parts, extra, _could_pair, cross_script)
    weight = _MAX_MATCH_WEIGHT if q_sketch.numeric and c_sketch.numeric else 1.0
    paired = weight * entries
    return paired / (paired + alone) if paired else 0.0


def _entries_and_alone(query_parts: Sequence[_PartSketch], candidate_parts: Sequence[_PartSketch], extra: float,
                       could_pair: Callable[..., bool], *rules: bool) -> tuple[int, float]:
    """For an upper bound on a mean of part scores: the most entries pairing parts of both sides (each part in one
    entry at most: the fewer, of either side, of the parts that `could_pair(q, c, *rules)` with some part of the
    other), and the least weight left alone (each part that can pair with none adds its lone weight; a candidate
    part's, times `extra`: the weight of a candidate part the query lacks)."""
    c_paired = [False] * len(candidate_parts)
    q_paired = 0
    alone = 0.0
    for q in query_parts:
        found = False
        for j, c in enumerate(candidate_parts):
            if (found and c_paired[j]) or not could_pair(q, c, *rules):
                continue
            found = c_paired[j] = True
        if found:
            q_paired += 1
        else:
            alone += q.lone_query_weight
    alone += sum(extra * c.lone_candidate_factor for j, c in enumerate(candidate_parts) if not c_paired[j])
    return min(q_paired, sum(c_paired)), alone


def score_bound(query: AnalysedName, candidate: AnalysedName) -> float:
    """An upper bound on `compare_names(query, candidate).score`, far cheaper to work out: a candidate whose
    bound is under the threshold need not be compared."""
    if query.name.comparable == candidate.name.comparable:
        return 1.0
    shared_script = bool(common_scripts(query.original, candidate.original))
    native = _mode_bound(query, candidate, False, False, not shared_script)
    if (query.latin is None and candidate.latin is None) or native >= 1.0 or shared_script:
        return native
    return max(native, _mode_bound(query, candidate, True, query.consonantal or candidate.consonantal, True))


def _same_consonants(a: str, b: str) -> bool:
    """Whether two words (or words joined) share a consonant skeleton, each at least three letters long."""
    return min(len(a), len(b)) >= 3 and not skeletons(a).isdisjoint(skeletons(b))


def _swapped_once(a: str, b: str) -> bool:
    """Whether two words differ by two neighbouring letters swapped, and nothing else ("sko" / "sok")."""
    if len(a) != len(b) or len(a) < 3 or a == b:
        return False
    i = 0
    while a[i] == b[i]:
        i += 1
    return i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2:] == b[i + 2:]


def _written(parts: Sequence[NamePart]) -> str:
    return " ".join(part.form for part in parts)


def _word_rule(q: NamePart, c: NamePart, generic: frozenset[NamePart]) -> tuple[str, float, float] | None:
    """An abbreviation or translation of a generic word (the table), or the start of one ("Elektr." /
    "Elektronik": the longer of the two is one of the `generic` words)."""
    a, b = q.comparable, c.comparable
    how = equivalent_words(a, b)
    if how is not None:
        return (how, *EQUIVALENT_WORD)
    (short, long, long_part) = (a, b, c) if len(a) < len(b) else (b, a, q)
    if len(short) >= MIN_PREFIX_ABBREVIATION and len(long) >= len(short) + 2 and long.startswith(short) \
            and short.isalpha() and long_part in generic:
        return (f"abbreviation ({short} = {long})", *PREFIX_ABBREVIATION)
    return None


def _rescue(query: Sequence[NamePart], candidate: Sequence[NamePart], cross_script: bool,
            consonants: bool, generic: frozenset[NamePart] | None = None) -> tuple[str, float, float] | None:
    """A rule that pairs leftover parts rigour could not pair (or paired poorly), or None.

    Sound-alike rules (metaphone, consonant skeleton) apply only to names written in different scripts, where
    spelling says little ("Трейд" is "Trade"): between two Latin spellings they confuse Olga with Oleg. The
    abbreviation rules apply to the names of organisations only (`generic`, the generic words of both names, is
    None for people).
    """
    a = "".join(p.comparable for p in query)
    b = "".join(p.comparable for p in candidate)
    if not a or not b or any(p.numeric for p in (*query, *candidate)):
        return None
    single = len(query) == 1 and len(candidate) == 1
    if single and ((len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b))):
        return INITIAL
    if min(len(a), len(b)) < 2:
        return None
    if not single and a == b:
        how, score, weight = JOINED
        return f"{how} ({_written(query)} = {_written(candidate)})", score, weight
    if single and generic is not None:
        word = _word_rule(query[0], candidate[0], generic)
        if word is not None:
            return word
    if squeeze(a) == squeeze(b):
        return DOUBLED_LETTERS
    if _swapped_once(a, b):
        return SWAPPED_LETTERS
    if single and abs(len(a) - len(b)) <= MAX_VARIANT_LENGTH_GAP:
        variant = spelling_variant(query[0], candidate[0])
        if variant is not None:
            return (f"transliteration variant ({variant})", *VARIANT)
    if consonants and _same_consonants(a, b):
        return CONSONANTS
    if cross_script and single and min(len(a), len(b)) >= 4 and query[0].metaphone \
            and len(query[0].metaphone) >= 3 and query[0].metaphone == candidate[0].metaphone:
        return SAME_SOUND
    return None


class _Scorer:
    """Scores one pair of rigour names under one comparison mode (native script or transliterated)."""

    def __init__(self, query: _View, candidate: _View, consonants: bool, transliterated: bool,
                 cross_script: bool, floor: float = 0.0) -> None:
        self.query = query.name
        self.candidate = candidate.name
        self.query_view = query
        self.candidate_view = candidate
        self.consonants = consonants
        self.transliterated = transliterated
        self.cross_script = cross_script
        self.floor = floor  # a pairing that cannot score this much is not worked out to the end
        self.person = NameTypeTag.PER in (self.query.tag, self.candidate.tag)
        self.query_facts = query.facts
        self.candidate_facts = candidate.facts
        self.extra_candidate_weight = EXTRA_CANDIDATE_WEIGHT.get(self.candidate.tag, EXTRA_CANDIDATE_DEFAULT)
        # the generic words of both names, for the abbreviation rules (organisations only)
        self.generic = None if self.person else self.query_facts.generic | self.candidate_facts.generic

    def best(self) -> tuple[float, list[PartMatch]] | None:
        """The best pairing's score and evidence; None when no pairing can score the floor."""
        best_score, best_parts = -1.0, []
        for edges in pair_symbols(self.query, self.candidate) or [()]:
            parts = self._pairing(edges)
            if parts is None:
                continue  # it cannot score the floor
            total = sum(p.weight for p in parts)
            score = sum(p.score * p.weight for p in parts) / total if total else 0.0
            if score > best_score:
                best_score, best_parts = score, parts
                if score >= 1.0:
                    break
        if best_score < self.floor:  # (a pairing passed over scores less than the floor: never the best)
            return None
        return max(best_score, 0.0), best_parts

    def _pairing(self, edges: Sequence[Any]) -> list[PartMatch] | None:
        """The evidence of one pairing of rigour's symbols, the rest compared by residue distance, then by the
        rules for leftover parts; None when what the rules could add cannot bring it to the floor."""
        matches = [_symbol_match(edge) for edge in edges]
        used = {p for edge in edges for p in edge.qps} | {p for edge in edges for p in edge.rps}
        query_left = [p for p in self.query.parts if p not in used]
        candidate_left = [p for p in self.candidate.parts if p not in used]
        if query_left or candidate_left:
            if self.person:
                query_left, candidate_left = align_person_name_order(query_left, candidate_left)
            else:
                query_left, candidate_left = NamePart.tag_sort(query_left), NamePart.tag_sort(candidate_left)
            query_left, candidate_left = self._residue(query_left, candidate_left, matches)
            if self.floor > 0.0 and \
                    self._leftovers_bound(matches, query_left, candidate_left) < self.floor - FLOOR_MARGIN:
                return None
            self._leftovers(query_left, candidate_left, matches)
        if self.transliterated:
            matches = [PartMatch(m.query, m.candidate, m.how, min(m.score, TRANSLITERATED_CAP), m.weight)
                       if m.query and m.candidate else m for m in matches]
        return matches

    def _residue(self, query_left: list[NamePart], candidate_left: list[NamePart],
                 matches: list[PartMatch]) -> tuple[list[NamePart], list[NamePart]]:
        """rigour's residue distance; returns the parts it left unpaired (or paired at score 0)."""
        query_rest: list[NamePart] = []
        candidate_rest: list[NamePart] = []
        for cluster in compare_parts(query_left, candidate_left):
            if cluster.qps and cluster.rps and cluster.score > 0 and (
                    cluster.score >= HAN_FUZZY_FLOOR or not _han(cluster.qstr + cluster.rstr)
                    or cluster.qstr == cluster.rstr):
                same = cluster.qstr == cluster.rstr
                how, score = (_same_words(cluster.qps, cluster.rps), max(cluster.score, SAME_WORDS_FLOOR)) if same \
                    else ("fuzzy", cluster.score)
                rule = None if same and len(cluster.qps) == len(cluster.rps) else \
                    _rescue(cluster.qps, cluster.rps, self.cross_script, self.consonants, self.generic)
                if rule is not None and rule[1] > score:
                    how, score = rule[0], rule[1]
                matches.append(PartMatch(_forms(cluster.qps), _forms(cluster.rps), how, score, 1.0))
            else:
                query_rest.extend(cluster.qps)
                candidate_rest.extend(cluster.rps)
        return query_rest, candidate_rest

    def _joined(self, query_left: list[NamePart], candidate_left: list[NamePart],
                matches: list[PartMatch]) -> None:
        """Syllables written apart on one side and together on the other ("Jin Yu" / "Jinyu")."""
        for many, one, query_many in ((query_left, candidate_left, True), (candidate_left, query_left, False)):
            if len(many) < 2 or not one:
                continue
            runs: dict[str, list[NamePart]] = {}
            for i in range(len(many) - 1):
                run = [many[i]]
                for part in many[i + 1:i + MAX_JOINED_PARTS]:
                    if part.index != run[-1].index + 1:
                        break
                    run = [*run, part]
                    runs.setdefault("".join(p.comparable for p in run), run)
            for single in list(one):
                found = runs.get(single.comparable)
                if found is None or any(part not in many for part in found):
                    continue
                run = found
                query, candidate = (run, [single]) if query_many else ([single], run)
                how, score, weight = JOINED
                matches.append(PartMatch(_forms(query), _forms(candidate),
                                         f"{how} ({_written(query)} = {_written(candidate)})", score, weight))
                for part in run:
                    many.remove(part)
                one.remove(single)

    def _leftovers(self, query_left: list[NamePart], candidate_left: list[NamePart],
                   matches: list[PartMatch]) -> None:
        """Pair leftovers by the rescue rules (best first), then weigh what is still alone."""
        if len(query_left) + len(candidate_left) > 2:
            self._joined(query_left, candidate_left, matches)
        proposals = []
        # parts that could not pair by any rule are not tried (a necessary condition, cheaper than the rules)
        query_sketches = self._sketches(self.query_view, query_left)
        candidate_sketches = self._sketches(self.candidate_view, candidate_left)
        for i, q in enumerate(query_left):
            q_sketch = query_sketches[i]
            for j, c in enumerate(candidate_left):
                c_sketch = candidate_sketches[j]
                if q_sketch is not None and c_sketch is not None and \
                        not _could_rescue(q_sketch, c_sketch, self.cross_script, self.consonants):
                    continue
                rule = _rescue((q,), (c,), self.cross_script, self.consonants, self.generic)
                if rule is not None:
                    proposals.append((rule[1], i, j, rule))
        taken_q: set[int] = set()
        taken_c: set[int] = set()
        for _, i, j, (how, score, weight) in sorted(proposals, key=lambda p: -p[0]):
            if i not in taken_q and j not in taken_c:
                taken_q.add(i)
                taken_c.add(j)
                matches.append(PartMatch(query_left[i].form, candidate_left[j].form, how, score, weight))
        query_rest = [p for i, p in enumerate(query_left) if i not in taken_q]
        candidate_rest = [p for j, p in enumerate(candidate_left) if j not in taken_c]
        if self.consonants:
            self._joined_consonants(query_rest, candidate_rest, matches)
        self._conflicts(query_rest, candidate_rest, matches)
        self._qualifiers(query_rest, candidate_rest, matches)
        short_form = self._short_form(query_rest, candidate_rest, matches)
        for part in query_rest:
            kind = self.query_facts.kinds.get(part)
            factor = 1.0 if kind == "generic word" else EXTRA_FACTORS.get(kind or "", 1.0)
            matches.append(PartMatch(part.form, "", kind or "missing", 0.0, EXTRA_QUERY_WEIGHT * factor))
        for part in candidate_rest:
            kind = self.candidate_facts.kinds.get(part)
            weight = self.extra_candidate_weight * EXTRA_FACTORS.get(kind or "", 1.0)
            if short_form and part in self.candidate_facts.generic and kind in (None, "generic word"):
                kind, weight = "generic word (short form)", self.extra_candidate_weight * SHORT_FORM_FACTOR
            matches.append(PartMatch("", part.form, kind or "missing", 0.0, weight))

    def _leftovers_bound(self, matches: Sequence[PartMatch], query_left: Sequence[NamePart],
                         candidate_left: Sequence[NamePart]) -> float:
        """An upper bound on the pairing's score once `_leftovers` has had its turn, from the evidence so far.

        As in `_mode_bound`: each entry the rules add scores at most 1, weighs at most 1 and pairs at least one
        part of each side that a rule could pair (`_could_rescue`); a part no rule can pair is left alone and adds
        at least its lone weight. With consonant skeletons to compare, what is left may also be compared as one
        run of consonants (0.85 × 1, leaving nothing alone).
        """
        query_sketches = self._sketches(self.query_view, query_left)
        candidate_sketches = self._sketches(self.candidate_view, candidate_left)
        if any(sketch is None for sketch in query_sketches) or any(sketch is None for sketch in candidate_sketches):
            return 1.0
        known_score = known_weight = 0.0
        for m in matches:
            known_score += m.score * m.weight
            known_weight += m.weight
        paired, alone = _entries_and_alone(query_sketches, candidate_sketches,  # type: ignore[arg-type]
                                           self.extra_candidate_weight, _could_rescue, self.cross_script,
                                           self.consonants)
        total = known_weight + paired + alone
        bound = (known_score + paired) / total if total else 0.0
        if self.consonants and query_left and candidate_left and (paired or _same_consonants(
                "".join(p.comparable for p in query_left), "".join(p.comparable for p in candidate_left))):
            bound = max(bound, (known_score + paired + CONSONANTS[1]) / (known_weight + paired + 1.0))
        return bound

    def _sketches(self, view: _View, parts: Sequence[NamePart]) -> list[_PartSketch | None]:
        """Each part's sketch (None where it cannot be told)."""
        sketches = view.sketch.parts
        found: list[_PartSketch | None] = []
        for part in parts:
            index = part.index
            sketch = sketches[index] if 0 <= index < len(sketches) else None
            found.append(sketch if sketch is not None and sketch.comparable == part.comparable else None)
        return found

    def _qualifiers(self, query_rest: list[NamePart], candidate_rest: list[NamePart],
                    matches: list[PartMatch]) -> None:
        """Qualifiers in brackets left unmatched: another place ("(Kowloon)" / "(HK)"), or one side only."""
        if self.person:
            return
        query_parts = [p for p in query_rest if p in self.query_facts.qualifiers]
        candidate_parts = [p for p in candidate_rest if p in self.candidate_facts.qualifiers]
        if query_parts and candidate_parts:
            matches.append(PartMatch(_forms(query_parts), _forms(candidate_parts), "location qualifier differs",
                                     0.0, QUALIFIER_DIFFERS_WEIGHT))
        elif query_parts:
            matches.append(PartMatch(_forms(query_parts), "", "location qualifier only in the query", 0.0,
                                     QUALIFIER_ALONE_WEIGHT))
        elif candidate_parts:
            matches.append(PartMatch("", _forms(candidate_parts), "location qualifier only in the candidate", 0.0,
                                     QUALIFIER_ALONE_WEIGHT))
        for part in query_parts:
            query_rest.remove(part)
        for part in candidate_parts:
            candidate_rest.remove(part)

    def _short_form(self, query_rest: list[NamePart], candidate_rest: list[NamePart],
                    matches: list[PartMatch]) -> bool:
        """Whether the query is a short form of the candidate's name: every word of the query found in it, a
        distinctive one among them, and only generic words of the candidate's left over (legal forms and
        stopwords aside on both sides)."""
        if self.person or not candidate_rest:
            return False
        aside = ("legal form", "stopword")
        if any(self.query_facts.kinds.get(p) not in aside for p in query_rest) or any(
                p not in self.candidate_facts.generic and self.candidate_facts.kinds.get(p) not in aside
                for p in candidate_rest):
            return False
        distinctive = {p.form for p in self.query.parts
                       if p not in self.query_facts.generic and self.query_facts.kinds.get(p) not in aside}
        return any(m.candidate and m.score >= 0.85 and distinctive.intersection(m.query.split()) for m in matches)

    def _joined_consonants(self, query_rest: list[NamePart], candidate_rest: list[NamePart],
                           matches: list[PartMatch]) -> None:
        """Arabic and Hebrew split names differently ("عبد الله" / "Abdullah"): compare all consonants at once."""
        if not query_rest or not candidate_rest:
            return
        joined_query = "".join(p.comparable for p in query_rest)
        joined_candidate = "".join(p.comparable for p in candidate_rest)
        if _same_consonants(joined_query, joined_candidate):
            how, score, weight = CONSONANTS
            matches.append(PartMatch(_forms(query_rest), _forms(candidate_rest), how, score, weight))
            query_rest.clear()
            candidate_rest.clear()

    def _conflicts(self, query_rest: list[NamePart], candidate_rest: list[NamePart],
                   matches: list[PartMatch]) -> None:
        """Two different legal forms (AG / GmbH) or two different numbers: evidence against the match."""
        for kind, weight in CONFLICT_WEIGHTS.items():
            query_parts = [p for p in query_rest if self.query_facts.kinds.get(p) == kind]
            candidate_parts = [p for p in candidate_rest if self.candidate_facts.kinds.get(p) == kind]
            if not query_parts or not candidate_parts:
                continue
            if kind == "legal form" and {self.query_facts.org_classes.get(p) for p in query_parts} & \
                    {self.candidate_facts.org_classes.get(p) for p in candidate_parts}:
                continue
            matches.append(PartMatch(_forms(query_parts), _forms(candidate_parts), f"{kind} differs", 0.0, weight))
            for part in query_parts:
                query_rest.remove(part)
            for part in candidate_parts:
                candidate_rest.remove(part)


def _compare(query: _View, candidate: _View, consonants: bool, transliterated: bool,
             query_text: str, candidate_text: str, floor: float = 0.0) -> NameComparison | None:
    cross_script = not common_scripts(query_text, candidate_text)
    best = _Scorer(query, candidate, consonants, transliterated, cross_script, floor).best()
    if best is None:
        return None
    score, parts = best
    return NameComparison(score, query_text, candidate_text, tuple(parts), transliterated)


def compare_names(query: AnalysedName, candidate: AnalysedName) -> NameComparison:
    """The score of a query name against a candidate name, with the evidence for each part."""
    comparison = reaching_comparison(query, candidate, 0.0)
    assert comparison is not None  # every comparison scores 0
    return comparison


def reaching_comparison(query: AnalysedName, candidate: AnalysedName, floor: float) -> NameComparison | None:
    """`compare_names(query, candidate)` when it scores at least `floor`, else None — found sooner: a pairing of
    the parts whose leftovers cannot bring it to the floor is not worked out to the end."""
    if query.name.comparable == candidate.name.comparable:
        return _identical(query, candidate)
    if (query.latin is None and candidate.latin is None) or common_scripts(query.original, candidate.original):
        return _compare_native(query, candidate, floor)
    # two scripts, one read through its transliteration too: the better of the two readings, the native one worked
    # out only when its upper bound says it could be the better (most often nothing pairs across the scripts)
    native_bound = _mode_bound(query, candidate, False, False, True)
    latin = None
    if native_bound < 1.0:
        latin = _compare_latin(query, candidate, floor)
        if latin is not None and latin.score > native_bound:
            return latin
        if native_bound < floor - FLOOR_MARGIN:
            return None  # neither reading can score the floor (the Latin one would have been returned)
    native = _compare_native(query, candidate, floor)
    if native is not None and native.score >= 1.0:
        return native
    if latin is None:
        latin = _compare_latin(query, candidate, floor)
    if native is None or latin is None:
        return native or latin  # the other cannot score the floor: it is not the better
    return latin if latin.score > native.score else native


def _compare_native(query: AnalysedName, candidate: AnalysedName, floor: float) -> NameComparison | None:
    return _compare(_view(query, False), _view(candidate, False), False, False, query.original, candidate.original,
                    floor)


def _compare_latin(query: AnalysedName, candidate: AnalysedName, floor: float) -> NameComparison | None:
    return _compare(_view(query, True), _view(candidate, True), query.consonantal or candidate.consonantal, True,
                    query.original, candidate.original, floor)


def best_comparison(queries: Sequence[AnalysedName], candidates: Sequence[AnalysedName]) -> NameComparison:
    """The best-scoring pair among the query's names and the candidate's names; on a tie, the pair written in
    one script (the plainer explanation). NO_MATCH when there is nothing to compare."""
    comparison = best_comparison_reaching(queries, candidates, 0.0)
    assert comparison is not None  # every comparison scores 0
    return comparison


def best_comparison_reaching(queries: Sequence[AnalysedName], candidates: Sequence[AnalysedName],
                             floor: float) -> NameComparison | None:
    """`best_comparison(queries, candidates)` when it scores at least `floor`, else None (found sooner: see
    `reaching_comparison`)."""
    best, best_key = NO_MATCH, (0.0, False)
    for query in queries:
        for candidate in candidates:
            comparison = reaching_comparison(query, candidate, floor)
            if comparison is None:
                continue  # under the floor: never the best of the pairs that reach it
            key = (comparison.score, bool(common_scripts(query.original, candidate.original)))
            if key > best_key:
                best, best_key = comparison, key
                if key == (1.0, True):
                    return best
    return best if best.score >= floor else None
