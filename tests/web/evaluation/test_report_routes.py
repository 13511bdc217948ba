"""The evaluation report over HTTP, from a session driven through the room to its close
(tests/web/evaluation/closing.py): the exact signed bytes and the PDF to its readers,
and what each reader is told before there is a report."""

from __future__ import annotations

import hashlib

import asyncpg
import httpx

from tests.evaluation.kit import SessionWorld
from tests.web.evaluation.closing import to_closed, to_signing
from tests.web.evaluation.http import code, get
from tests.web.evaluation.kit import in_qualification
from web.settings import Settings

READERS_BEFORE_A_REPORT = ("staff", "supervisor", "agent", "owner", "bidder1", "otheragent")


async def test_before_a_draft_nobody_is_told_of_a_report(
    client: httpx.AsyncClient, conn: asyncpg.Connection, w: SessionWorld
) -> None:
    """Scheduled, then in its qualification review: every reader, members included,
    gets 404 evaluation_report_not_found for the JSON and the PDF; anonymous 401."""
    for stage in ("scheduled", "qualification"):
        if stage == "qualification":
            await in_qualification(conn, w)
        for tail in ("report", "report.pdf"):
            url = f"/api/v1/evaluations/{w.state.id}/{tail}"
            for who in (*READERS_BEFORE_A_REPORT, w.member(1)):
                assert code(await get(client, url, who)) == (404, "evaluation_report_not_found")
            assert code(await get(client, url, None)) == (401, "unauthenticated")


async def test_the_closed_sessions_report_is_the_signed_bytes_and_its_pdf(
    client: httpx.AsyncClient,
    conn: asyncpg.Connection,
    w: SessionWorld,
    settings: Settings,
) -> None:
    """Closed: staff, supervisors, members, the agency and the tenderer read the exact
    bytes every member signed (their SHA-256 is the report's) and the PDF; a bidder is
    told there is none."""
    report = await to_closed(conn, w, settings.data_dir)
    url = f"/api/v1/evaluations/{w.state.id}/report"
    for who in ("staff", "supervisor", w.member(2), "agent", "owner"):
        body = await get(client, url, who)
        assert body.status_code == 200, body.text
        assert body.headers["content-type"].startswith("application/json")
        assert body.content == report.body
        assert hashlib.sha256(body.content).hexdigest() == report.sha256
        pdf = await get(client, f"{url}.pdf", who)
        assert pdf.status_code == 200, pdf.text
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF-")
    for who in ("bidder1", "otheragent"):
        assert code(await get(client, url, who)) == (404, "evaluation_report_not_found")


async def test_while_signing_the_agency_and_tenderer_wait_for_the_close(
    client: httpx.AsyncClient,
    conn: asyncpg.Connection,
    w: SessionWorld,
    settings: Settings,
) -> None:
    """Drafted, not yet signed by all: overseers and members read it; the agency and
    the tenderer are refused (403) until the session closes."""
    report = await to_signing(conn, w, settings.data_dir)
    url = f"/api/v1/evaluations/{w.state.id}/report"
    for who in ("staff", w.member(5)):
        assert (await get(client, url, who)).content == report.body
    for who in ("agent", "owner"):
        assert code(await get(client, url, who)) == (403, "permission_denied")
        assert code(await get(client, f"{url}.pdf", who)) == (403, "permission_denied")
