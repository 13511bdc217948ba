"""Errors of the platform's alerts (issue 14, supervision owns every alert).

    EtenderError (signing/errors.py)
    └── AlertError                          alert_error                         422
        ├── AlertNotFound                   alert_not_found                     404
        ├── AlertStateConflict              alert_state_conflict                409
        └── AlertNoteInvalid                alert_note_invalid                  422

A supervisor of another department is refused with accounts' ``permission_denied``
(403, details naming the action, the resource ``alert`` and the alert's department).
Codes are part of the public interface (docs/api-alerts.md lists them).
"""

from __future__ import annotations

from supervision.errors import SupervisionError


class AlertError(SupervisionError):
    """Root of every error of supervision/alerts."""

    code = "alert_error"


class AlertNotFound(AlertError):
    """No alert has this id, or the caller may not read it (the same answer)."""

    code = "alert_not_found"
    status = 404


class AlertStateConflict(AlertError):
    """The step does not follow from the alert's state (resolved is final)."""

    code = "alert_state_conflict"
    status = 409


class AlertNoteInvalid(AlertError):
    """A resolution or an escalation note is missing, blank or too long."""

    code = "alert_note_invalid"
