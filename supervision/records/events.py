"""Log entry kinds of supervision records (docs/api-supervision-records.md, "Log")."""

from __future__ import annotations

import enum


class RecordEvent(enum.StrEnum):
    """Dotted kinds of the log entries of supervision records."""

    # A supervisor filed a signed record; data: the record's id, what it is attached to
    # and the SHA-256 of the signed statement — never the text (the log is public, the
    # record is read by the department and the centre).
    FILED = "supervision.record_filed"
