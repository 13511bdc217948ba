"""The complaints HTTP tests run on a clone of the closed tender (tests/tender/results/kit.py):
its world logs in; the app's data directory is a copy of the kit's trusting the world's CA."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import cast

import asyncpg
import pytest

from tests.conftest import CloneDatabase
from tests.tender.results.kit import ResultsTemplate, app_settings, closed, results_database
from web.settings import Settings

__all__ = ["closed", "results_database"]


@pytest.fixture
async def conn(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """One connection of the application role."""
    async with pool.acquire() as connection:
        yield cast(asyncpg.Connection, connection)


@pytest.fixture
def settings(
    tmp_path: Path, database: CloneDatabase, results_template: ResultsTemplate
) -> Settings:
    """The app on the clone (tests/tender/results/kit.py, ``app_settings``)."""
    return app_settings(tmp_path, database, results_template)
