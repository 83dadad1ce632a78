"""Blocking: an in-memory inverted index over the listed parties' names, so that a query is compared in full
with a few candidates instead of every listed name (pure).

Each name token is indexed under several keys — the token itself, the given names it is a form of (rigour's
NAME symbols, across scripts), its metaphone, its consonant skeletons, its transliteration-variant key (w/v,
s/z, kh/h ... folded: "Wodiso" / "Vodizo") and, for long tokens, its first four letters — so that a candidate
is found despite a typo, another spelling or a transliteration. Short names are also indexed with their tokens
joined ("Abd Allah" / "Abdullah"); a query's neighbouring tokens are also looked up joined ("Jin Yu" meets
"Jinyu"), and a query token also under the words it abbreviates or translates ("Gen." meets "General").

A query token weighs the inverse frequency of its rarest key; a hit on an exact or alias key is worth its full
weight, on a sound-alike, consonant or prefix key less (`KEY_CREDIT`). A candidate name must hold at least
`MIN_COVERAGE` of the query's weight; the names that do are found with set operations (intersections of the
tokens' posting sets, heaviest token first, pruned by what the tokens left could add), and the
`MAX_CANDIDATE_NAMES` best covered are compared in full. A token's posting sets are cached: common tokens recur
from query to query. Posting sets are Roaring bitmaps of name ids (pyroaring): their set operations run over
packed integers, without a Python object per name — less work, and in a forked worker no page of the parent's
integers copied on the way.
"""

from __future__ import annotations

import gc
import math
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pyroaring import BitMap
from pyroaring import FrozenBitMap as Bits
from rigour.names import NamePartTag, NameTypeTag, SymbolCategory
from rigour.text import metaphone

from sanctrace.screening.comparison import NameComparison, best_comparison_reaching, prepare, score_bound
from sanctrace.screening.matching import DEFAULT_THRESHOLD, Match, name_floor, score_party
from sanctrace.screening.names import AnalysedName, name_kind, skeleton_keys, variant_key, word_tables
from sanctrace.screening.parties import (
    Party,
    Query,
    compared_kind,
    normalise_identifier,
    party_from_state,
    party_state,
    query_names,
)

MIN_COVERAGE = 0.5  # share of the query's token weight a candidate name must hold
MAX_CANDIDATE_NAMES = 6  # names compared in full per query, best covered first
BOUND_COVERAGE = 0.95  # candidates covered less are first checked against an upper bound on their score (those
# covered more nearly always reach the threshold: the check would cost more than it saves)
SMALL_INTERSECTION = 32  # names left this few are checked one by one rather than narrowed further
MAX_JOINED_POSTINGS = 2000  # a joined-token key held by more names than this says nothing
# what a hit on each kind of key is worth: token, given name, metaphone, transliteration variant, skeleton, prefix
KEY_CREDIT = {"t": 1.0, "n": 1.0, "m": 0.8, "v": 0.8, "S": 0.6, "s": 0.6, "p": 0.6}
MIN_VARIANT_LENGTH = 4  # tokens this long are also indexed by their transliteration-variant key
MIN_PREFIX_LENGTH = 6  # tokens this long are also indexed by their first four letters
JOINED_CREDIT = 0.9  # a query token held joined with its neighbour ("jin" in "jinyu")
MAX_NEIGHBOUR_POSTINGS = 64  # two neighbours written as one this often ("abdallah") are common: rigour's aliases
MAX_JOINED_TOKENS = 3  # names this short are also indexed with their tokens joined ("abd allah" -> "abdallah")
_SKIPPED_TAGS = (NamePartTag.LEGAL, NamePartTag.STOP)
NO_NAMES = Bits()


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while an index is built or read: it holds millions of long-lived
    objects, and the collector would walk them over and over (building the index takes a third less time)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


@lru_cache(maxsize=1 << 17)
def token_keys(token: str, aliases: frozenset[str] = frozenset(), consonantal: bool = False) -> frozenset[str]:
    """The index keys of one comparable token: itself, the given names it is a form of (rigour's NAME symbols,
    which hold "Vladimir", "Wladimir" and "Владимир" together), its sound, its transliteration-variant key, its
    first four letters, and its consonant skeletons — under `S:` when the name was
    written in a consonantal script (Arabic, Hebrew...), else `s:`."""
    keys = {f"t:{token}", *(f"n:{alias}" for alias in aliases)}
    if len(token) >= 3 and token.isalpha():
        sound = metaphone(token)
        if sound:
            keys.add(f"m:{sound}")
        if len(token) >= MIN_VARIANT_LENGTH:
            keys.add(f"v:{variant_key(token)}")
        marker = "S" if consonantal else "s"
        keys.update(f"{marker}:{s}" for s in skeleton_keys(token) if len(s) >= 2)
    if len(token) >= MIN_PREFIX_LENGTH:
        keys.add(f"p:{token[:4]}")
    return frozenset(keys)


def lookup_keys(token: str, aliases: frozenset[str], consonantal: bool) -> frozenset[str]:
    """The keys a query token is looked up under. Consonant skeletons bridge scripts only: a Latin query meets
    the skeletons of names written in Arabic or Hebrew, a query in those scripts meets every skeleton."""
    # worked out afresh, not through the cache of token_keys: the index caches what a query token's keys find, and
    # the names' tokens were cached under other keys (written in a consonantal script or not): it is hardly ever hit
    keys = token_keys.__wrapped__(token, aliases, consonantal=True)
    if consonantal:
        keys |= {f"s:{key[2:]}" for key in keys if key.startswith("S:")}
    expansions = word_tables().expansions.get(token)
    return keys | {f"t:{word}" for word in expansions} if expansions else keys


def name_tokens(name: AnalysedName) -> list[str]:
    """The tokens of a name worth indexing (not legal forms or stopwords, unless that is all there is)."""
    parts = (name.latin or name.name).parts
    kept = [p.comparable for p in parts if p.comparable and p.tag not in _SKIPPED_TAGS]
    return kept or [p.comparable for p in parts if p.comparable]


def name_aliases(name: AnalysedName) -> dict[str, frozenset[str]]:
    """The NAME symbols of each single-part span of a name, by the part's comparable form."""
    aliases: dict[str, list[str]] = {}
    for span in name.name.spans:
        symbol = span.symbol
        if symbol.category == SymbolCategory.NAME:
            parts = span.parts
            if len(parts) == 1:
                aliases.setdefault(parts[0].comparable, []).append(symbol.id)
    return {token: frozenset(ids) for token, ids in aliases.items()}


def joined_token(tokens: Sequence[str]) -> str | None:
    """The tokens of a short name written as one (split and merged spellings, "Abd Allah" / "Abdullah")."""
    return "".join(tokens) if 1 < len(tokens) <= MAX_JOINED_TOKENS else None


def name_keys(name: AnalysedName) -> set[str]:
    """Every index key of a name: those of its tokens, and of its tokens joined when it is short."""
    tokens = name_tokens(name)
    aliases = name_aliases(name)
    keys = {key for token in tokens
            for key in token_keys(token, aliases.get(token, frozenset()), name.consonantal)}
    joined = joined_token(tokens)
    return keys | token_keys(joined, frozenset(), name.consonantal) if joined else keys


class Postings:
    """Index keys -> the names holding them (Roaring bitmaps of name ids). In an index read back from a saved one,
    each key's bitmap stays serialised until a query asks for the key."""

    __slots__ = ("_sets", "_packed")

    def __init__(self, sets: dict[str, Bits], packed: dict[str, bytes] | None = None) -> None:
        self._sets = sets
        self._packed = packed or {}

    def get(self, key: str) -> Bits | None:
        found = self._sets.get(key)
        if found is None:
            data = self._packed.get(key)
            if data is None:
                return None
            found = self._sets[key] = Bits.deserialize(data)
        return found

    def __getitem__(self, key: str) -> Bits:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def packed(self) -> dict[str, bytes]:
        """Every key's names, serialised (the portable Roaring format)."""
        return {**self._packed, **self.pack(self._sets)}

    @staticmethod
    def pack(sets: dict[str, Bits]) -> dict[str, bytes]:
        return {key: names.serialize() for key, names in sets.items()}


def _neighbours(name: AnalysedName) -> Iterator[tuple[str, str]]:
    parts = (name.latin or name.name).parts
    for first, second in zip(parts, parts[1:]):
        if first.comparable and second.comparable:
            yield first.comparable, second.comparable


@dataclass(frozen=True, slots=True)
class BlockingQuery:
    """What blocking reads of a query's analysed names, and nothing else: two queries alike here find the same
    candidates (the same name screened under two schemata, most often)."""

    tokens: tuple[str, ...]  # the tokens worth indexing, sorted
    aliases: tuple[frozenset[str], ...]  # each token's NAME symbols
    consonantal: bool  # written in a consonantal script (Arabic, Hebrew...)
    neighbours: tuple[tuple[str, str], ...]  # neighbouring parts' comparable forms, stopwords too
    joined: tuple[str, ...]  # a short name's tokens written as one, per name

    @classmethod
    def of(cls, query_names: Sequence[AnalysedName]) -> BlockingQuery:
        aliases: dict[str, frozenset[str]] = {}
        tokens: set[str] = set()
        neighbours: list[tuple[str, str]] = []
        joined: set[str] = set()
        for name in query_names:
            aliases.update(name_aliases(name))
            kept = name_tokens(name)
            tokens.update(kept)
            neighbours.extend(_neighbours(name))
            if written_as_one := joined_token(kept):
                joined.add(written_as_one)
        ordered = tuple(sorted(tokens))
        return cls(ordered, tuple(aliases.get(t, frozenset()) for t in ordered),
                   any(name.consonantal for name in query_names), tuple(neighbours), tuple(sorted(joined)))


@dataclass(frozen=True, slots=True)
class Candidates:
    """What blocking found for one query: the names to compare in full (their ids in the index), by party.
    Shared by the queries blocking reads alike: not to be changed."""

    by_party: dict[int, tuple[int, ...]]
    examined: int  # names whose coverage was worked out (one found again under a joined form may count twice)
    coverage: dict[int, float]  # the best coverage of each party's names


@dataclass(frozen=True, slots=True)
class _TokenLevels:
    """One query token: its weight, and for each credit level the names holding it at that level or better."""

    weight: float
    levels: tuple[tuple[float, Bits], ...]  # best credit first

    def with_names(self, credit: float, names: Bits) -> _TokenLevels:
        """The same token, also held by `names` at `credit` (levels above it unchanged; a level already holding
        every one of `names` not copied)."""
        levels: list[tuple[float, Bits]] = []
        above = NO_NAMES
        for c, held in self.levels:
            if c > credit:
                levels.append((c, held))
                above = held
                continue
            if c < credit and (not levels or levels[-1][0] > credit):
                levels.append((credit, above | names))
            levels.append((c, held if names <= held else held | names))
        if not levels or levels[-1][0] > credit:
            levels.append((credit, above | names))
        return _TokenLevels(self.weight, tuple(levels))


def _covered(tokens: Sequence[_TokenLevels]) -> list[tuple[float, Bits]]:
    """The names that reach MIN_COVERAGE, in sets of names covered alike (coverage, names; the sets disjoint, in
    no order), found with set operations.

    A name reaches the coverage when, for some choice of a level per token whose weighted sum reaches it, it is
    in every chosen level set. The choices are enumerated heaviest token first, pruned as soon as the tokens
    left cannot make up the difference or the intersection is empty; an intersection already small is taken
    whole, its names' coverage worked out one by one.
    """
    total = sum(token.weight for token in tokens)
    needed = MIN_COVERAGE * total
    order = sorted(tokens, key=lambda token: -token.weight)
    best = [t.weight * (t.levels[0][0] if t.levels else 0.0) for t in order]  # what each token adds at most
    reach = [sum(best[i:]) for i in range(len(order) + 1)]
    found = BitMap()

    def choose(position: int, score: float, names: Bits | None) -> None:
        if score >= needed:
            if names is not None:
                found.update(names)
            return
        if position == len(order) or score + reach[position] < needed:
            return
        if names is not None and len(names) <= SMALL_INTERSECTION:
            found.update(names)
            return
        token = order[position]
        for credit, holders in token.levels:
            narrowed = holders if names is None else names & holders
            if narrowed:
                choose(position + 1, score + token.weight * credit, narrowed)
        choose(position + 1, score, names)

    if not total:
        return []
    choose(0, 0.0, None)
    # each found name's coverage, token by token (in order, as a sum would add them): a name earns the credit
    # of the first (best) level of the token holding it. Names that hold the same levels of the tokens so far
    # are kept together, as one set: the sets split token by token, never name by name
    groups: list[tuple[float, Bits]] = [(0.0, Bits(found))]
    for token in tokens:
        split = []
        for value, names in groups:
            for credit, level in token.levels:
                holding = names & level
                if holding:
                    split.append((value + token.weight * credit, holding))
                    names = names - holding
                    if not names:
                        break
            if names:
                split.append((value, names))
        groups = split
    return [(coverage, names) for value, names in groups if (coverage := value / total) >= MIN_COVERAGE]


def _union(held: Bits, more: Iterable[Bits]) -> Bits:
    """`held` and each of `more` together, one union at a time (`Bits.union` of three or more small sets is slower
    than unions of two); a set comes back as it is when the others are empty."""
    for names in more:
        held = held | names if held else names
    return held


def _nth_best(groups: Sequence[tuple[float, Bits]], n: int) -> float:
    """The coverage of the n-th best covered name (0 when fewer names are covered)."""
    count = 0
    for coverage, names in sorted(groups, key=lambda group: -group[0]):
        count += len(names)
        if count >= n:
            return coverage
    return 0.0


def best_covered(groups: Sequence[tuple[float, Bits]], lengths: Sequence[int],
                 by_length: dict[int, Bits]) -> list[tuple[float, int]]:
    """The MAX_CANDIDATE_NAMES best covered names (coverage, id), from sets of names covered alike: the shortest
    (`lengths`: each name's number of parts) first among names covered alike, then the first indexed (not the
    order the set operations found them in, which varies from process to process). Among the names covered as
    well as the last one kept (often many), only as many as are kept are looked for, shortest first (`by_length`:
    the names of each length)."""
    alike: dict[float, Bits] = {}
    for coverage, names in groups:
        alike[coverage] = alike[coverage] | names if coverage in alike else names
    kept: list[tuple[float, int]] = []
    wanted = MAX_CANDIDATE_NAMES
    for coverage in sorted(alike, reverse=True):
        names = alike[coverage]
        if len(names) <= wanted:
            kept += [(coverage, name_id) for name_id in sorted(names, key=lengths.__getitem__)]
            wanted -= len(names)
            if not wanted:
                break
            continue
        for length in sorted(by_length):
            shortest = names & by_length[length]
            kept += [(coverage, name_id) for name_id in shortest[:wanted]]
            wanted -= min(wanted, len(shortest))
            if not wanted:
                break
        break
    return kept


def _raised(groups: list[tuple[float, Bits]], credit: float, names: Bits) -> list[tuple[float, Bits]]:
    """The groups once each of `names` is covered at least `credit` (a name covered less, or not at all, is
    raised to it)."""
    raised = names
    found = []
    for coverage, held in groups:
        if coverage >= credit:
            raised = raised - held
            found.append((coverage, held))
        elif rest := held - names:
            found.append((coverage, rest))
    if raised:
        found.append((credit, raised))
    return found


class ScreeningIndex:
    """The listed parties and an inverted index of their names."""

    def __init__(self, parties: Iterable[Party]) -> None:
        with collector_paused():
            self._build(parties)

    def _build(self, parties: Iterable[Party]) -> None:
        self.parties: list[Party] = list(parties)
        # each name: the position of its party, its position among the party's names, its number of parts (among
        # names covered alike, the shortest is compared first)
        self.name_party = array("i")
        self.name_position = array("i")
        self.lengths = array("i")
        postings: dict[str, list[int]] = defaultdict(list)
        for position, party in enumerate(self.parties):
            for name_position, name in enumerate(party.names):
                name_id = len(self.lengths)
                self.name_party.append(position)
                self.name_position.append(name_position)
                self.lengths.append(len(name.name.parts))
                prepare(name)
                for key in name_keys(name):
                    postings[key].append(name_id)
        self.postings: dict[str, Bits] | Postings = {key: Bits(ids) for key, ids in postings.items()}
        self.by_identifier: dict[str, list[int]] = defaultdict(list)
        for position, party in enumerate(self.parties):
            for identifier in party.identifiers:
                self.by_identifier[identifier].append(position)
        self._caches()

    def _caches(self) -> None:
        self.first_name = array("i", [0]) * len(self.parties)  # each party's first name id
        for name_id in range(len(self.name_party) - 1, -1, -1):
            self.first_name[self.name_party[name_id]] = name_id
        self._posting = self.postings.get  # a dict's own lookup where the index was built here
        self._total = max(len(self.lengths), 1)
        by_length: dict[int, list[int]] = defaultdict(list)  # the names by their number of parts
        for name_id, length in enumerate(self.lengths):
            by_length[length].append(name_id)
        self.by_length = {length: Bits(ids) for length, ids in sorted(by_length.items())}
        self._token_levels = lru_cache(maxsize=1 << 16)(self._token)
        self._joined_levels = lru_cache(maxsize=1 << 12)(self._with_joined)
        self._joined_holders = lru_cache(maxsize=1 << 14)(self._joined)
        self._blocked = lru_cache(maxsize=1 << 12)(self._block)
        self._name_bound = lru_cache(maxsize=1 << 14)(self._bound)
        self._name_comparison = lru_cache(maxsize=1 << 14)(self._compare)

    def state(self) -> dict[str, Any]:
        """The index as plain values — lists, dicts, strings, bytes — to save (rigour's analysed names are not
        saved: a party's names are analysed again when blocking first finds them)."""
        return {"parties": [party_state(party) for party in self.parties], "name_party": self.name_party.tobytes(),
                "name_position": self.name_position.tobytes(), "lengths": self.lengths.tobytes(),
                "postings": self.postings.packed() if isinstance(self.postings, Postings) else Postings.pack(
                    self.postings), "by_identifier": dict(self.by_identifier)}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> ScreeningIndex:
        """The index `state()` saved."""
        index = cls.__new__(cls)
        index.parties = [party_from_state(party) for party in state["parties"]]
        for attribute in ("name_party", "name_position", "lengths"):
            values = array("i")
            values.frombytes(state[attribute])
            setattr(index, attribute, values)
        index.postings = Postings({}, state["postings"])
        index.by_identifier = defaultdict(list, state["by_identifier"])
        index._caches()
        return index

    def __len__(self) -> int:
        return len(self.parties)

    @property
    def name_count(self) -> int:
        """The names indexed (a party may have several)."""
        return len(self.lengths)

    def _weight(self, frequency: int) -> float:
        return math.log((self._total + 1) / (frequency + 1)) + 1.0

    def _token(self, token: str, aliases: frozenset[str], consonantal: bool) -> _TokenLevels:
        """A query token's weight and level sets (cached: common tokens recur from query to query)."""
        postings = [(KEY_CREDIT[key[0]], names) for key in lookup_keys(token, aliases, consonantal)
                    if (names := self._posting(key))]
        levels = []
        cumulative = NO_NAMES
        for credit in sorted({credit for credit, _ in postings}, reverse=True):
            cumulative = _union(cumulative, (names for c, names in postings if c == credit))
            levels.append((credit, cumulative))
        rarest = min((len(names) for _, names in postings), default=0)
        return _TokenLevels(self._weight(rarest), tuple(levels))

    def candidates(self, query_names: Sequence[AnalysedName]) -> Candidates:
        """Names covering at least MIN_COVERAGE of the query's token weight, best covered first (and, among
        names covered alike, the shortest first).

        A name's coverage is the weighted share of the query's tokens it holds (an exact token counts fully, a
        same-sounding, same-consonant or same-beginning one less), or, for a short query, how well it holds the
        query's tokens written as one. Queries whose names blocking reads alike share one answer (cached).
        """
        return self._blocked(BlockingQuery.of(query_names))

    def _block(self, query: BlockingQuery) -> Candidates:
        consonantal = query.consonantal
        aliases = dict(zip(query.tokens, query.aliases))
        levels = {t: self._token_levels(t, a, consonantal) for t, a in aliases.items()}
        self._add_joined_neighbours(query.neighbours, levels, aliases, consonantal)
        groups = _covered(list(levels.values()))
        passed_over = 0
        if query.joined:
            # a name holding the query's tokens written as one is covered as well as that form's credit; a credit
            # under the coverage of the names already ranked best cannot bring a name among them
            least = _nth_best(groups, MAX_CANDIDATE_NAMES)
            for joined in query.joined:
                for credit, names in self._joined_holders(joined, consonantal):
                    if credit < least:
                        passed_over += len(names)
                        continue
                    groups = _raised(groups, credit, names)
        by_party: dict[int, list[int]] = {}
        best: dict[int, float] = {}
        for coverage, name_id in best_covered(groups, self.lengths, self.by_length):
            if coverage < MIN_COVERAGE:  # (a joined form's credit, were one set under MIN_COVERAGE)
                break
            position = self.name_party[name_id]
            by_party.setdefault(position, []).append(name_id)
            best.setdefault(position, coverage)
        return Candidates({position: tuple(ids) for position, ids in by_party.items()},
                          sum(len(names) for _, names in groups) + passed_over, best)

    def names(self, name_ids: Sequence[int]) -> list[AnalysedName]:
        """The analysed names with these ids."""
        return [self.parties[self.name_party[i]].names[self.name_position[i]] for i in name_ids]

    def party_name_ids(self, position: int) -> tuple[int, ...]:
        """The ids of every name of the party at `position` (a party's names are indexed one after another)."""
        first = self.first_name[position]
        return tuple(range(first, first + len(self.parties[position].names)))

    def _joined(self, joined: str, consonantal: bool) -> tuple[tuple[float, Bits], ...]:
        """A short query's tokens written as one: the names holding that form, by the credit of the best key they
        hold it under (best first), while the names so far number at most MAX_JOINED_POSTINGS — a form many names
        hold says nothing, and a lower credit only adds names (cached)."""
        postings = [(KEY_CREDIT[key[0]], names) for key in lookup_keys(joined, frozenset(), consonantal)
                    if (names := self._posting(key))]
        found = []
        so_far = NO_NAMES
        for credit in sorted({credit for credit, _ in postings}, reverse=True):
            level = [names for c, names in postings if c == credit]
            if any(len(names) > MAX_JOINED_POSTINGS for names in level):
                break
            held = _union(so_far, level)
            if len(held) > MAX_JOINED_POSTINGS:
                break
            found.append((credit, held - so_far))
            so_far = held
        return tuple(found)

    def _add_joined_neighbours(self, neighbours: Sequence[tuple[str, str]], levels: dict[str, _TokenLevels],
                               aliases: dict[str, frozenset[str]], consonantal: bool) -> None:
        """Two neighbouring query tokens written as one in a listed name ("Jin Yu" / "Jinyu"): each of the two
        counts as held by that name, a little less than a token held as it is (`JOINED_CREDIT`). A joined form
        many names hold ("abdallah") is left to rigour's name aliases: it would crowd the candidates."""
        joined: dict[str, list[str]] = {}
        for first, second in neighbours:  # stopwords too: "Da Wei" / "Dawei"
            holders = self._posting(f"t:{first}{second}")
            if not holders or len(holders) > MAX_NEIGHBOUR_POSTINGS:
                continue
            for token in (first, second):
                if token in levels:
                    joined.setdefault(token, []).append(f"{first}{second}")
        for token, forms in joined.items():
            levels[token] = self._joined_levels(token, aliases.get(token, frozenset()), consonantal, tuple(forms))

    def _with_joined(self, token: str, aliases: frozenset[str], consonantal: bool,
                     forms: tuple[str, ...]) -> _TokenLevels:
        """A token's levels, also held by the names holding each of `forms` (cached: a token's level sets can
        be large, and copying them costs more than the rest of blocking)."""
        levels = self._token_levels(token, aliases, consonantal)
        for form in forms:
            levels = levels.with_names(JOINED_CREDIT, self.postings[f"t:{form}"])
        return levels

    def screen(self, query: Query, threshold: float = DEFAULT_THRESHOLD, limit: int = 10) -> list[Match]:
        """The listed parties matching the query at or above the threshold, best first."""
        query_kind = name_kind(query.model_schema)
        candidates = self.candidates(query_names(query_kind, query.name))
        found = candidates.by_party
        if query.registration_number:
            found = dict(found)  # the candidates are shared with other queries
            for position in self.by_identifier.get(normalise_identifier(query.registration_number), ()):
                found.setdefault(position, self.party_name_ids(position))
        matches = []
        for position, name_ids in found.items():
            party = self.parties[position]
            if not query.model_schema.can_match(party.schema):
                continue
            kind = compared_kind(query.model_schema, party.schema)
            floor = name_floor(query, party, threshold)
            if candidates.coverage.get(position, 0.0) < BOUND_COVERAGE and \
                    self._name_bound(kind, query.name, name_ids) < floor:
                continue  # a cheap upper bound on the name's score says it cannot reach the threshold
            comparison = self._name_comparison(kind, query.name, name_ids, floor)
            if comparison is None:
                continue  # the name's score cannot reach the threshold: no match to make
            match = score_party(query, party, comparison)
            if match.score >= threshold:
                matches.append(match)
        matches.sort(key=lambda m: (-m.score, m.entity_id))
        return matches[:limit]

    def _bound(self, kind: NameTypeTag, text: str, name_ids: tuple[int, ...]) -> float:
        """An upper bound on `_compare` (cached, as the comparisons are); 0 where the query's name leaves nothing to
        compare (a party found by its identifier alone)."""
        return max((score_bound(q, c) for q in query_names(kind, text) for c in self.names(name_ids)), default=0.0)

    def _compare(self, kind: NameTypeTag, text: str, name_ids: tuple[int, ...],
                 floor: float) -> NameComparison | None:
        """The best comparison of a query's name, read as `kind`, with the names `name_ids`, or None when it
        scores less than `floor` (cached: a name screened under several schemata, or again in a batch, is
        compared with a candidate once)."""
        return best_comparison_reaching(query_names(kind, text), self.names(name_ids), floor)
