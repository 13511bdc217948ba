"""Database fixtures of the pool's tests (imported by conftest and by tests/web)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from signing.demo_ca import DemoCA, create_demo_ca
from tests.expert_pool.world import World, make_world
from tests.signing.conftest import CA_TIME


@pytest.fixture(scope="session")
def pool_ca() -> DemoCA:
    """The demo CA of tests/signing/conftest.py, issuing the experts' certificates."""
    return create_demo_ca(now=CA_TIME)


@pytest.fixture
async def conn(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """One connection of the application role."""
    async with pool.acquire() as connection:
        yield connection


@pytest.fixture
async def world(conn: asyncpg.Connection, pool_ca: DemoCA) -> World:
    """Organisations and people of a fresh database."""
    return await make_world(conn, pool_ca)
