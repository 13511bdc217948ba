"""Refusals of the venues' records handover, under the evaluation's root.

    EvaluationError
    ├── VenueNotFound      evaluation_venue_not_found             404
    ├── HandoverInvalid    evaluation_handover_invalid            422
    ├── HandoverEarly      evaluation_handover_early_conflict     409
    └── HandoverRecorded   evaluation_handover_recorded_conflict  409

Who may record is accounts' ``permission_denied`` (centre staff run the venues).
"""

from __future__ import annotations

from evaluation.errors import EvaluationError


class VenueNotFound(EvaluationError):
    """The venue is no assisting venue of this session (or no venue id at all)."""

    code = "evaluation_venue_not_found"
    status = 404


class HandoverInvalid(EvaluationError):
    """A handover names its records bundle by SHA-256 (64 lowercase hex digits) and may
    carry a note of 1–1000 printable characters."""

    code = "evaluation_handover_invalid"


class HandoverEarly(EvaluationError):
    """Records are handed over once the session has closed, not before."""

    code = "evaluation_handover_early_conflict"
    status = 409


class HandoverRecorded(EvaluationError):
    """A venue hands its records of one session over once."""

    code = "evaluation_handover_recorded_conflict"
    status = 409
