"""A draft does not exist for anyone who may not read it (docs/api-tenders.md,
Permissions): its opening hall, the hall's API, its record and the observer view answer
exactly as for an id never issued — 404 tender_not_found, never tender_lot_not_found."""

from __future__ import annotations

import html
import uuid
from typing import cast

import asyncpg
import httpx
import pytest
from starlette.applications import Starlette

from tender import service
from tests.tender.world import World, fast_draft
from tests.web.accounts.page_kit import signed_in
from tests.web.tender.http_kit import fixture_http_ca, fixture_settings, fixture_web_world
from web import errortext

__all__ = ["fixture_http_ca", "fixture_settings", "fixture_web_world"]

PAGES = ("/lots/1/opening-hall", "/lots/1/opening-observe")
CODES = ("tender_not_found", "tender_lot_not_found")
API = ("/lots/1/opening/hall", "/opening-record", "/opening-record.pdf")


def _code(answer: httpx.Response) -> str:
    """The API's code; a page's by the catalogue's message it shows (Chinese)."""
    if answer.headers["content-type"].startswith("application/json"):
        code: str = answer.json()["error"]["code"]
        return code
    shown = html.unescape(answer.text)
    return next(c for c in CODES if errortext.text(c, "zh-CN") in shown)


@pytest.mark.parametrize("who", ["bidder1", "otheragent"])
async def test_a_draft_hall_answers_as_an_unknown_tender_to_outsiders(
    app: Starlette, pool: asyncpg.Pool, web_world: World, who: str
) -> None:
    async with pool.acquire() as proxy:
        conn = cast(asyncpg.Connection, proxy)
        draft = await service.create_draft(
            conn, web_world.agency, await fast_draft(conn, web_world)
        )
    nowhere = uuid.uuid4()
    async with signed_in(app, who) as outsider:
        for tail in PAGES + API:
            prefix = "/api/v1" if tail in API else ""
            for tender in (draft.id, nowhere):
                answer = await outsider.get(f"{prefix}/tenders/{tender}{tail}")
                assert answer.status_code == 404, (tail, answer.text)
                assert _code(answer) == "tender_not_found", (tail, tender)
