"""EPCIS 2.0 events in JSON-LD form, written the way one reporter writes them.

Reporters differ as the standard allows: CBV values as bare words (`shipping`) or as GS1 web URIs
(`https://ref.gs1.org/cbv/BizStep-shipping`), GS1 keys as EPC URNs or Digital Link URIs (see `ids.py`),
event times in UTC or in local time with an offset, with or without receiving events, counts with or
without a unit of measure. (The URN spellings of CBV values, `urn:epcglobal:cbv:bizstep:shipping`, are
left out: GS1's JSON Schema rejects them in JSON-LD.) Times are POSIX seconds (float) throughout.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import Any, NamedTuple

CBV_WEB = "https://ref.gs1.org/cbv/"
_CBV_KINDS = {"bizStep": "BizStep-", "disposition": "Disp-", "sdt": "SDT-", "btt": "BTT-"}

Party = tuple[str, str]  # (source/destination type, identifier)
Transaction = tuple[str, str]  # (business transaction type, URI)


class Goods(NamedTuple):
    """What an event is about: instances (EPCs: serials, SSCCs) and/or quantities of classes (lots)."""

    epcs: list[str] | None = None
    quantities: list[tuple[str, int]] | None = None


@dataclass(frozen=True, slots=True)
class Style:
    """How one reporter writes events (see the module docstring); `tz` is its UTC offset (+hh:mm)."""

    tz: str = "+00:00"
    cbv_uri: bool = False
    digital_link: bool = False
    local_time: bool = False
    receiving: bool = False
    uom: str | None = "EA"


def _offset_seconds(tz: str) -> int:
    sign = -1 if tz[0] == "-" else 1
    return sign * (int(tz[1:3]) * 3600 + int(tz[4:6]) * 60)


class EventFactory:
    """Builds the events of one reporter. Event ids are random UUID URNs drawn from `rng`."""

    __slots__ = ("_cbv", "_offset", "_suffix", "rng", "style")

    def __init__(self, style: Style, rng: random.Random) -> None:
        self.style = style
        self.rng = rng
        self._offset = _offset_seconds(style.tz) if style.local_time else 0
        self._suffix = style.tz if style.local_time else "Z"
        self._cbv = {kind: CBV_WEB + prefix if style.cbv_uri else "" for kind, prefix in _CBV_KINDS.items()}

    # -- what a business process records -----------------------------------------------------------------

    def commissioning(self, ts: float, goods: Goods, location: str | None, ilmd: dict[str, str]) -> dict:
        return self._object(ts, "ADD", "commissioning", "active", goods, location, ilmd=ilmd)

    def packing(self, ts: float, parent: str, goods: Goods, location: str | None) -> dict:
        return self._aggregation(ts, "ADD", "packing", "in_progress", parent, goods, location)

    def unpacking(self, ts: float, parent: str, children: list[str], location: str | None) -> dict:
        return self._aggregation(ts, "DELETE", "unpacking", "in_progress", parent, Goods(children), location)

    def receiving(self, ts: float, goods: Goods, location: str | None) -> dict:
        return self._object(ts, "OBSERVE", "receiving", "in_progress", goods, location)

    def shipping(
        self,
        ts: float,
        goods: Goods,
        sources: list[Party],
        destinations: list[Party],
        transactions: list[Transaction] | None = None,
    ) -> dict:
        """An ObjectEvent OBSERVE / shipping / in_transit from `sources` to `destinations`."""
        return self._object(
            ts, "OBSERVE", "shipping", "in_transit", goods, None, sources, destinations, transactions
        )

    def container_shipping(
        self,
        ts: float,
        parent: str,
        children: list[str],
        sources: list[Party],
        destinations: list[Party],
        transactions: list[Transaction],
    ) -> dict:
        """An AggregationEvent OBSERVE / shipping: a container with its contents on the move."""
        return self._aggregation(
            ts,
            "OBSERVE",
            "shipping",
            "in_transit",
            parent,
            Goods(children),
            None,
            sources,
            destinations,
            transactions,
        )

    def transformation(
        self,
        ts: float,
        inputs: Goods,
        outputs: list[tuple[str, int]],
        location: str | None,
        ilmd: dict[str, str],
    ) -> dict:
        """Inputs consumed, output lot commissioned (with its ILMD)."""
        event = self._head("TransformationEvent", ts)
        if inputs.epcs:
            event["inputEPCList"] = inputs.epcs
        if inputs.quantities:
            event["inputQuantityList"] = self._quantities(inputs.quantities)
        event["outputQuantityList"] = self._quantities(outputs)
        self._step(event, "commissioning", "active", location)
        event["ilmd"] = ilmd
        return event

    # -- pieces ------------------------------------------------------------------------------------------

    def time(self, ts: float) -> str:
        t = time.gmtime(ts + self._offset)
        ms = int(ts * 1000) % 1000
        return (
            f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}T{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}"
            f".{ms:03d}{self._suffix}"
        )

    def _event_id(self) -> str:
        h = f"{self.rng.getrandbits(128):032x}"
        return f"urn:uuid:{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"

    def _head(self, kind: str, ts: float) -> dict[str, Any]:
        return {
            "type": kind,
            "eventTime": self.time(ts),
            "eventTimeZoneOffset": self.style.tz,
            "eventID": self._event_id(),
        }

    def _quantities(self, pairs: list[tuple[str, int]]) -> list[dict[str, Any]]:
        uom = self.style.uom
        if uom:
            return [{"epcClass": c, "quantity": q, "uom": uom} for c, q in pairs]
        return [{"epcClass": c, "quantity": q} for c, q in pairs]

    def _step(self, event: dict[str, Any], biz_step: str, disposition: str, location: str | None) -> None:
        event["bizStep"] = self._cbv["bizStep"] + biz_step
        event["disposition"] = self._cbv["disposition"] + disposition
        if location:
            event["readPoint"] = {"id": location}
            event["bizLocation"] = {"id": location}

    def _tail(
        self,
        event: dict[str, Any],
        sources: list[Party] | None,
        destinations: list[Party] | None,
        transactions: list[Transaction] | None,
    ) -> None:
        if transactions:
            btt = self._cbv["btt"]
            event["bizTransactionList"] = [
                {"type": btt + kind, "bizTransaction": uri} for kind, uri in transactions
            ]
        sdt = self._cbv["sdt"]
        if sources:
            event["sourceList"] = [{"type": sdt + kind, "source": party} for kind, party in sources]
        if destinations:
            event["destinationList"] = [
                {"type": sdt + kind, "destination": party} for kind, party in destinations
            ]

    def _object(
        self,
        ts: float,
        action: str,
        biz_step: str,
        disposition: str,
        goods: Goods,
        location: str | None,
        sources: list[Party] | None = None,
        destinations: list[Party] | None = None,
        transactions: list[Transaction] | None = None,
        ilmd: dict[str, str] | None = None,
    ) -> dict:
        event = self._head("ObjectEvent", ts)
        if goods.epcs or not goods.quantities:
            event["epcList"] = goods.epcs or []
        event["action"] = action
        self._step(event, biz_step, disposition, location)
        if goods.quantities:
            event["quantityList"] = self._quantities(goods.quantities)
        self._tail(event, sources, destinations, transactions)
        if ilmd:
            event["ilmd"] = ilmd
        return event

    def _aggregation(
        self,
        ts: float,
        action: str,
        biz_step: str,
        disposition: str,
        parent: str,
        goods: Goods,
        location: str | None,
        sources: list[Party] | None = None,
        destinations: list[Party] | None = None,
        transactions: list[Transaction] | None = None,
    ) -> dict:
        event = self._head("AggregationEvent", ts)
        event["parentID"] = parent
        if goods.epcs:
            event["childEPCs"] = goods.epcs
        event["action"] = action
        self._step(event, biz_step, disposition, location)
        if goods.quantities:
            event["childQuantityList"] = self._quantities(goods.quantities)
        self._tail(event, sources, destinations, transactions)
        return event
