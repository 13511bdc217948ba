"""The bidder's pages over HTTP (web/bids/pages.py): the home card links "my bids"; a
bidder sees its lot page with the facts its script needs (its own credit code, the
ceiling, the fields, the parts, the sealing policy), the tenders taking bids and its
own bids only; anyone but a bidder is refused in the page's language, a visitor sent
to sign in; an unknown, malformed or draft tender and an unknown lot are not found;
another bidder's bid, receipts and uploads are not found to the page's calls."""

from __future__ import annotations

import html
import json
import re
from typing import Any, cast

import asyncpg
import httpx
import pytest

from tender import service
from tests.tender.submission.kit import bidder as make_bidder
from tests.tender.submission.kit import (
    make_submission,
    seal_for,
    sealed_committee,
    submit_sealed,
    upload,
)
from tests.tender.world import World, fast_draft, published_tender
from tests.web.bids.kit import fixture_settings
from tests.web.tender.http_kit import fixture_http_ca, fixture_web_world
from tests.web.tender.test_pages import sign_in
from web.settings import Settings

__all__ = ["fixture_http_ca", "fixture_settings", "fixture_web_world"]


def facts_of(page: str) -> dict[str, Any]:
    found = re.search(r'data-facts="([^"]+)"', page)
    assert found is not None
    facts: dict[str, Any] = json.loads(html.unescape(found.group(1)))
    return facts


async def test_the_bidders_home_card_opens_my_bids_and_the_keys_page(
    client: httpx.AsyncClient, web_world: World
) -> None:
    await sign_in(client, "bidder1")
    home = await client.get("/home")
    assert 'href="/bidder/bids"' in home.text
    assert 'href="/me/keys"' in home.text
    assert "/api/v1/openapi.json" not in home.text


async def test_a_bidder_sees_the_tenders_taking_bids_and_its_lot_page(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World
) -> None:
    async with pool.acquire() as proxy:
        tender = await published_tender(cast(asyncpg.Connection, proxy), web_world)
    await sign_in(client, "bidder1")
    mine = await client.get("/bidder/bids")
    assert mine.status_code == 200
    assert f'href="/bidder/bids/{tender.id}/lots/1"' in mine.text
    assert 'id="no-bids"' in mine.text
    page = await client.get(f"/bidder/bids/{tender.id}/lots/1")
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "<script>" not in page.text  # no inline script (the CSP forbids it)
    # F6: the page names its icon (no /favicon.ico 404 in the console), and it is served.
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page.text
    icon = await client.get("/static/favicon.svg")
    assert (icon.status_code, icon.headers["content-type"]) == (200, "image/svg+xml")
    facts = facts_of(page.text)
    assert facts["bidder"] == web_world.bidder_orgs[0].credit_code
    assert facts["tender"] == tender.code
    assert facts["ceiling_fen"] == 480_000_000
    assert facts["parts"] == ["main"]
    assert facts["sealing"] == "any"
    assert facts["taking_bids"] is True
    assert [f["name"] for f in facts["fields"]][:2] == ["price", "duration"]
    assert "¥4,800,000.00" in page.text
    assert "（北京时间）" in page.text
    # The steps are numbered without a gap (F6: 3 was followed by 5).
    steps = re.findall(r'<h2 id="[a-z]+-title">(\d+)\. ', page.text)
    assert steps == ["1", "2", "3", "4"]
    client.cookies.set("lang", "en")
    english = await client.get(f"/bidder/bids/{tender.id}/lots/1")
    assert "Price ceiling" in english.text
    assert "Sign and submit" in english.text


async def test_anyone_but_a_bidder_is_refused_and_a_visitor_sent_to_sign_in(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World
) -> None:
    async with pool.acquire() as proxy:
        tender = await published_tender(cast(asyncpg.Connection, proxy), web_world)
    for path in ("/bidder/bids", f"/bidder/bids/{tender.id}/lots/1"):
        visitor = await client.get(path)
        assert (visitor.status_code, visitor.headers["location"]) == (303, "/login")
    await sign_in(client, "agent")
    for path in ("/bidder/bids", f"/bidder/bids/{tender.id}/lots/1"):
        refused = await client.get(path)
        assert refused.status_code == 403
        assert 'data-code="permission_denied"' in refused.text
        assert "data-facts" not in refused.text


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("/bidder/bids/00000000-0000-4000-8000-000000000000/lots/1", "tender_not_found"),
        ("/bidder/bids/not-a-uuid/lots/1", "not_found"),
        ("{tender}/lots/9", "tender_lot_not_found"),
        ("{draft}/lots/1", "tender_not_found"),
    ],
)
async def test_an_unknown_tender_or_lot_and_a_draft_are_not_found(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World, path: str, code: str
) -> None:
    async with pool.acquire() as proxy:
        conn = cast(asyncpg.Connection, proxy)
        tender = await published_tender(conn, web_world)
        draft = await service.create_draft(
            conn, web_world.agency, await fast_draft(conn, web_world)
        )
    await sign_in(client, "bidder1")
    target = path.format(tender=f"/bidder/bids/{tender.id}", draft=f"/bidder/bids/{draft.id}")
    page = await client.get(target)
    assert page.status_code == 404
    assert f'data-code="{code}"' in page.text


async def test_another_bidders_bid_receipts_and_uploads_are_not_found_to_the_page(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World, settings: Settings
) -> None:
    """Bidder 1 bid; bidder 2's page and its calls see nothing of it."""
    sub = make_submission(web_world, settings.data_dir)
    first = make_bidder(web_world, 0)
    async with pool.acquire() as proxy:
        conn = cast(asyncpg.Connection, proxy)
        tender = await published_tender(conn, web_world)
        await submit_sealed(conn, pool, sub, web_world, tender, first)
        again = seal_for(web_world, await sealed_committee(conn, tender), first, price=99_000)
        staged = await upload(conn, pool, sub, tender, first, again)
    await sign_in(client, "bidder2")
    page = await client.get(f"/bidder/bids/{tender.id}/lots/1")
    assert page.status_code == 200
    assert facts_of(page.text)["bidder"] == web_world.bidder_orgs[1].credit_code
    base = f"/api/v1/tenders/{tender.id}/lots/1"
    for path, code in (
        (f"{base}/bid", "bid_not_found"),
        (f"{base}/bid/receipts/1", "bid_not_found"),
        (f"{base}/bid/receipts/1/pdf", "bid_not_found"),
        (f"/api/v1/uploads/{staged.id}", "bid_upload_not_found"),
    ):
        answer = await client.get(path)
        assert (answer.status_code, answer.json()["error"]["code"]) == (404, code), path


async def test_the_keys_page_offers_the_age_identity_to_a_bidder_only(
    client: httpx.AsyncClient, web_world: World
) -> None:
    """Issue 16 item 1: a bidder makes its age identity on /me/keys; the subject of its
    current certificate (the recipient statement names it) comes from GET /api/v1/me/keys
    at the click, so a key registered on the page a moment ago counts (F3)."""
    await sign_in(client, "bidder1")
    page = await client.get("/me/keys")
    assert 'id="age-section"' in page.text
    assert "/static/js/keys-age.js" in page.text
    assert "data-subjects" not in page.text
    keys = (await client.get("/api/v1/me/keys")).json()
    assert [c["subject"] for c in keys["certificates"] if c["current"]] == ["投标人0"]
    client.cookies.clear()
    await sign_in(client, "agent")
    other = await client.get("/me/keys")
    assert 'id="age-section"' not in other.text
    assert "keys-age.js" not in other.text
