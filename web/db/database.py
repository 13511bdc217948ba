"""Where the database is and how to reach it: embedded cluster or ``DATABASE_URL``."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from collections.abc import AsyncIterator
from typing import cast

import asyncpg

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


async def open_pool(dsn: str, *, min_size: int = 2, max_size: int = 20) -> asyncpg.Pool:
    """The application's connection pool."""
    try:
        pool = await asyncpg.create_pool(dsn, min_size=min_size, max_size=max_size)
    except (OSError, asyncpg.PostgresError) as exc:
        raise DatabaseUnavailable(f"cannot connect to PostgreSQL: {exc}") from exc
    assert pool is not None
    return pool


@contextlib.asynccontextmanager
async def acquire(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """A pooled connection, typed as the connection it proxies."""
    async with pool.acquire() as proxy:
        yield cast(asyncpg.Connection, proxy)
