"""One root exception for the whole project.

    SanctraceError(detail, status)          every domain error; `status` is the HTTP status an API maps it to
    ├── InvalidIdentifier                   a GS1 key / URI that is malformed or fails its check digit (422)
    ├── InvalidVocabulary                   a CBV value in no form the standard allows (422)
    ├── InvalidEvent                        an EPCIS event that breaks the standard; carries a JSON pointer (422)
    ├── InvalidDocument                     a document that cannot be read at all (broken JSON/XML, wrong root) (422)
    ├── InvalidInput                        a CSV / JSON-lines row that breaks its column contract (422)
    ├── CaptureRejected                     `--strict` capture aborted on the first error (422)
    ├── NotFound                            a requested record does not exist (404)
    └── StoreError                          the store cannot be opened or migrated (500)
"""

from __future__ import annotations


class SanctraceError(Exception):
    status: int = 500

    def __init__(self, detail: str, status: int | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if status is not None:
            self.status = status

    def __str__(self) -> str:
        return self.detail


class InvalidIdentifier(SanctraceError, ValueError):
    status = 422


class InvalidVocabulary(SanctraceError, ValueError):
    status = 422


class InvalidEvent(SanctraceError, ValueError):
    """An event that breaks the standard. `pointer` is a JSON pointer relative to the event."""

    status = 422

    def __init__(self, detail: str, pointer: str = "") -> None:
        super().__init__(detail)
        self.pointer = pointer


class InvalidDocument(SanctraceError, ValueError):
    """A document that cannot be read at all; `location` says where (line:column, XPath...)."""

    status = 422

    def __init__(self, detail: str, location: str = "") -> None:
        super().__init__(detail)
        self.location = location


class InvalidInput(SanctraceError, ValueError):
    status = 422


class CaptureRejected(SanctraceError):
    status = 422


class NotFound(SanctraceError, LookupError):
    status = 404


class StoreError(SanctraceError):
    status = 500
