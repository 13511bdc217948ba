"""Fixtures of the procurement tests: the tender tests' small world (tests/tender/world.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from signing.demo_ca import DemoCA
from tests.tender.world import World, build_world, live_ca


@pytest.fixture(scope="session")
def ca() -> DemoCA:
    """A demo CA issued just before the session."""
    return live_ca()


@pytest.fixture
async def conn(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """One connection of the application role."""
    async with pool.acquire() as connection:
        yield connection


@pytest.fixture
async def world(conn: asyncpg.Connection, ca: DemoCA) -> World:
    """Everyone a tender involves, three bidder organisations among them."""
    return await build_world(conn, ca)
