"""The supervisor's observer view in Chromium (issue 12, item 2): the session page sends
the department's supervisor to it; it shows the session live with names and venues,
lets the supervisor approve a replacement the host asked for, and writes a note signed
in the browser (the signing module, CONTRACTS.md §1) that the server stores and
`openssl cms -verify` accepts over the exact bytes of docs/api-evaluation.md."""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from evaluation.notes.model import note_form
from signing.certs import dump_pem_certificate
from tests.conftest import LiveServer
from tests.evaluation.kit import MAIN_VENUE, SessionWorld, send
from tests.web.evaluation.desk.browser import signed_in
from tests.web.evaluation.kit import key_to_import, supervisor_identity

NOTE = "23:40 主场专家1签到正常；副场网络稳定。\nNo issue seen."

IMPORT_KEY = """async (arg) => {
  const sign = await import(document.getElementById("observe").dataset.signBundle);
  const record = await sign.keys.importPkcs8(arg.user, arg.key, arg.cert, {label: "supervisor"});
  return record.certSha256;
}"""


@pytest.mark.browser
async def test_the_supervisor_follows_the_session_approves_and_writes_a_signed_note(
    browser: Any,
    conn: asyncpg.Connection,
    w: SessionWorld,
    live_server: LiveServer,
    tmp_path: Path,
) -> None:
    """Live: the sign-in and the member's name appear without a reload; the host asks
    to replace seat 2, the supervisor approves from the page; without a key the page
    points to the keys page; a note signed in the browser is listed and verifies with
    openssl over the documented bytes."""
    identity = await supervisor_identity(conn, w)
    ca = w.scenario.world.ca
    key = key_to_import(identity, ca, w.supervisor.user_id)
    async with signed_in(browser, live_server, w.supervisor.username) as page:
        await page.goto(f"{live_server.url}/evaluations/{w.state.id}")
        assert page.url.endswith(f"/evaluations/{w.state.id}/observe")
        await page.wait_for_selector("#observe[data-ready=true] #phase[data-phase=scheduled]")
        bundle = await page.get_attribute("#bundle-sha256", "data-sha256")
        assert bundle is not None
        assert bundle in await page.inner_text("#bundle-sha256")

        await send(conn, w, w.staff, "open_sign_in")
        await send(conn, w, w.member(1), "sign_in", {"venue": MAIN_VENUE.id})
        await page.wait_for_selector("#events li[data-kind='member.signed_in']")
        await page.wait_for_selector("#phase[data-phase=sign_in]")
        row = page.locator("#members tr[data-seat='1']")
        assert w.member(1).display_name in await row.inner_text()
        assert MAIN_VENUE.name in await row.inner_text()
        assert MAIN_VENUE.name in await page.inner_text("#main-venue")

        await send(conn, w, w.staff, "request_replacement", {"seat": 2, "reason": "突发疾病"})
        await page.click("#approve-2")
        await page.wait_for_selector("#events li[data-kind='replacement.approved']")
        assert await page.is_hidden("#desk-error")

        # No key in this browser yet: the page says where to get one, nothing is sent.
        await page.fill("#note-text", NOTE)
        await page.click("#sign-note")
        await page.wait_for_selector("#no-key:visible")
        assert await page.locator("#no-key a[href='/me/keys']").count() == 1

        await page.evaluate(IMPORT_KEY, key)
        await page.fill("#note-text", NOTE)
        await page.click("#sign-note")
        await page.wait_for_selector("#notes tbody tr[data-note]")
        assert await page.is_hidden("#no-key")
        await page.wait_for_selector("#events li[data-kind='supervisor.note']")
        assert NOTE.split("\n")[0] in await page.inner_text("#notes")
        assert page.errors == []

    count = "SELECT count(*) FROM evaluation_notes WHERE session_id = $1"
    assert await conn.fetchval(count, w.state.id) == 1  # the keyless try sent nothing
    stored = await conn.fetchrow(
        "SELECT id, text, signature FROM evaluation_notes WHERE session_id = $1", w.state.id
    )
    assert stored is not None
    assert stored["text"] == NOTE
    form = note_form(w.state.id, uuid.UUID(str(stored["id"])), NOTE)
    (tmp_path / "note.p7s").write_bytes(bytes(stored["signature"]))
    (tmp_path / "note.json").write_bytes(form)
    (tmp_path / "root.pem").write_bytes(dump_pem_certificate(ca.root_cert))
    result = subprocess.run(
        ["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-purpose", "any",
         "-in", str(tmp_path / "note.p7s"), "-content", str(tmp_path / "note.json"),
         "-CAfile", str(tmp_path / "root.pem"), "-out", str(tmp_path / "out.bin")],
        capture_output=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr.decode()
    assert (tmp_path / "out.bin").read_bytes() == form
