"""The report in the scoring room, in Chromium (issue 12, item 1): read as the exact
bytes the members sign, a dissent written into a new version, that version signed in
the browser — the signature verifies with ``openssl cms -verify`` over the stored bytes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import asyncpg
import pytest

from evaluation.model import Phase
from tests.conftest import LiveServer
from tests.evaluation.kit import SessionWorld, load
from tests.web.evaluation.closing import to_ranking, to_signing
from tests.web.evaluation.room.browser_kit import import_key, member_page, open_room, wait_text
from tests.web.evaluation.room.test_sheets import openssl_verifies
from web.settings import Settings


@pytest.mark.browser
async def test_a_member_dissents_and_signs_the_new_version_another_refuses_it(
    browser: Any,
    live_server: LiveServer,
    conn: asyncpg.Connection,
    w: SessionWorld,
    settings: Settings,
    tmp_path: Path,
) -> None:
    """Seat 2 reads the ranking, writes a dissent (version 2), signs version 2; seat 3
    refuses it with a reason."""
    await to_signing(conn, w, settings.data_dir)
    page = await member_page(browser, live_server, w, 2)
    try:
        await import_key(page, w, 2)
        await open_room(page, live_server, w)
        await page.wait_for_selector("#report[data-version='1']", state="attached")
        # The session's past replayed on load (reveal phases included) asks nothing again.
        assert await page.is_hidden("#error")
        ranked = page.locator("#report-body table").first.locator("tbody tr")
        assert await ranked.count() == len(w.state.bids)  # every bid passed and is ranked
        assert await page.is_hidden("#chair-controls")  # seat 1 chairs
        await page.fill("#dissent-text", "第二名的施工方案评分偏高。")
        await page.click("#dissent")
        await page.wait_for_selector("#report[data-version='2']", state="attached")
        assert "第二名的施工方案评分偏高。" in await page.inner_text("#report-body")
        await page.click("#sign-report")
        await page.wait_for_selector("#report-state[data-answer='report.signed']", state="attached")
        await wait_text(page, "#report-state", "第 2 版")
        row = await conn.fetchrow(
            "SELECT r.body, s.signature FROM evaluation_report_signatures s"
            " JOIN evaluation_reports r USING (session_id, version)"
            " WHERE s.session_id = $1 AND s.seat = 2 AND s.version = 2",
            w.state.id,
        )
        assert row is not None
        assert openssl_verifies(tmp_path, w, bytes(row["body"]), bytes(row["signature"]))
    finally:
        await page.context.close()
    # Seat 3 refuses version 2 with a reason (Reg. 53: a refusal, not an agreement).
    page = await member_page(browser, live_server, w, 3)
    try:
        await page.wait_for_selector("#report[data-version='2']", state="attached")
        await page.fill("#refuse-reason", "不同意排序结果。")
        await page.click("#refuse-report")
        await page.wait_for_selector(
            "#report-state[data-answer='report.refused']", state="attached"
        )
        counted = await conn.fetchval(
            "SELECT counted_as_agreement FROM evaluation_report_refusals"
            " WHERE session_id = $1 AND seat = 3 AND version = 2",
            w.state.id,
        )
        assert counted is False
    finally:
        await page.context.close()


@pytest.mark.browser
async def test_the_chair_ranks_and_drafts_the_report_from_the_page(
    browser: Any,
    live_server: LiveServer,
    conn: asyncpg.Connection,
    w: SessionWorld,
    settings: Settings,
) -> None:
    """Seat 1, elected chair: "Rank", then "Draft the report"; the room shows version 1."""
    await to_ranking(conn, w, settings.data_dir)
    page = await member_page(browser, live_server, w, 1)
    try:
        await wait_text(page, "#phase", "汇总排序")
        await page.click("#rank")
        await page.wait_for_selector("#events li[data-kind=ranking]", state="attached")
        await page.click("#draft-report")
        await wait_text(page, "#phase", "签署评标报告")
        await page.wait_for_selector("#report[data-version='1']", state="attached")
        assert (await load(conn, w)).phase is Phase.SIGNING
        sha = await page.get_attribute("#report", "data-sha256")
        stored = await conn.fetchval(
            "SELECT sha256 FROM evaluation_reports WHERE session_id = $1 AND current", w.state.id
        )
        assert sha == stored  # the page hashed the very bytes the members sign
    finally:
        await page.context.close()
