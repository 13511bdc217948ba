"""The bidder's age identity on /me/keys (issue 16 item 1): made in the page, offered for
download once, its recipient registered by a statement the page signs; the page keeps
nothing of it (not in localStorage, not on the page after registering) and asks before a
new identity replaces the registered one for new bids."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from tests.conftest import LiveServer
from tests.tender.world import World
from tests.web.bids.kit import fixture_settings, make_age_identity, register_browser_key, sign_in
from tests.web.tender.http_kit import fixture_http_ca, fixture_web_world

__all__ = ["fixture_http_ca", "fixture_settings", "fixture_web_world"]


@pytest.mark.browser
async def test_the_age_identity_is_made_downloaded_registered_and_kept_nowhere(
    browser: Any, web_world: World, live_server: LiveServer, tmp_path: Path
) -> None:
    page = await sign_in(browser, live_server.url, "bidder1")
    await register_browser_key(page, live_server.url)
    recipient, identity = await make_age_identity(page, live_server.url, tmp_path)
    lines = identity.read_text().splitlines()
    assert lines[1] == f"# public key: {recipient}"
    secret = lines[-1]
    assert secret.startswith("AGE-SECRET-KEY-1")
    stored = await page.evaluate("() => JSON.stringify(Object.entries(localStorage))")
    assert secret not in stored
    assert secret not in await page.content()
    keys = await page.evaluate("fetch('/api/v1/me/keys').then((r) => r.json())")
    assert keys["recipients"] == [{"value": recipient, "current": True}]

    # A second identity: the page asks first; declined, nothing is made.
    page.once("dialog", lambda dialog: dialog.dismiss())
    await page.click("#age-generate")
    assert await page.is_hidden("#age-made")
    page.once("dialog", lambda dialog: dialog.accept())
    await page.click("#age-generate")
    await expect(page.locator("#age-made")).to_be_visible()
    assert await page.inner_text("#age-recipient") != recipient
    assert await page.is_disabled("#age-register")  # until the file is said to be saved
