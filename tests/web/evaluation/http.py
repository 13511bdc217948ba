"""Helpers of the evaluation HTTP tests: logins and error codes."""

from __future__ import annotations

import httpx

from accounts.model import Actor
from tests.accounts.factory import PASSWORD
from tests.web.tender.http_kit import bearer


async def login(client: httpx.AsyncClient, who: str | Actor) -> dict[str, str]:
    """The bearer header of a user of the world (by username or actor)."""
    username = who if isinstance(who, str) else who.username
    response = await client.post(
        "/api/v1/auth/login", json={"username": username, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    return bearer(response.json()["token"])


async def get(client: httpx.AsyncClient, url: str, who: str | Actor | None) -> httpx.Response:
    """GET as ``who`` (None: anonymous)."""
    headers = await login(client, who) if who is not None else {}
    return await client.get(url, headers=headers)


def code(response: httpx.Response) -> tuple[int, str]:
    """Status and error code of a refusal."""
    return response.status_code, response.json()["error"]["code"]
