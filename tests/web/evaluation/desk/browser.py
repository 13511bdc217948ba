"""Chromium on the desk and the observer view: a signed-in page per user (a browser
context each, as at separate PCs), and the console errors a page must not have."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from tests.accounts.factory import PASSWORD
from tests.conftest import LiveServer


@contextlib.asynccontextmanager
async def signed_in(browser: Any, server: LiveServer, username: str) -> AsyncIterator[Any]:
    """A fresh browser context signed in as ``username``; yields its page."""
    context = await browser.new_context(locale="zh-CN")
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        await page.goto(f"{server.url}/login")
        await page.fill("#username", username)
        await page.fill("#password", PASSWORD)
        await page.click("button[type=submit]")
        await page.wait_for_url(f"{server.url}/home")
        page.errors = errors  # the page's uncaught script errors, for the test to assert
        yield page
    finally:
        await context.close()
