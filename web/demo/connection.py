"""The one connection of the demo's transaction, handed out where a service wants a pool.

The bid upload (tender/submission/uploads.py ``write_chunk``) takes short-lived pooled
connections so that a server never holds one while bytes stream in. The demo loads
everything in ONE transaction (all or nothing, issue 15 item 6), so its uploads must run
on that transaction's connection: another connection would not see the uncommitted
tender. The upload's acquisitions are sequential (never two at once), so lending the
same connection each time runs exactly the server's SQL, inside the transaction.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import cast

import asyncpg


class OneConnection:
    """A stand-in for ``asyncpg.Pool`` whose ``acquire`` lends the one connection."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    @contextlib.asynccontextmanager
    async def acquire(self) -> AsyncIterator[asyncpg.Connection]:
        """The transaction's connection (never released: the caller owns it)."""
        yield self._conn

    def as_pool(self) -> asyncpg.Pool:
        """Typed as the pool the services take (they only ever call ``acquire``)."""
        return cast(asyncpg.Pool, self)
