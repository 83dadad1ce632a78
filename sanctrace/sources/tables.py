"""Column contracts of the CSV inputs (parts catalogue, sales ledgers, recoveries), checked row by row.

Pure: text in, checked rows and rejections out. A row that breaks its contract is rejected with the reason,
its data row number (1 = first row after the header) and its line in the file; the other rows are kept.

Contracts (header names exact, in any order; extra columns are an error so a misspelt name is not ignored):

* parts:      gtin,manufacturer,part_number,hs_code,description
* sales:      date,seller,buyer,manufacturer,part_number,lot_code,quantity,ship_to_country,invoice
* recoveries: recovery_id,recovered_on,country,weapon_system,manufacturer,part_number,lot_code,date_code,
              serial,source
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sanctrace.epcis.capture import Rejection
from sanctrace.errors import InvalidIdentifier, InvalidInput
from sanctrace.identifiers import gs1_check_digit

PARTS_COLUMNS = ("gtin", "manufacturer", "part_number", "hs_code", "description")
SALES_COLUMNS = ("date", "seller", "buyer", "manufacturer", "part_number", "lot_code", "quantity",
                 "ship_to_country", "invoice")
RECOVERY_COLUMNS = ("recovery_id", "recovered_on", "country", "weapon_system", "manufacturer", "part_number",
                    "lot_code", "date_code", "serial", "source")

_COUNTRY = re.compile(r"^[A-Z]{2}$")
_HS = re.compile(r"^\d{6}(\d{2}){0,2}$")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")


@dataclass(slots=True)
class CheckedTable:
    rows: list[dict[str, Any]]
    rejections: list[Rejection]


def read_table(text: str, source: str, columns: tuple[str, ...],
               check_row: Callable[[dict[str, str]], dict[str, Any]]) -> CheckedTable:
    """Check a CSV against its contract; raises InvalidInput when the header itself is wrong."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise InvalidInput(f"{source}: the file is empty; expected the header {','.join(columns)}") from None
    missing = [c for c in columns if c not in header]
    extra = [h for h in header if h not in columns]
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missing column(s) {', '.join(missing)}")
        if extra:
            parts.append(f"unknown column(s) {', '.join(extra)}")
        raise InvalidInput(f"{source}: line 1: {'; '.join(parts)}; expected the header {','.join(columns)}")
    rows: list[dict[str, Any]] = []
    rejections: list[Rejection] = []
    for number, line, values in _records(reader):
        raw = ",".join(values)
        if len(values) != len(header):
            rejections.append(Rejection(source, f"expected {len(header)} fields, found {len(values)}", number,
                                        line, f"row {number}", None, raw))
            continue
        record = {name: value.strip() for name, value in zip(header, values)}
        try:
            rows.append(check_row(record) | {"_row": number, "_line": line})
        except InvalidInput as exc:
            rejections.append(Rejection(source, exc.detail, number, line, f"row {number}",
                                        getattr(exc, "column", None), raw))
    return CheckedTable(rows, rejections)


def _records(reader: Any) -> Iterator[tuple[int, int, list[str]]]:
    number = 0
    line = reader.line_num + 1
    for values in reader:
        if not values or all(not v.strip() for v in values):
            line = reader.line_num + 1
            continue
        number += 1
        yield number, line, values
        line = reader.line_num + 1


class _FieldError(InvalidInput):
    def __init__(self, column: str, detail: str) -> None:
        super().__init__(f"{column}: {detail}")
        self.column = column


def _required(record: dict[str, str], column: str) -> str:
    value = record[column]
    if not value:
        raise _FieldError(column, "is required")
    return value


def _optional(record: dict[str, str], column: str) -> str | None:
    return record[column] or None


def check_gtin(value: str, column: str = "gtin") -> str:
    """A GTIN-8/12/13/14 with a right check digit, as 14 digits."""
    digits = value.replace(" ", "")
    if not digits.isdigit() or len(digits) not in (8, 12, 13, 14):
        raise _FieldError(column, f"{value!r} is not a GTIN (8, 12, 13 or 14 digits)")
    digits = digits.zfill(14)
    try:
        expected = gs1_check_digit(digits[:-1])
    except InvalidIdentifier as exc:
        raise _FieldError(column, exc.detail) from None
    if digits[-1] != expected:
        raise _FieldError(column, f"{value!r} has check digit {digits[-1]}, expected {expected}")
    return digits


def check_hs_code(value: str, column: str = "hs_code") -> str:
    digits = re.sub(r"[.\s]", "", value)
    if not _HS.match(digits):
        raise _FieldError(column, f"{value!r} is not an HS code (6, 8 or 10 digits, dots allowed)")
    return digits


def check_country(value: str, column: str) -> str:
    code = value.upper()
    if not _COUNTRY.match(code):
        raise _FieldError(column, f"{value!r} is not an ISO 3166-1 alpha-2 country code")
    return code


def check_date(value: str, column: str) -> date:
    try:
        return date.fromisoformat(value[:10]) if len(value) >= 10 else date.fromisoformat(value)
    except ValueError:
        raise _FieldError(column, f"{value!r} is not a date (YYYY-MM-DD)") from None


def check_party(value: str, column: str) -> str:
    if not _URI.match(value):
        raise _FieldError(column, f"{value!r} is not a party identifier (a PGLN URN or the company's own URI)")
    return value


def check_part_row(record: dict[str, str]) -> dict[str, Any]:
    return {
        "gtin": check_gtin(_required(record, "gtin")),
        "manufacturer": _required(record, "manufacturer"),
        "part_number": _required(record, "part_number"),
        "hs_code": check_hs_code(record["hs_code"]) if record["hs_code"] else None,
        "description": _optional(record, "description"),
    }


def check_sales_row(record: dict[str, str]) -> dict[str, Any]:
    quantity_text = _required(record, "quantity")
    try:
        quantity = float(quantity_text)
    except ValueError:
        raise _FieldError("quantity", f"{quantity_text!r} is not a number") from None
    if quantity <= 0:
        raise _FieldError("quantity", f"must be positive, got {quantity_text}")
    seller = check_party(_required(record, "seller"), "seller")
    buyer = check_party(_required(record, "buyer"), "buyer")
    if seller == buyer:
        raise _FieldError("buyer", "is the same party as the seller")
    return {
        "date": check_date(_required(record, "date"), "date"),
        "seller": seller,
        "buyer": buyer,
        "manufacturer": _required(record, "manufacturer"),
        "part_number": _required(record, "part_number"),
        "lot_code": _optional(record, "lot_code"),
        "quantity": int(quantity) if quantity.is_integer() else quantity,
        "ship_to_country": check_country(record["ship_to_country"], "ship_to_country")
        if record["ship_to_country"] else None,
        "invoice": _optional(record, "invoice"),
    }


def check_recovery_row(record: dict[str, str]) -> dict[str, Any]:
    row: dict[str, Any] = {c: _optional(record, c) for c in RECOVERY_COLUMNS}
    row["recovery_id"] = _required(record, "recovery_id")
    row["recovered_on"] = check_date(record["recovered_on"], "recovered_on") if record["recovered_on"] else None
    row["country"] = check_country(record["country"], "country") if record["country"] else None
    if not (row["manufacturer"] or row["part_number"]):
        raise _FieldError("part_number", "a recovery needs at least a manufacturer or a part number")
    return row
