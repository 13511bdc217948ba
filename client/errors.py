"""Errors of the users' programs (client/); every command reports them on one line.

ClientError                     client_error
└── ReleaseRefused              release_refused
    ├── ReleaseTooEarly         release_too_early
    ├── ReleaseForeignPart      release_foreign_part
    ├── ReleaseNotFrozen        release_not_frozen
    ├── ReleaseHashMismatch     release_hash_mismatch
    └── ReleaseNotAnOfficial    release_not_an_official
├── TokenFileInsecure           token_file_insecure
├── TokenFileInvalid            token_file_invalid
├── TokenServerMismatch         token_server_mismatch
├── NotSignedIn                 not_signed_in
├── LoginPasswordMissing        login_password_missing
├── TenderIdentifierInvalid     tender_identifier_invalid
├── TenderIdentifierUnknown     tender_identifier_unknown
├── TenderIdentifierNeedsServer tender_identifier_needs_server
├── TenderIdentifierCommitteeMismatch tender_identifier_committee_mismatch
└── AuctionReceiptInvalid       auction_receipt_invalid
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


class TokenFileInsecure(ClientError):
    """The token file may be read or written by others, is not a regular file (a symbolic
    link, a device) or belongs to another user: it is not read (docs/cli.md)."""

    code = "token_file_insecure"


class TokenFileInvalid(ClientError):
    """The token file holds no bearer token (empty, not ASCII, bad JSON, too large)."""

    code = "token_file_invalid"


class TokenServerMismatch(ClientError):
    """The saved token was issued by another server than the command's: never sent there."""

    code = "token_server_mismatch"


class NotSignedIn(ClientError):
    """No token given and none saved: run `etender login` (or pass --token-file)."""

    code = "not_signed_in"


class LoginPasswordMissing(ClientError):
    """No password: no terminal to ask on and no --password-stdin, or an empty one."""

    code = "login_password_missing"


class TenderIdentifierInvalid(ClientError):
    """A tender is named by its transaction code (XC-2026-GC-000123) or its id (a UUID)."""

    code = "tender_identifier_invalid"


class TenderIdentifierUnknown(ClientError):
    """No published tender you may see has this transaction code or id."""

    code = "tender_identifier_unknown"


class TenderIdentifierNeedsServer(ClientError):
    """A tender id is resolved to its transaction code through the API: give --server."""

    code = "tender_identifier_needs_server"


class TenderIdentifierCommitteeMismatch(ClientError):
    """The tender named is not the one the committee file is for: the seal is refused."""

    code = "tender_identifier_committee_mismatch"


class ApiError(Exception):
    """An error body from the server: its code and message."""

    def __init__(self, status: int, code: str, message: str, details: object = None) -> None:
        super().__init__(f"{code}: {message}")
        self.status, self.code, self.details = status, code, details


class CommandError(Exception):
    """Bad input to a bid command: reported on one line, exit status 2."""


class AuctionReceiptInvalid(ClientError):
    """An auction bid's receipt fails a check of docs/formats/auction.md §8 (details:
    ``check``, the step that failed)."""

    code = "auction_receipt_invalid"
