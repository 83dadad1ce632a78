"""Sanctions lists in their official formats, read into FollowTheMoney entities with their listing (pure).

`read_lists(inputs)` detects each file's format from its content and reads it:

| format | detected by | reader |
| --- | --- | --- |
| EU Financial Sanctions File XML (FSF 1.1) | root `export`, FSD export namespace | `eu_fsf.read_fsf` |
| EU legacy FSD XML (to 2016) | root `WHOLE` with `ENTITY` | `eu_fsf.read_legacy` |
| OFAC SDN XML (classic) | root `sdnList` | `ofac.read_sdn_xml` |
| OFAC SDN advanced XML | root `Sanctions`, namespace `http://www.un.org/sanctions/1.0` | `ofac_advanced` |
| OFAC CSV (sdn/add/alt/comments, cons_*) | headerless rows of 12 / 6 / 5 / 2 columns | `ofac.read_ofac_csv` |
| UN Security Council consolidated XML | root `CONSOLIDATED_LIST` | `un_sc.read_un` |
| UK Sanctions List XML | root `Designations` | `uk.read_uk_xml` |
| HM Treasury consolidated CSV | "Last Updated" line, then the "Name 6,Name 1,..." header | `uk.read_hmt_csv` |
| FollowTheMoney JSON lines (OpenSanctions) | lines of JSON objects | `ftm.read_ftm` |

OFAC's CSV companions (`add.csv`, `alt.csv`, `sdn_comments.csv`) are joined to the main file of the same
folder and prefix given in the same call. A file that cannot be read raises InvalidDocument naming the record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sanctrace.errors import InvalidDocument
from sanctrace.sources.lists import eu_fsf, ofac, ofac_advanced, uk, un_sc
from sanctrace.sources.lists.common import local_name, parse_xml
from sanctrace.sources.lists.ftm import read_ftm
from sanctrace.sources.lists.model import ListedRecord, SanctionsList

__all__ = ["ListFile", "ListedRecord", "SanctionsList", "read_list", "read_lists"]

_BOM = b"\xef\xbb\xbf"
_XML_READERS = ((eu_fsf.is_fsf, eu_fsf.read_fsf), (eu_fsf.is_legacy, eu_fsf.read_legacy),
                (ofac.is_sdn_xml, ofac.read_sdn_xml), (ofac_advanced.is_advanced, ofac_advanced.read_advanced),
                (un_sc.is_un, un_sc.read_un), (uk.is_uk_xml, uk.read_uk_xml))


@dataclass(slots=True)
class ListFile:
    """The outcome of reading one list: its files, and the list or why it could not be read."""

    sources: tuple[str, ...]
    sanctions_list: SanctionsList | None = None
    error: InvalidDocument | None = None


def _decode(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # OFAC's and HM Treasury's older CSV files are Latin-1


def read_list(data: bytes, source: str) -> SanctionsList:
    """One file of a self-contained format (everything but OFAC's CSV set)."""
    data = data.removeprefix(_BOM)
    head = data.lstrip()[:1]
    if not head:
        raise InvalidDocument(f"{source}: the file is empty", "")
    if head == b"<":
        root = parse_xml(data, source)
        for detect, read in _XML_READERS:
            if detect(root):
                return read(root, source)
        raise InvalidDocument(f"{source}: XML root <{local_name(root)}> is no list format sanctrace reads", "line 1")
    if head == b"{":
        return read_ftm(data, source)
    content = _decode(data, source)
    if uk.is_hmt_csv(content[:2000]):
        return uk.read_hmt_csv(content, source)
    raise InvalidDocument(f"{source}: not a list format sanctrace reads (EU FSF XML, OFAC XML or CSV, UN XML, UK "
                          "XML or CSV, FollowTheMoney JSON lines)", "line 1")


def _ofac_sets(files: list[ofac.CsvFile]) -> list[ListFile]:
    """OFAC CSV files grouped by folder and prefix, each group read as one list."""
    groups: dict[tuple[str, bool], list[ofac.CsvFile]] = {}
    for file in files:
        groups.setdefault((file.folder, file.consolidated), []).append(file)
    results = []
    for group in groups.values():
        sources = tuple(f.source for f in group)
        mains = [f for f in group if f.role == "main"]
        if len(mains) != 1:
            results.append(ListFile(sources, error=InvalidDocument(
                f"{', '.join(sources)}: OFAC CSV files need exactly one main file (sdn.csv or cons_prim.csv) in the "
                f"same folder, found {len(mains)}", "")))
            continue
        results.append(ListFile(sources, ofac.read_ofac_csv(group)))
    return results


def read_lists(inputs: Sequence[tuple[str, bytes]]) -> list[ListFile]:
    """Read every input; OFAC CSV companions are joined to their main file. Errors are returned, not raised."""
    results: list[ListFile] = []
    ofac_files: list[ofac.CsvFile] = []
    for source, data in inputs:
        try:
            head = data.removeprefix(_BOM).lstrip()[:1]
            csv_file = ofac.sniff_csv(_decode(data.removeprefix(_BOM), source), source) \
                if head[:1].isdigit() else None
            if csv_file is not None:
                ofac_files.append(csv_file)
                continue
            results.append(ListFile((source,), read_list(data, source)))
        except InvalidDocument as exc:
            results.append(ListFile((source,), error=exc))
    return results + _ofac_sets(ofac_files)
