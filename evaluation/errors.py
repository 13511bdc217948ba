"""Errors of the evaluation package, each named after the rule it enforces.

    EvaluationError                     evaluation_error
    ├── OpenedBidNotFound               opened_bid_not_found
    ├── BidPartNotFound                 bid_part_not_found
    ├── BidPartNotOpened                bid_part_not_opened_conflict
    ├── BidFileNotFound                 bid_file_not_found
    ├── BidFilePathInvalid              bid_file_path_invalid
    ├── BidFileIntegrityBroken          bid_file_integrity_conflict
    ├── EvaluationCommandUnknown        evaluation_command_unknown        422
    ├── EvaluationCommandInvalid        evaluation_command_invalid        422
    ├── EvaluationNotMember             evaluation_not_member             403
    ├── EvaluationChairOnly             evaluation_chair_only             403
    ├── EvaluationHostOnly              evaluation_host_only              403
    ├── EvaluationSupervisorOnly        evaluation_supervisor_only        403
    ├── EvaluationPhaseInvalid          evaluation_phase_conflict         409
    ├── EvaluationPaused                evaluation_paused_conflict        409
    ├── EvaluationSessionOver           evaluation_session_over_conflict  409
    └── SigningDeviceKeyRefused         signing_device_key_refused        422

Each feature (sessions, sheets, report, clarifications, notes) adds its own classes
under this root in its own ``errors.py``.

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


class EvaluationCommandUnknown(EvaluationError):
    """The evaluation session has no command of this type."""

    code = "evaluation_command_unknown"


class EvaluationCommandInvalid(EvaluationError):
    """A command's ``data`` breaks its documented shape (a missing or mistyped field)."""

    code = "evaluation_command_invalid"


class EvaluationNotMember(EvaluationError):
    """Only a seated member of the committee may do this."""

    code = "evaluation_not_member"
    status = 403


class EvaluationChairOnly(EvaluationError):
    """Only the elected chair may do this (one vote like the others, but the gavel)."""

    code = "evaluation_chair_only"
    status = 403


class EvaluationHostOnly(EvaluationError):
    """Only centre staff host the session (open sign-in, confirm identities, pause)."""

    code = "evaluation_host_only"
    status = 403


class EvaluationSupervisorOnly(EvaluationError):
    """Only a supervisor of the tender's department may do this (approve, note)."""

    code = "evaluation_supervisor_only"
    status = 403


class EvaluationPhaseInvalid(EvaluationError):
    """The command belongs to another phase than the one the session is in."""

    code = "evaluation_phase_conflict"
    status = 409


class EvaluationPaused(EvaluationError):
    """The session is paused on a fault: only the host's resume (or a seal) goes on."""

    code = "evaluation_paused_conflict"
    status = 409


class EvaluationSessionOver(EvaluationError):
    """The session is closed or sealed: nothing changes any more."""

    code = "evaluation_session_over_conflict"
    status = 409


class EvaluationTenderClosed(EvaluationError):
    """The tender was cancelled or failed: its evaluation ends with it (Reg. 51, 55) and
    the session takes no command but the snapshot."""

    code = "evaluation_tender_closed_conflict"
    status = 409


class SigningDeviceKeyRefused(EvaluationError):
    """The tender requires the member's own CA key (signing_keys "ca"): a certificate
    registered as a browser device key signs no sheet, revision or report (issue 12)."""

    code = "signing_device_key_refused"
