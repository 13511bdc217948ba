"""The report's fixtures: a session in its ranking phase with its sheets (kit.py)."""

from __future__ import annotations

import asyncpg
import pytest

from tests.evaluation.report.kit import Kit, build_kit
from tests.evaluation.report.standard import standard_sheets
from tests.tender.world import World


@pytest.fixture
async def kit(conn: asyncpg.Connection, world: World, monkeypatch: pytest.MonkeyPatch) -> Kit:
    """Lot 1 of a two-lot tender in evaluation, ranking phase, the standard sheets."""
    built = await build_kit(conn, world, monkeypatch)
    await standard_sheets(built)
    return built
