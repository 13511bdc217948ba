"""HTTP fixtures of the supervision pages and API: the people with passwords, and a
bearer token for each of them."""

from __future__ import annotations

import asyncpg
import httpx
import pytest

from tests.accounts.factory import PASSWORD
from tests.supervision.factory import People, make_people
from tests.web.test_auth import bearer, login


@pytest.fixture(name="people")
async def fixture_people(pool: asyncpg.Pool) -> People:
    """The centre, two agencies, two departments and their actors, who can sign in."""
    async with pool.acquire() as conn:
        return await make_people(conn, password=PASSWORD)  # type: ignore[arg-type]


async def token(client: httpx.AsyncClient, username: str) -> dict[str, str]:
    """The Authorization header of a fresh session of ``username``."""
    return bearer(await login(client, username))
