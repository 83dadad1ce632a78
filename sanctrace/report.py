"""The self-contained HTML report of a run (pure: figures in, one HTML string out; no scripts, no fetches).

It shows the ledger's statistics, each traced chain drawn as a graph (SVG), the facilitator ranking with its
evidence, and — for a simulated world — the evaluation figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1200px;color:#1d2430}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2.2rem;border-bottom:1px solid #d5dbe3;padding-bottom:.3rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem}th,td{border:1px solid #d5dbe3;padding:.3rem .6rem;
text-align:left;vertical-align:top}th{background:#f1f4f8}td.n{text-align:right;font-variant-numeric:tabular-nums}
.trace{border:1px solid #d5dbe3;border-radius:6px;padding:.6rem 1rem;margin:1rem 0}
.trace h3{font-size:1rem;margin:.2rem 0}.meta{color:#5a6576;font-size:.85rem}
.ok{color:#1a7f37}.bad{color:#b42318}.muted{color:#5a6576}svg{max-width:100%;height:auto}
details{margin:.3rem 0}summary{cursor:pointer;color:#2454a6}code{font-size:.8rem}
"""

_OK, _BAD, _AFTER, _LINE = "#1a7f37", "#b42318", "#8a93a3", "#5a6576"


def _short(identifier: str | None, limit: int = 34) -> str:
    if identifier is None:
        return "—"
    text = identifier.split("://", 1)[-1]
    return text if len(text) <= limit else "…" + text[-(limit - 1):]


def chain_svg(trace: dict[str, Any]) -> str:
    """The custody chain of one trace as a left-to-right graph: parties as boxes, shipments as arrows."""
    chain = trace.get("chain") or []
    if not chain:
        return '<p class="muted">No documented shipment.</p>'
    parties = [chain[0]["from"], *(hop["to"] for hop in chain)]
    width, gap, box_w, box_h = 190, 70, 190, 46
    total = len(parties) * width + (len(parties) - 1) * gap
    diverted = trace.get("diversion_point")
    after = False
    parts = [f'<svg viewBox="0 0 {total} 120" width="{total}" height="120" role="img" '
             f'aria-label="custody chain of {escape(trace["recovery_id"])}">']
    for position, party in enumerate(parties):
        x = position * (width + gap)
        if party == diverted:
            after = True
            colour = _BAD
        else:
            colour = _AFTER if after else _OK
        parts.append(f'<rect x="{x}" y="30" width="{box_w}" height="{box_h}" rx="6" fill="white" '
                     f'stroke="{colour}" stroke-width="2"><title>{escape(party)}</title></rect>')
        parts.append(f'<text x="{x + box_w / 2}" y="57" font-size="11" text-anchor="middle" fill="{colour}">'
                     f"{escape(_short(party, 30))}</text>")
        if position < len(chain):
            hop = chain[position]
            x1, x2 = x + box_w, x + box_w + gap
            label = f'{hop["time"][:10]} · {hop["via"]}'
            parts.append(f'<line x1="{x1}" y1="53" x2="{x2 - 6}" y2="53" stroke="{_LINE}" stroke-width="1.5"/>'
                         f'<polygon points="{x2 - 6},48 {x2},53 {x2 - 6},58" fill="{_LINE}"/>'
                         f'<text x="{(x1 + x2) / 2}" y="22" font-size="9" text-anchor="middle" fill="{_LINE}">'
                         f"{escape(label)}</text>")
            if hop.get("quantity") is not None:
                parts.append(f'<text x="{(x1 + x2) / 2}" y="94" font-size="9" text-anchor="middle" '
                             f'fill="{_LINE}">{hop["quantity"]:g} u.</text>')
    parts.append("</svg>")
    return "".join(parts)


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]], numeric: set[int] | None = None) -> str:
    numeric = numeric or set()
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f'<td{" class=n" if i in numeric else ""}>{cell}</td>' for i, cell in enumerate(row))
        + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _trace_section(trace: dict[str, Any]) -> str:
    part = trace.get("part") or {}
    flags = [e for e in trace.get("evidence", []) if e["kind"] == "flag"]
    evidence = "".join(f"<li><b>{escape(_short(e['party'], 60))}</b> {escape(e['flag'])} ({e['weight']}): "
                       f"{escape(e['reason'])}</li>" for e in flags)
    hops = "".join(f"<li>{escape(e['reason'])} <code>{escape(', '.join(e['event_ids']))}</code></li>"
                   for e in trace.get("evidence", []) if e["kind"] == "hop")
    verdict = (f'<span class="bad">diversion point {escape(_short(trace["diversion_point"], 80))}</span>'
               if trace.get("diversion_point") else
               '<span class="muted">no diversion point named: the unit left the documented chain at its last '
               'custodian</span>')
    return (f'<div class="trace"><h3>{escape(trace["recovery_id"])} — {escape(part.get("manufacturer", "?"))} '
            f'{escape(part.get("part_number", "?"))}</h3>'
            f'<div class="meta">{escape(trace["status"])}, confidence {trace["confidence"]:.2f}; last authorised '
            f'custodian <span class="ok">{escape(_short(trace.get("last_authorized_custodian"), 80))}</span>; '
            f'{verdict}</div>{chain_svg(trace)}'
            f"<details><summary>evidence</summary><ul>{hops}{evidence}</ul></details></div>")


def render_report(title: str, stats: dict[str, Any], traces: Sequence[dict[str, Any]],
                  facilitators: Sequence[dict[str, Any]], evaluation: dict[str, Any] | None = None,
                  world: dict[str, Any] | None = None, limit_traces: int = 60) -> str:
    """The whole report as one HTML document."""
    sections = [f"<h1>{escape(title)}</h1>"]
    sections.append("<h2>The ledger</h2>" + _table(
        ["what", "count"],
        [(k, f"{stats[k]:,}") for k in ("documents", "events", "retracted", "quarantined", "parts", "entities",
                                          "recoveries")], {1})
        + _table(["event type", "events"], [(escape(str(k)), f"{v:,}") for k, v in stats["by_event_type"]], {1}))
    if world:
        sections.append("<h2>The simulated world</h2>" + _table(
            ["what", "value"], [(escape(k), escape(str(v))) for k, v in world.items()]))
    if evaluation:
        overall = evaluation["overall"]
        rows = [(escape(name), v["recoveries"], f'{v["custodian_share"]:.1%}', f'{v["diversion_share"]:.1%}',
                 f'{v["both_share"]:.1%}') for name, v in evaluation["by_scheme"].items()]
        rows.append(("<b>all</b>", overall["recoveries"], f'{overall["custodian_share"]:.1%}',
                     f'{overall["diversion_share"]:.1%}', f'<b>{overall["both_share"]:.1%}</b>'))
        fac = evaluation["facilitators"]
        sections.append("<h2>Evaluation against the world's truth</h2>" + _table(
            ["scheme", "recoveries", "last authorised custodian right", "diversion point right", "both right"],
            rows, {1, 2, 3, 4})
            + f'<p>Facilitator ranking: average precision <b>{fac["average_precision"]:.3f}</b>, precision at '
              f'{fac["relevant"]} {fac["precision_at_k"]:.3f}, precision at 10 {fac["precision_at_10"]:.3f}.</p>')
    sections.append("<h2>Facilitators</h2>" + _table(
        ["#", "party", "score", "recoveries", "flags"],
        [(i + 1, escape(_short(f["party"], 70)), f'{f["score"]:.3f}', len(f["recoveries"]),
          escape(", ".join(sorted({flag["flag"] for flag in f["flags"]}))))
         for i, f in enumerate(facilitators[:25])], {0, 2, 3}))
    shown = sorted(traces, key=lambda t: -t["confidence"])[:limit_traces]
    sections.append(f"<h2>Traced chains ({len(shown)} of {len(traces)}, most confident first)</h2>"
                    + "".join(_trace_section(t) for t in shown))
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f"<style>{_STYLE}</style></head><body>{''.join(sections)}</body></html>")
