"""The cross-city lot's session driven through the pages, one browser context per person.

Each person signs in through the login page in a context of its own (as at separate
PCs), makes a signing key in the page (WebCrypto, not extractable), gets its
certificate from the demo CA and registers it by proof of possession — the path a
member takes on ``/me/keys`` (docs/browser-signing.md) — and then works only through
its page: the member's scoring room, the host's and the venue staff's desk, the
supervisor's observer view. The test reads outside the pages only what a person could
not type: the database's rows and OpenSSL's verdict.

Screenshots for docs/guide-evaluation.md are taken here (:class:`Shots`), in Chinese
and in English: the page is reloaded in the other language and back, which also shows
that a reload loses nothing.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

from tests.accounts.factory import PASSWORD

TIMEOUT_MS = 60_000
ROOT = Path(__file__).parents[3]
GUIDE_IMAGES = ROOT / "docs" / "guide" / "evaluation"
# ETENDER_GUIDE_SHOTS=1 writes the screenshots into the guide (scripts/guide-screenshots);
# otherwise into the test's own folder, and the guide's list of them is checked.
UPDATE_GUIDE = os.environ.get("ETENDER_GUIDE_SHOTS") == "1"

# Each screenshot of the guide: name → the part of the page it shows.
SHOTS = {
    "keys": "main",
    "room-sign-in": "#room",
    "desk-venue": "main",
    "desk-host": "main",
    "room-qualification": "#sheet",
    "room-scoring": "#sheet",
    "room-review": "#reveal",
    "room-chair": "#chair-controls",
    "observe": "main",
    "room-report": "#report",
}
LANGS = ("zh-CN", "en")
# Where the pages show a refused command (room: #error; desk and observer: #desk-error).
ERROR_BOXES = "#error:visible, #desk-error:visible"


@dataclasses.dataclass(eq=False)
class Person:
    """One signed-in browser context and its page."""

    name: str
    page: Any
    url: str  # the server this person's browser talks to
    ready: str  # the selector that says the page has its first view
    errors: list[str] = dataclasses.field(default_factory=list)

    async def goto(self, path: str) -> None:
        await self.page.goto(f"{self.url}{path}")
        await self.page.wait_for_selector(self.ready, state="attached")

    async def reload(self) -> None:
        await self.page.reload()
        await self.page.wait_for_selector(self.ready, state="attached")


@contextlib.asynccontextmanager
async def person(
    browser: Any, url: str, username: str, *, ready: str, name: str | None = None
) -> AsyncIterator[Person]:
    """A fresh context signed in as ``username`` through the login page."""
    context = await browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    who = Person(name=name or username, page=page, url=url, ready=ready)
    page.on("pageerror", lambda error: who.errors.append(str(error)))
    try:
        await page.goto(f"{url}/login")
        await page.fill("#username", username)
        await page.fill("#password", PASSWORD)
        await page.click("button[type=submit]")
        await page.wait_for_url(f"{url}/home")
        yield who
    finally:
        await context.close()


async def browser_key(who: Person) -> str:
    """Make a key in this browser, get its certificate from the demo CA, register it by
    proof of possession (docs/browser-signing.md; what /me/keys does). The certificate's
    SHA-256."""
    digest: str = await who.page.evaluate(
        """async () => {
            const bundle = document.querySelector("[data-sign-bundle]").dataset.signBundle;
            const sign = await import(bundle);
            const me = await (await fetch("/api/v1/me", {credentials: "same-origin"})).json();
            const made = await sign.keys.create(me.user_id, {label: "评标室 PC"});
            const pem = await sign.account.requestDemoCertificate(made.csrPem, me.csrf_token);
            const record = await sign.keys.attachCertificate(me.user_id, made.record.id, pem);
            return await sign.account.registerCertificate(record, me.csrf_token, {device: true});
        }"""
    )
    return digest


async def wait_text(who: Person, selector: str, text: str) -> None:
    """Until the element's text contains ``text`` (pages update from their socket)."""
    await who.page.locator(selector).filter(has_text=text).first.wait_for(state="attached")


class Shots:
    """The guide's screenshots: each view in Chinese, then reloaded in English and back."""

    def __init__(self, folder: Path) -> None:
        self.folder = GUIDE_IMAGES if UPDATE_GUIDE else folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.taken: list[str] = []

    async def take(
        self, who: Person, name: str, settle: Callable[[Person], Awaitable[None]] | None = None
    ) -> None:
        """``name``-zh-CN.jpg and ``name``-en.jpg of ``who``'s page as it is now; the page
        is left in Chinese."""
        for lang in LANGS:
            await self._show(who, lang, settle)
            target = self.folder / f"{name}-{lang}.jpg"
            # JPEG: the guide's pictures are read, not measured, and a tenth the size.
            part = who.page.locator(SHOTS[name]).first
            await part.screenshot(path=str(target), type="jpeg", quality=70)
            self.taken.append(target.name)
        await self._show(who, LANGS[0], settle)

    @staticmethod
    async def _show(
        who: Person, lang: str, settle: Callable[[Person], Awaitable[None]] | None
    ) -> None:
        """The page reloaded in ``lang`` (the language cookie, as the switch link sets it)."""
        await who.page.context.add_cookies([{"name": "lang", "value": lang, "url": who.url}])
        await who.reload()
        if settle is not None:
            await settle(who)


async def alerts(people: list[Person]) -> str:
    """Every page's visible error box (a refused command) and its uncaught errors."""
    out = []
    for who in people:
        for text in await who.page.locator(ERROR_BOXES).all_inner_texts():
            out.append(f"{who.name}: {text.strip()}")
        out += [f"{who.name}: uncaught {e}" for e in who.errors]
    return "\n".join(out)
