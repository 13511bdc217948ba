"""The hub's registry of subscriptions, on a real database (no socket)."""

from __future__ import annotations

import asyncpg
import pytest

from live import queries
from live.hub import Hub


async def test_a_subscription_whose_backlog_cannot_be_read_is_not_kept(
    pool: asyncpg.Pool,
) -> None:
    """The hub undoes its registration when reading the backlog fails."""
    hub = Hub(pool)
    async with pool.acquire() as conn:
        session_id = (await queries.open_session(conn, "echo", "subject-1")).id
    before = hub.subscription_count()
    with pytest.raises((OverflowError, asyncpg.DataError)):
        await hub.subscribe(session_id, 1 << 63)
    assert hub.subscription_count() == before
