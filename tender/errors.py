"""Errors of the tender package, each named after the rule it enforces.

    TenderError                             tender_error
    ├── TenderNotFound                      tender_not_found
    ├── LotNotFound                         tender_lot_not_found
    ├── DocumentNotFound                    tender_document_not_found
    ├── ClarificationNotFound               tender_clarification_not_found
    ├── ObjectionNotFound                   tender_objection_not_found
    ├── BondNotFound                        tender_bond_not_found
    ├── OrganisationKindMismatch            tender_organisation_kind_invalid
    ├── TenderInputInvalid                  tender_input_invalid
    ├── PolicyInvalid                       tender_policy_invalid
    ├── CalendarInvalid                     tender_calendar_invalid
    ├── CalendarNotCovered                  calendar_not_covered
    ├── TimeNotAware                        tender_naive_datetime
    ├── TrustStoreMissing                   tender_trust_store_missing
    ├── TrustStoreInvalid                   tender_trust_store_invalid
    ├── TenderStateConflict                 tender_state_conflict
    │   ├── TenderNotDraft                  tender_not_draft_conflict
    │   ├── PublishedThroughMethod          tender_procurement_method_conflict
    │   ├── TenderNotOpenForBids            tender_not_open_conflict
    │   ├── TenderSuspended                 tender_suspended_conflict
    │   └── DeadlinePassed                  tender_deadline_passed_conflict
    ├── CommitteeFrozen                     committee_frozen_conflict
    ├── CommitteeNotApproved                committee_not_approved
    ├── CommitteeRosterChanged              committee_roster_conflict
    ├── CommitteeRefused                    committee_refused
    ├── DocumentTooLarge                    tender_document_too_large
    ├── DocumentNameInvalid                 tender_document_name_invalid
    ├── DocumentWindowClosed                tender_documents_window_closed
    ├── DocumentNotDownloaded               tender_documents_not_downloaded
    ├── NewDeadlineTooEarly                 new_deadline_too_early
    ├── ObjectionTooLate                    objection_too_late
    ├── ObjectionAlreadyAnswered            objection_answered_conflict
    ├── BondDuplicate                       tender_bond_duplicate
    ├── BondAlreadyRefunded                 tender_bond_refunded_conflict
    ├── BlobError                           blob_error
    │   ├── BlobTooLarge                    blob_too_large
    │   ├── BlobNameInvalid                 blob_name_invalid
    │   ├── BlobMissing                     blob_not_found
    │   ├── BlobHashMismatch                blob_hash_mismatch
    │   └── BlobOffsetMismatch              blob_offset_conflict
    ├── HallCommandRefused                  opening_hall_command_refused
    ├── TenderRuleBroken                    tender_rule_broken  (one per rule, see rules.py)
    └── TenderRulesBroken                   tender_rules_broken (all broken rules in details)

Codes are part of the public interface (docs/api-tenders.md lists them): never
change one, add new ones instead. Each class declares its HTTP status (422 unless it
says otherwise; docs/api-errors.md lists them).
"""

from __future__ import annotations

from collections.abc import Sequence

from signing.errors import EtenderError


class TenderError(EtenderError):
    """Root of every error raised by tender/."""

    code = "tender_error"


class TenderNotFound(TenderError):
    """No tender has this id (or the actor may not see the draft)."""

    code = "tender_not_found"
    status = 404


class LotNotFound(TenderError):
    """The tender has no lot with this number."""

    code = "tender_lot_not_found"
    status = 404


class DocumentNotFound(TenderError):
    """No such document or version of this tender."""

    code = "tender_document_not_found"
    status = 404


class ClarificationNotFound(TenderError):
    """No such clarification or amendment of this tender."""

    code = "tender_clarification_not_found"
    status = 404


class ObjectionNotFound(TenderError):
    """No such objection to this tender's documents."""

    code = "tender_objection_not_found"
    status = 404


class BondNotFound(TenderError):
    """No such bond of this tender."""

    code = "tender_bond_not_found"
    status = 404


class OrganisationKindMismatch(TenderError):
    """A tenderer, department, bidder or official is not the kind of organisation needed."""

    code = "tender_organisation_kind_invalid"


class TenderInputInvalid(TenderError):
    """A field of a draft breaks its format (names, amounts, criteria, fields)."""

    code = "tender_input_invalid"


class PolicyInvalid(TenderError):
    """A policy override cannot be parsed (DOMAIN.md: policies are data)."""

    code = "tender_policy_invalid"


class CalendarInvalid(TenderError):
    """A holiday calendar file is malformed."""

    code = "tender_calendar_invalid"


class CalendarNotCovered(TenderError):
    """A period reaches a year the holiday calendar has no data for."""

    code = "calendar_not_covered"


class TimeNotAware(TenderError):
    """A naive datetime was passed where an aware UTC one is required (STYLE.md 3)."""

    code = "tender_naive_datetime"


class TrustStoreMissing(TenderError):
    """The server has no trusted CA roots configured (data dir ``trust/*.pem``)."""

    code = "tender_trust_store_missing"


class TrustStoreInvalid(TenderError):
    """A file of the trust directory is not a certificate or CRL."""

    code = "tender_trust_store_invalid"


class TenderStateConflict(TenderError):
    """The tender's status does not allow this action now."""

    code = "tender_state_conflict"
    status = 409


class TenderNotDraft(TenderStateConflict):
    """Only a draft can be edited or published (two publishes: one wins)."""

    code = "tender_not_draft_conflict"


class PublishedThroughMethod(TenderStateConflict):
    """A procurement project's tender is published through its method's checks
    (docs/api-procurement.md; the database's trigger, migration 0115)."""

    code = "tender_procurement_method_conflict"


class TenderNotOpenForBids(TenderStateConflict):
    """The tender is not published (or no longer accepts this action)."""

    code = "tender_not_open_conflict"


class TenderSuspended(TenderStateConflict):
    """Reg. 22: the procedure is paused until every objection is answered."""

    code = "tender_suspended_conflict"


class DeadlinePassed(TenderStateConflict):
    """The bid deadline has passed by the database clock (DESIGN.md, "Time")."""

    code = "tender_deadline_passed_conflict"


class CommitteeFrozen(TenderError):
    """The opening committee is frozen: a bid has been sealed to it."""

    code = "committee_frozen_conflict"
    status = 409


class CommitteeNotApproved(TenderError):
    """The lot has no opening committee approved by the supervising department."""

    code = "committee_not_approved"


class CommitteeRosterChanged(TenderError):
    """The supervisor approved another roster than the one appointed now."""

    code = "committee_roster_conflict"
    status = 409


class CommitteeRefused(TenderError):
    """The proposed committee breaks a rule (details list every broken rule)."""

    code = "committee_refused"


class DocumentTooLarge(TenderError):
    """A tender document is larger than the policy allows."""

    code = "tender_document_too_large"


class DocumentNameInvalid(TenderError):
    """A document name is empty, too long, or contains a path or control character."""

    code = "tender_document_name_invalid"


class DocumentWindowClosed(TenderError):
    """Reg. 16: documents are obtained within the documents window only."""

    code = "tender_documents_window_closed"


class DocumentNotDownloaded(TenderError):
    """Reg. 22: objections come from parties who obtained the documents."""

    code = "tender_documents_not_downloaded"


class NewDeadlineTooEarly(TenderError):
    """Reg. 21: a moved deadline must leave the full clarification period."""

    code = "new_deadline_too_early"


class ObjectionTooLate(TenderError):
    """Reg. 22: objections to the documents end 10 days before the deadline."""

    code = "objection_too_late"


class ObjectionAlreadyAnswered(TenderError):
    """An objection is answered once; the answer is on the record."""

    code = "objection_answered_conflict"
    status = 409


class BondDuplicate(TenderError):
    """A bidder has one bond per lot."""

    code = "tender_bond_duplicate"
    status = 409


class BondAlreadyRefunded(TenderError):
    """The bond was refunded already."""

    code = "tender_bond_refunded_conflict"
    status = 409


class BlobError(TenderError):
    """Root of the blob store's errors."""

    code = "blob_error"


class BlobTooLarge(BlobError):
    """The stream is larger than the limit given."""

    code = "blob_too_large"


class BlobNameInvalid(BlobError):
    """A blob is named by 64 lowercase hex digits (its SHA-256), nothing else."""

    code = "blob_name_invalid"


class BlobMissing(BlobError):
    """No blob has this hash."""

    code = "blob_not_found"
    status = 404


class BlobHashMismatch(BlobError):
    """The bytes written do not hash to the value the caller expected."""

    code = "blob_hash_mismatch"


class BlobOffsetMismatch(BlobError):
    """A resumed write does not continue at the staged size."""

    code = "blob_offset_conflict"
    status = 409


class HallCommandRefused(TenderError):
    """A command the opening hall does not know, or one the actor may not give."""

    code = "opening_hall_command_refused"


class TenderRuleBroken(TenderError):
    """One rule of DOMAIN.md broken by a draft; subclasses name the rule (rules.py)."""

    code = "tender_rule_broken"
    rule = ""  # the source: "Reg. 16", "Law 24", …

    def __init__(self, message: str, *, lot: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.lot = lot
        self.field = field

    def as_detail(self) -> dict[str, object]:
        """This violation as one entry of ``TenderRulesBroken.details``."""
        return {
            "code": self.code,
            "message": self.message,
            "rule": self.rule,
            "lot": self.lot,
            "field": self.field,
        }


class TenderRulesBroken(TenderError):
    """Every rule the draft breaks, at once, in ``details["violations"]``."""

    code = "tender_rules_broken"

    def __init__(self, violations: Sequence[TenderRuleBroken]) -> None:
        codes = ", ".join(sorted({v.code for v in violations}))
        super().__init__(
            f"the tender breaks {len(violations)} rule(s): {codes}",
            details={"violations": [v.as_detail() for v in violations]},
        )
        self.violations = tuple(violations)
