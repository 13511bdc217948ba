"""Complaints tests run on a clone of the closed tender (tests/tender/results/kit.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from tests.tender.results.kit import closed, results_database  # noqa: F401


@pytest.fixture
async def conn(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """One connection of the application role."""
    async with pool.acquire() as connection:
        yield connection
