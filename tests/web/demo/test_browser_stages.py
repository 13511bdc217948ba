"""A newcomer in a real Chromium walks the demo: from the public home page to each
stage's tender and back (issue 15, item 6 and "Must show" 3)."""

from __future__ import annotations

from typing import Any

import pytest

from tender.disclosure.stages import STAGES
from tests.conftest import LiveServer
from web.demo.stages import TITLES

pytestmark = [pytest.mark.slow, pytest.mark.browser]


async def test_a_newcomer_walks_from_the_home_page_to_every_stage(
    browser: Any, live_server: LiveServer
) -> None:
    """No sign-in: each stage's link opens a page naming that tender; back home, next."""
    context = await browser.new_context()
    page = await context.new_page()
    try:
        await page.goto(f"{live_server.url}/")
        listed = page.locator("#stages li")
        assert await listed.count() == len(STAGES)
        for stage in STAGES:
            item = page.locator(f"#stages li[data-stage='{stage}']")
            await item.locator("a").click()
            await page.wait_for_load_state()
            assert TITLES[stage] in await page.inner_text("main"), stage
            await page.go_back()
            await page.wait_for_selector("#stages")
    finally:
        await context.close()
