"""Password checks never take the site's database connections (issue 9, item 14).

A login holds a connection while scrypt runs; thirty at once held every connection of
the pool, so any other request — a 401 for a bad token, a 422, a public page — queued
behind them for seconds (the outside fuzzing saw 15-25 s). Logins now wait for one of
``PASSWORD_CHECKS`` slots before they take a connection.
"""

from __future__ import annotations

import asyncio

import asyncpg
import httpx

from accounts.model import OrgKind, Role
from tests.accounts.factory import make_organisation, make_user
from web.services import PASSWORD_CHECKS


async def test_concurrent_logins_leave_the_pool_to_other_requests(
    pool: asyncpg.Pool, client: httpx.AsyncClient
) -> None:
    """While thirty wrong-password logins run, they take at most PASSWORD_CHECKS
    connections: the pool (ten; the live hub and background jobs use some too) never
    runs dry, so light requests are still served. Before, the logins took all ten."""
    async with pool.acquire() as conn:
        org = await make_organisation(conn, OrgKind.BIDDER)
        await make_user(conn, org, Role.BIDDER, username="bidder.gate")
    size = pool.get_max_size()
    lowest_idle = size
    done = False

    async def watch() -> None:
        nonlocal lowest_idle
        while not done:
            busy = pool.get_size() - pool.get_idle_size()
            lowest_idle = min(lowest_idle, size - busy)
            await asyncio.sleep(0)

    watcher = asyncio.create_task(watch())
    logins = [
        client.post(
            "/api/v1/auth/login", json={"username": "bidder.gate", "password": f"wrong-{i}"}
        )
        for i in range(30)
    ]
    answers = await asyncio.gather(*logins)
    done = True
    await watcher
    assert {a.status_code for a in answers} <= {401, 423, 429}
    assert size > PASSWORD_CHECKS
    assert lowest_idle > 0
