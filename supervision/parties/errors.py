"""Errors of the market-party registry (issue 14, item 2: 市场主体信息库).

    PartiesError                            parties_error                       422
    ├── PartyNotFound                       party_not_found                     404
    ├── PartyInputInvalid                   party_input_invalid                 422
    └── PartyRecordExists                   party_record_exists_conflict        409

Codes are part of the public interface (docs/api-credit.md lists them).
"""

from __future__ import annotations

from supervision.errors import SupervisionError


class PartiesError(SupervisionError):
    """Root of every error raised by supervision/parties/."""

    code = "parties_error"


class PartyNotFound(PartiesError):
    """No organisation of the registry has this id (or credit code)."""

    code = "party_not_found"
    status = 404


class PartyInputInvalid(PartiesError):
    """A qualification, person or relation breaks a rule of its shape."""

    code = "party_input_invalid"


class PartyRecordExists(PartiesError):
    """The same qualification, person or relation is recorded already."""

    code = "party_record_exists_conflict"
    status = 409
