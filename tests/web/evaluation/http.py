"""Helpers of the evaluation HTTP tests: the core's stand-in handed to the app, logins,
error codes. Test modules import the fixtures they use."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import cast

import asyncpg
import httpx
import pytest

from tests.accounts.factory import PASSWORD
from tests.tender.world import World
from tests.web.evaluation.kit import SessionStandIn, SessionWorld, session_world
from tests.web.tender.http_kit import bearer
from web.evaluation import core


@pytest.fixture(name="stand_in")
def fixture_stand_in(monkeypatch: pytest.MonkeyPatch) -> SessionStandIn:
    """The core's reader and listings over the test's sessions (web/evaluation/core.py)."""
    found = SessionStandIn()
    monkeypatch.setattr(core, "CORE", found)
    return found


@pytest.fixture(name="conn")
async def fixture_conn(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """One connection of the application role."""
    async with pool.acquire() as connection:
        yield cast(asyncpg.Connection, connection)


@pytest.fixture(name="sw")
async def fixture_sw(
    conn: asyncpg.Connection, web_world: World, stand_in: SessionStandIn
) -> SessionWorld:
    """A session in qualification review, known to the app."""
    built = await session_world(conn, web_world)
    built.stand_in = stand_in
    stand_in.add(built.state)
    return built


async def login(client: httpx.AsyncClient, username: str) -> dict[str, str]:
    """The bearer header of a user of the world."""
    response = await client.post(
        "/api/v1/auth/login", json={"username": username, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    return bearer(response.json()["token"])


def code(response: httpx.Response) -> tuple[int, str]:
    """Status and error code of a refusal."""
    return response.status_code, response.json()["error"]["code"]
