"""The cross-city lot (scenario.py) built once per test run into a template database,
cloned for each test (as tests/evaluation/kit.py does for the five-expert lot): opening
a lot takes real time (its bid deadline), a test takes a clone in a second."""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import AsyncIterator
from typing import cast

import asyncpg
import pytest

from signing.demo_ca import DemoCA
from tests.conftest import TEMPLATE, CloneDatabase, PgServer, clone
from tests.evaluation.e2e.scenario import CrossCity, cross_city_lot
from tests.tender.world import build_world
from web.db.database import open_pool


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Template:
    """The database holding the opened lot, and the lot."""

    name: str
    lot: CrossCity


@pytest.fixture(scope="session")
async def cross_city_template(
    pg_server: PgServer, ca: DemoCA, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Template]:
    """The cross-city lot in a database of its own (built once)."""
    name = f"etender_e2e_{secrets.token_hex(4)}"
    await pg_server.admin(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE} STRATEGY WAL_LOG")
    pool = await open_pool(CloneDatabase(pg_server, name).app_dsn, min_size=1, max_size=4)
    try:
        async with pool.acquire() as proxy:
            conn = cast(asyncpg.Connection, proxy)
            root = tmp_path_factory.mktemp("cross_city")
            world = await build_world(conn, ca)
            lot = await cross_city_lot(conn, pool, world, root / "data", root / "opened")
    finally:
        await pool.close()  # a template database has no connection when it is cloned
    yield Template(name=name, lot=lot)
    await pg_server.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(name="database")
async def cross_city_database(
    pg_server: PgServer, cross_city_template: Template
) -> AsyncIterator[CloneDatabase]:
    """The test's own clone of the cross-city lot (replaces the empty ``database``)."""
    async with clone(pg_server, cross_city_template.name) as cloned:
        yield cloned


@pytest.fixture
def lot(cross_city_template: Template) -> CrossCity:
    """The cross-city lot of this test's clone."""
    return cross_city_template.lot
