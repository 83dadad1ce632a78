"""Writing a simulated world to disk in the public input formats, incrementally: EPCIS documents are
streamed event by event (a reporter's events split over numbered documents past `max_events`), sales
ledgers row by row; nothing is held in memory beyond the open files."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

import orjson

EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"


class EpcisWriter:
    """One EPCISDocument stream per reporter: `<reporter>.jsonld`, or `<reporter>-NNNN.jsonld` when its
    events fill more than one document."""

    def __init__(
        self, directory: Path, namespaces: dict[str, tuple[str, str]], max_events: int, created: str
    ) -> None:
        self.directory = directory
        self.namespaces = namespaces
        self.max_events = max_events
        self.created = created
        self.types: Counter[str] = Counter()
        self._open: dict[str, tuple[IO[bytes], int]] = {}
        self._parts: dict[str, int] = {}
        self.files: list[Path] = []

    def _path(self, reporter: str, part: int) -> Path:
        return self.directory / f"{reporter}-{part:04d}.jsonld"

    def _start(self, reporter: str) -> IO[bytes]:
        part = self._parts[reporter] = self._parts.get(reporter, 0) + 1
        handle = self._path(reporter, part).open("wb")
        prefix, namespace = self.namespaces[reporter]
        header = orjson.dumps(
            {
                "@context": [EPCIS_CONTEXT, {prefix: namespace}],
                "type": "EPCISDocument",
                "schemaVersion": "2.0",
                "creationDate": self.created,
            }
        )
        handle.write(header[:-1] + b',"epcisBody":{"eventList":[\n')
        return handle

    def write(self, reporter: str, event: dict[str, Any]) -> None:
        handle, count = self._open.get(reporter) or (None, 0)
        if handle is None or count >= self.max_events:
            if handle is not None:
                self._finish(handle)
            handle, count = self._start(reporter), 0
        elif count:
            handle.write(b",\n")
        handle.write(orjson.dumps(event))
        self._open[reporter] = (handle, count + 1)
        self.types[event["type"]] += 1

    @staticmethod
    def _finish(handle: IO[bytes]) -> None:
        handle.write(b"\n]}}\n")
        handle.close()

    def close(self) -> list[Path]:
        """Finish every document; a reporter with a single document loses the number in its name."""
        for reporter, (handle, _) in sorted(self._open.items()):
            self._finish(handle)
            parts = self._parts[reporter]
            if parts == 1:
                single = self.directory / f"{reporter}.jsonld"
                self._path(reporter, 1).replace(single)
                self.files.append(single)
            else:
                self.files.extend(self._path(reporter, p) for p in range(1, parts + 1))
        self._open.clear()
        return self.files


class CsvFiles:
    """CSV files with a fixed header, opened on their first row."""

    def __init__(self, directory: Path, columns: tuple[str, ...]) -> None:
        self.directory = directory
        self.columns = columns
        self.rows = 0
        self._open: dict[str, tuple[IO[str], Any]] = {}

    def write(self, name: str, row: Iterable[Any]) -> None:
        entry = self._open.get(name)
        if entry is None:
            handle = (self.directory / f"{name}.csv").open("w", newline="", encoding="utf-8")
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(self.columns)
            entry = self._open[name] = (handle, writer)
        entry[1].writerow(row)
        self.rows += 1

    def close(self) -> list[Path]:
        paths = []
        for name, (handle, _) in sorted(self._open.items()):
            handle.close()
            paths.append(self.directory / f"{name}.csv")
        self._open.clear()
        return paths


def write_csv(path: Path, columns: tuple[str, ...], rows: Iterable[Iterable[Any]]) -> int:
    count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def write_jsonl(path: Path, records: Iterable[dict[str, Any]]) -> int:
    count = 0
    with path.open("wb") as handle:
        for record in records:
            handle.write(orjson.dumps(record) + b"\n")
            count += 1
    return count


def write_json(path: Path, data: Any) -> None:
    path.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n")
