"""The agency's objections page (issue 15, item 1; Reg. 54): it lists the objections to
its tenders' candidates with exactly what the signed answer must carry; another agency
sees none of them, a bidder is refused; in a real Chromium the agency signs the answer
with its browser key and the documented API records it."""

from __future__ import annotations

from typing import Any

import asyncpg
import httpx
import pytest
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from signing.canonical import sha256_hex
from signing.certs import dump_pem_certificate
from tests.conftest import LiveServer
from tests.tender.results.kit import Closed
from tests.tender.results.steps import answer, objection, publicise
from tests.web.evaluation.http import get, login
from tests.web.signing_js.kit import sign_in
from tests.web.tender.results.test_routes import _signed

PAGE = "/agency/objections"


async def _file(client: httpx.AsyncClient, conn: asyncpg.Connection, closed: Closed) -> Any:
    """Bidder 2 objects to lot 1's candidates: the objection's id and statement bytes."""
    p = await publicise(conn, closed)
    signed = objection(closed, p, 2, text="第一中标候选人项目经理有在建工程")
    filed = await client.post(
        f"/api/v1/tenders/{closed.tender_id}/lots/1/objections",
        json=_signed(signed),
        headers=await login(client, closed.bidder(2)),
    )
    assert filed.status_code == 201, filed.text
    return filed.json()["id"], signed["statement"]


async def test_the_agency_sees_each_objection_with_what_its_answer_signs(
    client: httpx.AsyncClient, conn: asyncpg.Connection, closed: Closed
) -> None:
    """The text, the objection's statement SHA-256, the agency's credit code and the
    answer's API address; once answered, the answer instead of the form."""
    objection_id, statement = await _file(client, conn, closed)
    page = await get(client, PAGE, closed.agency)
    assert page.status_code == 200
    assert "第一中标候选人项目经理有在建工程" in page.text
    assert f'data-objection-sha256="{sha256_hex(statement)}"' in page.text
    assert f'data-agency="{closed.world.agency_org.credit_code}"' in page.text
    url = f"/api/v1/tenders/{closed.tender_id}/candidate-objections/{objection_id}/answer"
    assert f'data-url="{url}"' in page.text
    reply = _signed(answer(closed, objection_id, statement))
    answered = await client.post(url, json=reply, headers=await login(client, closed.agency))
    assert answered.status_code == 200, answered.text
    after = await get(client, PAGE, closed.agency)
    assert 'data-state="answered"' in after.text
    assert "经核查，异议不成立。" in after.text
    assert "answer-form" not in after.text


async def test_another_agency_sees_none_and_a_bidder_is_refused(
    client: httpx.AsyncClient, conn: asyncpg.Connection, closed: Closed
) -> None:
    """Objections are the tender's agency's to answer: nobody else's page lists them."""
    await _file(client, conn, closed)
    other = await get(client, PAGE, closed.other_agency)
    assert other.status_code == 200
    assert 'id="no-objections"' in other.text
    assert "在建工程" not in other.text
    assert (await get(client, PAGE, closed.bidder(2))).status_code == 403


@pytest.mark.browser
async def test_the_agency_signs_its_answer_in_chromium(
    browser: Any,
    live_server: LiveServer,
    client: httpx.AsyncClient,
    conn: asyncpg.Connection,
    closed: Closed,
) -> None:
    """Home card → the page; the agency's key imported into this browser; the answer is
    signed in the page and recorded (the server verifies the signature)."""
    await _file(client, conn, closed)
    page = await (await browser.new_context()).new_page()
    page.set_default_timeout(30_000)
    try:
        await sign_in(page, live_server.url, closed.agency.username)
        await page.click(f"a[href='{PAGE}']")
        who = closed.agency_identity
        key_pem = who.key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
        chain = b"".join(dump_pem_certificate(c) for c in (who.certificate, *who.chain))
        await page.evaluate(
            """async ([keyPem, certPem]) => {
                const root = document.getElementById("objections-page");
                const sign = await import(root.dataset.signBundle);
                await sign.keys.importPkcs8(root.dataset.user, keyPem, certPem, {label: "test"});
            }""",
            [key_pem.decode(), chain.decode()],
        )
        await page.fill("form.answer-form textarea", "经核查，该项目经理无在建工程，异议不成立。")
        await page.click("form.answer-form button[type=submit]")
        await page.wait_for_selector("article.objection[data-state=answered]")
        assert "异议不成立" in await page.inner_text("article.objection .answer")
    finally:
        await page.context.close()
