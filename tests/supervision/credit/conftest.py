"""Fixtures of the credit tests: a connection, everyone a tender involves, and a supervisor
of another department (CONTRACTS.md: supervisors act for their department)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from accounts.model import Actor, OrgKind, Role
from signing.demo_ca import DemoCA
from tests.accounts.factory import actor_for, make_organisation, make_user
from tests.tender.world import World, build_world, live_ca


@pytest.fixture(scope="session")
def ca() -> DemoCA:
    return live_ca()


@pytest.fixture
async def conn(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    async with pool.acquire() as connection:
        yield connection


@pytest.fixture
async def world(conn: asyncpg.Connection, ca: DemoCA) -> World:
    return await build_world(conn, ca)


@pytest.fixture
async def other_supervisor(conn: asyncpg.Connection) -> Actor:
    """A supervisor of another industry department (水利局)."""
    water = await make_organisation(conn, OrgKind.INDUSTRY_DEPARTMENT, name="宣城市水利局")
    user = await make_user(
        conn, water, Role.SUPERVISOR, scope=water, username="water", password=None
    )
    return await actor_for(conn, user)
