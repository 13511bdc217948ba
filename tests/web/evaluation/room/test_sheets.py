"""The member's sheet in Chromium (issue 12, items 1 and 4): drafts kept in the browser
across a closed tab, the sheet sealed and signed in the page — the server holding no
plaintext and no key until the member's reveal — and revealed by the page itself; the
revealed sheet's signature verifies with ``openssl cms -verify``."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from evaluation.model import Phase
from signing import sheets
from signing.certs import dump_pem_certificate
from tests.conftest import LiveServer
from tests.evaluation.kit import SessionWorld, load
from tests.web.evaluation.closing import POINTS
from tests.web.evaluation.kit import in_qualification
from tests.web.evaluation.room.browser_kit import (
    import_key,
    member_page,
    open_room,
    reveal_others,
    seal_others,
    wait_text,
)


async def _row(conn: asyncpg.Connection, w: SessionWorld, phase: str) -> asyncpg.Record:
    row: asyncpg.Record = await conn.fetchrow(
        "SELECT * FROM evaluation_sheets WHERE session_id = $1 AND phase = $2 AND seat = 1",
        w.state.id, phase,
    )  # fmt: skip
    return row


def openssl_verifies(tmp_path: Path, w: SessionWorld, body: bytes, signature: bytes) -> bool:
    (tmp_path / "sheet.json").write_bytes(body)
    (tmp_path / "sheet.p7s").write_bytes(signature)
    (tmp_path / "root.pem").write_bytes(dump_pem_certificate(w.scenario.world.ca.root_cert))
    result = subprocess.run(
        ["/usr/bin/openssl", "cms", "-verify", "-binary", "-inform", "DER",
         "-in", str(tmp_path / "sheet.p7s"), "-content", str(tmp_path / "sheet.json"),
         "-CAfile", str(tmp_path / "root.pem"), "-purpose", "any", "-out", "/dev/null"],
        capture_output=True, check=False,
    )  # fmt: skip
    return result.returncode == 0


def _fields(bids: list[str]) -> dict[str, str]:
    """The scoring form's inputs for POINTS, as a member types them (points, not hundredths)."""
    return {
        f".sheet-row[data-bid='{bid}'][data-item='{item}'] [data-field=points]": str(
            points[i] // 100
        )
        for item, points in POINTS.items()
        for i, bid in enumerate(bids)
    }


@pytest.mark.browser
async def test_a_sheet_survives_a_closed_tab_is_sealed_in_the_page_and_revealed_by_it(
    browser: Any,
    live_server: LiveServer,
    conn: asyncpg.Connection,
    w: SessionWorld,
    tmp_path: Path,
) -> None:
    """Qualification and scoring for seat 1 through the page; the others through the
    engine. Before each reveal the server's row holds no key and no plaintext."""
    await in_qualification(conn, w)
    page = await member_page(browser, live_server, w, 1)
    context = page.context
    try:
        # No key on this device: the room says so and links the keys page.
        await page.wait_for_selector("#nokey:not([hidden])")
        assert await page.get_attribute("#nokey-link", "href") == "/me/keys"
        assert len(await page.inner_text("#bundle-sha")) > 64
        await import_key(page, w, 1)
        await open_room(page, live_server, w)
        await page.wait_for_selector("#nokey[hidden]", state="attached")

        # Qualification: the method has no qualification item, the sheet is empty.
        await page.wait_for_selector("#sheet:not([hidden])")
        await page.click("#submit-sheet")
        await page.wait_for_selector("#sealed-state[data-version='1']")
        keys = await seal_others(conn, w, "qualification", ())
        await wait_text(page, "#reveal-state", "已揭示第 1 版")
        await reveal_others(conn, w, "qualification", keys)
        await wait_text(page, "#phase", "详细评审打分")
        qualification = await _row(conn, w, "qualification")
        assert qualification["plaintext"] is not None
        assert openssl_verifies(
            tmp_path, w, bytes(qualification["plaintext"]), bytes(qualification["signature"])
        )

        # Scoring: half the sheet typed, the tab closed, reopened: the draft is there.
        bids = [str(b.bid_id) for b in w.state.bids]
        fields = _fields(bids)
        first = list(fields.items())[:3]
        await page.wait_for_selector("#sheet-form[data-ready=true] .sheet-row")
        for selector, value in first:
            await page.fill(selector, value)
        await page.wait_for_selector("#draft-state[data-saved-at]", state="attached")
        await page.close()
        page = await context.new_page()
        frames: list[str] = []  # everything this tab sends on its sockets
        page.on("websocket", lambda ws: ws.on("framesent", lambda f: frames.append(str(f))))
        await open_room(page, live_server, w)
        await page.wait_for_selector("#draft-state[data-restored=true]", state="attached")
        for selector, value in first:
            assert await page.input_value(selector) == value
        for selector, value in list(fields.items())[3:]:
            await page.fill(selector, value)
        await page.click("#submit-sheet")
        await page.wait_for_selector("#sealed-state[data-version='1']")
        assert (
            await conn.fetchval(
                "SELECT max(version) FROM evaluation_sheets WHERE session_id = $1 AND seat = 1",
                w.state.id,
            )
            == 1
        )  # sent once
        sealed = await _row(conn, w, "scoring")
        kept_key = await page.evaluate(
            """async (sessionId) => {
                const root = document.getElementById("room");
                const sign = await import(root.dataset.signBundle);
                const r = await sign.vault.getSealed(root.dataset.user, sessionId, "scoring");
                return sign.b64url.encode(r.key);
            }""",
            str(w.state.id),
        )
        sent = "".join(frames)
        assert "submit_sheet" in sent
        assert kept_key not in sent  # the key never left before the reveal
        assert '"points"' not in sent  # nor a score
        assert sealed["revealed_key"] is None
        assert sealed["plaintext"] is None
        assert sealed["ciphertext"] is not None

        # Closed again after the submission: the key is still on this device.
        await page.close()
        page = await context.new_page()
        await open_room(page, live_server, w)
        await page.wait_for_selector("#sealed-state[data-version='1']")
        kept = await page.evaluate(
            """async (sessionId) => {
                const root = document.getElementById("room");
                const sign = await import(root.dataset.signBundle);
                const r = await sign.vault.getSealed(root.dataset.user, sessionId, "scoring");
                return r ? r.version : null;
            }""",
            str(w.state.id),
        )
        assert kept == 1
        assert (await _row(conn, w, "scoring"))["revealed_key"] is None

        entries = tuple(
            sheets.ScoreEntry(bid=b.bid_id, item=item, points=points[i])
            for item, points in POINTS.items()
            for i, b in enumerate(w.state.bids)
        )
        keys = await seal_others(conn, w, "scoring", entries)
        await wait_text(page, "#reveal-state", "已揭示第 1 版")
        await reveal_others(conn, w, "scoring", keys)
        await wait_text(page, "#phase", "商务标开启")
        assert (await load(conn, w)).phase is Phase.COMMERCIAL_OPENING
        revealed = await _row(conn, w, "scoring")
        assert revealed["revealed_key"] is not None
        body = bytes(revealed["plaintext"])
        assert openssl_verifies(tmp_path, w, body, bytes(revealed["signature"]))
        parsed = sheets.parse_sheet(body)
        assert {(str(e.bid), e.item): e.points for e in parsed.entries} == {
            (str(b.bid_id), item): points[i]
            for item, points in POINTS.items()
            for i, b in enumerate(w.state.bids)
        }
        # The page shows every revealed sheet (panel sheet.opened).
        await page.wait_for_selector("#opened tbody tr[data-phase=scoring][data-seat='1']")
    finally:
        await context.close()


@pytest.mark.browser
async def test_a_sheet_sealed_but_never_sent_is_sent_when_the_room_reopens(
    browser: Any, live_server: LiveServer, conn: asyncpg.Connection, w: SessionWorld
) -> None:
    """The tab closed between keeping the sealed sheet and sending it: the reopened room
    sends that very submission (its commitment), and reveals it later — nothing lost."""
    await in_qualification(conn, w)
    page = await member_page(browser, live_server, w, 1)
    context = page.context
    try:
        await import_key(page, w, 1)
        commitment = await page.evaluate(
            """async (sessionId) => {
                const root = document.getElementById("room");
                const sign = await import(root.dataset.signBundle);
                const bytes = sign.sheets.build({session: sessionId, phase: "qualification",
                    seat: 1, generation: 1, version: 1, entries: []});
                const sealed = sign.sheets.seal(bytes);
                await sign.vault.putSealed(root.dataset.user, sessionId, "qualification",
                    {version: 1, sheetBytes: bytes, key: sealed.key, nonce: sealed.nonce,
                     commitment: sealed.commitment, ciphertext: sealed.ciphertext});
                return sign.hex(sealed.commitment);
            }""",
            str(w.state.id),
        )
        await page.close()
        assert await _row(conn, w, "qualification") is None  # nothing was sent
        page = await context.new_page()
        await open_room(page, live_server, w)
        await page.wait_for_selector("#sealed-state[data-version='1']")
        assert bytes((await _row(conn, w, "qualification"))["commitment"]).hex() == commitment
        keys = await seal_others(conn, w, "qualification", ())
        await wait_text(page, "#reveal-state", "已揭示第 1 版")
        await reveal_others(conn, w, "qualification", keys)
        await wait_text(page, "#phase", "详细评审打分")
    finally:
        await context.close()
