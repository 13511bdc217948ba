"""Fixtures of the sheets tests: a session of three members in the scoring phase."""

from __future__ import annotations

import asyncpg
import pytest

from tests.evaluation.sheets.kit import Session, make_session
from tests.tender.world import World


@pytest.fixture
async def ev(conn: asyncpg.Connection, world: World) -> Session:
    """A scoring session: three seated experts (seat 1 chairs), two bids, deadline in 1 h."""
    return await make_session(conn, world)
