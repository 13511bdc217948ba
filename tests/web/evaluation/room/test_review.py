"""The review after the scoring reveal, in Chromium (issue 12, items 1–2): the member's
deviation flags, one explained and one revised through the page (a new version signed
in the browser, a reason per changed entry), and the chair's controls — a factual error
recorded on another member's entry, a clarification asked and its answer refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import asyncpg
import pytest

from evaluation.clarifications import queries as clarification_queries
from evaluation.clarifications.model import answer_form
from evaluation.clarifications.service import answer_clarification
from evaluation.model import Phase
from evaluation.sessions import service as sessions
from signing import sheets
from signing.cms import sign_detached
from tests.conftest import LiveServer
from tests.evaluation.kit import SessionWorld, load, send
from tests.web.evaluation.closing import POINTS
from tests.web.evaluation.kit import bid_of, in_qualification
from tests.web.evaluation.room.browser_kit import (
    import_key,
    member_page,
    open_room,
    reveal_others,
    seal_others,
    wait_text,
)
from tests.web.evaluation.room.test_sheets import openssl_verifies

LOW = 1000  # seat 1's c1.1 for the first two bids: far below the others' mean (flagged)


def _entries(w: SessionWorld, changes: dict[tuple[int, str], int] | None = None) -> tuple:
    out = []
    for item, points in POINTS.items():
        for i, b in enumerate(w.state.bids):
            value = (changes or {}).get((i, item), points[i])
            out.append(sheets.ScoreEntry(bid=b.bid_id, item=item, points=value))
    return tuple(out)


async def _to_scoring(page: Any, conn: asyncpg.Connection, w: SessionWorld) -> None:
    """The empty qualification sheet from the page, the others' through the engine."""
    await page.wait_for_selector("#sheet:not([hidden])")
    await page.click("#submit-sheet")
    await page.wait_for_selector("#sealed-state[data-version='1']")
    keys = await seal_others(conn, w, "qualification", ())
    await wait_text(page, "#reveal-state", "已揭示第 1 版")
    await reveal_others(conn, w, "qualification", keys)
    await wait_text(page, "#phase", "详细评审打分")


@pytest.mark.browser
async def test_flags_are_explained_or_revised_and_the_chair_records_an_error(
    browser: Any,
    live_server: LiveServer,
    conn: asyncpg.Connection,
    w: SessionWorld,
    tmp_path: Path,
) -> None:
    await in_qualification(conn, w)  # seat 1 chairs
    page = await member_page(browser, live_server, w, 1)
    try:
        await import_key(page, w, 1)
        await open_room(page, live_server, w)
        await _to_scoring(page, conn, w)
        bid = [str(b.bid_id) for b in w.state.bids]
        await page.wait_for_selector("#sheet-form[data-ready=true] .sheet-row")
        for item, points in POINTS.items():
            for i, b in enumerate(bid):
                value = LOW if item == "c1.1" and i < 2 else points[i]
                selector = f".sheet-row[data-bid='{b}'][data-item='{item}'] [data-field=points]"
                await page.fill(selector, str(value // 100))
        await page.click("#submit-sheet")
        await page.wait_for_selector("#sealed-state[data-version='1']")
        keys = await seal_others(conn, w, "scoring", _entries(w))
        await wait_text(page, "#reveal-state", "已揭示第 1 版")
        await reveal_others(conn, w, "scoring", keys)

        # Two flags for seat 1; the first explained.
        await page.wait_for_selector("#flags li.flag >> nth=1")
        assert await page.locator("#flags li.flag").count() == 2
        first = f"#flags li.flag[data-bid='{bid[0]}']"
        await page.fill(f"{first} .explain-text", "该方案工期安排不合理，故给低分。")
        await page.click(f"{first} button.explain")
        await page.wait_for_selector(f"{first} .explained")

        # The chair: closing before the deadline is refused, and the page says why.
        assert await page.is_visible("#chair-controls")
        await page.click("#close-phase")
        await page.wait_for_selector(
            "#error[data-code=sheet_deadline_not_reached_conflict]:not([hidden])"
        )
        # A factual error on seat 2's entry, and a clarification.
        await page.select_option("#error-seat", "2")
        await page.select_option("#error-bid", bid[2])
        await page.select_option("#error-item", "c2.1")
        await page.fill("#error-text", "此项应按业绩证明计分。")
        await page.click("#record-error")
        await page.wait_for_selector(f"#factual-errors li[data-seat='2'][data-bid='{bid[2]}']")
        asked_bid = str(bid_of(w, 0).bid_id)
        await page.select_option("#clar-bid", asked_bid)
        await page.fill("#clar-question", "请澄清工期计算依据。")
        await page.click("#ask-clarification")
        await wait_text(page, "#clarifications", "请澄清工期计算依据。")
        # The bidder answers (signed, over HTTP's use case); the chair refuses the answer.
        asked = (await clarification_queries.of_session(conn, w.state.id))[-1]
        who = w.scenario.world.bidder_identities[0]
        answer = "工期按365日历天计。"
        await answer_clarification(
            conn, w.bidder, w.state.id, asked.id, answer=answer,
            signature=sign_detached(
                answer_form(w.state.id, asked, answer), who.certificate, who.key, chain=who.chain
            ),
            trust=w.scenario.world.ca.trust_store(), load=sessions.load,
        )  # fmt: skip
        await wait_text(page, "#clarifications", answer)
        await page.select_option("#clar-id", str(asked.id))
        await page.fill("#clar-reason", "答复改变了投标文件的实质内容。")
        await page.click("#refuse-clarification")
        await page.wait_for_selector(
            f"#clarifications li[data-id='{asked.id}'][data-status='clarification.refused']"
        )

        # The second flag revised: version 2 signed in the page, one reason.
        second = f".sheet-row[data-bid='{bid[1]}'][data-item='c1.1']"
        await page.fill(f"#revise-form {second} [data-field=points]", "24")
        await page.fill(f"#revise-form {second} .change-reason", "复核后按评分标准修正。")
        await page.click("#revise-button")
        await page.wait_for_selector("#opened tr[data-seat='1'][data-version='2']")
        row = await conn.fetchrow(
            "SELECT plaintext, signature, reasons, kind FROM evaluation_sheets"
            " WHERE session_id = $1 AND phase = 'scoring' AND seat = 1 AND version = 2",
            w.state.id,
        )
        assert row["kind"] == "revision"
        assert openssl_verifies(tmp_path, w, bytes(row["plaintext"]), bytes(row["signature"]))
        parsed = {
            (str(e.bid), e.item): e.points for e in sheets.parse_sheet(row["plaintext"]).entries
        }
        assert parsed[(bid[1], "c1.1")] == 2400
        assert parsed[(bid[0], "c1.1")] == LOW  # explained, kept

        # Seat 2 corrects the recorded error (through the engine): the review is done.
        who = w.template.member_identities[w.member(2).user_id]
        body = sheets.build_sheet(
            sheets.Sheet(
                session=w.state.id, phase="scoring", seat=2, generation=1, version=2,
                salt=sheets.new_salt(), entries=_entries(w, {(2, "c2.1"): 650}),
            )
        )  # fmt: skip
        signature = sheets.sign_sheet(body, who.certificate, who.key, chain=who.chain)
        reasons = [{"bid": bid[2], "item": "c2.1", "reason": "按组长记录更正。"}]
        await send(conn, w, w.member(2), "revise", sheets.revise_data(body, signature, reasons))
        await wait_text(page, "#phase", "商务标开启")
        assert (await load(conn, w)).phase is Phase.COMMERCIAL_OPENING
    finally:
        await page.context.close()
