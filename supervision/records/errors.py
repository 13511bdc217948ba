"""Refusals of supervision records (监督记录, issue 14 item 3).

    EtenderError (signing/errors.py)
    └── SupervisionRecordError                  supervision_record_error            422
        ├── SupervisionRecordNotFound           supervision_record_not_found        404
        ├── SupervisionSessionNotFound          supervision_record_session_not_found 404
        ├── SupervisionRecordStatementInvalid   supervision_record_statement_invalid 422
        ├── SupervisionRecordSignatureInvalid   supervision_record_signature_invalid 422
        ├── SupervisionRecordSignerMismatch     supervision_record_signer_mismatch  422
        └── SupervisionRecordReplayed           supervision_record_replayed_conflict 409

Who may file is the permission table's ``permission_denied`` (403, details: the action
``supervise_tender``): a supervisor of the tender's department only. Codes are part of
the public interface (docs/api-supervision-records.md lists them).
"""

from __future__ import annotations

from supervision.errors import SupervisionError


class SupervisionRecordError(SupervisionError):
    """Root of every error raised by supervision/records/."""

    code = "supervision_record_error"


class SupervisionRecordNotFound(SupervisionRecordError):
    """No such record (or not one the reader may see: the 404 an unknown id gets)."""

    code = "supervision_record_not_found"
    status = 404


class SupervisionSessionNotFound(SupervisionRecordError):
    """The evaluation session is unknown, or not one of this tender's lot."""

    code = "supervision_record_session_not_found"
    status = 404


class SupervisionRecordStatementInvalid(SupervisionRecordError):
    """The signed bytes are not the canonical statement of this record (details.field)."""

    code = "supervision_record_statement_invalid"


class SupervisionRecordSignatureInvalid(SupervisionRecordError):
    """The CMS signature does not verify over the statement (details.cause)."""

    code = "supervision_record_signature_invalid"


class SupervisionRecordSignerMismatch(SupervisionRecordError):
    """A record is signed by the filing supervisor's own current registered certificate."""

    code = "supervision_record_signer_mismatch"


class SupervisionRecordReplayed(SupervisionRecordError):
    """A record's id is in its signed statement: the same signed record is kept once."""

    code = "supervision_record_replayed_conflict"
    status = 409
