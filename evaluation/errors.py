"""Errors of the evaluation package, each named after the rule it enforces.

    EvaluationError                     evaluation_error
    ├── OpenedBidNotFound               opened_bid_not_found
    ├── BidPartNotFound                 bid_part_not_found
    ├── BidPartNotOpened                bid_part_not_opened_conflict
    ├── BidFileNotFound                 bid_file_not_found
    ├── BidFilePathInvalid              bid_file_path_invalid
    └── BidFileIntegrityBroken          bid_file_integrity_conflict

Codes are part of the public interface (docs/api-evaluation.md lists them): never
change one, add new ones instead. Each class declares its HTTP status (422 unless it
says otherwise; docs/api-errors.md lists them). Unknown tenders
and lots are tender's own ``tender_not_found`` and ``tender_lot_not_found``; refusals
are accounts' ``permission_denied``.
"""

from __future__ import annotations

from signing.errors import EtenderError


class EvaluationError(EtenderError):
    """Root of every error raised by evaluation/."""

    code = "evaluation_error"


class OpenedBidNotFound(EvaluationError):
    """The bid is not in the lot's freeze list: there is nothing of it to read."""

    code = "opened_bid_not_found"
    status = 404


class BidPartNotFound(EvaluationError):
    """The bid has no part with this label."""

    code = "bid_part_not_found"
    status = 404


class BidPartNotOpened(EvaluationError):
    """Only parts the opening opened are read; a sealed or failed part never is."""

    code = "bid_part_not_opened_conflict"
    status = 409


class BidFileNotFound(EvaluationError):
    """The part's signed manifest lists no file with this path."""

    code = "bid_file_not_found"
    status = 404


class BidFilePathInvalid(EvaluationError):
    """The path is absolute, or has empty, ``.`` or ``..`` components or control characters."""

    code = "bid_file_path_invalid"


class BidFileIntegrityBroken(EvaluationError):
    """What is on disk is not what the opening wrote: a link, a missing or resized file,
    or a manifest whose hash differs from the one the opening stored."""

    code = "bid_file_integrity_conflict"
    status = 409
