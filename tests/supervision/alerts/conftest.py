"""Fixtures of the alert tests (see kit.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from signing.demo_ca import DemoCA
from tests.supervision.alerts.kit import AlertsWorld, build
from tests.tender.world import live_ca


@pytest.fixture(scope="session")
def ca() -> DemoCA:
    return live_ca()


@pytest.fixture
async def conn(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    async with pool.acquire() as connection:
        yield connection


@pytest.fixture
async def aw(conn: asyncpg.Connection, ca: DemoCA) -> AlertsWorld:
    return await build(conn, ca)
