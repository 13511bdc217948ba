"""Fixtures of the supervision tests: a connection and the people (factory.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from tests.supervision.factory import People, make_people


@pytest.fixture
async def conn(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """One connection of the application role."""
    async with pool.acquire() as connection:
        yield connection


@pytest.fixture
async def people(conn: asyncpg.Connection) -> People:
    """The centre, two agencies, two departments and their actors."""
    return await make_people(conn)
