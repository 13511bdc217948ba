"""Fixtures of the alert tests (see kit.py); ``ca`` and ``conn`` are the tender
tests' own."""

from __future__ import annotations

import asyncpg
import pytest

from signing.demo_ca import DemoCA
from tests.supervision.alerts.kit import AlertsWorld, build
from tests.tender.conftest import ca, conn

__all__ = ["aw", "ca", "conn"]


@pytest.fixture
async def aw(conn: asyncpg.Connection, ca: DemoCA) -> AlertsWorld:
    return await build(conn, ca)
