"""The tender's ``signing_keys`` over HTTP (issue 12): "any" by default, so nothing sent
before changes; "ca" stored and shown; anything else refused."""

from __future__ import annotations

import asyncpg
import httpx

from tests.tender.world import World
from tests.web.tender.http_kit import (  # noqa: F401  (fixtures)
    bearer,
    draft_json,
    fixture_http_ca,
    fixture_settings,
    fixture_tokens,
    fixture_web_world,
)


async def test_signing_keys_default_to_any_and_ca_is_kept(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str]
) -> None:
    """A draft without the field answers "any"; one with "ca" answers and reads "ca"."""
    body = await draft_json(pool, web_world)
    plain = await client.post("/api/v1/tenders", json=body, headers=bearer(tokens["agent"]))
    assert plain.status_code == 201, plain.text
    assert plain.json()["signing_keys"] == "any"
    strict = await client.post(
        "/api/v1/tenders", json={**body, "signing_keys": "ca"}, headers=bearer(tokens["agent"])
    )
    assert strict.status_code == 201, strict.text
    shown = await client.get(
        f"/api/v1/tenders/{strict.json()['id']}", headers=bearer(tokens["agent"])
    )
    assert shown.json()["signing_keys"] == "ca"


async def test_other_signing_keys_are_request_invalid(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str]
) -> None:
    body = await draft_json(pool, web_world)
    answer = await client.post(
        "/api/v1/tenders", json={**body, "signing_keys": "browser"}, headers=bearer(tokens["agent"])
    )
    assert (answer.status_code, answer.json()["error"]["code"]) == (422, "request_invalid")
