"""The bidder's results page (issue 15, web/tender/my_results.py): its own
organisation's bids only, each lot's stage, its notices to download; the home card
links to it; anyone but a bidder is refused in the page's language."""

from __future__ import annotations

import datetime as dt
import re

import asyncpg
import httpx

from tender.award_notices import service
from tender.award_notices.model import Notice
from tender.award_notices.service import NoticeSigner
from tests.tender.award_notices.factory import award
from tests.tender.results.kit import Closed
from tests.web.tender.test_pages import sign_in
from web.pdf.award_notice import render_award_notice

DECIDED = dt.datetime(2026, 12, 7, 1, 30, tzinfo=dt.UTC)


async def issued(conn: asyncpg.Connection, closed: Closed) -> list[Notice]:
    """Award rows as the award writes them (tests/tender/award_notices/factory.py) and
    the notices issued for them."""
    await award(conn, closed, 1, 1, DECIDED)
    signer = NoticeSigner(identity=closed.signer, render=render_award_notice, issuer="中心")
    return await service.issue(
        conn, tender_id=closed.tender_id, lot=closed.lot, decided_at=DECIDED, signer=signer
    )


async def test_the_bidders_home_card_opens_its_results_page(
    client: httpx.AsyncClient, closed: Closed
) -> None:
    await sign_in(client, closed.bidder(1).username)
    home = await client.get("/home")
    assert 'href="/bidder/results"' in home.text


async def test_a_bidder_sees_its_own_bid_and_notice_and_no_one_elses(
    client: httpx.AsyncClient, conn: asyncpg.Connection, closed: Closed
) -> None:
    """Rank 2's page: its own lot (opened), its result notice with the PDF and .p7s in
    Beijing time; not the winner's notice nor the other bids."""
    notices = await issued(conn, closed)
    mine = next(n for n in notices if n.organisation_id == closed.candidates[1].bidder_id)
    await sign_in(client, closed.bidder(2).username)
    page = await client.get("/bidder/results")
    assert page.status_code == 200
    assert re.findall(r'data-notice="([^"]+)"', page.text) == [str(mine.id)]
    assert f'data-tender="{closed.tender_id}"' in page.text
    assert 'data-stage="opened"' in page.text
    assert "中标结果通知书" in page.text
    assert "2026-12-07 09:30" in page.text  # Beijing time of DECIDED
    for href in re.findall(r'href="(/api/v1/award-notices/[^"]+)"', page.text):
        assert (await client.get(href)).status_code == 200
    others = {str(c.bid_id) for c in closed.candidates} - {str(closed.candidates[1].bid_id)}
    assert not any(other in page.text for other in others)
    client.cookies.set("lang", "en")
    english = await client.get("/bidder/results")
    assert "Result notice" in english.text


async def test_anyone_but_a_bidder_is_refused_and_a_visitor_sent_to_sign_in(
    client: httpx.AsyncClient, closed: Closed
) -> None:
    visitor = await client.get("/bidder/results")
    assert (visitor.status_code, visitor.headers["location"]) == (303, "/login")
    await sign_in(client, closed.supervisor.username)
    refused = await client.get("/bidder/results")
    assert refused.status_code == 403
    assert 'data-code="permission_denied"' in refused.text
    assert "my-results" not in refused.text
