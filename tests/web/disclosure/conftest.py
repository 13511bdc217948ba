"""Fixtures of the disclosure's HTTP tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest


@pytest.fixture
async def conn(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """One connection of the application role (the app's database)."""
    async with pool.acquire() as connection:
        yield connection
