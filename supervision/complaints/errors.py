"""Errors of complaints to the supervising department (Reg. 60-62).

    SupervisionError (supervision/errors.py)
    └── ComplaintError                       complaint_error                      422
        ├── ComplaintNotFound                complaint_not_found                  404
        ├── ComplaintNotAParty               complaint_not_a_party                403
        ├── ComplaintMatterRequired          complaint_matter_required            422
        ├── ComplaintObjectionRequired       complaint_objection_required         422
        ├── ComplaintObjectionPending        complaint_objection_pending_conflict 409
        ├── ComplaintInputInvalid            complaint_input_invalid              422
        ├── ComplaintStatementInvalid        complaint_statement_invalid          422
        ├── ComplaintSignatureInvalid        complaint_signature_invalid          422
        ├── ComplaintSignerNotRegistered     complaint_signer_not_registered      422
        ├── ComplaintReplayed                complaint_replayed_conflict          409
        ├── ComplaintStepConflict            complaint_step_conflict              409
        └── ComplaintLateReasonRequired      complaint_late_reason_required       422

Someone who may not take a step (another department's supervisor, a complainant's
withdrawal by another organisation) gets accounts' ``permission_denied`` (403) with
details. Codes are part of the public interface (docs/api-complaints.md lists them).
"""

from __future__ import annotations

from supervision.errors import SupervisionError


class ComplaintError(SupervisionError):
    """Root of every error raised by supervision/complaints/."""

    code = "complaint_error"


class ComplaintNotFound(ComplaintError):
    """No such complaint (or not one the reader may see)."""

    code = "complaint_not_found"
    status = 404


class ComplaintNotAParty(ComplaintError):
    """Reg. 60: only a party files: a bidder that downloaded the documents or bid."""

    code = "complaint_not_a_party"
    status = 403


class ComplaintMatterRequired(ComplaintError):
    """A complaint names its matter: documents, opening, candidates or other."""

    code = "complaint_matter_required"


class ComplaintObjectionRequired(ComplaintError):
    """Reg. 60: a matter of Reg. 22, 44 or 54 needs the complainant's objection first."""

    code = "complaint_objection_required"


class ComplaintObjectionPending(ComplaintError):
    """Reg. 60: the objection's answer period is still running: wait for the answer."""

    code = "complaint_objection_pending_conflict"
    status = 409


class ComplaintInputInvalid(ComplaintError):
    """A field of the request breaks its format (details: the field)."""

    code = "complaint_input_invalid"


class ComplaintStatementInvalid(ComplaintError):
    """The signed bytes are not the canonical statement of this step."""

    code = "complaint_statement_invalid"


class ComplaintSignatureInvalid(ComplaintError):
    """The CMS signature does not verify over the statement (details: the cause)."""

    code = "complaint_signature_invalid"


class ComplaintSignerNotRegistered(ComplaintError):
    """The certificate is not the organisation's, registered by its active user."""

    code = "complaint_signer_not_registered"


class ComplaintReplayed(ComplaintError):
    """The same signed statement was filed already: one statement, one complaint."""

    code = "complaint_replayed_conflict"
    status = 409


class ComplaintStepConflict(ComplaintError):
    """The step does not follow the complaint's state (Reg. 61-62: details say why)."""

    code = "complaint_step_conflict"
    status = 409


class ComplaintLateReasonRequired(ComplaintError):
    """Reg. 61: past its deadline a step of the department needs a recorded reason."""

    code = "complaint_late_reason_required"
