"""Where the database is and how to reach it: embedded cluster or ``DATABASE_URL``."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, cast

import asyncpg

from web.db import faults
from web.db.embedded import APP_ROLE, DATABASE, SUPERUSER, EmbeddedPostgres
from web.db.migrate import migrate
from web.errors import DatabaseUnavailable
from web.settings import Settings

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class DatabaseTarget:
    """The URLs to migrate with (owner) and to serve with (application role)."""

    owner_dsn: str
    app_dsn: str
    cluster: EmbeddedPostgres | None = None


def target_for(settings: Settings) -> DatabaseTarget:
    """The database this process should use, without starting anything."""
    if settings.database_url:
        return DatabaseTarget(owner_dsn=settings.database_url, app_dsn=settings.database_url)
    cluster = EmbeddedPostgres.in_data_dir(settings.data_dir)
    return DatabaseTarget(
        owner_dsn=cluster.dsn(user=SUPERUSER),
        app_dsn=cluster.dsn(user=APP_ROLE),
        cluster=cluster,
    )


async def create_database(cluster: EmbeddedPostgres, name: str = DATABASE) -> None:
    """Create the application database in an embedded cluster if it is missing."""
    conn = await asyncpg.connect(cluster.dsn(user=SUPERUSER, database="postgres"))
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            # Identifiers cannot be parameters; the name is ours, checked here.
            if not name.replace("_", "").isalnum():
                raise DatabaseUnavailable(f"invalid database name {name!r}")
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def prepare(target: DatabaseTarget) -> list[str]:
    """Start the embedded cluster if any, create the database, apply migrations."""
    if target.cluster is not None:
        target.cluster.start()
        await create_database(target.cluster)
    try:
        conn = await asyncpg.connect(target.owner_dsn)
    except (OSError, asyncpg.PostgresError) as exc:
        raise DatabaseUnavailable(f"cannot connect to PostgreSQL: {exc}") from exc
    try:
        return await migrate(conn)
    finally:
        await conn.close()


if TYPE_CHECKING:
    _PoolBase = asyncpg.Pool[asyncpg.Record]
else:
    _PoolBase = asyncpg.Pool


class Pool(_PoolBase):
    """asyncpg's pool, except that giving a connection back does not wait for its reset.

    asyncpg resets a released connection (rollback, ``RESET ALL``, unlisten, advisory
    locks) in a task and awaits it: one more database round trip, and one more turn of
    a busy event loop, at the end of every request. Here the reset runs concurrently
    with the rest of the request — the connection rejoins the pool only once clean,
    exactly as before. ``close()`` still waits for every reset.
    """

    __slots__ = ("_releasing",)

    def __init__(self, dsn: str, *, min_size: int, max_size: int) -> None:
        super().__init__(
            dsn,
            min_size=min_size,
            max_size=max_size,
            max_queries=50_000,
            max_inactive_connection_lifetime=300.0,
            # A refused connection is database_unavailable (503), not a bare OSError
            # that reads as a 500 (web/db/faults.py, docs/faults.md).
            connect=faults.connect,
            loop=None,
            connection_class=asyncpg.Connection,
            record_class=asyncpg.Record,
        )  # fmt: skip  (asyncpg.create_pool's defaults)
        self._releasing: set[asyncio.Task[None]] = set()

    async def release(
        self, connection: asyncpg.pool.PoolConnectionProxy[asyncpg.Record], *,
        timeout: float | None = None,  # noqa: ASYNC109 (asyncpg's signature)
    ) -> None:  # fmt: skip
        task = asyncio.get_running_loop().create_task(
            super().release(connection, timeout=timeout), name="etender.pool.release"
        )
        self._releasing.add(task)  # a strong reference until it ends
        task.add_done_callback(self._released)

    async def settled(self) -> None:
        """Wait until every release in flight has ended (its error, if any, logged)."""
        while self._releasing:
            await asyncio.gather(*self._releasing, return_exceptions=True)

    def _released(self, task: asyncio.Task[None]) -> None:
        self._releasing.discard(task)
        if not task.cancelled() and (exc := task.exception()) is not None:
            # A failed reset: asyncpg terminated the connection, a new one replaces it.
            # (Misuse — releasing a connection twice or to the other pool — ends here too.)
            log.warning("db.release_failed", exc_info=exc)


async def open_pool(dsn: str, *, min_size: int = 2, max_size: int = 20) -> asyncpg.Pool:
    """The application's connection pool (:class:`Pool`)."""
    try:
        return await Pool(dsn, min_size=min(min_size, max_size), max_size=max_size)
    except (OSError, asyncpg.PostgresError) as exc:
        raise DatabaseUnavailable(f"cannot connect to PostgreSQL: {exc}") from exc


@contextlib.asynccontextmanager
async def acquire(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """A pooled connection, typed as the connection it proxies."""
    async with pool.acquire() as proxy:
        yield cast(asyncpg.Connection, proxy)
