"""Errors of the award notices, each named after the rule it enforces.

    TenderError (tender/errors.py)
    └── AwardNoticeError                    award_notice_error
        ├── AwardNoticeNotFound             award_notice_not_found (404)
        └── AwardNoticeNoCurrentAward       award_notice_no_current_award (409)

A notice another organisation asks for is "not found", exactly as one that does not
exist: the answer tells nobody that a notice to someone else exists (DESIGN.md,
"Interfaces": per-object authorisation without an oracle).
"""

from __future__ import annotations

from tender.errors import TenderError


class AwardNoticeError(TenderError):
    """Root of the award notices' errors."""

    code = "award_notice_error"


class AwardNoticeNotFound(AwardNoticeError):
    """No notice has this id, or the caller is not entitled to see it."""

    code = "award_notice_not_found"
    status = 404


class AwardNoticeNoCurrentAward(AwardNoticeError):
    """Notices are issued for the lot's current award only (Reg. 55): there is none."""

    code = "award_notice_no_current_award"
    status = 409
