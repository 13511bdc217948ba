"""Errors of the users' programs (client/); every command reports them on one line.

ClientError                     client_error
└── ReleaseRefused              release_refused
    ├── ReleaseTooEarly         release_too_early
    ├── ReleaseForeignPart      release_foreign_part
    ├── ReleaseNotFrozen        release_not_frozen
    ├── ReleaseHashMismatch     release_hash_mismatch
    └── ReleaseNotAnOfficial    release_not_an_official
ApiError                        the server's error body (its code and message)
CommandError                    bad input to a bid command (exit status 2)
"""

from __future__ import annotations

from signing.errors import EtenderError


class ClientError(EtenderError):
    """Root of the refusals of the users' programs: ``etender`` prints the message, exit 1.

    Under the one root like every error of ours; no server sends these, so the status is
    only what the one tree gives every refusal (422)."""

    code = "client_error"
    status = 422


class ReleaseRefused(ClientError):
    """The official's client refuses to unwrap: the batch breaks a rule of the opening."""

    code = "release_refused"


class ReleaseTooEarly(ReleaseRefused):
    """The lot's deadline has not passed by this machine's clock."""

    code = "release_too_early"


class ReleaseForeignPart(ReleaseRefused):
    """A part of another tender or lot was slipped into the batch."""

    code = "release_foreign_part"


class ReleaseNotFrozen(ReleaseRefused):
    """The offered part is not in the freeze list (e.g. an older version)."""

    code = "release_not_frozen"


class ReleaseHashMismatch(ReleaseRefused):
    """The downloaded part's SHA-256 is not the frozen one."""

    code = "release_hash_mismatch"


class ReleaseNotAnOfficial(ReleaseRefused):
    """This identity is not an official of the lot's committee."""

    code = "release_not_an_official"


class ApiError(Exception):
    """An error body from the server: its code and message."""

    def __init__(self, status: int, code: str, message: str, details: object = None) -> None:
        super().__init__(f"{code}: {message}")
        self.status, self.code, self.details = status, code, details


class CommandError(Exception):
    """Bad input to a bid command: reported on one line, exit status 2."""
