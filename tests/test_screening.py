"""Screening listed parties from the store: ranked matches with their explanation, the JSON-lines shape,
identifiers, countries and birth dates, the query CSV contract, and blocking (few candidates compared)."""

from __future__ import annotations

import marshal

import pytest
from followthemoney import model
from hypothesis import given
from hypothesis import strategies as st
from pyroaring import FrozenBitMap
from rigour.names import NameTypeTag

from sanctrace.errors import InvalidInput
from sanctrace.ops.screening import ingest_lists, load_index, screen
from sanctrace.screening.index import MAX_CANDIDATE_NAMES, _nth_best, _raised, best_covered
from sanctrace.screening.matching import Match
from sanctrace.screening.parties import Query, compared_kind, query_names, read_queries
from tests.test_lists_formats import FSF_XML, OFAC_ADVANCED, UN_XML


@pytest.fixture
def index(store, now):
    ingest_lists(store, [(str(OFAC_ADVANCED), OFAC_ADVANCED.read_bytes()), ("fsf.xml", FSF_XML),
                         (str(UN_XML), UN_XML.read_bytes())], now)
    return load_index(store)


def test_ranked_matches_with_explanations(index):
    [result] = screen(None, [Query("q1", "Markov Ilya", "Person")], index=index)
    best = result.matches[0]
    assert best.entity_id == "ofac-36368" and best.score >= 0.9
    explanation = best.to_dict()["explanation"]
    assert {(p["query"], p["candidate"], p["how"]) for p in explanation["name"]["parts"]} >= {
        ("markov", "markov", "exact"), ("ilya", "ilya", "exact"), ("", "anatolyevich", "patronymic")}
    assert explanation["summary"].startswith("name 'Markov Ilya' ~ 'Ilya Anatolyevich Markov'")
    assert explanation["listed_on"] == ["us-ofac-sdn (record 36368)"]
    assert [m.score for m in result.matches] == sorted((m.score for m in result.matches), reverse=True)


def test_json_lines_shape_holds_only_matches_at_or_above_the_threshold(index):
    results = screen(None, [Query("a", "Sergei Lavrov", "Person"), Query("b", "Nobody Atall", "Person")],
                     threshold=0.8, index=index)
    lines = [r.to_dict() for r in results]
    assert [line["query_id"] for line in lines] == ["a", "b"]
    assert lines[0]["matches"][0]["entity_id"] == "eu-fsf-13"
    assert set(lines[0]["matches"][0]) >= {"entity_id", "score", "explanation"}
    assert all(m["score"] >= 0.8 for line in lines for m in line["matches"])
    assert lines[1]["matches"] == []


def test_several_processes_give_every_query_its_own_matches_in_order(index):
    """With --workers the batch is shared between forked workers: the answers, and their order,
    are those of one process."""
    names = ["Sergei Lavrov", "Markov Ilya", "Nobody Atall", "Lavrov Sergey Viktorovich", "Ilia Markov",
             "Acme Trading", "Sergej Lawrow", "Zzyzx Qwerty"]
    queries = [Query(f"q{i}", names[i % len(names)], "Person" if i % 3 else "LegalEntity") for i in range(60)]
    alone = [r.to_dict() for r in screen(None, queries, threshold=0.6, index=index)]
    shared = [r.to_dict() for r in screen(None, queries, threshold=0.6, index=index, workers=2)]
    assert [line["query_id"] for line in shared] == [q.query_id for q in queries]
    assert shared == alone and any(line["matches"] for line in alone)


def test_a_match_comes_back_from_a_worker_as_it_was_made(index):
    """Workers send their matches back as plain values written by marshal: every field, the name's parts and
    their scores come back equal (not rounded, as `to_dict` rounds them)."""
    results = screen(None, [Query("a", "Markov Ilya", "Person"), Query("b", "Sergej Lawrow", "Person"),
                            Query("c", "Some Other Name", "Company", registration_number="2205 4001 2345")],
                     threshold=0.5, index=index)
    matches = [match for result in results for match in result.matches]
    assert len(matches) >= 3 and any(match.identifiers for match in matches)
    sent = marshal.dumps([match.values() for match in matches])
    assert [Match.from_values(values) for values in marshal.loads(sent)] == matches


def test_an_agreed_identifier_is_a_match_whatever_the_name(index):
    [result] = screen(None, [Query("q", "Some Other Name", "Company", registration_number="2205 4001 2345")],
                      index=index)
    [match] = result.matches
    assert match.entity_id == "eu-fsf-77" and match.identifiers == ("registrationNumber 2205 4001 2345",)


def test_an_agreed_identifier_is_a_match_when_the_name_leaves_nothing_to_compare(index):
    [result] = screen(None, [Query("q", "...", "Company", registration_number="2205 4001 2345")], index=index)
    assert [m.entity_id for m in result.matches] == ["eu-fsf-77"]


def test_country_and_birth_date_qualify_the_score(index):
    [agrees] = screen(None, [Query("q", "Sergei Lavrov", "Person", "ru", birth_date="1950-03-21")], index=index)
    [differs] = screen(None, [Query("q", "Sergei Lavrov", "Person", "de", birth_date="1961-01-01")],
                       threshold=0.0, index=index)
    lavrov = next(m for m in differs.matches if m.entity_id == "eu-fsf-13")
    assert agrees.matches[0].country == "agrees (ru)" and agrees.matches[0].birth_date == "agrees (1950-03-21)"
    assert lavrov.score < agrees.matches[0].score and lavrov.country.startswith("differs")


def test_a_company_query_does_not_match_people(index):
    [result] = screen(None, [Query("q", "Sergei Lavrov", "Company")], threshold=0.0, index=index)
    assert all(m.schema != "Person" for m in result.matches)


def test_blocking_compares_few_candidates(index):
    found = index.candidates(query_names(NameTypeTag.PER, "Ilya Markov"))
    assert index.name_count > 2000 and sum(len(names) for names in found.by_party.values()) <= 6


def test_a_query_is_answered_alike_whatever_was_screened_before(store, index):
    """Blocking and name comparisons are kept for the next query that reads alike (the same name under another
    schema, with another country...): its answer is the one a fresh index gives."""
    queries = [Query("a", "Sergei Lavrov", "Person"), Query("b", "Sergei Lavrov", "LegalEntity"),
               Query("c", "Sergei Lavrov", "Person", "de", birth_date="1961-01-01"),
               Query("d", "Some Other Name", "Company", registration_number="2205 4001 2345"),
               Query("e", "Some Other Name", "Company"), Query("f", "Lavrov Sergei", "LegalEntity", "ru")]
    one_index = [r.to_dict() for r in screen(None, queries, threshold=0.0, index=index)]
    fresh = [screen(None, [query], threshold=0.0, index=load_index(store))[0].to_dict() for query in queries]
    assert one_index == fresh
    assert one_index[3]["matches"][0]["entity_id"] == "eu-fsf-77"
    assert "eu-fsf-77" not in {m["entity_id"] for m in one_index[4]["matches"]}  # the identifier's party: not kept
    assert one_index[0]["matches"][0]["score"] > one_index[2]["matches"][0]["score"]


def test_a_name_screened_again_is_not_analysed_again():
    # a batch names one party many times, under several schemata: a LegalEntity query read as a person's name
    # reuses the analysis of the same name screened as a Person
    person = query_names(NameTypeTag.PER, "Ilya Markov")
    entity = Query("b", "Ilya Markov", "LegalEntity")
    assert query_names(compared_kind(entity.model_schema, model.schemata["Person"]), entity.name) is person
    assert query_names(NameTypeTag.ENT, entity.name) is not person and [n.original for n in person] == ["Ilya Markov"]


def test_query_csv_contract():
    queries = read_queries("id,schema,name,country,registration_number\n1,Company,Pola Raiz OOO,ru,7706470941\n"
                           "2,,Ilya Markov,,\n", "q.csv")
    assert queries[0] == Query("1", "Pola Raiz OOO", "Company", "ru", "7706470941")
    assert queries[1].schema == "LegalEntity" and queries[1].country is None
    with pytest.raises(InvalidInput, match="unknown column"):
        read_queries("id,schema,name,country,nickname\n", "q.csv")
    with pytest.raises(InvalidInput, match="row 1"):
        read_queries("id,schema,name,country\n1,Planet,Mars,\n", "q.csv")


def test_the_collector_is_off_while_an_index_is_built_and_restored_after():
    import gc

    from sanctrace.screening.index import ScreeningIndex
    from sanctrace.screening.parties import party_from_entity

    seen = []

    def parties():
        seen.append(gc.isenabled())  # analysed while the index is built
        yield party_from_entity({"id": "p1", "schema": "Person", "properties": {"name": ["Ilya Markov"]}})

    assert gc.isenabled()
    assert len(ScreeningIndex(parties())) == 1 and seen == [False] and gc.isenabled()
    gc.disable()
    try:
        ScreeningIndex(parties())
        assert not gc.isenabled()  # left as it was
    finally:
        gc.enable()


# names 0..39 with a number of parts each, covered by some (at the credits blocking gives), then raised by the
# holders of joined forms
_LENGTHS = st.lists(st.integers(1, 4), min_size=40, max_size=40)
_COVERAGE = st.dictionaries(st.integers(0, 39), st.sampled_from([0.5, 0.6, 0.72, 0.8, 1.0]), max_size=40)
_JOINED = st.lists(st.tuples(st.sampled_from([0.6, 0.8, 0.9, 1.0]), st.sets(st.integers(0, 39))), max_size=3)


@given(_LENGTHS, _COVERAGE, _JOINED)
def test_blocking_keeps_the_best_covered_names_by_sets_as_it_would_name_by_name(lengths, coverage, joined):
    """Blocking ranks its candidates from sets of names covered alike (`_covered`'s groups): the same names, in
    the same order, as ranking name by name (best covered first, then the shortest, then the first indexed)."""
    groups = [(value, FrozenBitMap(n for n, v in coverage.items() if v == value)) for value in set(coverage.values())]
    covered = dict(coverage)
    least = sorted(covered.values(), reverse=True)[MAX_CANDIDATE_NAMES - 1] if len(covered) >= MAX_CANDIDATE_NAMES \
        else 0.0
    assert _nth_best(groups, MAX_CANDIDATE_NAMES) == least
    for credit, names in joined:
        groups = _raised(groups, credit, FrozenBitMap(names))
        for name in names:
            covered[name] = max(covered.get(name, 0.0), credit)
    assert sorted(n for _, names in groups for n in names) == sorted(covered)  # disjoint, every name once
    assert {n: value for value, names in groups for n in names} == covered
    by_length = {length: FrozenBitMap(n for n in range(40) if lengths[n] == length) for length in set(lengths)}
    ranked = sorted(covered, key=lambda n: (-covered[n], lengths[n], n))[:MAX_CANDIDATE_NAMES]
    assert best_covered(groups, lengths, by_length) == [(covered[n], n) for n in ranked]
