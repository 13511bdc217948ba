"""Log entry kinds of the tender package: every state change is one of these.

Each kind is appended in the same transaction as the change it records (DESIGN.md,
"Architecture"). Who intends to bid stays secret until the deadline, so entries
about bidders' downloads, bonds and objections name the bidder only by a salted
commitment (DESIGN.md, "Transparency log"), revealed after the deadline.
"""

from __future__ import annotations

import enum


class TenderEvent(enum.StrEnum):
    """Dotted kinds of the tender package's log entries."""

    DRAFT_CREATED = "tender.draft_created"
    DRAFT_UPDATED = "tender.draft_updated"
    COMMITTEE_APPOINTED = "tender.committee_appointed"
    COMMITTEE_APPROVED = "tender.committee_approved"
    COMMITTEE_FROZEN = "tender.committee_frozen"
    PUBLISHED = "tender.published"
    DOCUMENT_UPLOADED = "tender.document_uploaded"
    DOCUMENT_DOWNLOADED = "tender.document_downloaded"
    CLARIFICATION_ISSUED = "tender.clarification_issued"
    DEADLINE_MOVED = "tender.deadline_moved"
    OBJECTION_FILED = "tender.objection_filed"
    OBJECTION_ANSWERED = "tender.objection_answered"
    SUSPENDED = "tender.suspended"
    RESUMED = "tender.resumed"
    STATUS_CHANGED = "tender.status_changed"
    RESULT_PUBLISHED = "tender.result_published"
    BOND_RECORDED = "tender.bond_recorded"
    BOND_REFUNDED = "tender.bond_refunded"
    ALERT_RAISED = "tender.alert_raised"
    COMMITMENTS_REVEALED = "tender.commitments_revealed"
    # Issue 13 (Reg. 54–55, Law 47): the results (tender/results).
    CANDIDATES_PUBLICISED = "tender.candidates_publicised"
    CANDIDATE_OBJECTION_FILED = "tender.candidate_objection_filed"
    CANDIDATE_OBJECTION_ANSWERED = "tender.candidate_objection_answered"
    FUNDING_DECLARED = "tender.funding_declared"
    AWARD_DECIDED = "tender.award_decided"
    RESULT_ANNOUNCED = "tender.result_announced"
    PROCEDURE_REPORT_SUBMITTED = "tender.procedure_report_submitted"
    TENDER_FAILED = "tender.failed"
    TENDER_CANCELLED = "tender.cancelled"
    # Law 45: the award and result notices of one award, by SHA-256 (award_notices).
    AWARD_NOTICES_ISSUED = "tender.award_notices_issued"
    # Issue 13, items 4-5 (tender/contracts, tender/suspensions).
    SUSPENSION_STARTED = "tender.suspension_started"  # a complaint's: the clocks stop
    SUSPENSION_ENDED = "tender.suspension_ended"
    CONTRACT_RECORDED = "tender.contract_recorded"
    CONTRACT_DOCUMENT_UPLOADED = "tender.contract_document_uploaded"
    CONTRACT_CHANGED = "tender.contract_changed"
    PERFORMANCE_RECORDED = "tender.performance_recorded"
    BONDS_DUE = "tender.bonds_due"  # Reg. 57: a lot's bonds fall due at its contract
    ARCHIVED = "tender.archived"  # DOMAIN.md "Records": the package's SHA-256 (一项一档)
    ARCHIVE_SUPPLEMENTED = "tender.archive_supplemented"  # performance records, later


class AlertKind(enum.StrEnum):
    """Monitoring alerts the tender package raises (DOMAIN.md, "Monitoring")."""

    BOND_SAME_ACCOUNT = "bond_same_account"  # Reg. 40: bonds paid from one account
    BOND_REFUND_OVERDUE = "bond_refund_overdue"  # Reg. 57: refund within 5 days
    OBJECTION_ANSWER_OVERDUE = "objection_answer_overdue"  # Reg. 22: answer within 3 days
    BID_PARTS_IDENTICAL = "bid_parts_identical"  # Reg. 40: bidders with identical parts
    ORGANISATION_IN_TWO_BIDS = "organisation_in_two_bids"  # Reg. 37: both bids invalid
    CANDIDATES_PUBLICITY_OVERDUE = "candidates_publicity_overdue"  # Reg. 54: within 3 days
    CANDIDATE_OBJECTION_ANSWER_OVERDUE = "candidate_objection_answer_overdue"  # Reg. 54: 3 days
    PROCEDURE_REPORT_OVERDUE = "procedure_report_overdue"  # Law 47: within 15 days
    CONTRACT_OVERDUE = "contract_overdue"  # Law 46: no contract 30 days after the award
    ARCHIVE_OVERDUE = "archive_overdue"  # DOMAIN.md "Records": within 30 days of the end
    COMPLAINT_ACCEPTANCE_OVERDUE = "complaint_acceptance_overdue"  # Reg. 61: 3 working days
    COMPLAINT_DECISION_OVERDUE = "complaint_decision_overdue"  # Reg. 61: 30 working days
    # Issue 14, item 5: early warning (supervision/monitoring, docs/monitoring.md).
    BIDS_SAME_NETWORK = "bids_same_network"  # Reg. 40: parts uploaded from one address
    BIDS_SAME_INSTALLATION = "bids_same_installation"  # Reg. 40: one client installation
    BID_FILES_METADATA_IDENTICAL = "bid_files_metadata_identical"  # Reg. 40: one author
    BID_PEOPLE_SHARED = "bid_people_shared"  # Reg. 40: one project manager in two bids
    BID_PRICES_PROGRESSION = "bid_prices_progression"  # Reg. 40: prices in a progression
    BID_PRICES_BAND = "bid_prices_band"  # Reg. 40: all prices in a narrow band
    EXPERT_DEVIATIONS_FREQUENT = "expert_deviations_frequent"  # scores far from the rest
    EXPERT_PAIR_FREQUENT = "expert_pair_frequent"  # two experts sit together unusually often
    EXPERT_COUNTERPART_REPEATED = "expert_counterpart_repeated"  # one agency/tenderer again
    BIDDERS_RELATED = "bidders_related"  # Reg. 34: related bidders in one lot
    AGENCY_CONFLICT = "agency_conflict"  # Reg. 34/Law 50: agency bidding on its own project
    AGENCY_EXCEPTIONS_FREQUENT = "agency_exceptions_frequent"  # approved exceptions, often
