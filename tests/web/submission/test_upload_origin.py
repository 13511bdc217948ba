"""An upload records where it came from: the address and the client's installation id
(docs/formats/upload.md §2.1; Reg. 40 indicators read by supervision/monitoring)."""

from __future__ import annotations

import hashlib

import asyncpg
import httpx

from tender.model import Tender
from tests.tender.submission.kit import bidder, seal_for, sealed_committee
from tests.tender.world import World, published_tender
from tests.web.tender.http_kit import (
    bearer,
    fixture_http_ca,  # noqa: F401
    fixture_settings,  # noqa: F401
    fixture_tokens,  # noqa: F401
    fixture_web_world,  # noqa: F401
)

INSTALLATION = "k3J9-installation_0001"


async def _body(pool: asyncpg.Pool, web_world: World) -> tuple[Tender, dict[str, object]]:
    async with pool.acquire() as conn:
        tender = await published_tender(conn, web_world)
        data = seal_for(web_world, await sealed_committee(conn, tender), bidder(web_world, 0))
    return tender, {"part": "main", "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


async def test_an_upload_records_its_network_address_and_installation_id(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str]
) -> None:
    tender, body = await _body(pool, web_world)
    created = await client.post(
        f"/api/v1/tenders/{tender.id}/lots/1/uploads",
        json=body | {"installation": INSTALLATION}, headers=bearer(tokens["bidder1"]),
    )  # fmt: skip
    assert created.status_code == 201, created.text
    assert "installation" not in created.json()  # recorded, never echoed
    async with pool.acquire() as conn:
        row = await conn.fetchrow(
            "SELECT host(client_address) AS address, client_installation FROM bid_uploads"
            " WHERE id = $1",
            created.json()["id"],
        )
    assert row is not None
    assert row["client_installation"] == INSTALLATION
    assert row["address"] == "192.0.2.10"  # the test client's (http_kit)


async def test_a_malformed_installation_id_is_refused_and_nothing_is_recorded(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str]
) -> None:
    tender, body = await _body(pool, web_world)
    answer = await client.post(
        f"/api/v1/tenders/{tender.id}/lots/1/uploads",
        json=body | {"installation": "short"}, headers=bearer(tokens["bidder1"]),
    )  # fmt: skip
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "bid_upload_input_invalid"
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM bid_uploads") == 0
