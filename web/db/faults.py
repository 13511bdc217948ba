"""A lost or refused database connection, told as ``database_unavailable`` (503).

docs/faults.md: while PostgreSQL restarts, every request that needs it fails — that is
unavoidable — but the user must be told so in a way a client can act on: the one error
body with ``database_unavailable`` and ``Retry-After``, or a live socket's ``error``
frame with that code, never an ``internal_error`` (500) that reads like a bug and that
clients do not retry. Connection failures are recognised here, in one place:

- connecting fails: the socket is missing or refuses (``OSError``), or the server says
  it is starting or stopping (``CannotConnectNowError``, SQLSTATE 57P03);
- a connection is cut under a statement: ``PostgresConnectionError`` (class 08), the
  server's shutdown notices (57P01 admin shutdown, 57P02 crash shutdown), or asyncpg's
  own "connection is closed" on a connection that died while it was idle in the pool.

Nothing is retried here: the statement's transaction rolled back, so nothing it wrote
was acknowledged; the client repeats the request (idempotent, or by its id).
"""

from __future__ import annotations

from typing import Any

import asyncpg

from web.errors import DatabaseUnavailable

RETRY_AFTER_SECONDS = 1  # a restart takes seconds; the client's own backoff grows
CONNECTION_LOST = (
    asyncpg.PostgresConnectionError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.CannotConnectNowError,
)


def unavailable(reason: str) -> DatabaseUnavailable:
    """The error every such failure becomes, with the wait a client honours."""
    return DatabaseUnavailable(
        f"the database is not reachable now ({reason}): try again shortly",
        details={"retry_after_seconds": RETRY_AFTER_SECONDS},
    )


def as_unavailable(exc: BaseException) -> DatabaseUnavailable | None:
    """``exc`` as ``database_unavailable`` if it is a lost or refused connection."""
    if isinstance(exc, DatabaseUnavailable):
        return exc
    if isinstance(exc, CONNECTION_LOST):
        return unavailable(type(exc).__name__)
    if isinstance(exc, asyncpg.InterfaceError) and "connection is closed" in str(exc):
        return unavailable("connection closed")
    return None


async def connect(*args: Any, **kwargs: Any) -> asyncpg.Connection:
    """asyncpg's connect for the pool: a refused connection is ``database_unavailable``.

    Only here is a bare ``OSError`` known to be the database's (a missing socket, a
    refused port): elsewhere it may be a file's.
    """
    try:
        connection: asyncpg.Connection = await asyncpg.connect(*args, **kwargs)
        return connection
    except OSError as exc:
        raise unavailable(type(exc).__name__) from exc
    except asyncpg.PostgresError as exc:
        found = as_unavailable(exc)
        if found is None:
            raise
        raise found from exc
