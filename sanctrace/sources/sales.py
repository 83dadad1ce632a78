"""Sales-ledger rows as EPCIS shipping events (pure).

A row `date,seller,buyer,manufacturer,part_number,lot_code,quantity,ship_to_country,invoice` says that the
seller shipped `quantity` of a lot to the buyer: it becomes an ObjectEvent OBSERVE / shipping / in_transit
with a quantityList on the lot (LGTIN; the GTIN comes from the parts catalogue), the seller as source and
the buyer as destination owning party, the invoice as an `inv` business transaction, and the ledger's own
facts (ship-to country, invoice number) as extension fields in the sanctrace namespace. Its identity is
the CBV event hash, so the same row ingested twice is stored once.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from sanctrace.identifiers import canonical_uri, make_lgtin

SANCTRACE_NS = "https://sanctrace.org/ns/ledger#"
_KEY = re.compile(r"[^0-9a-z]+")


def part_key(manufacturer: str, part_number: str) -> tuple[str, str]:
    """How ledger rows are matched to the catalogue: case, spaces and punctuation ignored."""
    return _KEY.sub("", manufacturer.casefold()), _KEY.sub("", part_number.casefold())


def invoice_uri(seller: str, invoice: str) -> str:
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$", invoice):
        return invoice
    return f"urn:sanctrace:invoice:{quote(seller, safe='')}:{quote(invoice, safe='')}"


def sales_event(row: dict[str, Any], gtin: str) -> dict[str, Any]:
    """The shipping event (JSON form) that one checked sales-ledger row stands for."""
    lot = row["lot_code"]
    epc_class = make_lgtin(gtin, lot) if lot else canonical_uri(f"https://id.gs1.org/01/{gtin}")
    event: dict[str, Any] = {
        "type": "ObjectEvent",
        "eventTime": f"{row['date'].isoformat()}T00:00:00.000Z",
        "eventTimeZoneOffset": "+00:00",
        "action": "OBSERVE",
        "bizStep": "shipping",
        "disposition": "in_transit",
        "quantityList": [{"epcClass": epc_class, "quantity": row["quantity"]}],
        "sourceList": [{"type": "owning_party", "source": row["seller"]}],
        "destinationList": [{"type": "owning_party", "destination": row["buyer"]}],
    }
    if row["invoice"]:
        event["bizTransactionList"] = [{"type": "inv", "bizTransaction": invoice_uri(row["seller"], row["invoice"])}]
    if row["ship_to_country"]:
        event["{" + SANCTRACE_NS + "}shipToCountry"] = row["ship_to_country"]
    if row["invoice"]:
        event["{" + SANCTRACE_NS + "}invoice"] = row["invoice"]
    return event
