"""GET /api/v1/me/vault-key: the server's half of a member's browser vault
(docs/browser-signing.md §3). Only the signed-in member gets it; it is made once and
never changes; each member has their own; it is never logged nor in the transparency log."""

from __future__ import annotations

import base64
import logging

import asyncpg
import httpx
import pytest

from accounts.model import OrgKind, Role
from tests.web.keys.test_routes import Member, _log_size, _member


def _key(response: httpx.Response) -> bytes:
    assert response.status_code == 200, response.text
    text = response.json()["key"]
    assert "=" not in text
    key = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    assert len(key) == 32
    return key


async def test_the_vault_key_needs_a_session(client: httpx.AsyncClient) -> None:
    refused = await client.get("/api/v1/me/vault-key")
    assert refused.status_code == 401
    assert "key" not in refused.json()


async def test_a_member_gets_the_same_key_every_time_and_another_member_another(
    client: httpx.AsyncClient, pool: asyncpg.Pool, caplog: pytest.LogCaptureFixture
) -> None:
    """Made on first use, then the same; never cached, never logged, nothing appended
    to the transparency log."""
    first: Member = await _member(pool, client, OrgKind.BIDDER, Role.BIDDER)
    second: Member = await _member(pool, client, OrgKind.BIDDER, Role.BIDDER)
    before = await _log_size(pool)
    with caplog.at_level(logging.DEBUG):
        answer = await client.get("/api/v1/me/vault-key", headers=first.headers)
        key = _key(answer)
        assert answer.headers["cache-control"] == "no-store"
        assert _key(await client.get("/api/v1/me/vault-key", headers=first.headers)) == key
        other = _key(await client.get("/api/v1/me/vault-key", headers=second.headers))
    assert other != key
    for secret in (key, other):
        assert base64.urlsafe_b64encode(secret).rstrip(b"=").decode() not in caplog.text
        assert secret.hex() not in caplog.text
    assert await _log_size(pool) == before


@pytest.mark.parametrize(
    "statement",
    ["UPDATE user_vault_keys SET key = key", "DELETE FROM user_vault_keys"],
)
async def test_the_app_role_only_makes_and_reads_vault_keys(
    pool: asyncpg.Pool, statement: str
) -> None:
    """Migration 0070: a changed or deleted vault key would make a member's sealed sheets
    in the browser unreadable before the reveal; the application may insert and select."""
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT current_user") == "etender_app"
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="user_vault_keys"):
            await conn.execute(statement)
