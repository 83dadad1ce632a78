"""The command line: every command and option is documented, exit codes, formats, the store location."""

from __future__ import annotations

import re

import click
import orjson
import pytest
import typer
from typer.testing import CliRunner

from sanctrace.cli import app
from tests.factories import doc_bytes, ev
from tests.shared import PROJECT_ROOT

EXAMPLES = PROJECT_ROOT / "examples" / "demo"
runner = CliRunner()


def commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in group.commands.items():
        found.append((prefix + name, command))
        if isinstance(command, click.Group):
            found += commands(command, prefix + name + " ")
    return found


ALL_COMMANDS = commands(typer.main.get_command(app))  # type: ignore[arg-type]


@pytest.mark.parametrize("name, command", ALL_COMMANDS, ids=[n for n, _ in ALL_COMMANDS])
def test_every_command_and_option_is_documented(name, command):
    assert command.help, f"{name} has no help text"
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"{name} {param.opts[0]} has no help text"


@pytest.mark.parametrize("name", [n for n, c in ALL_COMMANDS if not isinstance(c, click.Group)])
def test_every_command_is_in_the_readme(name):
    readme = (PROJECT_ROOT / "README.md").read_text()
    assert re.search(rf"sanctrace {re.escape(name)}\b", readme), f"README does not show `sanctrace {name}`"


def run(*args: str, db=None, input: bytes | None = None, env=None):
    return runner.invoke(app, [*(["--db", str(db)] if db else []), *args], input=input, env=env)


def test_ingest_query_and_stats(tmp_path):
    db = tmp_path / "s.duckdb"
    assert run("ingest", "parts", str(EXAMPLES / "parts.csv"), db=db).exit_code == 0
    result = run("ingest", "epcis", str(EXAMPLES / "veldhoven.jsonld"), str(EXAMPLES / "nordparts.xml"),
                 "--format", "json", db=db)
    assert result.exit_code == 0, result.output
    summary = orjson.loads(result.stdout)
    assert [(r["read"], r["new"], r["rejected"]) for r in summary] == [(4, 4, 0), (4, 4, 0)]
    stats = orjson.loads(run("stats", "--format", "json", db=db).stdout)
    assert stats["events"] == 8 and stats["parts"] == 2
    events = run("events", "--epc-class", "urn:epc:class:lgtin:4012345.012345.L2301A", "--biz-step", "shipping",
                 "--format", "jsonl", db=db)
    lines = [orjson.loads(line) for line in events.stdout.splitlines()]
    assert [line["body"]["quantityList"][0]["quantity"] for line in lines] == [2000, 3000]


def test_events_as_an_epcis_document_validate(tmp_path, gs1_schema):
    db = tmp_path / "s.duckdb"
    run("ingest", "epcis", str(EXAMPLES / "veldhoven.jsonld"), str(EXAMPLES / "nordparts.xml"), db=db)
    result = run("events", "--format", "epcis", db=db)
    document = orjson.loads(result.stdout)
    assert len(document["epcisBody"]["eventList"]) == 8
    assert not list(gs1_schema.iter_errors(document))


def test_rejections_give_a_non_zero_exit_and_show_in_quarantine(tmp_path):
    db = tmp_path / "s.duckdb"
    result = run("ingest", "epcis", "-", input=doc_bytes(ev(), ev(action="MOVE")), db=db)
    assert result.exit_code == 1
    assert "/epcisBody/eventList/1/action" in result.stderr
    rows = orjson.loads(run("quarantine", "--format", "json", "--raw", db=db).stdout)
    assert len(rows) == 1 and rows[0]["source"] == "-" and '"MOVE"' in rows[0]["raw"]


def test_missing_file_is_an_error(tmp_path):
    result = run("ingest", "epcis", str(tmp_path / "nope.jsonld"), db=tmp_path / "s.duckdb")
    assert result.exit_code == 2 and "no such file" in result.stderr


def test_store_location_from_the_environment(tmp_path):
    db = tmp_path / "from-env.duckdb"
    result = run("ingest", "parts", str(EXAMPLES / "parts.csv"), env={"SANCTRACE_DB": str(db)})
    assert result.exit_code == 0 and db.exists()


def test_bad_query_parameter_is_a_clear_error(tmp_path):
    db = tmp_path / "s.duckdb"
    run("ingest", "parts", str(EXAMPLES / "parts.csv"), db=db)
    result = run("events", "--source", "owning_party", db=db)
    assert result.exit_code == 2 and "TYPE=PARTY" in result.stderr


def test_screen_finds_a_listed_party_across_scripts(tmp_path):
    db = tmp_path / "s.duckdb"
    listed = {"id": "eu-1", "schema": "Company", "properties": {"name": ["ООО Ромашка Электроникс"],
                                                               "country": ["ru"], "topics": ["sanction"]}}
    run("ingest", "entities", "-", input=orjson.dumps(listed), db=db)
    result = run("screen", "Romashka Elektroniks OOO", "--schema", "Company", "--format", "jsonl", db=db)
    [line] = [orjson.loads(x) for x in result.stdout.splitlines()]
    assert result.exit_code == 0 and line["matches"][0]["entity_id"] == "eu-1"
    assert line["matches"][0]["explanation"]["summary"]
    nothing = run("screen", "Bayern Flugtechnik GmbH", "--format", "jsonl", db=db)
    assert orjson.loads(nothing.stdout)["matches"] == []


def test_check_order_verdict_is_the_exit_status(tmp_path):
    db = tmp_path / "s.duckdb"
    run("ingest", "parts", str(EXAMPLES / "parts.csv"), db=db)
    order = {"order_id": "SO-1", "customer": {"name": "Rheinland Elektronik GmbH", "country": "de"},
             "country": "ru", "items": [{"part_number": "VS-STM32X7-TR", "quantity": 5}]}
    path = tmp_path / "order.json"
    path.write_bytes(orjson.dumps(order))
    result = run("check-order", str(path), "--format", "json", db=db)
    assert result.exit_code == 3 and orjson.loads(result.stdout)["verdict"] == "block"
    order["country"] = "de"
    path.write_bytes(orjson.dumps(order))
    result = run("check-order", str(path), "--format", "json", db=db)
    assert result.exit_code in (0, 1) and orjson.loads(result.stdout)["verdict"] in ("clear", "review")
