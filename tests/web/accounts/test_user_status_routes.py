"""POST /api/v1/users/{id}/disable and /enable: the system administrator's, logged,
the user's tokens ended; administrators only by the console."""

from __future__ import annotations

import uuid

import asyncpg
import httpx
import pytest

from tests.accounts.factory import PASSWORD
from tests.web.accounts.page_kit import (
    Admins,
    fixture_admins,
    log_kinds,
)

__all__ = ["fixture_admins"]
from tests.web.test_auth import bearer, login


async def _token(client: httpx.AsyncClient, username: str) -> dict[str, str]:
    return bearer(await login(client, username))


async def test_a_disabled_users_token_ends_and_enabling_lets_it_log_in_again(
    client: httpx.AsyncClient, pool: asyncpg.Pool, admins: Admins
) -> None:
    """The body is the UserBody; the bidder's token is refused at once; both logged."""
    sysadmin = await _token(client, "sysadmin")
    bidder = await _token(client, "bidder1")
    answer = await client.post(f"/api/v1/users/{admins.bidder.id}/disable", headers=sysadmin)
    assert answer.status_code == 200
    assert answer.json()["status"] == "disabled"
    assert answer.json()["username"] == "bidder1"
    refused = await client.get("/api/v1/me", headers=bidder)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "session_expired"
    login = await client.post(
        "/api/v1/auth/login", json={"username": "bidder1", "password": PASSWORD}
    )
    assert login.json()["error"]["code"] == "credentials_invalid"
    enabled = await client.post(f"/api/v1/users/{admins.bidder.id}/enable", headers=sysadmin)
    assert enabled.json()["status"] == "active"
    assert (await client.get("/api/v1/me", headers=bidder)).status_code == 401  # stays ended
    assert (await client.get("/api/v1/me", headers=await _token(client, "bidder1"))).is_success
    async with pool.acquire() as conn:
        kinds = await log_kinds(conn)
    assert kinds.index("account.user_disabled") < kinds.index("account.user_enabled")


@pytest.mark.parametrize(
    ("who", "target", "status", "code"),
    [
        ("secadmin", "bidder", 403, "permission_denied"),
        ("bidder1", "bidder", 403, "permission_denied"),
        ("sysadmin", "auditadmin", 403, "permission_denied"),
        ("sysadmin", "sysadmin", 403, "permission_denied"),
        ("sysadmin", "nobody", 404, "user_not_found"),
    ],
)
async def test_disabling_is_refused_to_others_and_for_administrators(
    client: httpx.AsyncClient, admins: Admins, who: str, target: str, status: int, code: str
) -> None:
    """三员分立 and permission before existence; nothing changes."""
    user_id = getattr(admins, target).id if target != "nobody" else uuid.uuid4()
    answer = await client.post(
        f"/api/v1/users/{user_id}/disable", headers=await _token(client, who)
    )
    assert answer.status_code == status
    assert answer.json()["error"]["code"] == code


async def test_a_malformed_user_id_is_request_invalid(
    client: httpx.AsyncClient, admins: Admins
) -> None:
    sysadmin = await _token(client, "sysadmin")
    answer = await client.post("/api/v1/users/not-a-uuid/enable", headers=sysadmin)
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "request_invalid"
