"""The one place that turns any error into an HTTP status (STYLE.md, point 8).

Every error raised on purpose is an :class:`~signing.errors.EtenderError` whose class
declares its ``code`` and its HTTP ``status`` (docs/api-errors.md lists them); the status
is read from the class, never from the code's spelling. Any other exception is an
internal error (500) and never leaks its text.
"""

from __future__ import annotations

from signing.errors import EtenderError
from web.db.faults import as_unavailable

INTERNAL_ERROR = 500


def known(exc: BaseException) -> BaseException:
    """``exc``, or the stable error it stands for: a lost or refused database
    connection is ``database_unavailable`` (503, docs/faults.md), not a 500."""
    return as_unavailable(exc) or exc


def status_for(exc: BaseException) -> int:
    """HTTP status for an exception: the one its class declares, else 500."""
    exc = known(exc)
    return exc.status if isinstance(exc, EtenderError) else INTERNAL_ERROR


# WebSocket close codes for the same errors (RFC 6455 private range 4000-4999):
# 4000 + the HTTP status, so a client can read either the same way.
def close_code_for(exc: BaseException) -> int:
    """WebSocket close code for an exception."""
    return 4000 + status_for(exc)
