"""The application's pool: a request does not wait while its connection is reset."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import asyncpg
import pytest

from tests.conftest import CloneDatabase
from web.db.database import Pool, open_pool


@pytest.fixture
async def one(database: CloneDatabase) -> AsyncIterator[asyncpg.Pool]:
    """A pool of one connection, so every acquire reuses the same one."""
    created = await open_pool(database.app_dsn, min_size=1, max_size=1)
    yield created
    await created.close()


async def test_a_released_connection_rejoins_the_pool_only_once_reset(
    one: asyncpg.Pool,
) -> None:
    """release() returns before the reset ends; the next user still gets a clean session."""
    assert isinstance(one, Pool)
    conn = await one.acquire()
    pid = conn.get_server_pid()
    await conn.execute("SET application_name = 'left-behind'")
    await one.release(conn)
    assert one.get_idle_size() == 0  # returned to the caller; the reset still runs
    async with one.acquire() as again:
        assert again.get_server_pid() == pid
        assert await again.fetchval("SHOW application_name") != "left-behind"


async def test_closing_waits_for_the_resets_still_running(
    database: CloneDatabase, owner_conn: asyncpg.Connection
) -> None:
    """close() right after a release: the connection is reset, then closed — not leaked."""
    created = await open_pool(database.app_dsn, min_size=1, max_size=2)
    conn = await created.acquire()
    pid = conn.get_server_pid()
    await created.release(conn)
    await created.close()
    left = await owner_conn.fetchval(
        "SELECT count(*) FROM pg_stat_activity WHERE pid = $1 AND state IS NOT NULL", pid
    )
    assert left == 0


async def test_a_failed_reset_is_logged_and_the_connection_replaced(
    one: asyncpg.Pool, owner_conn: asyncpg.Connection, caplog: pytest.LogCaptureFixture
) -> None:
    conn = await one.acquire()
    pid = conn.get_server_pid()
    await owner_conn.execute("SELECT pg_terminate_backend($1)", pid)
    with caplog.at_level(logging.WARNING, logger="web.db.database"):
        await one.release(conn)
        async with one.acquire() as fresh:
            assert fresh.get_server_pid() != pid
            assert await fresh.fetchval("SELECT 1") == 1
    assert [r.msg for r in caplog.records] == ["db.release_failed"]
