"""The contract HTTP tests run on a clone of the closed tender (tests/tender/results/kit.py):
its world logs in, the app's data directory is a copy of the kit's, trusting its CA."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import cast

import asyncpg
import pytest

from signing.certs import dump_pem_certificate
from tests.conftest import CloneDatabase
from tests.tender.results.kit import ResultsTemplate, closed, copy_results_data, results_database
from tests.tender.world import FAST
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
    """The app on the clone: the kit's data directory copied, its CA trusted."""
    data_dir = copy_results_data(results_template, tmp_path)
    trust = data_dir / "trust"
    trust.mkdir(exist_ok=True)
    ca = results_template.evaluation.scenario.world.ca
    (trust / "demo-root.pem").write_bytes(dump_pem_certificate(ca.root_cert))
    (trust / "demo-issuing.pem").write_bytes(dump_pem_certificate(ca.issuing_cert))
    overrides = {f"tender_{key}": str(value) for key, value in FAST.to_json().items()}
    return Settings(database_url=database.app_dsn, data_dir=data_dir, policy_overrides=overrides)
