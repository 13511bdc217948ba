"""The one place that turns any error into an HTTP status (STYLE.md, point 8).

Every error raised on purpose is an :class:`~signing.errors.EtenderError` whose class
declares its ``code`` and its HTTP ``status`` (docs/api-errors.md lists them); the status
is read from the class, never from the code's spelling. Any other exception is an
internal error (500) and never leaks its text.
"""

from __future__ import annotations

import errno

import asyncpg

from signing.errors import EtenderError
from web.db.faults import as_unavailable
from web.errors import StorageFull

INTERNAL_ERROR = 500


NO_SPACE = (errno.ENOSPC, errno.EDQUOT)


def known(exc: BaseException) -> BaseException:
    """``exc``, or the stable error it stands for (docs/faults.md), not a 500: a lost or
    refused database connection is ``database_unavailable`` (503); a full disk — a
    file's write, or PostgreSQL's own (SQLSTATE 53100) — is ``storage_full`` (507)."""
    if (down := as_unavailable(exc)) is not None:
        return down
    full = isinstance(exc, OSError) and exc.errno in NO_SPACE
    if full or isinstance(exc, asyncpg.DiskFullError):
        return StorageFull("the platform's storage is full: nothing was done; try again later")
    return exc


def status_for(exc: BaseException) -> int:
    """HTTP status for an exception: the one its class declares, else 500."""
    exc = known(exc)
    return exc.status if isinstance(exc, EtenderError) else INTERNAL_ERROR


# WebSocket close codes for the same errors (RFC 6455 private range 4000-4999):
# 4000 + the HTTP status, so a client can read either the same way.
def close_code_for(exc: BaseException) -> int:
    """WebSocket close code for an exception."""
    return 4000 + status_for(exc)
