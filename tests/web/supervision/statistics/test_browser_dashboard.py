"""A real Chromium reads the dashboard: charts drawn as SVG from the rows the test made,
each with its CSV export; Chinese first, then English."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from tests.conftest import LiveServer
from tests.supervision.factory import People
from tests.supervision.statistics.kit import demo_history
from tests.web.signing_js.kit import sign_in
from tests.web.supervision.kit import fixture_people

__all__ = ["fixture_people"]


async def bars(page: Any, chart: str) -> list[tuple[str, str]]:
    """(label, value) of each bar of a chart, as drawn."""
    found = await page.eval_on_selector_all(
        f"section[data-chart='{chart}'] svg rect.bar",
        "els => els.map(e => [e.getAttribute('data-label'), e.getAttribute('data-value')])",
    )
    return [tuple(pair) for pair in found]


@pytest.mark.browser
async def test_the_centre_reads_the_dashboard_with_charts_and_csv_exports(
    browser: Any, live_server: LiveServer, pool: asyncpg.Pool, people: People
) -> None:
    """Every chart is an SVG of the test's data; a CSV link downloads the same table."""
    async with pool.acquire() as conn:
        await demo_history(conn, people)  # type: ignore[arg-type]
    context = await browser.new_context(accept_downloads=True)
    page = await context.new_page()
    failures: list[str] = []  # the page's own requests that failed (no favicon is served)
    page.on(
        "response",
        lambda r: failures.append(r.url) if r.status >= 400 and "favicon" not in r.url else None,
    )
    try:
        await sign_in(page, live_server.url, people.staff.username)
        await page.goto(f"{live_server.url}/supervision/statistics?from=2026-01-01&to=2026-06-30")
        assert await page.get_attribute("html", "lang") == "zh-CN"
        assert "全部行业监督部门" in await page.inner_text("#scope")
        assert await page.locator("section.chart-panel svg").count() == 7
        assert await bars(page, "volume-category") == [("工程", "2"), ("货物", "1"), ("服务", "1")]
        assert await bars(page, "volume-county") == [("郎溪县", "2"), ("宁国市", "2")]
        assert await bars(page, "savings") == [("工程", "10"), ("货物", "5"), ("服务", "0")]
        assert await bars(page, "remote-evaluation") == [
            ("本地评标", "66.67"),
            ("远程异地评标", "33.33"),
        ]
        assert (await bars(page, "agency-scores"))[0] == ("宣州项目管理有限公司", "100")
        # A district of another city (340102, Hefei) is named by its city.
        assert await bars(page, "expert-usage") == [
            ("郎溪县", "3"),
            ("宁国市", "2"),
            ("合肥市", "1"),
        ]
        box = await page.locator("section[data-chart='savings'] svg").bounding_box()
        assert box is not None
        assert box["width"] > 600
        async with page.expect_download() as waiting:
            await page.click("section[data-chart='durations'] a.csv")
        download = await waiting.value
        path = await download.path()
        assert path is not None
        with open(path, "rb") as handle:
            assert handle.read().decode("utf-8-sig").splitlines()[1] == "works,2,45.0,45.0"
        await page.click("a[hreflang=en]")
        await page.wait_for_url(f"{live_server.url}/supervision/statistics*")
        assert await page.get_attribute("html", "lang") == "en"
        assert await bars(page, "volume-county") == [("Langxi County", "2"), ("Ningguo", "2")]
        assert "Share of remote evaluation" in await page.inner_text("main")
        assert failures == []
    finally:
        await context.close()
