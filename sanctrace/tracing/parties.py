"""Who the parties in custody chains are, and what the entity data says about them (pure).

The same company appears under different identifiers in different reporters' data (its PGLN, each
distributor's own customer id). `PartyBook` resolves them into companies — registration numbers first, then
name (across scripts and transliterations) with country, and an address that agrees — and keeps every merge
with its reason. It then links each company to the corporate registry and the sanctions lists:

* listed: the company (or its registry record) is a listed entity, or matches one by registration number or
  by name in any script with an agreeing country;
* controlled: listed parties own >= 50% of it, directly or through chains (percentages multiplied along a
  chain, summed across chains); part-owned: they own less, but some of it;
* shared director / shared address with a listed party (links, not matches);
* incorporation date.

Entities are FollowTheMoney dicts as stored (`{"id", "schema", "properties"}`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, Protocol

from normality import ascii_text
from rigour.names import remove_org_types
from rigour.text import jaro_winkler

from sanctrace.screening.names import variant_key

ORGANISATIONS = frozenset({"Company", "Organization", "LegalEntity", "PublicBody"})
STRONG_NAME_MATCH = 0.9  # a name match at or above this is taken as the listed party; below, a possible one
NameMatcher = Callable[[Sequence[str], Sequence[str]], tuple[float, str]]


class Screening(Protocol):
    """Name search across scripts, best first: listed parties matching a name as (entity id, score, why, whether
    every word agrees), registry records as (entity id, why)."""

    def listed(self, name: str, countries: Sequence[str]) -> list[tuple[str, float, str, bool]]: ...

    def registry(self, name: str, countries: Sequence[str]) -> list[tuple[str, str]]: ...

_LEGAL_FORMS = re.compile(
    r"\b(ooo|zao|oao|pao|ao|too|tov|osoo|llc|llp|ltd|limited|gmbh|ag|sa|sas|srl|spa|bv|nv|plc|inc|corp|"
    r"co|company|corporation|fze|fzco|fzc|fz llc|mchj|sti|ltd sti|as|jsc|ojsc|cjsc|kft|oy|ab|pte|pvt|"
    r"sdn bhd|bhd|llc fz|a s|ltd sti|you xian gong si|gong si|youxian gongsi)\b"
)


@lru_cache(maxsize=65536)
def token_key(name: str) -> str:
    """`name_key` with its words sorted: the same name whatever the word order."""
    return " ".join(sorted(name_key(name).split()))


_BRACKETED = re.compile(r"[(（][^)）]*[)）]")


@lru_cache(maxsize=65536)
def bare_key(name: str) -> str:
    """`token_key` of the name without what it holds in brackets ("Haohai Trading (Kowloon) Limited" and
    "Haohai Trading (HK) Limited"), empty when the name has no brackets. Only to find a party's registry
    record when no record has its exact name: "(Shanghai)" and "(Shenzhen)" may well be two companies."""
    if not _BRACKETED.search(name):
        return ""
    return token_key(_BRACKETED.sub(" ", name))


@lru_cache(maxsize=65536)
def spelling_key(name: str) -> str:
    """`token_key` with each word's transliteration variants folded ("Khoman" / "Choman" / "Homan", both
    romanisations of Хоман), for names of two words or more; empty for shorter names, which say too little."""
    words = name_key(name).split()
    return " ".join(sorted(variant_key(word) for word in words)) if len(words) >= 2 else ""


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """A comparison form of an organisation name: Latin script, lower case, legal forms and punctuation out."""
    text = ascii_text(remove_org_types(name) or name) or ""
    text = re.sub(r"[^a-z0-9 ]+", " ", text.lower())
    text = _LEGAL_FORMS.sub(" ", text)
    return " ".join(text.split())


def default_name_match(left: Sequence[str], right: Sequence[str]) -> tuple[float, str]:
    """Best similarity between two sets of names, with how they matched (used until a richer matcher is given)."""
    best = (0.0, "")
    for a in left:
        for b in right:
            ka, kb = name_key(a), name_key(b)
            if not ka or not kb:
                continue
            if ka == kb:
                score = 1.0
                how = f"{a!r} = {b!r} (same name once transliterated, legal forms removed: {ka!r})"
            elif sorted(ka.split()) == sorted(kb.split()):
                score = 0.97
                how = f"{a!r} ~ {b!r} (same words in another order)"
            else:
                score = jaro_winkler(ka, kb)
                how = f"{a!r} ~ {b!r} (similarity {score:.2f} of {ka!r} and {kb!r})"
            if score > best[0]:
                best = (score, how)
    return best


def registration_key(value: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", value.upper())


def address_key(value: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", (ascii_text(value) or "").lower()).split())


@dataclass(frozen=True, slots=True)
class Merge:
    """Why two identifiers were taken for one company."""

    left: str
    right: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"left": self.left, "right": self.right, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Link:
    """A fact tying a company to a listed party, with the entities that say so."""

    kind: str  # listed | listed_name | possibly_listed | controlled | listed_owner | shared_director | shared_address
    reason: str
    entity_ids: tuple[str, ...]
    share: float | None = None  # controlled, listed_owner: the listed parties' summed ownership

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "reason": self.reason, "entity_ids": list(self.entity_ids),
                **({"share": round(self.share, 4)} if self.share is not None else {})}


@dataclass(slots=True)
class Company:
    """One real company behind one or more party identifiers."""

    key: str
    identifiers: list[str]
    names: list[str] = field(default_factory=list)
    countries: set[str] = field(default_factory=set)
    registration_numbers: set[str] = field(default_factory=set)
    addresses: set[str] = field(default_factory=set)
    registry_ids: list[str] = field(default_factory=list)
    incorporated: date | None = None
    links: list[Link] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "identifiers": self.identifiers, "names": self.names,
                "countries": sorted(self.countries), "registration_numbers": sorted(self.registration_numbers),
                "registry_ids": self.registry_ids,
                "incorporated": self.incorporated.isoformat() if self.incorporated else None,
                "links": [link.to_dict() for link in self.links]}


def _props(entity: Mapping[str, Any], name: str) -> list[str]:
    return list(entity.get("properties", {}).get(name, []))


def _registered_in(entity: Mapping[str, Any]) -> set[str]:
    """The countries a registry record places an organisation in (country and jurisdiction)."""
    return set(_props(entity, "country")) | set(_props(entity, "jurisdiction"))


def _first_date(values: Iterable[str]) -> date | None:
    for value in values:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            continue
    return None


class PartyBook:
    """Party identifiers resolved into companies, linked to the registry and the sanctions lists."""

    def __init__(self, entities: Iterable[Mapping[str, Any]], party_ids: Iterable[str],
                 name_match: NameMatcher = default_name_match, name_threshold: float = 0.93,
                 screening: Screening | None = None) -> None:
        """`screening` (optional) finds listed parties and registry records by name across scripts and
        transliterations; without it, names are compared with `name_match` only."""
        self.name_match = name_match
        self.name_threshold = name_threshold
        self.entities: dict[str, Mapping[str, Any]] = {e["id"]: e for e in entities}
        self.merges: list[Merge] = []
        self.listed: dict[str, Mapping[str, Any]] = self._listed_entities()
        self.screening = screening
        self.company_of: dict[str, Company] = {}
        self.listed_records: dict[str, str] = {}  # entity id -> the listed entity it is (`_listed_records`)
        self._party_ids = set(party_ids)
        self._resolve(sorted(self._party_ids))
        self._link_lists()

    # -- which entities are listed ----------------------------------------------------------------------

    def _listed_entities(self) -> dict[str, Mapping[str, Any]]:
        listed = {eid: e for eid, e in self.entities.items() if "sanction" in _props(e, "topics")}
        for entity in self.entities.values():
            if entity.get("schema") == "Sanction":
                for target in _props(entity, "entity"):
                    if target in self.entities:
                        listed[target] = self.entities[target]
        return listed

    # -- resolving identifiers into companies -----------------------------------------------------------

    def _resolve(self, party_ids: list[str]) -> None:
        """Union identifiers that are one company: the same registry record, the same registration number,
        or the same name (words in any order, any script, legal forms aside, or spelled in another
        transliteration) in the same country."""
        parent = {pid: pid for pid in party_ids}

        def find(pid: str) -> str:
            while parent[pid] != pid:
                parent[pid] = parent[parent[pid]]
                pid = parent[pid]
            return pid

        def union(a: str, b: str, reason: str) -> None:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
                self.merges.append(Merge(a, b, reason))

        index = self._registry_index()
        records = {pid: self._registry_records(self.entities.get(pid, {}), index) for pid in party_ids}
        first_with: dict[tuple[str, str], str] = {}
        for pid in party_ids:
            entity = self.entities.get(pid, {})
            numbers = {registration_key(n) for n in _props(entity, "registrationNumber")}
            keys = [("record", rid) for rid, _ in records[pid]] + [("number", n) for n in numbers]
            keys += [("name", token_key(name) + "|" + country) for name in _props(entity, "name")
                     for country in _props(entity, "country") or [""] if token_key(name)]
            keys += [("spelling", spelling + "|" + country) for name in _props(entity, "name")
                     for country in _props(entity, "country") if (spelling := spelling_key(name))]
            for key in keys:
                other = first_with.setdefault(key, pid)
                if other == pid:
                    continue
                if key[0] in ("name", "spelling") and self._numbers_conflict(other, pid):
                    continue  # the same name but different registration numbers: two companies
                if key[0] == "record":
                    reason = f"both are registry record {key[1]} (by {dict(records[pid]).get(key[1], '')})"
                elif key[0] == "number":
                    reason = f"same registration number {key[1]}"
                elif key[0] == "spelling":
                    name, _, country = key[1].partition("|")
                    reason = f"the same name in another transliteration ({name!r}) in {country}"
                else:
                    name, _, country = key[1].partition("|")
                    reason = f"same name {name!r} in {country or 'no country'}"
                union(other, pid, reason)
        clusters: dict[str, list[str]] = defaultdict(list)
        for pid in party_ids:
            clusters[find(pid)].append(pid)
        for root, members in clusters.items():
            company = Company(root, sorted(members))
            for pid in members:
                entity = self.entities.get(pid, {})
                company.names += [n for n in _props(entity, "name") if n not in company.names]
                company.countries.update(_props(entity, "country"))
                company.registration_numbers.update(_props(entity, "registrationNumber"))
                company.addresses.update(address_key(a) for a in _props(entity, "address"))
                company.registry_ids += [rid for rid, _ in records[pid] if rid not in company.registry_ids]
                company.incorporated = company.incorporated or _first_date(_props(entity, "incorporationDate"))
                self.company_of[pid] = company
            for rid in company.registry_ids:
                record = self.entities[rid]
                company.incorporated = _first_date(_props(record, "incorporationDate")) or company.incorporated
                company.addresses.update(address_key(a) for a in _props(record, "address"))
                company.countries.update(_registered_in(record))

    def _numbers_conflict(self, a: str, b: str) -> bool:
        numbers = [{registration_key(n) for n in _props(self.entities.get(pid, {}), "registrationNumber")}
                   for pid in (a, b)]
        return bool(numbers[0] and numbers[1] and not numbers[0] & numbers[1])

    # -- the registry -----------------------------------------------------------------------------------

    def _registry_index(self) -> tuple[dict[str, list[str]], dict[str, list[str]], dict[str, list[str]]]:
        by_number: dict[str, list[str]] = defaultdict(list)
        by_name: dict[str, list[str]] = defaultdict(list)
        by_address: dict[str, list[str]] = defaultdict(list)
        for eid, entity in self.entities.items():
            if entity.get("schema") not in ORGANISATIONS or eid in self._party_ids or eid in self.listed:
                continue
            for number in _props(entity, "registrationNumber"):
                by_number[registration_key(number)].append(eid)
            for name in _props(entity, "name") + _props(entity, "alias"):
                key = token_key(name)
                if key and eid not in by_name[key]:
                    by_name[key].append(eid)
                bare = bare_key(name)
                if bare and eid not in by_name["~" + bare]:
                    by_name["~" + bare].append(eid)  # without its bracketed place, for another place's spelling
                words = name_key(name).split()
                if len(words) >= 2 and eid not in by_name["^" + " ".join(words[:2])]:
                    by_name["^" + " ".join(words[:2])].append(eid)  # by first two words, for short forms
            for address in _props(entity, "address"):
                by_address[address_key(address)].append(eid)
        return by_number, by_name, by_address

    def _registry_records(self, entity: Mapping[str, Any],
                          index: tuple[dict[str, list[str]], dict[str, list[str]], dict[str, list[str]]]
                          ) -> list[tuple[str, str]]:
        """The registry records of one party entity, each with why: registration number; else the same
        name in the same country; else the same address and a name that is a short form of the registered one."""
        by_number, by_name, by_address = index
        found: dict[str, str] = {}
        for number in _props(entity, "registrationNumber"):
            for rid in by_number.get(registration_key(number), []):
                found.setdefault(rid, f"registration number {number}")
        if found:
            return list(found.items())
        countries = set(_props(entity, "country"))
        names = _props(entity, "name")
        for name in names:
            for rid in by_name.get(token_key(name), []):
                theirs = _registered_in(self.entities[rid])
                if not theirs or not countries or theirs & countries:
                    found.setdefault(rid, f"name {name!r}")
        if found:
            return list(found.items())
        for name in names:  # the same name with another place in brackets, in the same country
            bare = bare_key(name)
            for rid in by_name.get("~" + bare, []) if bare else []:
                theirs = _registered_in(self.entities[rid])
                if theirs & countries:
                    found.setdefault(rid, f"name {name!r} with another place in brackets")
        if found:
            return list(found.items())
        for address in _props(entity, "address"):
            for rid in by_address.get(address_key(address), []):
                registered = _props(self.entities[rid], "name") + _props(self.entities[rid], "alias")
                if _short_form(names, registered, 1) or self.name_match(names, registered)[0] >= 0.9:
                    found.setdefault(rid, f"address {address!r} and name {names[0] if names else ''!r}")
        if found:
            return list(found.items())
        if self.screening is not None:
            for name in names:
                for match in self.screening.registry(name, sorted(countries)):
                    found.setdefault(match[0], match[1])
            if found:
                return list(found.items())
        if not countries:
            return list(found.items())
        for name in names:  # a short form of the registered name (two words at least), in the same country
            words = name_key(name).split()
            if len(words) < 2:
                continue
            for rid in by_name.get("^" + " ".join(words[:2]), []):
                registered = _props(self.entities[rid], "name") + _props(self.entities[rid], "alias")
                theirs = _registered_in(self.entities[rid])
                if theirs & countries and _short_form([name], registered, 2):
                    found.setdefault(rid, f"{name!r} is a short form of the registered name, in the same country")
        return list(found.items())

    # -- the sanctions lists ----------------------------------------------------------------------------

    def _link_lists(self) -> None:
        listed_numbers = {registration_key(n): eid for eid, e in self.listed.items()
                          for n in _props(e, "registrationNumber") + _props(e, "innCode") + _props(e, "ogrnCode")}
        listed_orgs = {eid: e for eid, e in self.listed.items() if e.get("schema") != "Person"}
        self.listed_records = self._listed_records(listed_numbers)
        listed_addresses = self._listed_addresses()
        owners = self._owners()
        directors = self._directors()
        for company in self.companies():
            self._listed_by_identity(company, listed_numbers, listed_orgs)
            self._controlled(company, owners)
            self._shared_directors(company, directors)
            shared = sorted(a for a in company.addresses if a in listed_addresses)
            for address in shared:
                company.links.append(Link("shared_address", f"shares the address {address!r} with a listed party",
                                          tuple(sorted(listed_addresses[address]))))

    def _listed_records(self, listed_numbers: Mapping[str, str]) -> dict[str, str]:
        """Entity id -> the listed entity it is: each listed entity itself, and each registry record bearing a
        listed entity's registration number (ownership and directorship data name registry records, while
        the list has its own entity for the same company)."""
        records = {eid: eid for eid in self.listed}
        for eid, entity in self.entities.items():
            if eid in records or entity.get("schema") not in ORGANISATIONS:
                continue
            for number in _props(entity, "registrationNumber"):
                if registration_key(number) in listed_numbers:
                    records[eid] = listed_numbers[registration_key(number)]
                    break
        return records

    def _listed_by_identity(self, company: Company, listed_numbers: Mapping[str, str],
                            listed_orgs: Mapping[str, Mapping[str, Any]]) -> None:
        for eid in company.identifiers + company.registry_ids:
            if eid in self.listed:
                company.links.append(Link("listed", f"{eid} is itself a listed entity", (eid,)))
                return
        for number in company.registration_numbers | {
                n for rid in company.registry_ids for n in _props(self.entities[rid], "registrationNumber")}:
            if registration_key(number) in listed_numbers:
                eid = listed_numbers[registration_key(number)]
                company.links.append(Link("listed", f"registration number {number} is that of listed {eid}", (eid,)))
                return
        names = company.names + [n for rid in company.registry_ids for n in
                                  _props(self.entities[rid], "name") + _props(self.entities[rid], "alias")]
        if self.screening is not None:
            best: tuple[str, float, str, bool] | None = None
            for name in names:
                for found in self.screening.listed(name, sorted(company.countries)):
                    if best is None or found[1] > best[1]:
                        best = found
            if best is not None:
                eid, score, reason, same = best
                if score >= STRONG_NAME_MATCH:
                    company.links.append(Link("listed", reason, (eid,)))
                elif same:  # the listed name word for word, lower only for what else differs (the country)
                    company.links.append(Link("listed_name", f"bears the name of listed {eid}, word for word, "
                                              f"though not all else agrees: {reason}", (eid,)))
                else:
                    company.links.append(Link("possibly_listed", reason, (eid,)))
            return
        for eid, entity in listed_orgs.items():
            listed_names = _props(entity, "name") + _props(entity, "alias") + _props(entity, "weakAlias")
            score, how = self.name_match(names, listed_names)
            if score < self.name_threshold:
                continue
            countries = _registered_in(entity)
            if countries and company.countries and not countries & company.countries:
                continue
            company.links.append(Link("listed", f"name matches listed {eid}: {how}", (eid,)))
            return

    def _listed_addresses(self) -> dict[str, set[str]]:
        found: dict[str, set[str]] = defaultdict(set)
        for eid, entity in self.listed.items():
            for address in _props(entity, "address"):
                found[address_key(address)].add(eid)
        return found

    def _owners(self) -> dict[str, list[tuple[str, float, str]]]:
        """asset -> [(owner, share 0..1, ownership entity id)]"""
        found: dict[str, list[tuple[str, float, str]]] = defaultdict(list)
        for eid, entity in self.entities.items():
            if entity.get("schema") != "Ownership":
                continue
            share = _percentage(_props(entity, "percentage"))
            for asset in _props(entity, "asset"):
                for owner in _props(entity, "owner"):
                    found[asset].append((owner, share, eid))
        return found

    def _controlled(self, company: Company, owners: Mapping[str, list[tuple[str, float, str]]]) -> None:
        total = 0.0
        paths: list[str] = []
        evidence: list[str] = []

        def walk(asset: str, share: float, chain: tuple[str, ...], seen: frozenset[str]) -> None:
            nonlocal total
            for owner, part, ownership_id in owners.get(asset, []):
                if owner in seen:
                    continue
                value = share * part
                if owner in self.listed_records:
                    total += value
                    listed = self.listed_records[owner]
                    named = owner if listed == owner else f"{owner} (listed as {listed})"
                    paths.append(" <- ".join((*chain, named)) + f" ({value:.0%})")
                    evidence.extend((ownership_id, listed))
                elif len(chain) < 6:
                    walk(owner, value, (*chain, owner), seen | {owner})

        for rid in company.registry_ids or company.identifiers:
            walk(rid, 1.0, (rid,), frozenset({rid}))
        if total >= 0.5 - 1e-9:
            company.links.append(Link("controlled", f"listed parties own {total:.0%}: " + "; ".join(paths),
                                      tuple(sorted(set(evidence))), total))
        elif total > 0:
            company.links.append(Link("listed_owner", f"listed parties own {total:.0%} (less than control): "
                                      + "; ".join(paths), tuple(sorted(set(evidence))), total))

    def _directors(self) -> dict[str, set[str]]:
        """organisation -> directors"""
        found: dict[str, set[str]] = defaultdict(set)
        for entity in self.entities.values():
            if entity.get("schema") == "Directorship":
                for organisation in _props(entity, "organization"):
                    found[organisation].update(_props(entity, "director"))
        return found

    def _shared_directors(self, company: Company, directors: Mapping[str, set[str]]) -> None:
        listed_orgs = [eid for eid in self.listed_records if eid in directors]
        mine = {d for rid in company.registry_ids for d in directors.get(rid, set())}
        for person in sorted(mine):
            if person in self.listed:
                company.links.append(Link("shared_director", f"director {person} is a listed person", (person,)))
                continue
            for other in listed_orgs:
                if person in directors[other] and other not in company.registry_ids:
                    listed = self.listed_records[other]
                    named = other if listed == other else f"{other} (listed as {listed})"
                    company.links.append(Link("shared_director", f"director {person} also directs listed {named}",
                                              (person, other, listed) if listed != other else (person, other)))

    # -- reading ----------------------------------------------------------------------------------------

    def companies(self) -> list[Company]:
        seen: dict[int, Company] = {}
        for company in self.company_of.values():
            seen.setdefault(id(company), company)
        return list(seen.values())

    def company(self, party: str) -> Company:
        if party not in self.company_of:
            self.company_of[party] = Company(party, [party])
        return self.company_of[party]

    def merges_of(self, company: Company) -> list[Merge]:
        members = set(company.identifiers)
        return [m for m in self.merges if m.left in members or m.right in members]


def _short_form(names: Sequence[str], registered: Sequence[str], min_words: int) -> bool:
    """Whether a name is the registered name shortened: its words (legal forms aside, at least `min_words`)
    start the other's."""
    for name in names:
        words = name_key(name).split()
        for other in registered:
            theirs = name_key(other).split()
            if len(words) >= min_words and len(words) < len(theirs) and theirs[: len(words)] == words:
                return True
    return False


def _percentage(values: Sequence[str]) -> float:
    for value in values:
        try:
            number = float(str(value).strip().rstrip("%"))
        except ValueError:
            continue
        return number / 100 if number > 1 else number
    return 0.0
