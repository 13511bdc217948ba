"""A bid submitted over HTTP moves no series of /metrics (issue 9, item 11)."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest
from starlette.applications import Starlette

from tests.tender.submission.kit import bidder, seal_for, sealed_committee, sign_submit
from tests.tender.world import World, published_tender
from tests.web.tender.http_kit import (
    bearer,
    fixture_http_ca,  # noqa: F401
    fixture_settings,  # noqa: F401
    fixture_tokens,  # noqa: F401
    fixture_web_world,  # noqa: F401
)


@pytest.fixture
async def local(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """A client on the server's own host, which may read /metrics."""
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


async def series(local: httpx.AsyncClient) -> dict[str, str]:
    """Every sample of /metrics but those of /metrics itself (each scrape counts)."""
    text = (await local.get("/metrics")).text
    samples = (
        line.rsplit(" ", 1)
        for line in text.splitlines()
        if line and not line.startswith("#") and 'route="/metrics"' not in line
    )
    return {name: value for name, value in samples if "_created{" not in name}


async def test_uploading_and_submitting_a_bid_moves_no_metric(
    client: httpx.AsyncClient,
    local: httpx.AsyncClient,
    pool: asyncpg.Pool,
    web_world: World,
    tokens: dict[str, str],
) -> None:
    """Open an upload, send the part, submit, read the receipt: every answer 2xx, and no
    series of /metrics changed — none counts bids before the deadline."""
    async with pool.acquire() as conn:
        tender = await published_tender(conn, web_world)
        who = bidder(web_world, 0)
        data = seal_for(web_world, await sealed_committee(conn, tender), who)
    digest = hashlib.sha256(data).hexdigest()
    auth = bearer(tokens["bidder1"])
    lot = f"/api/v1/tenders/{tender.id}/lots/1"
    before = await series(local)
    created = await client.post(
        f"{lot}/uploads", json={"part": "main", "size": len(data), "sha256": digest}, headers=auth
    )
    assert created.status_code == 201, created.text
    upload = f"/api/v1/uploads/{created.json()['id']}"
    sent = await client.put(f"{upload}?offset=0", content=data, headers=auth)
    assert sent.json()["status"] == "complete"
    signed = sign_submit(tender, who, {"main": digest})
    statement = {
        "statement": base64.b64encode(signed.body).decode(),
        "signature": base64.b64encode(signed.signature).decode(),
    }
    submitted = await client.post(f"{lot}/bid", json=statement, headers=auth)
    assert submitted.status_code == 201, submitted.text
    assert (await client.get(f"{lot}/bid/receipts/1", headers=auth)).status_code == 200
    after = await series(local)
    assert {k: v for k, v in after.items() if before.get(k) != v} == {}
