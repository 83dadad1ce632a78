"""Identifiers as reporters write them: GS1 keys as EPC URNs or GS1 Digital Link URIs, and the private
customer URIs each company's own systems assign to parties that have no GLN."""

from __future__ import annotations

from sanctrace.identifiers import gs1_check_digit, make_gln

DIGITAL_LINK = "https://id.gs1.org"

# How companies number customers that have no GLN ({domain}: the company's domain, {cc}: customer country).
CUSTOMER_URI_TEMPLATES = (
    "https://ledger.{domain}.example/customer/C{n:05d}",
    "https://crm.{domain}.example/accounts/{n:06d}",
    "https://erp.{domain}.example/kunden/K-{n:05d}",
    "https://{domain}.example/partners/{cc}-{n:04d}",
    "https://portal.{domain}.example/clients/{n}",
)


def customer_uri(template: str, domain: str, number: int, country: str) -> str:
    return template.format(domain=domain, n=number, cc=country)


def sscc_tail(gcp: str, number: int) -> str:
    """The `<gcp>.<extension digit + serial reference>` part of an SSCC EPC URN, from a running number."""
    return f"{gcp}.{number:0{17 - len(gcp)}d}"


class Ids:
    """Renders GS1 keys in one reporter's form: EPC URNs (default) or Digital Link URIs on id.gs1.org."""

    __slots__ = ("digital_link",)

    def __init__(self, digital_link: bool = False) -> None:
        self.digital_link = digital_link

    def lgtin(self, gcp: str, item: str, gtin: str, lot: str) -> str:
        if self.digital_link:
            return f"{DIGITAL_LINK}/01/{gtin}/10/{lot}"
        return f"urn:epc:class:lgtin:{gcp}.{item}.{lot}"

    def sgtin(self, gcp: str, item: str, gtin: str, serial: str) -> str:
        if self.digital_link:
            return f"{DIGITAL_LINK}/01/{gtin}/21/{serial}"
        return f"urn:epc:id:sgtin:{gcp}.{item}.{serial}"

    def sscc(self, tail: str) -> str:
        if self.digital_link:
            gcp, rest = tail.split(".")
            digits = rest[0] + gcp + rest[1:]
            return f"{DIGITAL_LINK}/00/{digits}{gs1_check_digit(digits)}"
        return f"urn:epc:id:sscc:{tail}"

    def pgln(self, gcp: str, ref: str) -> str:
        if self.digital_link:
            return f"{DIGITAL_LINK}/417/{make_gln(gcp, ref)}"
        return f"urn:epc:id:pgln:{gcp}.{ref}"

    def sgln(self, gcp: str, ref: str, extension: str = "0") -> str:
        if self.digital_link:
            suffix = "" if extension == "0" else f"/254/{extension}"
            return f"{DIGITAL_LINK}/414/{make_gln(gcp, ref)}{suffix}"
        return f"urn:epc:id:sgln:{gcp}.{ref}.{extension}"
