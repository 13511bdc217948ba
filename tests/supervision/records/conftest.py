"""Every test here runs on its own clone of the opened lot (tests/evaluation/kit.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import cast

import asyncpg
import pytest

from tests.evaluation.kit import scenario_database  # noqa: F401


@pytest.fixture
async def conn(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """One connection of the application role on the clone."""
    async with pool.acquire() as connection:
        yield cast(asyncpg.Connection, connection)
