"""The `sanctrace` command: parse arguments, call one operation, render the result. No logic lives here."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from sanctrace import __version__
from sanctrace.errors import SanctraceError
from sanctrace.ops import ingest as ingest_ops
from sanctrace.ops.query import EventQuery, events_document, query_events
from sanctrace.settings import DB_ENV, database_path
from sanctrace.store import Store

app = typer.Typer(
    name="sanctrace",
    help="Trace components recovered from weapons back to where they left legitimate hands.\n\n"
    "The store is a DuckDB file: --db PATH, else $SANCTRACE_DB, else ./sanctrace.duckdb.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
ingest_app = typer.Typer(help="Capture data into the ledger: EPCIS documents, parts, sales ledgers, entities, "
                              "recoveries.", no_args_is_help=True)
app.add_typer(ingest_app, name="ingest")

out = Console()
err = Console(stderr=True)


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"


class EventsFormat(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    epcis = "epcis"


class State:
    db: Path | None = None


@app.callback()
def main(
    db: Annotated[Path | None, typer.Option("--db", help=f"DuckDB store file (default: ${DB_ENV}, else "
                                                          "./sanctrace.duckdb).", show_default=False)] = None,
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    if version:
        out.print(f"sanctrace {__version__}")
        raise typer.Exit()
    State.db = db


def _now() -> datetime:
    return datetime.now(UTC)


def _open_store(read_only: bool = False) -> Store:
    path = database_path(State.db)
    if read_only and not path.exists():
        raise SanctraceError(f"no store at {path}: ingest something first (or pass --db / set ${DB_ENV})")
    return Store.open(path, read_only=read_only)


def _fail(exc: SanctraceError) -> None:
    err.print(f"[red]error:[/red] {exc.detail}", highlight=False, soft_wrap=True)  # one line, whatever its length
    raise typer.Exit(2)


def _emit_json(value: Any) -> None:
    sys.stdout.write(orjson.dumps(value, option=orjson.OPT_INDENT_2, default=str).decode() + "\n")


def _emit_jsonl(values: list[Any]) -> None:
    for value in values:
        sys.stdout.write(orjson.dumps(value, default=str).decode() + "\n")


def _emitted(fmt: OutputFormat | EventsFormat, values: list[Any]) -> bool:
    """Write `values` as JSON or JSON lines when that is the format asked for; False for a table."""
    if fmt.value == "json":
        _emit_json(values)
    elif fmt.value == "jsonl":
        _emit_jsonl(values)
    else:
        return False
    return True


def _emitted_one(fmt: OutputFormat, value: Any) -> bool:
    """Write one record as JSON or a JSON line when that is the format asked for; False for a table."""
    return _emitted(fmt, value) if fmt is OutputFormat.json else _emitted(fmt, [value])


# -- ingest --------------------------------------------------------------------------------------------

FilesArg = Annotated[list[str], typer.Argument(help="Files to read; '-' reads standard input.",
                                               show_default=False)]
StrictOpt = Annotated[bool, typer.Option("--strict", help="Refuse a whole document at its first error "
                                                          "(all-or-nothing); by default good records are kept.")]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]


def _read_inputs(files: list[str]) -> Iterator[tuple[str, bytes]]:
    for name in files:
        if name == "-":
            yield "-", sys.stdin.buffer.read()
            continue
        path = Path(name)
        if not path.is_file():
            raise SanctraceError(f"{name}: no such file")
        yield name, path.read_bytes()


def _run_ingest(files: list[str], fmt: OutputFormat, operation: Callable[..., list[ingest_ops.DocumentResult]],
                **options: Any) -> None:
    try:
        for name in files:
            if name != "-" and not Path(name).is_file():
                raise SanctraceError(f"{name}: no such file")
        with _open_store() as store, Progress(
            TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), console=err, transient=True, disable=not err.is_terminal,
        ) as progress:
            task = progress.add_task("ingesting", total=None)
            results: list[ingest_ops.DocumentResult] = []
            for source, data in _read_inputs(files):
                progress.update(task, description=f"ingesting {Path(source).name}")
                results += operation(store, [(source, data)], _now(),
                                     progress=lambda n: progress.advance(task, n), **options)
    except SanctraceError as exc:
        _fail(exc)
        return
    _render_results(results, fmt)
    if not all(r.ok for r in results):
        raise typer.Exit(1)


def _render_results(results: list[ingest_ops.DocumentResult], fmt: OutputFormat) -> None:
    if fmt is OutputFormat.json:
        _emit_json([r.to_dict() for r in results])
        return
    if fmt is OutputFormat.jsonl:
        _emit_jsonl([r.to_dict() for r in results])
        return
    for r in results:
        for rejection in r.rejections[:20]:
            err.print(f"[yellow]rejected[/yellow] {rejection.describe()}", highlight=False, soft_wrap=True)
        if len(r.rejections) > 20:
            err.print(f"... and {len(r.rejections) - 20} more (see: sanctrace quarantine --source {r.source})")
    table = Table(title="Ingest summary")
    for column in ("source", "format", "read", "new", "duplicates", "retracted", "rejected", "status"):
        table.add_column(column, justify="right" if column in ("read", "new", "duplicates", "retracted",
                                                                 "rejected") else "left")
    for r in results:
        status = "[green]ok[/green]" if r.ok else ("[red]refused[/red]" if r.aborted else "[yellow]partial[/yellow]")
        table.add_row(r.source, r.format, str(r.read), str(r.new), str(r.duplicates), str(r.retracted),
                      str(r.rejected), status)
    out.print(table)


@ingest_app.command("epcis")
def ingest_epcis(
    files: FilesArg,
    strict: StrictOpt = False,
    reporter: Annotated[str | None, typer.Option(help="Who reported these events (default: the document's "
                                                       "sender, else the file name).")] = None,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Capture EPCIS 2.0 JSON/JSON-LD or XML (and EPCIS 1.2 XML) documents, query documents or event lists.

    Example: sanctrace ingest epcis shipments.jsonld more/*.xml
    """
    _run_ingest(files, fmt, ingest_ops.ingest_epcis, strict=strict, reporter=reporter)


@ingest_app.command("parts")
def ingest_parts(files: FilesArg, strict: StrictOpt = False, fmt: FormatOpt = OutputFormat.table) -> None:
    """Load a parts catalogue CSV: gtin,manufacturer,part_number,hs_code,description.

    Example: sanctrace ingest parts parts.csv
    """
    _run_ingest(files, fmt, ingest_ops.ingest_parts, strict=strict)


@ingest_app.command("sales")
def ingest_sales(
    files: FilesArg,
    strict: StrictOpt = False,
    reporter: Annotated[str | None, typer.Option(help="Who kept these ledgers (default: the file name).")] = None,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Capture sales ledgers (CSV) of companies that keep no EPCIS.

    Columns: date,seller,buyer,manufacturer,part_number,lot_code,quantity,ship_to_country,invoice.

    Each row becomes a shipping event from seller to buyer for that lot; parts must be in the catalogue.
    Example: sanctrace ingest sales ledger-2024.csv
    """
    _run_ingest(files, fmt, ingest_ops.ingest_sales, strict=strict, reporter=reporter)


@ingest_app.command("entities")
def ingest_entities(files: FilesArg, strict: StrictOpt = False, fmt: FormatOpt = OutputFormat.table) -> None:
    """Load FollowTheMoney entities (JSON lines): parties, registry records, sanctions.

    Example: sanctrace ingest entities customers.jsonl registry.jsonl
    """
    _run_ingest(files, fmt, ingest_ops.ingest_entities, strict=strict)


@ingest_app.command("recoveries")
def ingest_recoveries(files: FilesArg, strict: StrictOpt = False, fmt: FormatOpt = OutputFormat.table) -> None:
    """Register components recovered from weapons (CSV).

    Columns: recovery_id,recovered_on,country,weapon_system,manufacturer,part_number,lot_code,date_code,serial,
    source.

    Example: sanctrace ingest recoveries recoveries.csv
    """
    _run_ingest(files, fmt, ingest_ops.ingest_recoveries, strict=strict)


@ingest_app.command("lists")
def ingest_lists(files: FilesArg, fmt: FormatOpt = OutputFormat.table) -> None:
    """Load sanctions lists in their official formats: EU FSF XML, OFAC SDN XML / advanced XML / CSV, UN XML,
    UK XML / CSV, FollowTheMoney JSON lines. A new version of a list replaces the old one.

    OFAC CSV companions (add.csv, alt.csv, sdn_comments.csv) go in the same call as their sdn.csv.
    Example: sanctrace ingest lists eu-fsf.xml sdn_advanced.xml consolidated.xml
    """
    from sanctrace.ops.screening import ingest_lists as load

    try:
        with _open_store() as store:
            results = load(store, list(_read_inputs(files)), _now())
    except SanctraceError as exc:
        _fail(exc)
        return
    if not _emitted(fmt, [r.to_dict() for r in results]):
        table = Table(title="Sanctions lists")
        for column in ("list", "format", "records", "listed", "added", "changed", "delisted", "status"):
            table.add_column(column, overflow="fold")
        for r in results:
            status = (f"[red]refused: {r.error}[/red]" if r.error
                      else "unchanged" if r.unchanged else "[green]ok[/green]")
            table.add_row(r.list_id or ", ".join(r.sources), r.format or "", str(r.records), str(r.listed),
                          str(r.added), str(r.changed), str(r.delisted), status)
        out.print(table)
    if not all(r.ok for r in results):
        raise typer.Exit(1)


# -- query ---------------------------------------------------------------------------------------------



@app.command("events")
def events(
    epc: Annotated[list[str] | None, typer.Option("--epc", help="MATCH_epc: an instance identifier (EPC URN or "
                                                  "Digital Link) in epcList/childEPCs/input/output.")] = None,
    epc_class: Annotated[list[str] | None, typer.Option("--epc-class", help="MATCH_epcClass: a class or lot "
                                                        "(LGTIN) in any quantity list.")] = None,
    parent_id: Annotated[list[str] | None, typer.Option("--parent-id", help="MATCH_parentID.")] = None,
    input_epc: Annotated[list[str] | None, typer.Option("--input-epc", help="MATCH_inputEPC.")] = None,
    output_epc: Annotated[list[str] | None, typer.Option("--output-epc", help="MATCH_outputEPC.")] = None,
    any_epc: Annotated[list[str] | None, typer.Option("--any-epc", help="MATCH_anyEPC: the identifier in any "
                                                      "role.")] = None,
    biz_step: Annotated[list[str] | None, typer.Option("--biz-step", help="EQ_bizStep, any CBV spelling.")] = None,
    disposition: Annotated[list[str] | None, typer.Option("--disposition", help="EQ_disposition.")] = None,
    event_type: Annotated[list[str] | None, typer.Option("--event-type", help="eventType, e.g. ObjectEvent.")] = None,
    source: Annotated[list[str] | None, typer.Option("--source", help="EQ_source_TYPE: TYPE=PARTY, e.g. "
                                                     "owning_party=urn:epc:id:pgln:0614141.00001.")] = None,
    destination: Annotated[list[str] | None, typer.Option("--destination", help="EQ_destination_TYPE: "
                                                          "TYPE=PARTY.")] = None,
    party: Annotated[list[str] | None, typer.Option("--party", help="Any source or destination.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="GE_eventTime (date or date-time).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="LT_eventTime (date or date-time).")] = None,
    include_retracted: Annotated[bool, typer.Option("--include-retracted", help="Include events declared "
                                                    "erroneous.")] = False,
    limit: Annotated[int | None, typer.Option("--limit", help="At most this many events.")] = None,
    fmt: Annotated[EventsFormat, typer.Option("--format", "-f", help="table, json, jsonl, or epcis (a valid "
                                              "EPCIS 2.0 JSON-LD document).")] = EventsFormat.table,
) -> None:
    """Query the ledger with the EPCIS simple event query's most used parameters (all given ones must match).

    Example: sanctrace events --epc-class urn:epc:class:lgtin:4012345.012345.LOT7 --biz-step shipping
    """
    query = EventQuery(
        event_types=tuple(event_type or ()), biz_steps=tuple(biz_step or ()), dispositions=tuple(disposition or ()),
        epcs=tuple(epc or ()), epc_classes=tuple(epc_class or ()), parent_ids=tuple(parent_id or ()),
        input_epcs=tuple(input_epc or ()), output_epcs=tuple(output_epc or ()), any_epcs=tuple(any_epc or ()),
        sources=tuple(source or ()), destinations=tuple(destination or ()), parties=tuple(party or ()),
        since=since, until=until, include_retracted=include_retracted, limit=limit,
    )
    try:
        with _open_store(read_only=True) as store:
            rows = query_events(store, query)
            document = events_document(store, rows, _now()) if fmt is EventsFormat.epcis else None
    except SanctraceError as exc:
        _fail(exc)
        return
    if document is not None:
        _emit_json(document)
    elif fmt is EventsFormat.json:
        _emit_json(rows)
    elif fmt is EventsFormat.jsonl:
        _emit_jsonl(rows)
    else:
        table = Table(title=f"{len(rows)} event(s)")
        for column in ("event time", "type", "bizStep", "objects", "from → to", "reporter", "event id"):
            table.add_column(column, overflow="fold")
        for row in rows:
            body = row["body"]
            table.add_row(str(row["event_time"]), row["event_type"] + (" (retracted)" if row["retracted"] else ""),
                          (row["biz_step"] or "").rsplit("-", 1)[-1], _objects_summary(body),
                          _parties_summary(body), row["reporter"] or "", row["event_id"])
        out.print(table)


def _objects_summary(body: dict[str, Any]) -> str:
    parts = []
    for key in ("parentID",):
        if key in body:
            parts.append(f"parent {body[key]}")
    for key in ("epcList", "childEPCs", "inputEPCList", "outputEPCList"):
        parts += body.get(key, [])
    for key in ("quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList"):
        parts += [f"{q['epcClass']} ×{q.get('quantity', '?')}" for q in body.get(key, [])]
    return "\n".join(parts[:6]) + (f"\n… {len(parts) - 6} more" if len(parts) > 6 else "")


def _parties_summary(body: dict[str, Any]) -> str:
    sources = [s["source"] for s in body.get("sourceList", []) if s["type"].endswith("owning_party")]
    targets = [d["destination"] for d in body.get("destinationList", []) if d["type"].endswith("owning_party")]
    return f"{', '.join(sources) or '?'} → {', '.join(targets) or '?'}" if sources or targets else ""


@app.command("stats")
def stats(fmt: FormatOpt = OutputFormat.table) -> None:
    """Counts in the ledger: events per type, reporter, bizStep and origin; documents; quarantine.

    Example: sanctrace stats --format json
    """
    try:
        with _open_store(read_only=True) as store:
            figures = store.stats()
    except SanctraceError as exc:
        _fail(exc)
        return
    if _emitted_one(fmt, figures):
        return
    totals = Table(title="Ledger")
    totals.add_column("what")
    totals.add_column("count", justify="right")
    for key in ("documents", "events", "retracted", "quarantined", "parts", "entities", "recoveries"):
        totals.add_row(key, f"{figures[key]:,}")
    out.print(totals)
    for key, title in (("by_event_type", "Events by type"), ("by_reporter", "Events by reporter"),
                       ("by_biz_step", "Events by bizStep"), ("by_origin", "Events by origin"),
                       ("quarantine_by_source", "Quarantine by source")):
        if figures[key]:
            table = Table(title=title)
            table.add_column("value")
            table.add_column("count", justify="right")
            for value, count in figures[key]:
                table.add_row(str(value), f"{count:,}")
            out.print(table)


@app.command("quarantine")
def quarantine(
    source: Annotated[str | None, typer.Option("--source", help="Only records rejected from this source.")] = None,
    limit: Annotated[int | None, typer.Option("--limit", help="At most this many records.")] = None,
    raw: Annotated[bool, typer.Option("--raw", help="Show each record's raw text.")] = False,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Show rejected records: where they are, why they were refused, and (with --raw) their text.

    Example: sanctrace quarantine --source shipments.jsonld --raw
    """
    try:
        with _open_store(read_only=True) as store:
            rows = store.quarantined(source, limit)
    except SanctraceError as exc:
        _fail(exc)
        return
    records = [{"source": r.source, "record": r.record_index, "line": r.line, "location": r.location,
                "pointer": r.pointer, "reason": r.reason, **({"raw": r.raw} if raw else {})} for r in rows]
    if not _emitted(fmt, records):
        table = Table(title=f"{len(records)} quarantined record(s)")
        for column in ("source", "record", "line", "where", "reason") + (("raw",) if raw else ()):
            table.add_column(column, overflow="fold")
        for r in records:
            table.add_row(r["source"], str(r["record"] if r["record"] is not None else "document"),
                          str(r["line"] or ""), r["pointer"] or r["location"] or "", r["reason"],
                          *((r["raw"] or "")[:2000],) if raw else ())
        out.print(table)


# -- simulation, tracing, evaluation -------------------------------------------------------------------

parties_app = typer.Typer(help="Parties in the custody data: identities resolved into companies.",
                          no_args_is_help=True)
app.add_typer(parties_app, name="parties")

WeightsOpt = Annotated[Path | None, typer.Option("--weights", help="A TOML file overriding the flag weights "
                                                 "(see sanctrace/resources/trace_weights.toml).")]


def _progress() -> Progress:
    return Progress(TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=err, transient=True, disable=not err.is_terminal)


def _weights(path: Path | None) -> Any:
    from sanctrace.tracing.judge import Weights

    return Weights.load(path)


@app.command("simulate")
def simulate(
    out_dir: Annotated[Path, typer.Argument(help="Directory to write the world into.", show_default=False)],
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same seed writes the same bytes.")] = 1,
    scale: Annotated[float, typer.Option("--scale", help="Size: 1 is ~36k events; 100 is ~3.5M.")] = 1.0,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace a world already in OUT_DIR.")] = False,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Write a simulated electronics supply chain with diversions and its truth, in the public input formats.

    Example: sanctrace simulate world --seed 7 --scale 2
    """
    from sanctrace.simulate import simulate_world

    with _progress() as progress:
        task = progress.add_task("simulating", total=None)

        def report(step: str, done: int, total: int) -> None:
            progress.update(task, description=f"simulating: {step}", completed=done, total=total or None)

        try:
            summary = simulate_world(out_dir, seed=seed, scale=scale, progress=report, overwrite=overwrite)
        except FileExistsError as exc:
            _fail(SanctraceError(f"{exc} (pass --overwrite to replace it)"))
            return
    figures = summary.to_dict()
    if _emitted_one(fmt, figures):
        return
    table = Table(title=f"World written to {out_dir}")
    table.add_column("what")
    table.add_column("value", overflow="fold")
    for key, value in figures.items():
        table.add_row(key, orjson.dumps(value).decode() if isinstance(value, (dict, list)) else str(value))
    out.print(table)


def _render_trace(result: dict[str, Any]) -> None:
    from rich.tree import Tree

    part = result["part"] or {}
    title = (f"[bold]{result['recovery_id']}[/bold]: {result['status']}, confidence {result['confidence']:.2f} — "
             f"{part.get('manufacturer', '?')} {part.get('part_number', '?')} (GTIN {part.get('gtin', '?')})")
    tree = Tree(title)
    lots = tree.add("candidate lots")
    for lot in result["lots"][:8]:
        lots.add(f"{lot['lot']} (likelihood {lot['likelihood']:.2f}): {'; '.join(lot['reasons'])}")
    node = tree.add("custody chain")
    for hop in result["chain"]:
        node = node.add(f"{hop['time'][:10]}  {hop['from']} → [bold]{hop['to']}[/bold]  via {hop['via']}"
                        + (f", {hop['quantity']:g} units" if hop.get("quantity") is not None else "")
                        + (f" [dim](held by {hop['possessor']})[/dim]" if hop.get("possessor") else "")
                        + f"  [dim]{', '.join(hop['event_ids'])}[/dim]")
    verdict = tree.add("verdict")
    verdict.add(f"last known custodian: {result['last_known_custodian']}")
    verdict.add(f"last authorised custodian: [green]{result['last_authorized_custodian']}[/green]")
    verdict.add(f"diversion point: [red]{result['diversion_point']}[/red]" if result["diversion_point"]
                else "diversion point: none named — the unit left the documented chain at its last custodian")
    evidence = tree.add("evidence")
    for item in result["evidence"]:
        if item["kind"] == "flag":
            evidence.add(f"[yellow]{item['party']}[/yellow] {item['flag']} ({item['weight']}): {item['reason']}")
        elif item["kind"] != "hop":
            evidence.add(f"{item['kind']}: {item.get('reason') or item.get('reasons') or item}")
    out.print(tree)


@app.command("trace")
def trace(
    recovery_ids: Annotated[list[str] | None, typer.Argument(help="Recovery ids to trace.",
                                                             show_default=False)] = None,
    all_: Annotated[bool, typer.Option("--all", help="Trace every registered recovery.")] = False,
    weights: WeightsOpt = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="table (a tree with evidence), json or "
                                              "jsonl (one object per recovery).")] = OutputFormat.table,
) -> None:
    """Trace recovered components to the last authorised custodian and the diversion point, with evidence.

    Example: sanctrace trace R-0001      sanctrace trace --all --format jsonl
    """
    from sanctrace.ops.trace import trace_recoveries

    if not recovery_ids and not all_:
        _fail(SanctraceError("name recovery ids, or pass --all"))
        return
    try:
        with _open_store(read_only=True) as store, _progress() as progress:
            task = progress.add_task("tracing", total=None)
            results = trace_recoveries(store, None if all_ else recovery_ids, _weights(weights),
                                       lambda n: progress.advance(task, n))
    except SanctraceError as exc:
        _fail(exc)
        return
    dicts = [r.to_dict() for r in results]
    if not _emitted(fmt, dicts):
        for result in dicts:
            _render_trace(result)


@app.command("facilitators")
def facilitators(
    weights: WeightsOpt = None,
    limit: Annotated[int | None, typer.Option("--limit", help="At most this many parties.")] = None,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Rank the parties that recur as diversion points or intermediaries across all recoveries, best first.

    Example: sanctrace facilitators --format jsonl
    """
    from sanctrace.ops.trace import facilitators as rank

    try:
        with _open_store(read_only=True) as store, _progress() as progress:
            task = progress.add_task("tracing", total=None)
            ranked = rank(store, _weights(weights), lambda n: progress.advance(task, n))
    except SanctraceError as exc:
        _fail(exc)
        return
    ranked = ranked[:limit] if limit else ranked
    if not _emitted(fmt, ranked):
        table = Table(title="Facilitators")
        for column in ("party", "score", "recoveries", "flags"):
            table.add_column(column, overflow="fold")
        for entry in ranked:
            table.add_row(entry["party"], f"{entry['score']:.3f}", str(len(entry["recoveries"])),
                          ", ".join(f["flag"] for f in entry["flags"]))
        out.print(table)


@parties_app.command("show")
def parties_show(
    party: Annotated[str, typer.Argument(help="A party identifier as it appears in the data.",
                                         show_default=False)],
    weights: WeightsOpt = None,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Show the company behind a party identifier: its other identifiers, why they were merged, its flags.

    Example: sanctrace parties show urn:epc:id:pgln:0614141.00002
    """
    from sanctrace.identifiers import canonical_uri
    from sanctrace.ops.trace import show_party

    try:
        with _open_store(read_only=True) as store:
            shown = show_party(store, canonical_uri(party), _weights(weights))
    except SanctraceError as exc:
        _fail(exc)
        return
    if _emitted_one(fmt, shown):
        return
    table = Table(title=f"Company {shown['key']}", show_header=False)
    table.add_column("what")
    table.add_column("value", overflow="fold")
    table.add_row("identifiers", "\n".join(shown["identifiers"]))
    table.add_row("names", "\n".join(shown["names"]))
    table.add_row("countries", ", ".join(shown["countries"]))
    table.add_row("registry records", ", ".join(shown["registry_ids"]) or "none found")
    table.add_row("incorporated", str(shown["incorporated"] or "unknown"))
    table.add_row("merged because", "\n".join(f"{m['left']} = {m['right']}: {m['reason']}"
                                              for m in shown["merges"]) or "a single identifier")
    table.add_row("diversion score", f"{shown['score']:.2f}")
    table.add_row("flags", "\n".join(f"{f['flag']} ({f['weight']}): {f['reason']}" for f in shown["flags"])
                  or "none")
    out.print(table)


@app.command("eval")
def evaluate(
    world: Annotated[Path, typer.Argument(help="A directory written by sanctrace simulate.", show_default=False)],
    weights: WeightsOpt = None,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Ingest a simulated world into a fresh store, trace every recovery, rank facilitators, and score both
    against the world's truth (per scheme, with the misses).

    The store is --db / $SANCTRACE_DB when given, else a fresh file inside WORLD. Example: sanctrace eval world
    """
    from sanctrace.ops.world import evaluate_world

    path = Path(State.db) if State.db else world / "eval.duckdb"
    if path.exists():
        path.unlink()
    try:
        with Store.open(path) as store, _progress() as progress:
            tasks: dict[str, Any] = {}

            def step(name: str, total: int) -> Callable[[int], None]:
                tasks[name] = progress.add_task(f"{name}", total=total)
                return lambda n: progress.advance(tasks[name], n)

            evaluation = evaluate_world(store, world, _now(), _weights(weights), step)
    except SanctraceError as exc:
        _fail(exc)
        return
    if not _emitted_one(fmt, evaluation.report.to_dict()):
        out.print(evaluation.report.render_text(), highlight=False)


@app.command("screen")
def screen(
    name: Annotated[str | None, typer.Argument(help="A name to screen (or use --input).", show_default=False)] = None,
    schema: Annotated[str, typer.Option("--schema", help="Company, Organization, Person or LegalEntity.")] = (
        "LegalEntity"),
    country: Annotated[str | None, typer.Option("--country", help="ISO country code of the party.")] = None,
    input_file: Annotated[Path | None, typer.Option("--input", help="CSV of queries: id,schema,name,country "
                                                    "(optional: registration_number,address,birth_date).")] = None,
    threshold: Annotated[float, typer.Option("--threshold", help="Report matches at or above this score "
                                             "(0..1).")] = 0.7,
    limit: Annotated[int, typer.Option("--limit", help="At most this many matches per query.")] = 10,
    workers: Annotated[int, typer.Option("--workers", help="Processes screening a large --input.")] = 1,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Screen names against the listed parties (sanctions lists and entities with topic sanction), across
    scripts and transliterations, with an explanation per feature.

    Example: sanctrace screen "OOO Romashka" --schema Company --country ru
    """
    from sanctrace.ops.screening import screen as run_screen
    from sanctrace.screening.parties import Query, read_queries

    try:
        if input_file is not None:
            queries = read_queries(input_file.read_text(encoding="utf-8"), str(input_file))
        elif name:
            queries = [Query("1", name, schema, country.lower() if country else None)]
        else:
            raise SanctraceError("give a NAME, or --input QUERIES.csv")
        with _open_store(read_only=True) as store:
            results = run_screen(store, queries, threshold, limit, workers=workers)
    except SanctraceError as exc:
        _fail(exc)
        return
    if not _emitted(fmt, [r.to_dict() for r in results]):
        for result in results:
            table = Table(title=f"{result.query.query_id}: {result.query.name!r} — {len(result.matches)} match(es) "
                                f"at or above {threshold}")
            for column in ("score", "listed party", "why"):
                table.add_column(column, overflow="fold")
            for match in result.matches:
                table.add_row(f"{match.score:.2f}", f"{match.caption}\n[dim]{match.entity_id}[/dim]", match.summary())
            out.print(table)


@app.command("check-order")
def check_order(
    order_file: Annotated[Path, typer.Argument(help="The order as JSON: order_id, customer, ship_to, end_user, "
                                               "country, items.", show_default=False)],
    threshold: Annotated[float, typer.Option("--threshold", help="Screening threshold (0..1).")] = 0.7,
    weights: WeightsOpt = None,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Check an order before it ships: clear, review or block, with every reason (screening hits, control by
    listed parties, CHPL tiers, destination risk, red flags, appearance in recovered components' custody chains).

    Exit status: 0 clear, 1 review, 3 block. Example: sanctrace check-order order.json
    """
    from sanctrace.ops.screening import check_order as run_check
    from sanctrace.ops.trace import parties_in_chains
    from sanctrace.screening.orders import read_order

    try:
        try:
            order = read_order(orjson.loads(order_file.read_bytes()))
        except (OSError, orjson.JSONDecodeError) as exc:
            raise SanctraceError(f"{order_file}: cannot read the order ({exc})") from None
        with _open_store(read_only=True) as store:
            seen = parties_in_chains(store, _weights(weights))
            checked = run_check(store, order, _now(), seen, threshold)
    except SanctraceError as exc:
        _fail(exc)
        return
    result = checked.to_dict()
    if not _emitted_one(fmt, result):
        colour = {"clear": "green", "review": "yellow", "block": "red"}[checked.verdict]
        out.print(f"Order {checked.order_id}: [bold {colour}]{checked.verdict.upper()}[/bold {colour}]")
        table = Table()
        for column in ("verdict", "reason", "party", "detail"):
            table.add_column(column, overflow="fold")
        for reason in result["reasons"]:
            table.add_row(reason["verdict"], reason["code"], reason["party"] or "", reason["detail"])
        out.print(table)
    raise typer.Exit({"clear": 0, "review": 1, "block": 3}[checked.verdict])


@app.command("eval-names")
def eval_names(
    data_dir: Annotated[Path, typer.Option("--data-dir", help="The labelled name pairs (shared/data/name_matching "
                                           "next to the project).")] = Path("../shared/data/name_matching"),
    threshold: Annotated[float, typer.Option("--threshold", help="Decision threshold (0..1).")] = 0.7,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Score the name matcher on labelled pairs: precision, recall and F1 per set (LogicV2 beside it: make bench).

    Example: sanctrace eval-names --threshold 0.7
    """
    from sanctrace.ops.screening import eval_names as run_eval

    if not data_dir.is_dir():
        _fail(SanctraceError(f"{data_dir}: no such directory"))
        return
    report = run_eval(data_dir, threshold)
    figures = report.to_dict()
    if _emitted_one(fmt, figures):
        return
    table = Table(title=f"Name matching at threshold {threshold} ({figures['seconds']} s)")
    for column in ("set", "pairs", "precision", "recall", "F1"):
        table.add_column(column, justify="right" if column != "set" else "left")
    for card in figures["scorecards"]:
        table.add_row(card["case_set"], str(card["pairs"]), f"{card['precision']:.3f}", f"{card['recall']:.3f}",
                      f"{card['f1']:.3f}")
    out.print(table)


@app.command("demo")
def demo(
    out_dir: Annotated[Path, typer.Argument(help="Working directory (the world and the store go in it).",
                                            show_default=False)] = Path("demo-out"),
    seed: Annotated[int, typer.Option("--seed", help="Seed of the simulated world.")] = 1,
    scale: Annotated[float, typer.Option("--scale", help="Size of the simulated world (1: ~36k events).")] = 1.0,
    report: Annotated[Path, typer.Option("--report", help="Where to write the HTML report.")] = Path(
        "demo-report.html"),
    weights: WeightsOpt = None,
) -> None:
    """The main job end to end: simulate a world, ingest it, trace every recovery, rank facilitators, score
    against the truth, print a summary and write a self-contained HTML report.

    Example: sanctrace demo demo-out --report demo-report.html
    """
    import shutil

    from sanctrace.ops.world import evaluate_world
    from sanctrace.report import render_report
    from sanctrace.simulate import simulate_world

    world = out_dir / "world"
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    try:
        with _progress() as progress:
            task = progress.add_task("simulating", total=None)

            def simulated(step: str, done: int, total: int) -> None:
                progress.update(task, description=f"simulating: {step}", completed=done, total=total or None)

            summary = simulate_world(world, seed=seed, scale=scale, progress=simulated)
        with Store.open(out_dir / "sanctrace.duckdb") as store, Progress(
                TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
                TimeElapsedColumn(), console=err, transient=False, disable=not err.is_terminal) as progress:

            def step(name: str, total: int) -> Callable[[int], None]:
                task_id = progress.add_task("tracing recoveries" if name == "trace" else f"ingesting {name}",
                                            total=total)
                return lambda n: progress.advance(task_id, n)

            evaluation = evaluate_world(store, world, _now(), _weights(weights), step)
            stats = store.stats()
    except SanctraceError as exc:
        _fail(exc)
        return
    traces = [t.to_dict() for t in evaluation.traces]
    figures = evaluation.report.to_dict()
    statuses: dict[str, int] = {}
    for trace in traces:
        statuses[trace["status"]] = statuses.get(trace["status"], 0) + 1
    out.print(f"[bold]Ledger[/bold]: {stats['events']:,} events from {stats['documents']:,} documents, "
              f"{stats['entities']:,} entities, {stats['quarantined']} quarantined")
    out.print(f"[bold]Recoveries[/bold]: {len(traces)} traced — "
              + ", ".join(f"{status} {count}" for status, count in sorted(statuses.items())))
    overall = figures["overall"]
    out.print(f"[bold]Against the truth[/bold]: both right {overall['both_share']:.1%}, last authorised custodian "
              f"{overall['custodian_share']:.1%}, diversion point {overall['diversion_share']:.1%}; facilitators "
              f"AP {figures['facilitators']['average_precision']:.3f}")
    table = Table(title="Top facilitators")
    for column in ("party", "score", "recoveries", "evidence"):
        table.add_column(column, overflow="fold")
    for entry in evaluation.facilitators[:5]:
        reasons = "; ".join(f"{f['flag']}: {f['reason']}" for f in entry["flags"][:3])
        table.add_row(entry["party"], f"{entry['score']:.2f}", str(len(entry["recoveries"])), reasons)
    out.print(table)
    html = render_report(f"sanctrace demo — world seed {seed}, scale {scale:g}", stats, traces,
                         evaluation.facilitators, figures, summary.to_dict())
    report.write_text(html, encoding="utf-8")
    out.print(f"Report: {report.resolve()}")


if __name__ == "__main__":  # pragma: no cover
    app()
