"""Fixtures of the listings HTTP tests: the tender world with passwords (its users log
in) and a data directory whose holiday calendar covers next year too (the shipped data
stops at 2026; a listing published in December runs into January)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from accounts.users import service as users
from signing.demo_ca import DemoCA
from tests.accounts.factory import CONSOLE, PASSWORD
from tests.conftest import CloneDatabase
from tests.listing.kit import clock, register_official_keys
from tests.tender.calendar_kit import write_synthetic
from tests.tender.world import World, build_world, live_ca
from web.settings import Settings

__all__ = ["clock"]


@pytest.fixture(scope="session")
def ca() -> DemoCA:
    return live_ca()


@pytest.fixture
def settings(tmp_path: Path, database: CloneDatabase) -> Settings:
    data = tmp_path / "data"
    write_synthetic(data / "holidays", 2027)  # the kit's CALENDAR's 2027
    return Settings(database_url=database.app_dsn, data_dir=data)


@pytest.fixture
async def conn(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    async with pool.acquire() as connection:
        yield connection


@pytest.fixture
async def world(conn: asyncpg.Connection, ca: DemoCA) -> World:
    built = await build_world(conn, ca)
    await register_official_keys(conn, built)
    return built


@pytest.fixture
async def logins(conn: asyncpg.Connection, world: World) -> World:
    """The world, with a password for the two users the API tests log in as (only
    those: scrypt is slow on purpose)."""
    for who in (world.agency, world.bidders[0]):
        await users.set_password(conn, CONSOLE, user_id=who.user_id, password=PASSWORD)
    return world
