"""Errors of the disclosure (open data and the public stages).

    TenderError (tender/errors.py)
    └── DisclosureError                     disclosure_error
        └── FeedCursorInvalid               ocds_cursor_invalid

Codes are part of the public interface (docs/open-data.md lists them).
"""

from __future__ import annotations

from tender.errors import TenderError


class DisclosureError(TenderError):
    """Root of the disclosure's errors."""

    code = "disclosure_error"


class FeedCursorInvalid(DisclosureError):
    """A feed cursor this server did not issue (docs/open-data.md, "The feed")."""

    code = "ocds_cursor_invalid"
