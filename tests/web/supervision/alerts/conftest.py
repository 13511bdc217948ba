"""Fixtures of the alert API and page tests: the alerts world with passwords."""

from __future__ import annotations

import asyncpg
import httpx
import pytest

from signing.demo_ca import DemoCA
from tests.accounts.factory import PASSWORD
from tests.supervision.alerts.kit import AlertsWorld, build
from tests.tender.conftest import ca

__all__ = ["aw", "ca", "tokens"]

USERS = ("supervisor", "othersupervisor", "staff", "agent", "bidder1")


@pytest.fixture
async def aw(pool: asyncpg.Pool, ca: DemoCA) -> AlertsWorld:
    async with pool.acquire() as conn:
        return await build(conn, ca, passwords=True)


@pytest.fixture
async def tokens(aw: AlertsWorld, client: httpx.AsyncClient) -> dict[str, dict[str, str]]:
    """The Authorization header of each user who calls the API."""
    found = {}
    for username in USERS:
        response = await client.post(
            "/api/v1/auth/login", json={"username": username, "password": PASSWORD}
        )
        assert response.status_code == 200, response.text
        found[username] = {"Authorization": f"Bearer {response.json()['token']}"}
    return found
