"""The bidder's results page runs on a clone of the closed tender
(tests/tender/results/kit.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import cast

import asyncpg
import pytest

from tests.conftest import CloneDatabase
from tests.tender.results.kit import closed, results_database  # noqa: F401
from web.settings import Settings


@pytest.fixture
def settings(tmp_path: Path, database: CloneDatabase) -> Settings:
    """The app on the clone (the notices are issued by the test, not by the app)."""
    return Settings(database_url=database.app_dsn, data_dir=tmp_path / "data")


@pytest.fixture
async def conn(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    async with pool.acquire() as connection:
        yield cast(asyncpg.Connection, connection)
