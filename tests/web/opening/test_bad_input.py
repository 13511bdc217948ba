"""Bad input on every opening endpoint: its own clear error, and nothing stored."""

from __future__ import annotations

import uuid
from typing import Any, cast

import asyncpg
import httpx
import pytest

from tests.accounts.factory import PASSWORD
from tests.tender.world import World, published_tender
from tests.web.tender.http_kit import bearer, fixture_http_ca, fixture_settings, fixture_web_world

__all__ = ["fixture_http_ca", "fixture_settings", "fixture_web_world"]

UNKNOWN = str(uuid.UUID(int=42))
PART = f"1.{UNKNOWN}.main"
KEY = "AAAAAAAAAAAAAAAAAAAAAA=="

# name: (path under the tender, a valid body, a wrongly typed body, who)
ENDPOINTS: dict[str, tuple[str, dict[str, Any], dict[str, Any], str]] = {
    "shares": ("/opening/shares", {"lot": "1", "releases": [{"part_id": PART, "share": KEY}]},
               {"lot": 1, "releases": []}, "official1"),
    "self_key": ("/lots/1/opening/self-key", {"part": "main", "file_key": KEY},
                 {"part": "main", "file_key": 16}, "bidder1"),
    "confirm": ("/lots/1/opening/confirm", {"signature": KEY}, {"signature": [KEY]}, "bidder1"),
    "objection": ("/lots/1/opening/objections", {"text": "异议"}, {"text": None}, "bidder1"),
    "answer": (f"/lots/1/opening/objections/{UNKNOWN}/answer", {"answer": "答复"},
               {"answer": 3}, "staff"),
    "commercial": ("/lots/1/opening/commercial", {}, {}, "staff"),
}  # fmt: skip
TABLES = ("opening_releases", "opening_self_keys", "opening_results", "opening_records",
          "opening_responses", "opening_stages")  # fmt: skip


async def _rows(pool: asyncpg.Pool) -> list[int]:
    async with pool.acquire() as conn:
        return [await conn.fetchval(f"SELECT count(*) FROM {t}") for t in TABLES]


async def _token(client: httpx.AsyncClient, username: str) -> str:
    response = await client.post(
        "/api/v1/auth/login", json={"username": username, "password": PASSWORD}
    )
    token: str = response.json()["token"]
    return token


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
async def test_bad_input_gets_its_own_code_and_stores_nothing(
    name: str, pool: asyncpg.Pool, web_world: World, client: httpx.AsyncClient
) -> None:
    """Malformed JSON, wrong types, unknown tender and lot, too early: each refused."""
    async with pool.acquire() as proxy:
        tender = await published_tender(cast(asyncpg.Connection, proxy), web_world)
    path, body, wrong, who = ENDPOINTS[name]
    headers = bearer(await _token(client, who)) | {"Content-Type": "application/json"}
    base = f"/api/v1/tenders/{tender.id}"
    before = await _rows(pool)

    async def post(url: str, **kwargs: Any) -> tuple[int, str]:
        response = await client.post(url, headers=headers, **kwargs)
        return response.status_code, response.json()["error"]["code"]

    if name != "commercial":  # the one endpoint without a body
        assert await post(base + path, content=b"{not json") == (400, "malformed_json")
        assert await post(base + path, json=wrong) == (422, "request_invalid")
    unknown = await post(f"/api/v1/tenders/{UNKNOWN}{path}", json=body)
    assert unknown == (404, "tender_not_found")
    if "/lots/1/" in path:
        other_lot = await post(base + path.replace("/lots/1/", "/lots/7/"), json=body)
        assert other_lot == (404, "tender_lot_not_found")
    early = await post(base + path, json=body)
    assert early[0] in (403, 404, 409, 422)
    assert early[1] in (
        "opening_release_too_early",
        "opening_record_not_found",
        "permission_denied",
        "opening_objection_not_found",
    )
    assert await _rows(pool) == before
