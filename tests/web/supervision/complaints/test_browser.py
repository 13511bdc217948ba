"""Complaints in Chromium: a bidder files its complaint signed in the browser (the
signing module, docs/browser-signing.md) and follows it; the department's supervisor
finds it on the desk and accepts it with a step signed in the browser."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest
from cryptography.hazmat.primitives import serialization

from signing.certs import Identity, dump_pem_certificate
from tests.conftest import LiveServer
from tests.supervision.complaints.kit import department_identity, objected, today
from tests.tender.results.kit import Closed
from tests.web.evaluation.desk.browser import signed_in

IMPORT_KEY = """async (arg) => {
  const sign = await import(document.getElementById("complaint-page").dataset.signBundle);
  const record = await sign.keys.importPkcs8(arg.user, arg.key, arg.cert, {label: "test"});
  return record.certSha256;
}"""


async def _import(page: Any, closed: Closed, user: str, identity: Identity) -> None:
    key = identity.key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()  # fmt: skip
    ca = closed.ca
    cert = b"".join(
        dump_pem_certificate(c) for c in (identity.certificate, ca.issuing_cert, ca.root_cert)
    ).decode()
    await page.evaluate(IMPORT_KEY, {"user": user, "key": key, "cert": cert})


@pytest.mark.browser
async def test_a_bidder_files_and_the_department_accepts_in_the_browser(
    browser: Any, conn: asyncpg.Connection, closed: Closed, live_server: LiveServer
) -> None:
    objection, _ = await objected(conn, closed, 2)
    dept = await department_identity(conn, closed)
    day = (await today(conn)).isoformat()
    bidder = closed.bidder(2)
    async with signed_in(browser, live_server, bidder.username) as page:
        await page.goto(f"{live_server.url}/tenders/{closed.tender_id}/complaints/new")
        assert "提出投诉" in await page.inner_text("h1")
        await page.select_option("#matter", "candidates")
        await page.fill("#objection", str(objection.id))
        await page.fill("#known-on", day)
        await page.fill("#text", "异议答复未核实第一中标候选人业绩")
        await page.click("#sign-send")  # no key in this browser yet: nothing is sent
        await page.wait_for_selector("#no-key:visible")
        await _import(page, closed, str(bidder.user_id), closed.bidder_identity(2))
        await page.click("#sign-send")
        await page.wait_for_url(f"{live_server.url}/complaints/*")
        assert "待受理" in await page.inner_text("#status")
        assert await page.locator("[data-deadline=acceptance]").count() == 1
        assert page.errors == []
    complaint_id = await conn.fetchval("SELECT id FROM complaints")
    assert complaint_id is not None

    async with signed_in(browser, live_server, closed.supervisor.username) as page:
        await page.goto(f"{live_server.url}/complaints")
        await page.click(f"tr[data-complaint='{complaint_id}'] a")
        await page.wait_for_url(f"{live_server.url}/complaints/{complaint_id}")
        await _import(page, closed, str(closed.supervisor.user_id), dept)
        await page.select_option("#step", "accept")
        await page.fill("#text", "投诉符合受理条件，予以受理。")
        await page.click("#sign-send")
        await page.wait_for_selector("#steps tr[data-step=accept]")
        assert "已受理" in await page.inner_text("#status")
        assert await page.locator("[data-deadline=decision]").count() == 1
        assert page.errors == []
    row = await conn.fetchrow("SELECT status, late FROM complaints WHERE id = $1", complaint_id)
    assert tuple(row) == ("accepted", False)
