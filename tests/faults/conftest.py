"""Fixtures of the fault tests: the demo CA the nodes trust, and the tender world."""

from __future__ import annotations

from typing import cast

import asyncpg
import pytest

from signing.demo_ca import DemoCA
from tests.tender.world import World, build_world, live_ca


@pytest.fixture(scope="session")
def ca() -> DemoCA:
    """A demo CA issued just before the session; every node's trust store holds it."""
    return live_ca()


@pytest.fixture
async def world(pool: asyncpg.Pool, ca: DemoCA) -> World:
    """Everyone a tender involves (tests/tender/world.py); no connection is kept: the
    tests stop PostgreSQL under it."""
    async with pool.acquire() as proxy:
        return await build_world(cast(asyncpg.Connection, proxy), ca)
