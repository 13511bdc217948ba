"""The bidder's lot page may connect to the upload workers' address and nowhere else
(web/bids/pages.py; docs/formats/upload.md §2.2): its CSP names that origin in
``connect-src`` when it is not the site's."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import cast

import asyncpg
import httpx
import pytest
from starlette.applications import Starlette

from tests.tender.world import World, published_tender
from tests.web.bids.kit import fixture_settings
from tests.web.tender.http_kit import fixture_http_ca, fixture_web_world
from tests.web.tender.test_pages import sign_in
from web.app import create_app
from web.settings import Settings

__all__ = ["fixture_http_ca", "fixture_settings", "fixture_web_world"]

WORKERS = "http://127.0.0.1:8001"


@pytest.fixture
async def app(settings: Settings, pool: asyncpg.Pool) -> AsyncIterator[Starlette]:
    """The site as `etender serve` runs it with upload workers on another port."""
    application = create_app(dataclasses.replace(settings, upload_url=WORKERS), pool=pool)
    async with application.router.lifespan_context(application):
        yield application


async def test_the_lot_page_may_connect_to_the_upload_address_only(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World
) -> None:
    """CSP: the site's policy plus ``connect-src 'self' <upload origin>``; other pages
    keep the site's policy (no connect-src beyond 'self')."""
    async with pool.acquire() as proxy:
        tender = await published_tender(cast(asyncpg.Connection, proxy), web_world)
    await sign_in(client, "bidder1")
    page = await client.get(f"/bidder/bids/{tender.id}/lots/1")
    csp = page.headers["content-security-policy"]
    assert csp.startswith("default-src 'self'; script-src 'self';")
    assert csp.endswith(f"; connect-src 'self' {WORKERS}")
    mine = await client.get("/bidder/bids")
    assert "connect-src" not in mine.headers["content-security-policy"]
