"""The upload workers' application (web/submission/upload_app.py) in-process: the same
answers as the site for an upload, CORS for the site's pages only, nothing else served;
the site names the workers' address (docs/formats/upload.md §2.2)."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest
from starlette.applications import Starlette

from tests.tender.submission.kit import bidder, seal_for, sealed_committee
from tests.tender.world import World, published_tender
from tests.web.tender.http_kit import (
    bearer,
    fixture_http_ca,  # noqa: F401
    fixture_settings,  # noqa: F401
    fixture_tokens,  # noqa: F401
    fixture_web_world,  # noqa: F401
)
from web.app import create_app
from web.settings import Settings
from web.submission.upload_app import create_upload_app

WORKERS = "http://127.0.0.1:8001"
SITE = "http://127.0.0.1:8000"  # Settings' default public URL: the site's origin


@pytest.fixture
async def worker(settings: Settings, pool: asyncpg.Pool) -> AsyncIterator[httpx.AsyncClient]:
    """An upload worker's app on the test's pool, reached as the workers' address."""
    app: Starlette = create_upload_app(settings, pool=pool)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("192.0.2.11", 50001))
        async with httpx.AsyncClient(transport=transport, base_url=WORKERS) as c:
            yield c


async def _upload(client: httpx.AsyncClient, pool: asyncpg.Pool, world: World, token: str
                  ) -> tuple[dict[str, object], bytes]:  # fmt: skip
    async with pool.acquire() as conn:
        tender = await published_tender(conn, world)
        data = seal_for(world, await sealed_committee(conn, tender), bidder(world, 0))
    body = {"part": "main", "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    created = await client.post(
        f"/api/v1/tenders/{tender.id}/lots/1/uploads", json=body, headers=bearer(token)
    )
    assert created.status_code == 201, created.text
    answer: dict[str, object] = created.json()
    return answer, data


async def test_an_upload_through_the_worker_completes_and_another_bidder_gets_404(
    client: httpx.AsyncClient, worker: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World,
    tokens: dict[str, str],
) -> None:  # fmt: skip
    """PUT and GET on the worker answer as the site does; another organisation's upload
    id is the site's 404 bid_upload_not_found, on GET and on PUT."""
    created, data = await _upload(client, pool, web_world, tokens["bidder1"])
    path = f"/api/v1/uploads/{created['id']}"
    stranger = bearer(tokens["bidder2"])
    for method in ("GET", "PUT"):
        on_site = await client.request(method, f"{path}?offset=0", headers=stranger)
        on_worker = await worker.request(method, f"{path}?offset=0", headers=stranger)
        assert on_worker.status_code == on_site.status_code == 404
        assert on_worker.json()["error"]["code"] == on_site.json()["error"]["code"]
        assert on_worker.json()["error"]["code"] == "bid_upload_not_found"
    auth = bearer(tokens["bidder1"])
    first = await worker.put(f"{path}?offset=0", content=data[:500], headers=auth)
    assert (first.status_code, first.json()["offset"]) == (200, 500)
    rest = await worker.put(f"{path}?offset=500", content=data[500:], headers=auth)
    assert rest.json()["status"] == "complete"
    assert (await client.get(path, headers=auth)).json()["status"] == "complete"


async def test_the_site_names_itself_without_workers_and_the_workers_when_set(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str],
    settings: Settings,
) -> None:  # fmt: skip
    """upload_url: the request's own base without workers; ETENDER_UPLOAD_URL with them."""
    created, _ = await _upload(client, pool, web_world, tokens["bidder1"])
    assert created["upload_url"] == f"http://testserver/api/v1/uploads/{created['id']}"
    app = create_app(dataclasses.replace(settings, upload_url=WORKERS), pool=pool)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as site,
    ):
        again = await site.get(f"/api/v1/uploads/{created['id']}",
                               headers=bearer(tokens["bidder1"]))  # fmt: skip
    assert again.json()["upload_url"] == f"{WORKERS}/api/v1/uploads/{created['id']}"


async def test_cors_admits_the_site_origin_only(worker: httpx.AsyncClient) -> None:
    """A preflight from the site's pages is answered; another origin gets no CORS header."""
    ask = {"Access-Control-Request-Method": "PUT",
           "Access-Control-Request-Headers": "content-type, x-csrf-token"}  # fmt: skip
    path = "/api/v1/uploads/00000000-0000-0000-0000-000000000000"
    ok = await worker.options(path, headers={**ask, "Origin": SITE})
    assert ok.status_code == 204
    assert ok.headers["access-control-allow-origin"] == SITE
    assert ok.headers["access-control-allow-credentials"] == "true"
    assert "x-csrf-token" in ok.headers["access-control-allow-headers"]
    assert "PUT" in ok.headers["access-control-allow-methods"]
    evil = await worker.options(path, headers={**ask, "Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in evil.headers
    answered = await worker.get(path, headers={"Origin": SITE})
    assert answered.status_code == 401  # unauthenticated, and the page may read why
    assert answered.headers["access-control-allow-origin"] == SITE
    assert "retry-after" in answered.headers["access-control-expose-headers"]


async def test_the_worker_serves_uploads_only(worker: httpx.AsyncClient) -> None:
    """Any other path is 404 not_found in the one error body; POST on an upload is 405."""
    other = await worker.get("/api/v1/tenders")
    assert (other.status_code, other.json()["error"]["code"]) == (404, "not_found")
    wrong = await worker.post("/api/v1/uploads/00000000-0000-0000-0000-000000000000")
    assert wrong.status_code == 405
    assert wrong.headers["allow"] == "GET, PUT"
    # A trailing slash is no upload either: 404, never a redirect built from the Host
    # header (an outside tester's finding); every answer has the site's request id and
    # nosniff (docs/formats/upload.md §2.2).
    slash = await worker.put(
        "/api/v1/uploads/00000000-0000-0000-0000-000000000000/",
        headers={"Host": "evil.example"},
    )
    assert (slash.status_code, slash.json()["error"]["code"]) == (404, "not_found")
    assert "location" not in slash.headers
    for answer in (other, wrong, slash, await worker.get("/healthz")):
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["x-request-id"]
