"""Issue 16's "Must show", through pages only: a bidder registers its keys on /me/keys (a
browser signing key the demo CA certifies; an age identity made in the page, downloaded
once, its recipient registered by a signed statement), seals its bid in the page (the
committee checked first, a Chinese file name, a file over one upload request), uploads it
— the network drops, then the tab closes, and the sealed file in OPFS resumes from the
committed offset — and submits it with its signature, the receipt checked in the page.
Then, outside the browser: the stored part is accepted by `etender bid inspect`,
decrypted by stock `age` with the page-made identity, every share stanza re-derives byte
for byte from the file key (as the opening's dispute check does), and at the opening two
of three officials open it with the right price in the record."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
import re
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any, cast

import asyncpg
import httpx
import pytest
from playwright.async_api import expect

from client.bid.inputs import read_identity
from signing.age import parse_header, unwrap_file_key
from signing.certs import dump_pem_certificate
from signing.shares import SHARE_TYPE, derive_share_stanzas
from tender.committee import service as committees
from tender.submission import freeze
from tests.accounts.factory import PASSWORD
from tests.conftest import LiveServer
from tests.tender.submission.kit import bidder as make_bidder
from tests.tender.submission.kit import make_submission, submit_sealed
from tests.tender.world import SOON, World, published_tender, wait_until
from tests.web.bids.kit import (
    Shots,
    fixture_settings,
    make_age_identity,
    register_browser_key,
    sign_in,
)
from tests.web.tender.http_kit import fixture_http_ca, fixture_web_world
from web.cli.main import main
from web.settings import Settings

__all__ = ["fixture_http_ca", "fixture_settings", "fixture_web_world"]

CHUNK = 4 * 1024 * 1024  # web/static/js/bids-upload.js: bytes per PUT
PUT = re.compile(r"/api/v1/uploads/[0-9a-f-]+\?offset=")
# Sealed parts bind the deadline (the committee fingerprint), so real time must reach
# it: a margin many times what the page takes to register, seal and upload (about 15 s
# alone on a quiet machine), and nothing waits on the clock before it.
DEADLINE_IN = dt.timedelta(seconds=75)
PRICE_YUAN = "2,986,500.50"
PRICE_FEN = 298_650_050
BIG = CHUNK + 500_000
FILES = {
    "投标函.pdf": hashlib.shake_256(b"bid letter").digest(BIG),
    "报价清单.xlsx": "报价 2986500.50 元".encode(),
}


async def lot_ready(page: Any) -> None:
    await page.wait_for_selector("#bid-page[data-ready=true]")


async def seal_and_interrupt(page: Any) -> None:
    """Seal in the page; the network drops on the second PUT, then the tab is closing."""
    puts: list[int] = []
    closing = asyncio.Event()

    async def network(route: Any) -> None:
        if route.request.method != "PUT":
            await route.continue_()
            return
        puts.append(int(route.request.url.rsplit("=", 1)[1]))
        if len(puts) == 1:
            await route.continue_()
        else:
            await route.abort("connectionreset")
            if len(puts) >= 3:  # the page retried after the drop: now the tab closes
                closing.set()

    await page.route(PUT, network)
    await page.fill("#field-price", PRICE_YUAN)
    await page.fill("#field-duration", "120")
    await page.fill("#field-quality", "合格")
    await page.fill("#field-project_manager", "王工")
    await page.set_input_files(
        "#files-main",
        [
            {"name": n, "mimeType": "application/octet-stream", "buffer": b}
            for n, b in FILES.items()
        ],
    )
    await page.click(".seal-button[data-part=main]")
    await asyncio.wait_for(closing.wait(), 120)
    assert puts[:3] == [0, CHUNK, CHUNK]


def stored_part(settings: Settings, sha256: str) -> bytes:
    """The part as the platform stored it (content-addressed blob store)."""
    return (settings.data_dir / "blobs" / "objects" / sha256[:2] / sha256).read_bytes()


@pytest.mark.slow(wait=75)
@pytest.mark.browser
async def test_a_bidder_seals_uploads_and_submits_in_the_browser_and_it_opens_at_the_opening(
    browser: Any, pool: asyncpg.Pool, web_world: World, settings: Settings,
    live_server: LiveServer, client: httpx.AsyncClient, tmp_path: Path,
) -> None:  # fmt: skip
    url = live_server.url
    async with pool.acquire() as proxy:
        conn = cast(asyncpg.Connection, proxy)
        tender = await published_tender(
            conn, web_world, setup=web_world.setup(SOON),
            deadline_in=DEADLINE_IN, cutoff_in=DEADLINE_IN - dt.timedelta(seconds=1),
        )  # fmt: skip
        # Two other bidders, so that the lot opens (Reg. 44: three bids at least).
        sub = make_submission(web_world, settings.data_dir)
        for i, price in ((1, 310_000_00), (2, 305_000_00)):
            await submit_sealed(conn, pool, sub, web_world, tender, make_bidder(web_world, i),
                                price=price)  # fmt: skip
    page = await sign_in(browser, url, "bidder1")
    sent: list[bytes] = []  # every request body the browser sends, but the part's bytes
    page.context.on(
        "request", lambda r: r.method != "PUT" and sent.append(r.post_data_buffer or b"")
    )
    shots = Shots(tmp_path / "shots")
    await register_browser_key(page, url)
    recipient, identity_file = await make_age_identity(page, url, tmp_path)
    await shots.take(
        page, url, "keys", lambda p: p.wait_for_selector("#age-section[data-ready=true]")
    )
    assert identity_file.read_text().splitlines()[-1].startswith("AGE-SECRET-KEY-1")

    await page.goto(f"{url}/bidder/bids/{tender.id}/lots/1")
    await lot_ready(page)
    committee_check = page.locator("#committee-status")
    await expect(committee_check).to_have_attribute("data-verified", "true")
    await seal_and_interrupt(page)
    context = page.context
    await page.close()

    page = await context.new_page()
    await page.goto(f"{url}/bidder/bids/{tender.id}/lots/1")
    await lot_ready(page)
    pending = await page.inner_text("#pending-uploads li[data-part=main]")
    assert "无需重新选取" in pending  # sealed here: no pick asked for (F6)
    assert "请选取同一文件" not in pending
    resume = page.locator("#pending-uploads li[data-part=main] button")
    await resume.click()
    await page.wait_for_selector("fieldset.part[data-part=main][data-uploaded]")
    sha256 = await page.get_attribute("fieldset.part[data-part=main]", "data-uploaded")
    assert sha256 is not None
    assert "从 4.0 MiB 处继续上传" in await page.inner_text("#upload-text-main")
    await page.click("#submit-button")
    await expect(page.locator("#bid-status")).to_have_attribute("data-status", "submitted")
    check = page.locator("#versions tr[data-version='1'] .check")
    await expect(check).to_have_attribute("data-verified", "true")
    assert await page.is_hidden("#error")

    # Outside the browser: the part the platform stored, checked by the bidder's tools.
    data = stored_part(settings, sha256)
    assert hashlib.sha256(data).hexdigest() == sha256
    part = tmp_path / "main.age"
    part.write_bytes(data)
    tar_bytes = subprocess.run(["age", "-d", "-i", str(identity_file), str(part)],
                               check=True, capture_output=True).stdout  # fmt: skip
    with tarfile.open(fileobj=io.BytesIO(tar_bytes), mode="r:") as archive:
        for name, content in FILES.items():
            member = archive.extractfile(f"files/{name}")
            assert member is not None
            assert member.read() == content
    async with pool.acquire() as proxy:
        committee = await committees.lot_committee(cast(asyncpg.Connection, proxy), tender.id, "1")
    (tmp_path / "committee.json").write_bytes(
        (await client.get(f"/api/v1/tenders/{tender.id}/lots/1/committee")).content
    )
    (tmp_path / "root.pem").write_bytes(dump_pem_certificate(web_world.ca.root_cert))
    shown = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "web.cli.main", "bid", "inspect", str(part), "--identity",
         str(identity_file), "--trust", str(tmp_path / "root.pem"), "--trust",
         str(settings.demo_ca_dir / "root.crt"), "--committee",
         str(tmp_path / "committee.json")],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert f"sha256 {sha256}" in shown.stdout
    assert f"field price = {PRICE_FEN}" in shown.stdout
    identity = read_identity(identity_file)
    assert identity.recipient().encode() == recipient  # the registered one is the page-made one
    header = parse_header(data)
    file_key = unwrap_file_key(header, [identity])
    assert header.stanzas[0].type == "X25519"
    assert [s.type for s in header.stanzas[1:]] == [SHARE_TYPE] * 3
    derived = derive_share_stanzas(
        file_key, fingerprint=committee.fingerprint, part="main", k=2,
        recipients=committee.recipients(),
    )  # fmt: skip
    assert [s.encode() for s in header.stanzas[1:]] == [s.encode() for s in derived]

    # The opening: the deadline passes, the lot freezes, officials 1 and 3 release.
    async with pool.acquire() as proxy:
        conn = cast(asyncpg.Connection, proxy)
        assert tender.deadline is not None
        await wait_until(conn, tender.deadline)
        await freeze.freeze_tender(conn, tender.id)
    # Self-decryption in the page: the identity file is read there, the part found in
    # OPFS by its hash, and only the file key is sent (checked against the header MAC).
    await page.reload()
    await lot_ready(page)
    await page.set_input_files("#selfkey-identity", str(identity_file))
    await page.click("#selfkey-form button[type=submit]")
    await expect(page.locator("#selfkey")).to_have_attribute("data-sent", "true")
    secret = identity_file.read_text().splitlines()[-1].encode()
    assert sent
    assert not any(secret in body or secret.lower() in body for body in sent)
    for x in (1, 3):
        official = web_world.officials[x - 1]
        key = tmp_path / f"official{x}.agekey"
        key.write_text(official.age.encode() + "\n")
        token = (await client.post("/api/v1/auth/login", json={
            "username": official.user.username, "password": PASSWORD})).json()["token"]  # fmt: skip
        argv = ["opening", "release", "--server", url, f"--token={token}", "--identity",
                str(key), "--tender", str(tender.id)]  # fmt: skip
        assert await asyncio.to_thread(main, argv) == 0
    record = (await client.get(f"/api/v1/tenders/{tender.id}/opening-record")).json()
    mine = next(e for e in record["entries"] if e["bidder"] == web_world.bidder_orgs[0].credit_code)
    assert (mine["outcome"], mine["opened_by"]) == ("opened", "officials")
    assert mine["fields"]["price"] == PRICE_FEN
    assert mine["parts"] == [{"label": "main", "sha256": sha256}]
    await page.reload()
    await lot_ready(page)
    await expect(page.locator("#record-entry")).to_contain_text("2,986,500.50")
