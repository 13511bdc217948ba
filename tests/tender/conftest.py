"""Fixtures of the tender tests: certificate authorities and opening officials' identities.

The rule tests run at a fixed moment in 2026 (kit.NOW) with a CA issued in 2025; the
service tests run at the database's real clock with a CA issued just before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import asyncpg
import pytest

from signing.certs import Identity
from signing.demo_ca import DemoCA, create_demo_ca, issue_identity
from signing.trust import TrustStore
from tests.tender.world import World, build_world, live_ca

RULE_CA_TIME = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


@pytest.fixture(scope="session")
def rule_ca() -> DemoCA:
    """A demo CA whose users are valid throughout 2025 and 2026."""
    return create_demo_ca(now=RULE_CA_TIME)


@pytest.fixture(scope="session")
def rule_trust(rule_ca: DemoCA) -> TrustStore:
    """Trusts the rule tests' CA only."""
    return rule_ca.trust_store()


@pytest.fixture(scope="session")
def rule_officials(rule_ca: DemoCA) -> tuple[Identity, ...]:
    """Three officials with certificates from the rule tests' CA."""
    return tuple(
        issue_identity(rule_ca, name=f"开标官员{i}", now=RULE_CA_TIME) for i in range(1, 4)
    )


@pytest.fixture(scope="session")
def ca() -> DemoCA:
    """A demo CA issued just before the session (service and HTTP tests)."""
    return live_ca()


@pytest.fixture
async def conn(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """One connection of the application role."""
    async with pool.acquire() as connection:
        yield connection


@pytest.fixture
async def world(conn: asyncpg.Connection, ca: DemoCA) -> World:
    """Everyone a tender involves (see world.py)."""
    return await build_world(conn, ca)
