"""Fixtures of the several-node tests (issue 17, item 7): a CA, a connection, a world."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import cast

import asyncpg
import pytest

from signing.demo_ca import DemoCA
from tests.tender.world import World, build_world, live_ca


@pytest.fixture(scope="session")
def ca() -> DemoCA:
    """A demo CA issued just before the session (the nodes' trust store trusts it)."""
    return live_ca()


@pytest.fixture
async def conn(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """One connection of the application role."""
    async with pool.acquire() as connection:
        yield cast(asyncpg.Connection, connection)


@pytest.fixture
async def world(conn: asyncpg.Connection, ca: DemoCA) -> World:
    """Everyone a tender involves (tests/tender/world.py)."""
    return await build_world(conn, ca)
