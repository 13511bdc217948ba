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


async def test_a_release_that_fails_in_the_background_is_logged_not_lost(
    one: asyncpg.Pool, database: CloneDatabase, caplog: pytest.LogCaptureFixture
) -> None:
    """The release runs in a task: its error (here, a connection given back to the wrong
    pool — there are two, web/app.py) reaches the log instead of vanishing."""
    other = await open_pool(database.app_dsn, min_size=1, max_size=1)
    conn = await one.acquire()
    try:
        with caplog.at_level(logging.WARNING, logger="web.db.database"):
            await other.release(conn)
            assert isinstance(other, Pool)
            await other.settled()
    finally:
        await one.release(conn)  # the right pool takes it back
        await other.close()
    [record] = caplog.records
    assert record.msg == "db.release_failed"
    assert record.exc_info is not None
    assert "not a member of this pool" in str(record.exc_info[1])


async def test_a_pool_of_one_opens_with_the_default_minimum(database: CloneDatabase) -> None:
    """ETENDER_DB_POOL_SIZE=1 is valid: the default minimum of 2 gives way."""
    created = await open_pool(database.app_dsn, max_size=1)
    try:
        assert (created.get_min_size(), created.get_max_size()) == (1, 1)
    finally:
        await created.close()
