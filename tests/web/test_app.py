"""The composition root: the bid-submission routes have their own connection pool."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid

import httpx

from web.app import create_app
from web.settings import Settings


async def test_a_rush_holding_every_upload_connection_leaves_the_site_its_own(
    settings: Settings,
) -> None:
    """With the bulkhead exhausted, a public read still answers; a bid route waits for a
    bulkhead connection, not for one of the site's (settings.db_upload_pool_size)."""
    app = create_app(dataclasses.replace(settings, db_pool_size=3, db_upload_pool_size=2))
    async with app.router.lifespan_context(app):
        assert app.state.upload_pool is not app.state.pool
        assert (app.state.pool.get_max_size(), app.state.upload_pool.get_max_size()) == (3, 2)
        transport = httpx.ASGITransport(app=app, client=("192.0.2.10", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            held = [await app.state.upload_pool.acquire() for _ in range(2)]
            try:
                waiting = asyncio.create_task(c.get(f"/api/v1/uploads/{uuid.uuid4()}"))
                public = await c.get(f"/api/v1/tenders/{uuid.uuid4()}")
                assert public.json()["error"]["code"] == "tender_not_found"
                done, _ = await asyncio.wait({waiting}, timeout=1.0)
                assert not done  # queued for the bulkhead
            finally:
                for conn in held:
                    await app.state.upload_pool.release(conn)
            answered = await waiting
            assert answered.json()["error"]["code"] == "unauthenticated"
