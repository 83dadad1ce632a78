"""A simulated electronics supply chain whose truth is known, written in the public input formats.

`simulate_world(out_dir, seed, scale)` writes:

    epcis/<reporter>.jsonld              EPCIS 2.0 JSON-LD documents of the EPCIS-reporting companies
                                         (<reporter>-NNNN.jsonld when one reporter has many events)
    sales/<company>.csv                  sales ledgers of the distributors that keep no EPCIS
    parts.csv                            the parts catalogue
    entities/customers-<company>.jsonl   FollowTheMoney customer master data, as each company holds it
    entities/registry.jsonl              the corporate registry
    entities/sanctions.jsonl             the sanctions lists
    recoveries.csv                       components recovered from weapons, as investigators recorded them
    truth.json                           the answers, for the scorer only

Modules, by domain noun: `config` (every knob, with its default), `geography`, `names`, `catalogue`, `ids`
(countries, names, parts, identifiers), `world` (the model), `population` and `schemes` (who exists, who
diverts how: `build` puts them together), `lifecycle` (what happens to each lot), `assembly` (module
makers), `forwarding` (forwarders' containers), `events` (EPCIS as each reporter writes it), `clock`,
`recoveries` and `markings` (what investigators find), `entities` and `writers` (output), `run` (the entry
point), `score` (the evaluation of traces against the truth).
"""

from sanctrace.simulate.config import SCHEMES, WorldConfig
from sanctrace.simulate.run import WorldSummary, simulate_world

__all__ = ["SCHEMES", "WorldConfig", "WorldSummary", "simulate_world"]
