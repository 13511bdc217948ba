"""Errors of the expert_pool package, each named after the rule it enforces.

    ExpertPoolError                       expert_pool_error
    ├── ExpertRecordInvalid               expert_record_invalid
    │   ├── ExpertIdInvalid               expert_id_invalid
    │   ├── IdCardInvalid                 id_card_invalid
    │   ├── CreditCodeInvalid             credit_code_invalid
    │   ├── SpecialtyUnknown              specialty_unknown
    │   ├── RegionUnknown                 region_unknown
    │   ├── RegionRuleInvalid             region_rule_invalid
    │   ├── CategoryLabelInvalid          category_label_invalid
    │   ├── RelationshipPersonInvalid     relationship_person_invalid
    │   └── PenaltyAuthorityInvalid       penalty_authority_invalid
    ├── TimeNotAware                      time_not_aware
    ├── PolicyInvalid                     policy_invalid
    ├── CatalogueInvalid                  catalogue_invalid
    ├── CommitteeCompositionInvalid       committee_composition_invalid
    ├── CsvRowsInvalid                    csv_rows_invalid
    ├── ExpertNotFound                    expert_not_found
    ├── ExpertExists                      expert_exists
    ├── ExpertCertificateMissing          expert_certificate_missing
    ├── UnavailabilityNotFound            unavailability_not_found
    ├── VenueNotFound                     venue_not_found
    ├── VenueExists                       venue_exists
    ├── VenueStaffInvalid                 venue_staff_invalid
    ├── VenueStaffNotFound                venue_staff_not_found
    ├── DrawNotFound                      draw_not_found
    ├── DrawExists                        draw_exists
    ├── DrawRequestInvalid                draw_request_invalid
    ├── DrawTenderNotFound                draw_tender_not_found
    ├── DrawStateInvalid                  draw_state_invalid
    │   ├── DrawNotCommitted              draw_not_committed
    │   └── DrawClosed                    draw_closed
    ├── DrawCommitNotCheckpointed         draw_commit_not_checkpointed
    ├── DrawCommitHashMismatch            draw_commit_hash_mismatch
    ├── DrawRoundConflict                 draw_round_conflict
    ├── DrawEntropyOutOfOrder             draw_entropy_out_of_order
    ├── DrawEntropyRoleInvalid            draw_entropy_role_invalid
    ├── DrawApprovalMissing               draw_approval_missing
    ├── DrawMemberNotFound                draw_member_not_found
    ├── DrawResponseForbidden             draw_response_forbidden
    ├── DrawResponseConflict              draw_response_conflict
    ├── DrawResponseTooLate               draw_response_too_late
    ├── DrawReplacementNotApproved        draw_replacement_not_approved
    ├── DrawReplacementExcess             draw_replacement_excess
    ├── AttendanceInvalid                 attendance_invalid
    ├── AttendanceConflict                attendance_conflict
    └── AssessmentExists                  assessment_exists

The draw algorithm's and its statements' errors (DrawError …) live with those formats
in signing/draw/errors.py.

Codes are part of the public interface (docs/formats/draw.md lists them): never
change one, add new ones instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from signing.errors import EtenderError


class ExpertPoolError(EtenderError):
    """Root of every error raised by expert_pool/."""

    code = "expert_pool_error"


# --- expert records ---


class ExpertRecordInvalid(ExpertPoolError):
    """A field of an expert record breaks its format rule."""

    code = "expert_record_invalid"


class ExpertIdInvalid(ExpertRecordInvalid):
    """An expert (or venue) id does not match [A-Za-z0-9_-]{1,64}."""

    code = "expert_id_invalid"


class IdCardInvalid(ExpertRecordInvalid):
    """A resident identity card number breaks GB 11643-1999."""

    code = "id_card_invalid"


class CreditCodeInvalid(ExpertRecordInvalid):
    """A unified social credit code breaks GB 32100-2015."""

    code = "credit_code_invalid"


class SpecialtyUnknown(ExpertRecordInvalid):
    """A specialty code is not in the specialty classification."""

    code = "specialty_unknown"


class RegionUnknown(ExpertRecordInvalid):
    """A region code is not in the region catalogue."""

    code = "region_unknown"


class RegionRuleInvalid(ExpertRecordInvalid):
    """A region rule is not `local`, `remote` or canonical `cities:<code,code>`."""

    code = "region_rule_invalid"


class CategoryLabelInvalid(ExpertRecordInvalid):
    """A draw category label is not `<specialty code>@<region rule>`."""

    code = "category_label_invalid"


class RelationshipPersonInvalid(ExpertRecordInvalid):
    """A relationship's person name is blank or longer than 64 characters."""

    code = "relationship_person_invalid"


class PenaltyAuthorityInvalid(ExpertRecordInvalid):
    """A penalty names no imposing authority, or one longer than 200 characters."""

    code = "penalty_authority_invalid"


# --- inputs of pure rules ---


class TimeNotAware(ExpertPoolError):
    """A datetime was naive: every rule takes timezone-aware UTC time."""

    code = "time_not_aware"


class PolicyInvalid(ExpertPoolError):
    """A policy value is out of its allowed range."""

    code = "policy_invalid"


class CatalogueInvalid(ExpertPoolError):
    """A bundled or supplied data catalogue is inconsistent."""

    code = "catalogue_invalid"


# --- committee and import ---


class CommitteeCompositionInvalid(ExpertPoolError):
    """A committee breaks Law 37 composition: >= 5, odd, experts >= 2/3."""

    code = "committee_composition_invalid"


class CsvProblem(NamedTuple):
    """One problem of an expert CSV: record number (header = 1), column, message."""

    row: int
    column: str
    message: str


class CsvRowsInvalid(ExpertPoolError):
    """An expert CSV has bad rows: nothing of it is imported."""

    code = "csv_rows_invalid"

    def __init__(self, problems: Sequence[CsvProblem]) -> None:
        super().__init__(
            f"{len(problems)} problem(s) in the expert CSV; nothing imported",
            # The per-row report, as the error body's ``details``.
            details=[{"row": p.row, "column": p.column, "message": p.message} for p in problems],
        )
        self.problems: tuple[CsvProblem, ...] = tuple(problems)


# --- stored records (expert_pool.service and its queries) ---


class ExpertNotFound(ExpertPoolError):
    """No expert has this id (or the user has no expert profile)."""

    code = "expert_not_found"
    status = 404


class ExpertExists(ExpertPoolError):
    """An expert with this id, identity card or account is already in the pool."""

    code = "expert_exists"
    status = 409


class ExpertCertificateMissing(ExpertPoolError):
    """The expert has no registered signing certificate, so cannot sign an answer."""

    code = "expert_certificate_missing"


class UnavailabilityNotFound(ExpertPoolError):
    """No such unavailable interval of this expert."""

    code = "unavailability_not_found"
    status = 404


class VenueNotFound(ExpertPoolError):
    """No venue of the catalogue has this id."""

    code = "venue_not_found"
    status = 404


class VenueExists(ExpertPoolError):
    """A venue with this id is already in the catalogue."""

    code = "venue_exists"
    status = 409


class VenueStaffInvalid(ExpertPoolError):
    """Only active centre staff users are assigned to venues (they confirm identities)."""

    code = "venue_staff_invalid"


class VenueStaffNotFound(ExpertPoolError):
    """The user is not assigned to this venue."""

    code = "venue_staff_not_found"
    status = 404


# --- the draw's lifecycle (expert_pool.service_draws) ---


class DrawNotFound(ExpertPoolError):
    """No draw has this id."""

    code = "draw_not_found"
    status = 404


class DrawExists(ExpertPoolError):
    """The committee already has a draw that is not cancelled (one draw per committee)."""

    code = "draw_exists"
    status = 409


class DrawRequestInvalid(ExpertPoolError):
    """A draw request breaks a rule: session in the past, wrong organisation, …"""

    code = "draw_request_invalid"


class DrawStateInvalid(ExpertPoolError):
    """The draw is not at the step this operation belongs to."""

    code = "draw_state_invalid"


class DrawNotCommitted(DrawStateInvalid):
    """Entropy or a round before the commit is logged: refused (trust model 4)."""

    code = "draw_not_committed"


class DrawTenderNotFound(ExpertPoolError):
    """The draw names no tender and lot of the requesting agency (issue 9, item 4).

    Another agency's tender answers the same as a tender that does not exist.
    """

    code = "draw_tender_not_found"
    status = 404


class DrawCommitNotCheckpointed(ExpertPoolError):
    """No signed checkpoint (cosigned by the policy's witnesses) covers the commit yet.

    Issue 9, item 2: until one does, an operator could still rewrite the commit entry
    (and so ``commit_hash`` and ``key_0``) after seeing entropy. The client waits for
    the next checkpoint and asks again.
    """

    code = "draw_commit_not_checkpointed"
    status = 409


class DrawCommitHashMismatch(ExpertPoolError):
    """The contribution names another commit_hash than the draw's logged commit."""

    code = "draw_commit_hash_mismatch"


class DrawClosed(DrawStateInvalid):
    """The draw is complete or cancelled: nothing more can be drawn or answered."""

    code = "draw_closed"


class DrawRoundConflict(ExpertPoolError):
    """The round named is not the one open now (e.g. round 0 was drawn meanwhile)."""

    code = "draw_round_conflict"
    status = 409


class DrawEntropyOutOfOrder(ExpertPoolError):
    """A supervisor's entropy closes round 0, so other required roles must come first."""

    code = "draw_entropy_out_of_order"


class DrawEntropyRoleInvalid(ExpertPoolError):
    """The contributor's role is not one this draw takes entropy from."""

    code = "draw_entropy_role_invalid"


class DrawApprovalMissing(ExpertPoolError):
    """A step that needs a supervisor's unused approval has none."""

    code = "draw_approval_missing"


class DrawMemberNotFound(ExpertPoolError):
    """The expert was not drawn in this draw."""

    code = "draw_member_not_found"
    status = 404


class DrawResponseForbidden(ExpertPoolError):
    """An answer for a draw or an expert that is not the caller's own."""

    code = "draw_response_forbidden"
    status = 403


class DrawResponseConflict(ExpertPoolError):
    """The member has already answered, or timed out."""

    code = "draw_response_conflict"
    status = 409


class DrawResponseTooLate(ExpertPoolError):
    """The answer arrived after the confirmation deadline (database clock)."""

    code = "draw_response_too_late"


class DrawReplacementNotApproved(ExpertPoolError):
    """A replacement round without a session replacement a supervisor approved for an
    expert of this draw and nobody seated yet (DOMAIN.md, "Evaluation")."""

    code = "draw_replacement_not_approved"
    status = 409


class DrawReplacementExcess(ExpertPoolError):
    """More experts than the open replacements need: the seat's place is already
    being refilled (its replacement round was opened before)."""

    code = "draw_replacement_excess"
    status = 409


# --- attendance and assessment ---


class AttendanceInvalid(ExpertPoolError):
    """An attendance event breaks a rule (not a confirmed member, sign-in not open, …)."""

    code = "attendance_invalid"


class AttendanceConflict(ExpertPoolError):
    """The same attendance fact was already recorded (one sign-in per session)."""

    code = "attendance_conflict"
    status = 409


class AssessmentExists(ExpertPoolError):
    """This assessor already assessed this expert for this session."""

    code = "assessment_exists"
    status = 409
