"""The scorer on hand-written truth and traces."""

import json

import pytest

from sanctrace.simulate.score import score_world

TRUTH = {
    "parties": {
        "dist-tr": ["urn:epc:id:pgln:4012345.00011", "reg-tr-1"],
        "dist-de": ["urn:epc:id:pgln:4012345.00001"],
        "front": [
            "https://ledger.dist.example/customer/C00123",
            "https://crm.other.example/accounts/77",
            "reg-ae-9",
        ],
        "broker": ["https://ledger.dist.example/customer/C00200"],
        "clean": ["https://ledger.dist.example/customer/C00300"],
        "listed": ["https://ledger.dist.example/customer/C00400", "sl-00001"],
        "decoy": ["https://ledger.dist.example/customer/C00500"],
    },
    "facilitators": ["broker", "front", "listed"],
    "recoveries": [
        {
            "recovery_id": "R1",
            "scheme": "front_company",
            "last_authorized_custodian": "dist-tr",
            "diversion_point": "front",
            "facilitators": ["front"],
        },
        {
            "recovery_id": "R2",
            "scheme": "unlisted_broker",
            "last_authorized_custodian": "dist-de",
            "diversion_point": "broker",
            "facilitators": ["broker"],
        },
        {
            "recovery_id": "R3",
            "scheme": "insider",
            "last_authorized_custodian": "clean",
            "diversion_point": None,
            "facilitators": [],
        },
        {
            "recovery_id": "R4",
            "scheme": "listed_transliterated",
            "last_authorized_custodian": "dist-tr",
            "diversion_point": "listed",
            "facilitators": ["listed"],
        },
    ],
}


def _trace(recovery_id, custodian, point, status="traced"):
    return {
        "recovery_id": recovery_id,
        "status": status,
        "last_authorized_custodian": custodian,
        "diversion_point": point,
    }


RIGHT = [
    _trace("R1", "urn:epc:id:pgln:4012345.00011", "https://ledger.dist.example/customer/C00123"),
    _trace("R2", "urn:epc:id:pgln:4012345.00001", "https://ledger.dist.example/customer/C00200"),
    _trace("R3", "https://ledger.dist.example/customer/C00300", None),
    _trace("R4", "urn:epc:id:pgln:4012345.00011", "https://ledger.dist.example/customer/C00400"),
]


def test_all_right():
    report = score_world(TRUTH, RIGHT, [])
    assert report.overall.recoveries == 4
    assert report.overall.share(report.overall.both) == 1.0
    assert not report.misses and not report.untraced
    assert all(t.both == t.recoveries == 1 for t in report.by_scheme.values())
    assert report.statuses == {"traced": 4}


def test_one_wrong_diversion_point():
    traces = [
        *RIGHT[:1],
        _trace("R2", "urn:epc:id:pgln:4012345.00001", "https://ledger.dist.example/customer/C00500"),
        *RIGHT[2:],
    ]
    report = score_world(TRUTH, traces, [])
    assert (report.overall.custodian, report.overall.diversion, report.overall.both) == (4, 3, 3)
    assert report.overall.share(report.overall.diversion) == 0.75
    assert report.by_scheme["unlisted_broker"].both == 0
    [miss] = report.misses
    assert (miss.recovery_id, miss.field, miss.expected, miss.got, miss.got_party) == (
        "R2",
        "diversion_point",
        "broker",
        "https://ledger.dist.example/customer/C00500",
        "decoy",
    )


def test_any_identifier_of_the_right_company_is_accepted():
    traces = [
        _trace("R1", "reg-tr-1", "https://crm.other.example/accounts/77"),  # registry id, another seller's id
        _trace("R2", "https://id.gs1.org/417/4012345000016", "broker"),  # Digital Link of the PGLN; the key
        _trace("R3", " https://ledger.dist.example/customer/C00300 ", None),  # stray spaces
        _trace("R4", "https://id.gs1.org/417/4012345000016", "sl-00001"),  # dist-de's PGLN, not dist-tr's
    ]
    report = score_world(TRUTH, traces, [])
    assert (report.overall.custodian, report.overall.diversion) == (3, 4)
    [miss] = report.misses
    assert (miss.recovery_id, miss.expected, miss.got_party) == ("R4", "dist-tr", "dist-de")


def test_insider_needs_no_diversion_point():
    traces = [*RIGHT[:2], _trace("R3", "https://ledger.dist.example/customer/C00300", "reg-ae-9"), *RIGHT[3:]]
    report = score_world(TRUTH, traces, [])
    assert [(m.recovery_id, m.field, m.expected) for m in report.misses] == [("R3", "diversion_point", None)]


def test_missing_traces_are_wrong_and_listed():
    report = score_world(TRUTH, RIGHT[:3], [])
    assert report.untraced == ["R4"]
    assert report.overall.both == 3
    assert report.statuses == {"missing": 1, "traced": 3}


def test_average_precision_of_a_known_ranking():
    # true: broker, front, listed. By score: front, decoy, broker, clean, (front again), unknown, listed
    ranking = [
        {"party": "https://ledger.dist.example/customer/C00500", "score": 0.8},
        {"party": "https://ledger.dist.example/customer/C00123", "score": 0.9},
        {"party": "https://ledger.dist.example/customer/C00200", "score": 0.7},
        {"party": "https://ledger.dist.example/customer/C00300", "score": 0.6},
        {"party": "reg-ae-9", "score": 0.55},  # the front again: dropped, not a second hit
        {"party": "urn:unknown:party", "score": 0.5},
        {"party": "sl-00001", "score": 0.4},
    ]
    score = score_world(TRUTH, RIGHT, ranking).facilitators
    # hits at ranks 1, 3, 6: AP = (1/1 + 2/3 + 3/6) / 3
    assert score.average_precision == pytest.approx((1 + 2 / 3 + 3 / 6) / 3)
    assert score.precision_at_k == pytest.approx(2 / 3)
    assert score.precision_at_10 == pytest.approx(3 / 10)
    assert (score.relevant, score.ranked) == (3, 6)
    assert score.found == ["broker", "front"] and score.missed == []


def test_unranked_facilitators_are_reported():
    score = score_world(TRUTH, RIGHT, [{"party": "broker", "score": 1.0}]).facilitators
    assert score.average_precision == pytest.approx(1 / 3)
    assert score.missed == ["front", "listed"]


def test_report_serialises_and_renders():
    traces = [*RIGHT[:3], _trace("R4", None, None, status="untraced")]
    report = score_world(TRUTH, traces, [{"party": "front", "score": 2}])
    data = json.loads(json.dumps(report.to_dict()))
    assert data["overall"]["both_share"] == 0.75
    assert len(data["misses"]) == 2
    text = report.render_text()
    assert "listed_transliterated" in text and "R4" in text and "AP 0.333" in text
