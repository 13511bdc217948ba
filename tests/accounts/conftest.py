"""Fixtures of the accounts tests: an application-role connection and a city centre."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from accounts.model import Organisation, OrgKind
from tests.accounts.factory import make_organisation


@pytest.fixture
async def conn(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """One connection of the application role."""
    async with pool.acquire() as connection:
        yield connection


@pytest.fixture
async def centre(conn: asyncpg.Connection) -> Organisation:
    """The city centre, root of the organisation tree."""
    return await make_organisation(conn, OrgKind.CITY_CENTRE, name="宣城市公共资源交易中心")
