"""The composition root: the bid-submission routes have their own connection pool."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import uuid

import httpx
import pytest
import websockets

from tests.conftest import LiveServer
from web.app import create_app
from web.services import services
from web.settings import Settings


async def test_a_rush_holding_every_upload_connection_leaves_the_site_its_own(
    settings: Settings,
) -> None:
    """With the bulkhead exhausted, a public read still answers; a bid route waits for a
    bulkhead connection, not for one of the site's (settings.db_upload_pool_size)."""
    app = create_app(dataclasses.replace(settings, db_pool_size=3, db_upload_pool_size=2))
    async with app.router.lifespan_context(app):
        assert services(app).pools.upload is not services(app).pools.main
        assert (
            services(app).pools.main.get_max_size(),
            services(app).pools.upload.get_max_size(),
        ) == (3, 2)
        transport = httpx.ASGITransport(app=app, client=("192.0.2.10", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            held = [await services(app).pools.upload.acquire() for _ in range(2)]
            try:
                waiting = asyncio.create_task(c.get(f"/api/v1/uploads/{uuid.uuid4()}"))
                public = await c.get(f"/api/v1/tenders/{uuid.uuid4()}")
                assert public.json()["error"]["code"] == "tender_not_found"
                done, _ = await asyncio.wait({waiting}, timeout=1.0)
                assert not done  # queued for the bulkhead
            finally:
                for conn in held:
                    await services(app).pools.upload.release(conn)
            answered = await waiting
            assert answered.json()["error"]["code"] == "unauthenticated"


async def test_every_response_says_nosniff(client: httpx.AsyncClient) -> None:
    """Pages, JSON, errors, 404, 405 and static files all carry
    ``X-Content-Type-Options: nosniff`` (issue 9 item 18), once."""
    answers = [
        await client.get("/healthz"),
        await client.get("/login"),
        await client.get("/nope"),
        await client.post("/healthz"),
        await client.get("/static/etender.css"),
        await client.get("/static/missing.css"),
        await client.get(f"/api/v1/tenders/{uuid.uuid4()}"),
    ]
    for response in answers:
        assert response.headers.get_list("x-content-type-options") == ["nosniff"], (
            response.request.url
        )


async def test_a_websocket_refused_before_its_handshake_says_nosniff(
    live_server: LiveServer,
) -> None:
    """A WebSocket to no route is refused with an HTTP 403 carrying our headers and the
    one error body, not the server's bare one."""
    with pytest.raises(websockets.InvalidStatus) as refused:
        await websockets.connect(f"{live_server.ws_url}/no-such-socket")
    response = refused.value.response
    assert response.status_code == 403
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert json.loads(response.body)["error"]["code"] == "websocket_refused"


async def test_a_405_lists_every_allowed_method_of_the_path(client: httpx.AsyncClient) -> None:
    """``Allow`` names the methods of every route at the path (RFC 9110 §15.5.6), though
    each method is its own route."""
    wrong = await client.delete("/api/v1/organisations")
    assert wrong.status_code == 405
    assert wrong.headers["allow"] == "GET, HEAD, POST"
    assert wrong.json()["error"]["details"] == {"allowed": ["GET", "HEAD", "POST"]}
    assert (await client.post("/healthz")).headers["allow"] == "GET, HEAD"
    assert (await client.put("/login")).headers["allow"] == "GET, HEAD, POST"
    static = await client.post("/static/etender.css")
    assert (static.status_code, static.headers["allow"]) == (405, "GET, HEAD")
