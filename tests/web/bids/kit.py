"""Helpers of the bidder's page tests: a platform trusting both the world's CA (the
officials' and the Python sealer's certificates) and the demo CA that issues browser
keys' certificates, signing in, a browser key registered through the keys page, and a
part sealed by the Python sealer (what `etender bid seal` writes) for the lot.

Test modules import the fixtures they use; pytest registers them under their name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from signing.certs import dump_pem_certificate
from signing.demo_ca import DemoCA
from signing.manifest import BidInfo
from tender.model import Tender
from tests.accounts.factory import PASSWORD
from tests.conftest import CloneDatabase
from tests.signing.bid_kit import seal_bytes
from tests.tender.submission.kit import Bidder, sealed_committee
from tests.tender.world import FAST, World
from web.cli.ca import init_ca
from web.settings import Settings

ROOT = Path(__file__).resolve().parents[3]
GUIDE_IMAGES = ROOT / "docs" / "guide" / "bidder"
# ETENDER_GUIDE_SHOTS=1 writes the screenshots into the guide (docs/guide-bidder.md);
# otherwise into the test's own folder, and the guide's list of them is checked.
UPDATE_GUIDE = os.environ.get("ETENDER_GUIDE_SHOTS") == "1"
LANGS = ("zh-CN", "en")
# Each screenshot of the guide: name → the part of the page it shows.
SHOTS = {
    "keys": "main",
    "my-bids": "main",
    "lot-committee": "#committee-step",
    "lot-fields": "#fields-step",
    "lot-upload": "#seal-step",
    "lot-receipt": "#bid-step",
    "lot-record": "#opening-step",
}


@pytest.fixture(name="settings")
def fixture_settings(tmp_path: Path, database: CloneDatabase, http_ca: DemoCA) -> Settings:
    """Fast policies; the world's CA and the demo CA (ETENDER_DEMO_CA_DIR) trusted."""
    data = tmp_path / "data"
    trust = data / "trust"
    trust.mkdir(parents=True)
    (trust / "world-root.pem").write_bytes(dump_pem_certificate(http_ca.root_cert))
    (trust / "world-issuing.pem").write_bytes(dump_pem_certificate(http_ca.issuing_cert))
    folder = tmp_path / "client" / "ca"
    init_ca(folder)
    for name in ("root.crt", "issuing.crt"):
        shutil.copyfile(folder / name, trust / f"demo-{name}")
    overrides = {f"tender_{key}": str(value) for key, value in FAST.to_json().items()}
    return Settings(
        database_url=database.app_dsn, data_dir=data, policy_overrides=overrides,
        demo_ca_dir=folder,
    )  # fmt: skip


async def sign_in(browser: Any, url: str, username: str, **context: Any) -> Any:
    """A new browser context signed in as ``username``: its page."""
    ctx = await browser.new_context(**context)
    page = await ctx.new_page()
    await page.goto(f"{url}/login")
    await page.fill("#username", username)
    await page.fill("#password", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{url}/home")
    return page


async def register_browser_key(page: Any, url: str, label: str = "投标专用电脑") -> None:
    """Make a browser key on /me/keys; the demo CA issues it and the page registers it."""
    await page.goto(f"{url}/me/keys")
    await page.wait_for_selector("#keys-page[data-ready=true]")
    await page.fill("#create-label", label)
    await page.click("#create-form button[type=submit]")
    status = page.locator("#keys tbody .key-status").first
    await expect(status).to_have_text(re.compile(r"已登记（当前）|Registered \(current\)"))


async def make_age_identity(page: Any, url: str, folder: Path) -> tuple[str, Path]:
    """On /me/keys: make the identity, download it once, register its recipient — without
    a reload when the page is on /me/keys already (a key registered a moment ago counts)."""
    if not page.url.endswith("/me/keys"):
        await page.goto(f"{url}/me/keys")
    await page.wait_for_selector("#age-section[data-ready=true]")
    await page.click("#age-generate")
    recipient = await page.inner_text("#age-recipient")
    async with page.expect_download() as got:
        await page.click("#age-download")
    path = folder / "bidder.agekey"
    await (await got.value).save_as(path)
    await page.check("#age-saved")
    await page.click("#age-register")
    await expect(page.locator("#age-current")).to_have_attribute("data-recipient", recipient)
    assert await page.is_hidden("#age-made")
    return recipient, path


def sealed_part(
    world: World, tender: Tender, committee: Any, who: Bidder, files: dict[str, bytes], price: int
) -> bytes:
    """A main part sealed by the Python sealer (client/bid, `etender bid seal`)."""
    assert tender.code is not None
    info = BidInfo(
        tender=tender.code, lot="1", part="main", bidder=who.org.credit_code, consortium=(),
        fields={"price": price, "duration": 90},
    )  # fmt: skip
    return seal_bytes(
        committee, bidder=who.identity, bidder_age=who.age, trust=world.ca.trust_store(),
        at=dt.datetime.now(dt.UTC), files=files, info=info,
    )  # fmt: skip


async def write_sealed(
    conn: Any, world: World, tender: Tender, who: Bidder, folder: Path, size: int, price: int
) -> Path:
    """A part of about ``size`` bytes, sealed and written to ``folder/main.age``."""
    committee = await sealed_committee(conn, tender)
    # Incompressible and different per test: a copy would raise bid_parts_identical.
    body = hashlib.shake_256(f"{tender.id}{who.org.id}".encode()).digest(size)
    data = sealed_part(world, tender, committee, who, {"技术标.pdf": body}, price)
    path = folder / "main.age"
    folder.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


class Shots:
    """The guide's screenshots: each view in Chinese, then reloaded in English and back."""

    def __init__(self, folder: Path) -> None:
        self.folder = GUIDE_IMAGES if UPDATE_GUIDE else folder
        self.folder.mkdir(parents=True, exist_ok=True)

    async def take(
        self, page: Any, url: str, name: str, settle: Callable[[Any], Awaitable[None]]
    ) -> None:
        """``name``-zh-CN.jpg and ``name``-en.jpg of the page as it is now (``settle``
        waits for its script after each reload); the page is left in Chinese."""
        for lang in LANGS:
            await self._show(page, url, lang, settle)
            target = self.folder / f"{name}-{lang}.jpg"
            # JPEG: the guide's pictures are read, not measured, and a tenth the size.
            await page.locator(SHOTS[name]).first.screenshot(
                path=str(target), type="jpeg", quality=70
            )
        await self._show(page, url, LANGS[0], settle)

    @staticmethod
    async def _show(
        page: Any, url: str, lang: str, settle: Callable[[Any], Awaitable[None]]
    ) -> None:
        # The language cookie, as the switch link sets it; a reload loses nothing.
        await page.context.add_cookies([{"name": "lang", "value": lang, "url": url}])
        await page.reload()
        await settle(page)
