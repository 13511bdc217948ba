"""Errors of the project archive's building and serving (tender/archive/).

    TenderError
    └── ArchiveError                        tender_archive_error
        ├── ArchiveNotFound                 tender_archive_not_found (404)
        ├── ArchiveNotEnded                 tender_archive_not_ended (409)
        ├── ArchiveExists                   tender_archive_exists_conflict (409)
        ├── ArchiveLogUncovered             tender_archive_log_uncovered (409)
        ├── ArchiveReceiptsPending          tender_archive_receipts_pending (409)
        ├── ArchiveSupplementUnchanged      tender_archive_supplement_unchanged_conflict (409)
        └── ArchiveSelfCheckFailed          tender_archive_self_check_failed (500)

The package format's own errors (a package that does not verify) are
signing/archive/errors.py's.
"""

from __future__ import annotations

from tender.errors import TenderError


class ArchiveError(TenderError):
    """Root of the errors of building, storing and serving archive packages."""

    code = "tender_archive_error"


class ArchiveNotFound(ArchiveError):
    """The tender has no archive package (or supplement) yet."""

    code = "tender_archive_not_found"
    status = 404


class ArchiveNotEnded(ArchiveError):
    """DOMAIN.md "Records": the archive is made at the procedure's end, not before."""

    code = "tender_archive_not_ended"
    status = 409


class ArchiveExists(ArchiveError):
    """一项一档: one package per project; it is never rebuilt (supplements add to it)."""

    code = "tender_archive_exists_conflict"
    status = 409


class ArchiveLogUncovered(ArchiveError):
    """No checkpoint signed by the log key covers the tender's entries yet: try later."""

    code = "tender_archive_log_uncovered"
    status = 409


class ArchiveReceiptsPending(ArchiveError):
    """A bid version's receipt is not signed yet: it is signed once the version's queued
    log entry is integrated (docs/formats/upload.md §3.3), moments after the submission.
    The package holds every receipt, so it is built at the next try, never with a gap."""

    code = "tender_archive_receipts_pending"
    status = 409


class ArchiveSupplementUnchanged(ArchiveError):
    """Nothing was recorded since the package or the last supplement: a supplement would
    repeat it (each is signed, logged and kept for ever, so none is made in vain)."""

    code = "tender_archive_supplement_unchanged_conflict"
    status = 409


class ArchiveSelfCheckFailed(ArchiveError):
    """The package just built does not verify: nothing is stored (a bug or bad records)."""

    code = "tender_archive_self_check_failed"
    status = 500
