"""The notices on the tender's page (Law 45: "delivered on their pages"): a bidder sees
its own notice with the PDF and its signature; the agency sees every one; the public
and another bidder see none of the others'."""

from __future__ import annotations

import datetime as dt
import re

import asyncpg
import httpx

from tender.award_notices import service
from tender.award_notices.model import Notice
from tender.award_notices.service import NoticeSigner
from tests.accounts.factory import PASSWORD
from tests.tender.award_notices.factory import award
from tests.tender.results.kit import Closed
from web.pdf.award_notice import render_award_notice

HIDDEN_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
DECIDED = dt.datetime(2026, 12, 7, 1, 30, tzinfo=dt.UTC)


async def _issued(conn: asyncpg.Connection, closed: Closed) -> list[Notice]:
    await award(conn, closed, 1, 1, DECIDED)
    signer = NoticeSigner(identity=closed.signer, render=render_award_notice, issuer="中心")
    return await service.issue(
        conn, tender_id=closed.tender_id, lot=closed.lot, decided_at=DECIDED, signer=signer
    )


async def _sign_in(client: httpx.AsyncClient, username: str) -> None:
    form = await client.get("/login")
    match = HIDDEN_CSRF.search(form.text)
    assert match is not None
    response = await client.post(
        "/login", data={"csrf_token": match.group(1), "username": username, "password": PASSWORD}
    )
    assert response.status_code == 303


async def test_a_bidder_finds_its_own_notice_on_the_tender_page(
    client: httpx.AsyncClient, conn: asyncpg.Connection, closed: Closed
) -> None:
    """The winner's page lists its award notice (Beijing time) and serves the PDF."""
    notices = await _issued(conn, closed)
    winner = next(n for n in notices if n.organisation_id == closed.candidates[0].bidder_id)
    await _sign_in(client, closed.bidder(1).username)
    page = await client.get(f"/tenders/{closed.tender_id}")
    assert page.status_code == 200
    assert re.findall(r'data-notice="([^"]+)"', page.text) == [str(winner.id)]
    assert "中标通知书" in page.text
    assert "2026-12-07 09:30" in page.text
    pdf = await client.get(f"/api/v1/award-notices/{winner.id}/notice.pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")


async def test_the_agency_sees_every_notice_and_the_public_none(
    client: httpx.AsyncClient, conn: asyncpg.Connection, closed: Closed
) -> None:
    """The agency's page lists them all; without a sign-in the panel is absent."""
    notices = await _issued(conn, closed)
    public = await client.get(f"/tenders/{closed.tender_id}")
    assert public.status_code == 200
    assert "data-notice=" not in public.text
    await _sign_in(client, closed.agency.username)
    page = await client.get(f"/tenders/{closed.tender_id}")
    assert set(re.findall(r'data-notice="([^"]+)"', page.text)) == {str(n.id) for n in notices}
