"""The draws' publication tests run on a clone of the evaluation tests' opened lot
(tests/evaluation/kit.py): lot 1 of its tender has a complete evaluation draw, whose
committee confirmed for real (tests/evaluation/scenario.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import cast

import asyncpg
import pytest

from tests.conftest import CloneDatabase
from tests.evaluation import kit
from tests.evaluation.kit import Template
from web.settings import Settings

scenario_database = kit.scenario_database


@pytest.fixture
async def conn(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """One connection of the application role."""
    async with pool.acquire() as connection:
        yield cast(asyncpg.Connection, connection)


@pytest.fixture
def settings(tmp_path: Path, database: CloneDatabase, evaluation_template: Template) -> Settings:
    """The app on the clone (nothing here reads blobs or trusts a certificate)."""
    return Settings(database_url=database.app_dsn, data_dir=tmp_path / "data")
