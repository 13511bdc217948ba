"""Tender pages: the public notices and a notice (in Chinese and English), the agency's
workspace through its forms, and — in a real Chromium — an agency drafting, fixing the
broken rules, publishing and following downloads while a bidder finds and downloads."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import pytest

from procurement.model import PROJECT_METHODS
from tender import queries
from tender.calendar import SHANGHAI
from tender.committee import service as committee
from tender.model import (
    Category,
    EvaluationMethod,
    OpeningPolicy,
    Procedure,
    Sealing,
    TenderStatus,
)
from tender.notices.model import ClarificationKind
from tests.accounts.factory import PASSWORD
from tests.conftest import LiveServer
from tests.tender.world import World, official_inputs
from tests.web.tender.http_kit import (  # noqa: F401  (fixtures)
    bearer,
    fixture_http_ca,
    fixture_settings,
    fixture_tokens,
    fixture_web_world,
    publish_over_http,
)
from web.services import services
from web.tender import i18n as i18n_tender

HIDDEN_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
TEMPLATES = Path(__file__).parents[3] / "web" / "templates" / "tender"


async def sign_in(client: httpx.AsyncClient, username: str) -> str:
    """Log in through the form; the session's CSRF token for later forms."""
    form = await client.get("/login")
    match = HIDDEN_CSRF.search(form.text)
    assert match is not None
    response = await client.post(
        "/login", data={"csrf_token": match.group(1), "username": username, "password": PASSWORD}
    )
    assert response.status_code == 303
    page = await client.get("/tenders")
    token = HIDDEN_CSRF.search((await client.get("/agency/tenders")).text) or HIDDEN_CSRF.search(
        page.text
    )
    assert token is not None
    return token.group(1)


def test_every_message_key_of_the_templates_is_translated() -> None:
    """A missing translation is a test failure, never a blank page."""
    used = set()
    for template in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r't\("(td\.[a-z0-9_.]+)"', template.read_text(encoding="utf-8")))
    assert used
    dynamic = {
        "td.category.": list(Category),
        "td.procedure.": list(Procedure),
        "td.status.": list(TenderStatus),
        "td.method.": list(EvaluationMethod),
        "td.procurement_method.": sorted(PROJECT_METHODS),  # issue 18
        "td.kind.": list(ClarificationKind),
        "td.envelopes.": ["1", "2"],
        "td.opening_policy.": list(OpeningPolicy),
        "td.sealing.": list(Sealing),
        "td.error.": [],
    }
    keys = {key for key in used if not key.endswith(".")}
    keys |= {prefix + str(value) for prefix in used & set(dynamic) for value in dynamic[prefix]}
    assert {key for key in used if key.endswith(".")} <= set(dynamic)
    assert sorted(key for key in keys if key not in i18n_tender.catalogue()) == []
    assert all(len(texts) == 2 and all(texts) for texts in i18n_tender.catalogue().values())


async def test_the_public_sees_notices_and_a_notice_in_chinese_and_english(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str]
) -> None:
    """/tenders lists it, the search finds it, the notice shows lots, documents and dates;
    anonymous visitors get no download button; a draft is invisible."""
    published = await publish_over_http(client, pool, web_world, tokens)
    listing = await client.get("/tenders", params={"q": "城南"})
    assert listing.status_code == 200
    assert published.body["code"] in listing.text
    assert "default-src 'self'" in listing.headers["content-security-policy"]
    assert published.body["code"] not in (await client.get("/tenders", params={"q": "无此"})).text
    notice = await client.get(f"/tenders/{published.id}")
    assert "第1标段" in notice.text
    assert "招标文件.pdf" in notice.text
    assert "100,000.00" in notice.text  # the bond, in yuan
    assert "/download" not in notice.text
    assert "投标人登录后可下载招标文件" in notice.text
    await client.get("/lang/en?next=/")
    english = await client.get(f"/tenders/{published.id}")
    assert '<html lang="en">' in english.text
    assert "Bid deadline = opening" in english.text
    missing = await client.get(f"/tenders/{dt.datetime.now().timestamp()}")
    assert missing.status_code == 404


async def test_the_agency_drafts_through_its_forms_and_sees_the_broken_rules(
    client: httpx.AsyncClient, web_world: World, tokens: dict[str, str]
) -> None:
    """Create, set dates, add a lot, change the opening form; errors render with codes."""
    csrf = await sign_in(client, "agent")
    created = await client.post(
        "/agency/tenders",
        data={
            "csrf_token": csrf,
            "title": "表单创建的项目",
            "category": "goods",
            "procedure": "open",
            "tenderer_id": str(web_world.tenderer_org.id),
            "department_id": str(web_world.department.id),
        },
    )
    assert created.status_code == 303
    manage_url = created.headers["location"]
    page = await client.get(manage_url)
    assert 'data-code="lots_missing"' in page.text
    assert 'data-code="schedule_incomplete"' in page.text
    lot = await client.post(
        f"{manage_url}/lots",
        data={
            "csrf_token": csrf,
            "number": "1",
            "lot_title": "办公设备",
            "estimate": "1,000,000.00",
            "ceiling": "950000",
            "bond": "20000.01",
            "method": "lowest_evaluated_price",
            "criteria": "",
            "price_points": "0",
            "formula": "lowest_price_base",
        },
    )
    assert lot.status_code == 303
    page = await client.get(manage_url)
    assert 'data-code="bond_above_limit"' in page.text  # 20,000.01 > 2 % of 1,000,000
    assert 'data-code="lots_missing"' not in page.text
    # Decimal's spellings answered 500 (inf, sNaN) or asked for an integer of a billion
    # digits (1e999999999); a typo's amount is refused in words (breaker F3).
    for typed in ("1.005", "inf", "Infinity", "sNaN", "NaN", "1e999999999", "1e3", "1_000",
                  "-1", "1,23", "１０"):  # fmt: skip
        bad = await client.post(
            f"{manage_url}/lots",
            data={
                "csrf_token": csrf,
                "number": "1",
                "lot_title": "x",
                "estimate": typed,
                "ceiling": "1",
                "bond": "0",
                "method": "lowest_evaluated_price",
            },
        )
        assert bad.status_code == 422, typed
        assert 'data-code="tender_input_invalid"' in bad.text, typed
    fields = await client.post(
        f"{manage_url}/fields",
        data={
            "csrf_token": csrf,
            "fields": "price|fen|投标报价\nwarranty|days|质保期",
        },
    )
    assert fields.status_code == 303
    page = await client.get(manage_url)
    assert "warranty|days|质保期" in page.text
    forged = await client.post(f"{manage_url}/fields", data={"fields": "price|fen|x"})
    assert forged.status_code == 403
    published = await client.post(f"{manage_url}/publish", data={"csrf_token": csrf})
    assert published.status_code == 422
    assert 'data-code="committee_missing"' in published.text
    for outsider in ("bidder1", "otheragent"):
        other = httpx.AsyncClient(transport=client._transport, base_url="http://testserver")
        async with other:
            await sign_in(other, outsider)
            assert (await other.get(manage_url)).status_code == 404


def _local(moment: dt.datetime) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")


async def _fill_dates(page: Any, now: dt.datetime) -> None:
    deadline = now + dt.timedelta(hours=4)
    await page.fill("#documents_from", _local(now - dt.timedelta(minutes=5)))
    await page.fill("#documents_until", _local(deadline))
    await page.fill("#clarification_cutoff", _local(now + dt.timedelta(hours=1)))
    await page.fill("#deadline", _local(deadline))


async def _login(page: Any, url: str, username: str) -> None:
    await page.goto(f"{url}/login")
    await page.fill("#username", username)
    await page.fill("#password", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{url}/home")


@pytest.mark.browser
async def test_an_agency_publishes_in_chromium_and_a_bidder_downloads(
    browser: Any, live_server: LiveServer, pool: asyncpg.Pool, web_world: World, tmp_path: Path
) -> None:
    """The agency's whole path in a real browser, then a bidder's, then the downloads."""
    url = live_server.url
    agency = await browser.new_context()
    page = await agency.new_page()
    await _login(page, url, "agent")
    await page.goto(f"{url}/agency/tenders")
    await page.fill("#title", "浏览器发布的项目")
    await page.select_option("#category", "works")
    await page.click("#new-draft button[type=submit]")
    await page.wait_for_url(re.compile(r".*/agency/tenders/[0-9a-f-]{36}$"))
    manage_url = page.url
    tender_id = manage_url.rsplit("/", 1)[1]
    assert await page.locator("#violations [data-code=lots_missing]").count() == 1
    async with pool.acquire() as conn:
        now = await queries.database_now(conn)
    await _fill_dates(page, now)
    await page.click("#general-form button[type=submit]")
    await page.wait_for_url(manage_url)
    await page.fill("#lot_title", "土建")
    await page.fill("#estimate", "5000000")
    await page.fill("#ceiling", "4800000")
    await page.fill("#bond", "100000")
    await page.click("#lot-form button[type=submit]")
    await page.wait_for_url(manage_url)
    codes = await page.locator("#violations li").evaluate_all("els => els.map(e => e.dataset.code)")
    assert codes == ["committee_missing"]
    await page.fill("#fields-text", "price|fen|投标报价\nduration|days|工期\nwarranty|days|质保期")
    await page.click("#fields-form button[type=submit]")
    await page.wait_for_url(manage_url)
    assert "warranty|days|质保期" in await page.input_value("#fields-text")
    sample = tmp_path / "招标文件.pdf"
    sample.write_bytes("%PDF-1.4 浏览器上传".encode())
    await page.set_input_files("#file", str(sample))
    await page.click("#upload-form button[type=submit]")  # the API with a progress bar
    await page.wait_for_selector("#document-list [data-name='招标文件.pdf']")
    # The centre appoints and the department approves (their own work, not the agency's).
    await _appoint(pool, web_world, tender_id, live_server)
    await page.reload()
    assert await page.locator("#ready").count() == 1
    await page.click("#publish")
    await page.wait_for_url(manage_url)
    assert await page.get_attribute("#status", "data-status") == "published"
    code = await page.inner_text("#code")
    # A bidder finds the notice and downloads the document.
    bidder = await browser.new_context(accept_downloads=True)
    view = await bidder.new_page()
    await _login(view, url, "bidder1")
    await view.goto(f"{url}/tenders")
    await view.fill("#q", "浏览器")
    await view.click("form[role=search] button[type=submit]")
    await view.click(f"article[data-code='{code}'] h2 a")
    await view.wait_for_url(f"{url}/tenders/{tender_id}")
    async with view.expect_download() as waiting:
        await view.click("#document-list button[type=submit]")
    download = await waiting.value
    saved = tmp_path / "downloaded.pdf"
    await download.save_as(str(saved))
    assert saved.read_bytes() == sample.read_bytes()
    # The agency follows the downloads; in English too.
    await page.reload()
    rows = await page.inner_text("#download-list")
    assert web_world.bidder_orgs[0].name in rows
    await page.click("a[hreflang=en]")
    await page.wait_for_url(manage_url)
    assert "Downloads" in await page.inner_text("main")
    await agency.close()
    await bidder.close()


async def _appoint(pool: asyncpg.Pool, world: World, tender_id: str, server: LiveServer) -> None:
    setup = services(server.server.config.app).tender_setup()
    async with pool.acquire() as conn:
        roster = await committee.appoint_committee(
            conn,
            world.staff,
            UUID(tender_id),
            "1",
            k=2,
            officials=official_inputs(world.officials),
            setup=setup,
        )
        await committee.approve_committee(
            conn, world.supervisor, UUID(tender_id), "1", roster_sha256=roster.sha256
        )
