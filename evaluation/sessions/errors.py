"""Refusals of the session core (scheduling, sign-in, declarations, chair, pauses, seats).

    EvaluationError (evaluation/errors.py)
    ├── EvaluationSessionNotFound        evaluation_session_not_found             404
    ├── EvaluationSessionExists          evaluation_session_exists_conflict       409
    ├── EvaluationOpeningRecordMissing   evaluation_opening_record_missing_conflict 409
    ├── EvaluationNoBids                 evaluation_no_bids_conflict              409
    ├── EvaluationDrawIncomplete         evaluation_draw_incomplete_conflict      409
    ├── EvaluationRepresentativeInvalid  evaluation_representative_invalid        422
    ├── EvaluationVenueInvalid           evaluation_venue_invalid                 422
    ├── EvaluationSeatNotFound           evaluation_seat_not_found                404
    ├── EvaluationSignedIn               evaluation_signed_in_conflict            409
    ├── EvaluationNotSignedIn            evaluation_not_signed_in_conflict        409
    ├── EvaluationIdentityConfirmed      evaluation_identity_confirmed_conflict   409
    ├── EvaluationNotPresent             evaluation_not_present_conflict          409
    ├── EvaluationMembersNotPresent      evaluation_members_not_present_conflict  409
    ├── EvaluationDeclared               evaluation_declared_conflict             409
    ├── EvaluationVoted                  evaluation_voted_conflict                409
    ├── EvaluationSeatVacant             evaluation_seat_vacant_conflict          409
    ├── EvaluationReplacementState       evaluation_replacement_conflict          409
    ├── EvaluationReplacementIneligible  evaluation_replacement_ineligible        422
    ├── EvaluationNotPaused              evaluation_not_paused_conflict           409
    ├── EvaluationDeadlineInvalid        evaluation_deadline_conflict             409
    ├── EvaluationNoShowEarly            evaluation_no_show_early_conflict        409
    ├── EvaluationVenueStaffOnly         evaluation_venue_staff_only              403
    └── EvaluationNotParticipant         evaluation_not_participant               403

Codes are public (docs/formats/evaluation-session.md §8): never change one.
"""

from __future__ import annotations

from evaluation.errors import EvaluationError


class EvaluationSessionNotFound(EvaluationError):
    """No evaluation session has this id (or it is not one the caller may see)."""

    code = "evaluation_session_not_found"
    status = 404


class EvaluationSessionExists(EvaluationError):
    """The lot already has a session that is not sealed: one committee at a time."""

    code = "evaluation_session_exists_conflict"
    status = 409


class EvaluationOpeningRecordMissing(EvaluationError):
    """The lot's opening record is not published yet: there is nothing to evaluate."""

    code = "evaluation_opening_record_missing_conflict"
    status = 409


class EvaluationNoBids(EvaluationError):
    """The lot's opening record lists no opened bid (Reg. 44: it did not open)."""

    code = "evaluation_no_bids_conflict"
    status = 409


class EvaluationDrawIncomplete(EvaluationError):
    """The lot's evaluation draw is not complete (every seat confirmed, with an account)."""

    code = "evaluation_draw_incomplete_conflict"
    status = 409


class EvaluationRepresentativeInvalid(EvaluationError):
    """A representative is not an active user of the tender's tenderer, or is named twice."""

    code = "evaluation_representative_invalid"


class EvaluationVenueInvalid(EvaluationError):
    """The venue is not the session's main venue nor one the draw picked (or not active)."""

    code = "evaluation_venue_invalid"


class EvaluationSeatNotFound(EvaluationError):
    """The session has no seated holder in this seat."""

    code = "evaluation_seat_not_found"
    status = 404


class EvaluationSignedIn(EvaluationError):
    """The member has signed in already (once per holder)."""

    code = "evaluation_signed_in_conflict"
    status = 409


class EvaluationNotSignedIn(EvaluationError):
    """The seat's holder has not signed in: there is no identity to confirm."""

    code = "evaluation_not_signed_in_conflict"
    status = 409


class EvaluationIdentityConfirmed(EvaluationError):
    """The seat's holder's identity is confirmed already."""

    code = "evaluation_identity_confirmed_conflict"
    status = 409


class EvaluationNotPresent(EvaluationError):
    """The member's sign-in does not count yet (venue staff have not confirmed it)."""

    code = "evaluation_not_present_conflict"
    status = 409


class EvaluationMembersNotPresent(EvaluationError):
    """The session starts only when every seat's holder is present (details: the seats)."""

    code = "evaluation_members_not_present_conflict"
    status = 409


class EvaluationDeclared(EvaluationError):
    """The member has declared already (one declaration per holder)."""

    code = "evaluation_declared_conflict"
    status = 409


class EvaluationVoted(EvaluationError):
    """The member has voted already (once per chair round, once per deadline)."""

    code = "evaluation_voted_conflict"
    status = 409


class EvaluationSeatVacant(EvaluationError):
    """A seat waits for its replacement: the committee is not complete (details: seats)."""

    code = "evaluation_seat_vacant_conflict"
    status = 409


class EvaluationReplacementState(EvaluationError):
    """The seat's replacement is not at the step this command belongs to."""

    code = "evaluation_replacement_conflict"
    status = 409


class EvaluationReplacementIneligible(EvaluationError):
    """The user may not take the seat (not confirmed by the draw, not the tenderer's,
    or already a member of the session)."""

    code = "evaluation_replacement_ineligible"


class EvaluationNotPaused(EvaluationError):
    """Only a paused session resumes."""

    code = "evaluation_not_paused_conflict"
    status = 409


class EvaluationDeadlineInvalid(EvaluationError):
    """The phase has no deadline to extend, or it has passed already."""

    code = "evaluation_deadline_conflict"
    status = 409


class EvaluationNoShowEarly(EvaluationError):
    """A seat marked absent for not signing in before the start plus the policy's grace."""

    code = "evaluation_no_show_early_conflict"
    status = 409


class EvaluationVenueStaffOnly(EvaluationError):
    """An assisting venue's sign-in confirmed by someone not assigned to that venue."""

    code = "evaluation_venue_staff_only"
    status = 403


class EvaluationNotParticipant(EvaluationError):
    """Only the session's participants act in it: its seated members, centre staff,
    supervisors of the department, the tender's agency and tenderer."""

    code = "evaluation_not_participant"
    status = 403


class EvaluationCommercialRecordMissing(EvaluationError):
    """Two envelopes: the scoring goes on only once the commercial record of the bids
    that passed is published (their prices are what the price score is computed from)."""

    code = "evaluation_commercial_record_missing_conflict"
    status = 409
