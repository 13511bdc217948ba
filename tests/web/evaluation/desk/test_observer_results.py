"""The observer view of a session that has run to its report (issue 12, item 2): the
results a supervisor receives are readable — the qualification result and the ranking
name the bidders, the revealed sheets are listed as opened — and the host's desk of the
same session stands at the report's signing."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from tests.conftest import LiveServer
from tests.evaluation.kit import SessionWorld
from tests.web.evaluation.closing import to_signing
from tests.web.evaluation.desk.browser import signed_in
from web.settings import Settings


@pytest.mark.browser
async def test_the_observer_reads_results_by_bidder_and_sees_each_revealed_sheet(
    browser: Any,
    conn: asyncpg.Connection,
    w: SessionWorld,
    live_server: LiveServer,
    settings: Settings,
) -> None:
    await to_signing(conn, w, settings.data_dir)
    names = [b.name for b in w.state.bids]
    async with signed_in(browser, live_server, w.supervisor.username) as page:
        await page.goto(f"{live_server.url}/evaluations/{w.state.id}/observe")
        await page.wait_for_selector("#observe[data-ready=true] #phase[data-phase=signing]")
        await page.wait_for_selector("#events li[data-kind='report.drafted']")
        result = await page.inner_text("#events li[data-kind='qualification.result']")
        ranking = await page.inner_text("#events li[data-kind='ranking']")
        for name in names:
            assert name in result
            assert name in ranking
        assert "#1 " in ranking
        opened = page.locator("#sheets tr[data-state=opened]")
        assert await opened.count() == 2 * len(w.members)  # qualification and scoring
        assert page.errors == []
    async with signed_in(browser, live_server, w.staff.username) as desk:
        await desk.goto(f"{live_server.url}/evaluations/{w.state.id}/desk")
        await desk.wait_for_selector("#desk[data-ready=true] #phase[data-phase=signing]")
        assert await desk.inner_text("#phase") == "签署评标报告"
        assert await desk.is_hidden("#cmd-start")
        assert desk.errors == []
