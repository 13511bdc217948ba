"""A tender document's body arrives with no pooled connection held (issue 9, item 6):
an agency's stalled upload must not take one of the site's connections."""

from __future__ import annotations

import asyncio

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
from tests.web.test_form_body import RawClient, back_to, held, serve
from web.settings import Settings

PDF = b"%PDF-1.4 " + bytes(range(256)) * 64


async def _streaming(settings: Settings) -> None:
    """Wait (bounded, then fail) until the upload is past its checks and streaming: its
    staged file exists."""
    staging = settings.data_dir / "blobs" / "staging"
    async with asyncio.timeout(60):
        while not (staging.exists() and any(staging.iterdir())):  # noqa: ASYNC110 (a directory)
            await asyncio.sleep(0.01)


async def test_a_stalled_document_upload_holds_no_pooled_connection(
    client: httpx.AsyncClient,
    pool: asyncpg.Pool,
    settings: Settings,
    web_world: World,
    tokens: dict[str, str],
) -> None:
    """Checked, then streamed with no connection held (before the fix the upload held
    one until its last byte: the wait below ended in failure), then recorded: 201."""
    created = await client.post(
        "/api/v1/tenders", json=await draft_json(pool, web_world), headers=bearer(tokens["agent"])
    )
    path = f"/api/v1/tenders/{created.json()['id']}/documents?name=tender.pdf"
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {tokens['agent']}\r\nConnection: close\r\n"
        f"Content-Type: application/pdf\r\nContent-Length: {len(PDF)}\r\n\r\n"
    ).encode()
    async with serve(settings, pool) as server:
        idle = held(pool)
        raw = await RawClient.open(server.port)
        try:
            await raw.send(head + PDF[:100])
            await _streaming(settings)
            await back_to(pool, idle)
            assert held(pool) == idle
            await raw.send(PDF[100:])
            status, _, body = await raw.response()
        finally:
            await raw.close()
    assert status == 201, body
    listed = await client.get(
        f"/api/v1/tenders/{created.json()['id']}/documents", headers=bearer(tokens["agent"])
    )
    assert [d["version"] for d in listed.json()["items"]] == [1]
