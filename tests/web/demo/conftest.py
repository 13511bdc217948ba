"""The whole demo loaded once per test process (web/demo/load.py, as ``etender demo``
loads it: about a minute, its bid deadline a real wait), cloned for each test of this
folder: ``database`` is the clone, ``settings`` a copy of the demo's data dir (its
trust in the demo CA, blobs, opened parts, the platform's key)."""

from __future__ import annotations

import dataclasses
import secrets
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from tests.conftest import TEMPLATE, CloneDatabase, PgServer, clone
from web.demo.load import DemoLoad, load_everything
from web.settings import Settings


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class DemoTemplate:
    """The loaded demo's database (a template) and its data dir."""

    name: str
    data_dir: Path
    client_dir: Path  # the demo's client folder: its CA and the users' key files
    loaded: DemoLoad


@pytest.fixture(scope="session")
async def demo_template(
    pg_server: PgServer, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[DemoTemplate]:
    """``etender demo``'s load on an empty database, once."""
    name = f"etender_demo_{secrets.token_hex(4)}"
    await pg_server.admin(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE} STRATEGY WAL_LOG")
    root = tmp_path_factory.mktemp("demo")
    settings = Settings(database_url=CloneDatabase(pg_server, name).app_dsn, data_dir=root / "data")
    conn = await asyncpg.connect(settings.database_url)
    try:
        loaded = await load_everything(conn, settings, root / "demo-client")
    finally:
        await conn.close()  # a template database has no connection when it is cloned
    yield DemoTemplate(
        name=name, data_dir=settings.data_dir, client_dir=root / "demo-client", loaded=loaded
    )
    await pg_server.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(name="database")
async def demo_database(
    pg_server: PgServer, demo_template: DemoTemplate
) -> AsyncIterator[CloneDatabase]:
    """The test's own clone of the loaded demo."""
    async with clone(pg_server, demo_template.name) as cloned:
        yield cloned


@pytest.fixture(name="settings")
def demo_settings(tmp_path: Path, database: CloneDatabase, demo_template: DemoTemplate) -> Settings:
    """The app on the clone, with a copy of the demo's data dir."""
    shutil.copytree(demo_template.data_dir, tmp_path / "data")
    return Settings(database_url=database.app_dsn, data_dir=tmp_path / "data")
