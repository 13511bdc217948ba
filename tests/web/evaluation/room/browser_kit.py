"""Driving the scoring room in Chromium: a member's browser context, its signing key
imported into the page's key store, and the other members' moves through the engine
(tests/evaluation/kit.py) — real commands, the page hears them over its socket."""

from __future__ import annotations

from typing import Any

import asyncpg
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from signing import sheets
from signing.certs import dump_pem_certificate
from tests.accounts.factory import PASSWORD
from tests.conftest import LiveServer
from tests.evaluation.kit import SessionWorld, send

TIMEOUT_MS = 30_000


async def member_page(browser: Any, server: LiveServer, w: SessionWorld, seat: int) -> Any:
    """A fresh browser context signed in as the member of ``seat``, on its room."""
    context = await browser.new_context()
    page = await context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    await page.goto(f"{server.url}/login")
    await page.fill("#username", w.member(seat).username)
    await page.fill("#password", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{server.url}/home")
    await open_room(page, server, w)
    return page


async def open_room(page: Any, server: LiveServer, w: SessionWorld) -> None:
    """The room, loaded and past its first snapshot."""
    await page.goto(f"{server.url}/evaluations/{w.state.id}/room")
    await page.wait_for_selector("#room:not([data-phase=''])", state="attached")


async def import_key(page: Any, w: SessionWorld, seat: int) -> None:
    """The member's registered signing key and certificate, imported into this
    browser's key store as a PKCS#8 file (CONTRACTS.md §1 keys.importPkcs8)."""
    who = w.template.member_identities[w.member(seat).user_id]
    key_pem = who.key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()
    chain = b"".join(dump_pem_certificate(c) for c in (who.certificate, *who.chain)).decode()
    await page.evaluate(
        """async ([keyPem, certPem]) => {
            const root = document.getElementById("room");
            const sign = await import(root.dataset.signBundle);
            await sign.keys.importPkcs8(root.dataset.user, keyPem, certPem, {label: "test"});
        }""",
        [key_pem, chain],
    )


async def text_of(page: Any, selector: str) -> str:
    value: str = await page.inner_text(selector)
    return value


async def wait_text(page: Any, selector: str, text: str) -> None:
    """Until the element's text contains ``text`` (the page updates from its socket).
    Locators, not wait_for_function: the page's CSP forbids evaluating strings."""
    await page.locator(selector).filter(has_text=text).wait_for(state="attached")


async def seal_others(
    conn: asyncpg.Connection, w: SessionWorld, phase: str, entries: tuple[sheets.Entry, ...]
) -> dict[int, bytes]:
    """Every member but seat 1 seals and submits ``entries`` (as the client does);
    their keys, for :func:`reveal_others`."""
    keys = {}
    for seat in range(2, len(w.members) + 1):
        member = w.member(seat)
        body = sheets.build_sheet(
            sheets.Sheet(
                session=w.state.id,
                phase=phase,
                seat=seat,
                generation=1,
                version=1,
                salt=sheets.new_salt(),
                entries=entries,
            )
        )
        who = w.template.member_identities[member.user_id]
        keys[seat] = sheets.new_key()
        sealed = sheets.seal_and_sign(
            body, keys[seat], sheets.new_nonce(), who.certificate, who.key, chain=who.chain
        )
        await send(conn, w, member, "submit_sheet", sealed.submit_data())
    return keys


async def reveal_others(
    conn: asyncpg.Connection, w: SessionWorld, phase: str, keys: dict[int, bytes]
) -> None:
    for seat, key in keys.items():
        await send(conn, w, w.member(seat), "reveal", sheets.reveal_data(phase, key))
