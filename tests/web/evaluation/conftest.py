"""The evaluation HTTP tests run on a clone of the session core's opened lot
(tests/evaluation/kit.py): its world logs in, the app's data directory is a copy of
the template's (blobs, opened bid files) trusting the template's CA."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import cast

import asyncpg
import pytest

from signing.certs import dump_pem_certificate
from signing.demo_ca import DemoCA
from tests.conftest import CloneDatabase
from tests.evaluation import kit
from tests.evaluation.kit import SessionWorld, Template, session_world
from tests.tender.world import FAST
from tests.web.evaluation.closing import copy_data
from web.settings import Settings

# The opened lot built once, and the ``database`` fixture replaced by a clone of it.
scenario_database = kit.scenario_database


@pytest.fixture(scope="session")
def ca(evaluation_template: Template) -> DemoCA:
    """The CA of the template's world: its users' certificates, the app's trust root."""
    return evaluation_template.scenario.world.ca


@pytest.fixture
async def conn(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """One connection of the application role."""
    async with pool.acquire() as connection:
        yield cast(asyncpg.Connection, connection)


@pytest.fixture
def settings(tmp_path: Path, database: CloneDatabase, evaluation_template: Template) -> Settings:
    """The app on the clone: the template's blobs and opened parts (``<data>/opened``,
    where the app's opening looks) copied, its CA trusted, fast tender policies."""
    data_dir = copy_data(evaluation_template, tmp_path)
    trust = data_dir / "trust"
    trust.mkdir(exist_ok=True)
    ca = evaluation_template.scenario.world.ca
    (trust / "demo-root.pem").write_bytes(dump_pem_certificate(ca.root_cert))
    (trust / "demo-issuing.pem").write_bytes(dump_pem_certificate(ca.issuing_cert))
    overrides = {f"tender_{key}": str(value) for key, value in FAST.to_json().items()}
    return Settings(database_url=database.app_dsn, data_dir=data_dir, policy_overrides=overrides)


@pytest.fixture
async def w(conn: asyncpg.Connection, evaluation_template: Template) -> SessionWorld:
    """Lot 1's session, scheduled by centre staff through the core (phase scheduled)."""
    return await session_world(conn, evaluation_template)
