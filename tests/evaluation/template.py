"""The opened lot every evaluation test starts from, built once per test process.

Opening a lot honestly takes real time (the bid deadline binds every sealed part:
tests/evaluation/scenario.py waits for it), so the opened lot is built once per test
process into a database of its own and each test clones it (tests/evaluation/kit.py's
``scenario_database``). tests/conftest.py registers this module once for the whole
tree (``pytest_plugins``): a session fixture imported into several conftest.py files is
a fixture of each, and each would wait for a deadline of its own. The lot's world has a
CA of its own (``template.scenario.world.ca``): a test that trusts a CA trusts that one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import cast
from uuid import UUID

import asyncpg
import pytest

from expert_pool.venues import service as venues
from expert_pool.venues.model import Venue
from signing.certs import Identity
from signing.demo_ca import DemoCA, issue_identity
from tests.conftest import TEMPLATE, CloneDatabase, PgServer
from tests.evaluation.scenario import Scenario, opened_lot
from tests.tender.world import build_world, live_ca, register_certificate
from web.db.database import open_pool

MAIN_VENUE = Venue(id="V-MAIN", name="宣城市公共资源交易中心评标室", region="341802", seats=20)
OTHER_VENUE = Venue(id="V-OTHER", name="合肥市公共资源交易中心评标室", region="340100", seats=20)


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Template:
    """The opened lot, built once, in a database each test clones."""

    name: str
    scenario: Scenario
    member_identities: Mapping[UUID, Identity]  # each drawn expert's signing identity
    data_dir: Path
    output_root: Path


async def _build(conn: asyncpg.Connection, pool: asyncpg.Pool, ca: DemoCA, root: Path) -> Template:
    world = await build_world(conn, ca, passwords=True)
    scenario = await opened_lot(conn, pool, world, root / "data", root / "opened")
    for venue in (MAIN_VENUE, OTHER_VENUE):
        await venues.create_venue(conn, world.staff, venue)
    identities = {}
    now = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    for user in scenario.committee:
        # A certificate registered in accounts/keys: members sign their sheets with it.
        identity = issue_identity(ca, name=user.display_name, now=now)
        await register_certificate(conn, user.id, identity)
        identities[user.id] = identity
    return Template(
        name="", scenario=scenario, member_identities=identities,
        data_dir=root / "data", output_root=root / "opened",
    )  # fmt: skip


@pytest.fixture(scope="session")
async def evaluation_template(
    pg_server: PgServer, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Template]:
    """The opened lot of tests/evaluation/scenario.py in a database of its own (once)."""
    ca = live_ca()  # its own: the folders' ``ca`` fixtures differ, this is built once
    name = f"etender_eval_{secrets.token_hex(4)}"
    await pg_server.admin(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE} STRATEGY WAL_LOG")
    pool = await open_pool(CloneDatabase(pg_server, name).app_dsn, min_size=1, max_size=4)
    try:
        async with pool.acquire() as conn:
            root = tmp_path_factory.mktemp("evaluation")
            built = await _build(cast(asyncpg.Connection, conn), pool, ca, root)
    finally:
        await pool.close()  # a template database has no connection when it is cloned
    yield dataclasses.replace(built, name=name)
    await pg_server.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
