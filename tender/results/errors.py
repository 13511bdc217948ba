"""Errors of the results (issue 13: publicity, objections, award, failure, cancellation).

    TenderError (tender/errors.py)
    ├── PublicityNotFound                   candidates_publicity_not_found      404
    ├── ResultNotFound                      tender_result_not_found             404
    ├── CandidateObjectionNotFound          candidate_objection_not_found       404
    ├── EvaluationResultMissing             evaluation_result_missing_conflict  409
    ├── PublicityExists                     candidates_publicity_exists_conflict 409
    ├── PublicityLateReasonRequired         candidates_publicity_late_reason_required 422
    ├── PublicityRunning                    candidates_publicity_running_conflict 409
    ├── ObjectionWindowClosed               objection_window_closed             409
    ├── ObjectionNotABidder                 objection_not_a_bidder              403
    ├── ObjectionStatementInvalid           objection_statement_invalid         422
    ├── ObjectionSignatureInvalid           objection_signature_invalid         422
    ├── ObjectionSignerNotRegistered        objection_signer_not_registered     422
    ├── CandidateObjectionAnswered          candidate_objection_answered_conflict 409
    ├── AwardPaused                         award_paused_conflict               409
    ├── AwardNotACandidate                  award_not_a_candidate               422
    ├── AwardOutOfOrder                     award_out_of_order                  422
    ├── AwardExists                         award_exists_conflict               409
    ├── AwardNotCurrent                     award_not_current_conflict          409
    ├── AwardLotDecided                     award_lot_decided_conflict          409
    ├── AwardStatusConflict                 award_status_conflict               409
    ├── FundingDeclared                     funding_declared_conflict           409
    ├── ProcedureReportNotDue               procedure_report_not_due_conflict   409
    ├── ProcedureReportSubmitted            procedure_report_submitted_conflict 409
    ├── TenderFailureUnfounded              tender_failure_unfounded_conflict   409
    └── TenderCancelRefused                 tender_cancel_refused_conflict      409

Codes are part of the public interface (docs/api-results.md lists them).
"""

from __future__ import annotations

from tender.errors import TenderError


class PublicityNotFound(TenderError):
    """No candidates are publicised for this lot (yet: nothing is shown before)."""

    code = "candidates_publicity_not_found"
    status = 404


class ResultNotFound(TenderError):
    """No result is announced for this tender (yet: nothing is shown before)."""

    code = "tender_result_not_found"
    status = 404


class CandidateObjectionNotFound(TenderError):
    """No such objection to this tender's candidates (or not one the reader may see)."""

    code = "candidate_objection_not_found"
    status = 404


class EvaluationResultMissing(TenderError):
    """The lot's evaluation has not closed: there are no candidates to publicise."""

    code = "evaluation_result_missing_conflict"
    status = 409


class PublicityExists(TenderError):
    """The lot's candidates are publicised once (the text never changes)."""

    code = "candidates_publicity_exists_conflict"
    status = 409


class PublicityLateReasonRequired(TenderError):
    """Reg. 54: past the 3 days after the report, publication needs a recorded reason."""

    code = "candidates_publicity_late_reason_required"


class PublicityRunning(TenderError):
    """Reg. 54: no award before the publicity period of the lot has ended."""

    code = "candidates_publicity_running_conflict"
    status = 409


class ObjectionWindowClosed(TenderError):
    """Reg. 54: objections to the candidates only while they are publicised."""

    code = "objection_window_closed"
    status = 409


class ObjectionNotABidder(TenderError):
    """Only a bidder of the lot (whose bid was opened) may object to its candidates."""

    code = "objection_not_a_bidder"
    status = 403


class ObjectionStatementInvalid(TenderError):
    """The signed bytes are not the canonical statement of this objection or answer."""

    code = "objection_statement_invalid"


class ObjectionSignatureInvalid(TenderError):
    """The CMS signature does not verify over the statement (details: the cause)."""

    code = "objection_signature_invalid"


class ObjectionSignerNotRegistered(TenderError):
    """The certificate is not the organisation's, registered by its active user."""

    code = "objection_signer_not_registered"


class CandidateObjectionAnswered(TenderError):
    """An objection is answered once."""

    code = "candidate_objection_answered_conflict"
    status = 409


class AwardPaused(TenderError):
    """Reg. 54: an objection to the lot's candidates is unanswered: the award waits."""

    code = "award_paused_conflict"
    status = 409


class AwardNotACandidate(TenderError):
    """The bid is not one of the lot's publicised candidates (or it dropped out)."""

    code = "award_not_a_candidate"


class AwardOutOfOrder(TenderError):
    """Reg. 55: a state-funded project awards the first-ranked current candidate."""

    code = "award_out_of_order"


class AwardExists(TenderError):
    """The lot has a current award: a new one needs the winner's drop-out first."""

    code = "award_exists_conflict"
    status = 409


class AwardNotCurrent(TenderError):
    """The bid holds no current award and is no candidate left to drop out."""

    code = "award_not_current_conflict"
    status = 409


class AwardLotDecided(TenderError):
    """The lot was re-tendered: it takes no more decisions."""

    code = "award_lot_decided_conflict"
    status = 409


class AwardStatusConflict(TenderError):
    """The tender is not at the award (its candidates not all publicised, or contracted)."""

    code = "award_status_conflict"
    status = 409


class FundingDeclared(TenderError):
    """The funding is declared once, before the tender's first award decision."""

    code = "funding_declared_conflict"
    status = 409


class ProcedureReportNotDue(TenderError):
    """Law 47: the written report follows the award; the tender is not awarded."""

    code = "procedure_report_not_due_conflict"
    status = 409


class ProcedureReportSubmitted(TenderError):
    """The written report is submitted once."""

    code = "procedure_report_submitted_conflict"
    status = 409


class TenderFailureUnfounded(TenderError):
    """The facts do not make the tender fail (too few bids, or every bid rejected)."""

    code = "tender_failure_unfounded_conflict"
    status = 409


class TenderCancelRefused(TenderError):
    """A draft, an awarded, failed, cancelled or archived tender is not cancelled here."""

    code = "tender_cancel_refused_conflict"
    status = 409
