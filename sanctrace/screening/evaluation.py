"""Labelled name pairs and the scorecard the matcher is judged by (pure: text in, figures out).

Four sets, each built deterministically from reference files (read by the caller):

* `name_bench`   — nomenklatura's `name_bench/cases.csv`: hand-labelled pairs (match / no match).
* `yente`        — yente's UN fixtures: each perturbed UN name against its original (positives), and each of
                   the synthetic true negatives against the UN name sharing most tokens with it (hard negatives).
* `cross_script` — watchman's cross-script pairs (positives) and the same queries against the next pair's
                   Latin name of the same script (negatives), plus every spelling of one name in
                   nomenklatura's `putin_names.txt` against its Latin form (positives).
* `transliteration` — Wikidata name-token transliterations (English <-> Russian, Arabic, Korean, Chinese):
                   two-token names in both scripts (positives), and the same Latin name against a native one
                   sharing only its first token (negatives: same given name, other family name).
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rigour.text import ascii_text

_WORD = re.compile(r"\w+")
PUTIN = "Vladimir Vladimirovich Putin"


@dataclass(frozen=True, slots=True)
class NamePair:
    """One labelled comparison: the `query` name screened against a listed `candidate` name."""

    case_set: str
    schema: str
    query: str
    candidate: str
    is_match: bool

    def to_dict(self) -> dict[str, Any]:
        return {"case_set": self.case_set, "schema": self.schema, "query": self.query,
                "candidate": self.candidate, "is_match": self.is_match}


@dataclass(frozen=True, slots=True)
class Scorecard:
    """Precision, recall and F1 of one scorer on one set at one threshold."""

    case_set: str
    scorer: str
    threshold: float
    true_positives: int
    false_positives: int
    false_negatives: int
    true_negatives: int

    @property
    def precision(self) -> float:
        flagged = self.true_positives + self.false_positives
        return self.true_positives / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        positives = self.true_positives + self.false_negatives
        return self.true_positives / positives if positives else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"case_set": self.case_set, "scorer": self.scorer, "threshold": self.threshold,
                "pairs": self.true_positives + self.false_positives + self.false_negatives + self.true_negatives,
                "tp": self.true_positives, "fp": self.false_positives, "fn": self.false_negatives,
                "tn": self.true_negatives, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


def scorecard(case_set: str, scorer: str, pairs: Sequence[NamePair], scores: Sequence[float],
              threshold: float) -> Scorecard:
    """Count the verdicts (score >= threshold means match) against the labels."""
    counts: Counter[tuple[bool, bool]] = Counter(
        (pair.is_match, score >= threshold) for pair, score in zip(pairs, scores, strict=True))
    return Scorecard(case_set, scorer, threshold, counts[True, True], counts[False, True], counts[True, False],
                     counts[False, False])


def name_bench_pairs(cases_csv: str) -> list[NamePair]:
    """nomenklatura's `cases.csv` (case_group,schema,name1,name2,is_match,...)."""
    return [NamePair("name_bench", row["schema"], row["name1"], row["name2"], row["is_match"].strip() == "true")
            for row in csv.DictReader(io.StringIO(cases_csv))]


def full_names(fixture_csv: str) -> list[str]:
    return [row["full_name"].strip() for row in csv.DictReader(io.StringIO(fixture_csv))]


def _tokens(name: str) -> frozenset[str]:
    return frozenset(_WORD.findall(ascii_text(name).lower()))


def _most_overlapping(name: str, candidates: Sequence[str], index: dict[str, list[int]]) -> str:
    """The candidate sharing most tokens with `name` (first in list order on ties, the first one if none)."""
    shared: Counter[int] = Counter(i for token in _tokens(name) for i in index.get(token, ()))
    if not shared:
        return candidates[0]
    best = max(shared.values())
    return candidates[min(i for i, n in shared.items() if n == best)]


def yente_pairs(treated_csv: str, untreated_csv: str, negatives_csv: str) -> list[NamePair]:
    """UN names perturbed vs original (positives); synthetic negatives vs the closest UN name."""
    treated, originals = full_names(treated_csv), full_names(untreated_csv)
    pairs = [NamePair("yente", "Person", query, listed, True)
             for query, listed in zip(treated, originals, strict=True) if query and listed]
    index: dict[str, list[int]] = defaultdict(list)
    for i, name in enumerate(originals):
        for token in _tokens(name):
            index[token].append(i)
    pairs += [NamePair("yente", "Person", name, _most_overlapping(name, originals, index), False)
              for name in full_names(negatives_csv) if name]
    return pairs


def _watchman_groups(pairs_csv: str) -> list[list[tuple[str, str]]]:
    """watchman's cross_script_pairs.csv rows, grouped by the comment line that heads each script."""
    groups: list[list[tuple[str, str]]] = []
    for line in pairs_csv.splitlines():
        if not line.strip():
            continue
        if line.startswith("#"):
            groups.append([])
            continue
        query, expected = next(csv.reader([line]))[:2]
        if groups:
            groups[-1].append((query, expected))
    return [group for group in groups if group]


def cross_script_pairs(watchman_csv: str, putin_names: str) -> list[NamePair]:
    """Cross-script positives with same-script derived negatives, and one name in many scripts."""
    pairs: list[NamePair] = []
    for group in _watchman_groups(watchman_csv):
        for i, (query, expected) in enumerate(group):
            pairs.append(NamePair("cross_script", "Person", query, expected, True))
            if len(group) > 1:
                pairs.append(NamePair("cross_script", "Person", query, group[(i + 1) % len(group)][1], False))
    pairs += [NamePair("cross_script", "Person", line.strip(), PUTIN, True)
              for line in putin_names.splitlines() if line.strip()]
    return pairs


def _transliterations(tsv: str, limit: int) -> list[tuple[str, str]]:
    """(latin token, native token) pairs from a Wikidata transliteration file (`word<TAB>c h a r s<TAB>count`)."""
    found: list[tuple[str, str]] = []
    for line in tsv.splitlines():
        columns = line.split("\t")
        if len(columns) < 2:
            continue
        latin, native = columns[0].strip(), columns[1].replace(" ", "")
        if latin.isalpha() and native and len(latin) > 2:
            found.append((latin.capitalize(), native))
        if len(found) == limit:
            break
    return found


def transliteration_pairs(files: dict[str, str], per_language: int = 100) -> list[NamePair]:
    """Two-token names written in Latin and in another script; negatives share only the first token."""
    pairs: list[NamePair] = []
    for language in sorted(files):
        tokens = _transliterations(files[language], 3 * per_language)
        separator = "·" if language == "chinese" else " "
        for k in range(0, len(tokens) - 2, 3):
            (given, given_native), (family, family_native), (_, other_native) = tokens[k:k + 3]
            latin = f"{given} {family}"
            pairs.append(NamePair("transliteration", "Person", latin, given_native + separator + family_native,
                                  True))
            pairs.append(NamePair("transliteration", "Person", latin, given_native + separator + other_native,
                                  False))
    return pairs


def case_sets(pairs: Iterable[NamePair]) -> dict[str, list[NamePair]]:
    """Pairs grouped by set, in first-seen order."""
    grouped: dict[str, list[NamePair]] = {}
    for pair in pairs:
        grouped.setdefault(pair.case_set, []).append(pair)
    return grouped
