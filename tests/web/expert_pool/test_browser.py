"""A real Chromium runs a draw through the pages: agency, centre staff, supervisor, expert."""

from __future__ import annotations

import base64
import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from starlette.applications import Starlette

from accounts.model import Actor
from signing.demo_ca import DemoCA
from signing.draw.response import DrawResponse
from tests.accounts.factory import PASSWORD
from tests.conftest import LiveServer
from tests.expert_pool import fixtures
from tests.expert_pool.world import REMOTE, World, add_experts, new_tender, sign_checkpoint
from tests.web.trust_dir import trust_ca
from web.services import services

conn, pool_ca, world = fixtures.conn, fixtures.pool_ca, fixtures.world
SHANGHAI = ZoneInfo("Asia/Shanghai")


async def _page_as(browser: Any, server: LiveServer, username: str) -> Any:
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(f"{server.url}/login")
    await page.fill("#username", username)
    await page.fill("#password", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{server.url}/home")
    return page


async def _as(browser: Any, server: LiveServer, actor: Actor) -> Any:
    return await _page_as(browser, server, actor.username)


@pytest.mark.browser
async def test_a_draw_runs_through_the_pages_in_chinese_and_english(
    browser: Any, live_server: LiveServer, world: World, app: Starlette, pool_ca: DemoCA
) -> None:
    """Request, prepare, commit, browser entropy, the sealed list, a signed answer."""
    trust_ca(services(app).settings.data_dir, pool_ca)
    await add_experts(world, [f"L{n:03d}" for n in range(9)], accounts=True, passwords=True)
    await add_experts(world, [f"R{n:03d}" for n in range(6)], specialty="C01", region=REMOTE)
    url = live_server.url
    agency = await _as(browser, live_server, world.agency_actor)
    await agency.goto(f"{url}/draws/new")
    start = (dt.datetime.now(SHANGHAI) + dt.timedelta(days=2)).replace(second=0, microsecond=0)
    await agency.fill("#tender_id", await new_tender(world))
    await agency.fill("#project_id", "P-0100")
    await agency.fill("#tenderer", world.tenderer_code)
    await agency.select_option("#department", str(world.department.id))
    await agency.fill("#start", start.strftime("%Y-%m-%dT%H:%M"))
    await agency.fill("#end", (start + dt.timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"))
    await agency.select_option("#spec1", "A08")
    await agency.fill("#count1", "3")
    await agency.select_option("#spec2", "C01")
    await agency.select_option("#rule2", "remote")
    await agency.fill("#count2", "2")
    await agency.click("#new-draw button[type=submit]")
    await agency.wait_for_url(re.compile(r".*/draws/D-[0-9a-f]{16}$"))
    draw_url = agency.url
    assert await agency.get_attribute("#draw-status", "data-status") == "requested"
    assert "定标前保密" in await agency.inner_text("main")

    centre = await _as(browser, live_server, world.centre_staff)
    await centre.goto(draw_url)
    await centre.click("#do-prepare")
    await centre.wait_for_url(re.compile(r".*done=prepare$"))
    await centre.click("#do-commit")
    await centre.wait_for_url(re.compile(r".*done=commit$"))
    assert await centre.query_selector("#members") is None  # the operator sees no names

    # The checkpoint job, driven directly: entropy is offered once a checkpoint fixes the commit.
    await sign_checkpoint(world.conn, services(app).log_identity)
    supervisor = await _as(browser, live_server, world.supervisor)
    await supervisor.goto(draw_url)
    assert "回避与排除" in await supervisor.inner_text("#exclusions")
    assert "承诺与见证检查点" in await supervisor.inner_text("#commit-proof")
    await supervisor.click("#generate-entropy")
    value = await supervisor.input_value("#entropy-value")
    assert re.fullmatch(r"[0-9a-f]{64}", value)  # made by crypto.getRandomValues
    await supervisor.click("#submit-entropy")
    await supervisor.wait_for_url(re.compile(r".*done=entropy$"))
    assert await supervisor.get_attribute("#draw-status", "data-status") == "drawing"
    drawn = await supervisor.eval_on_selector_all(
        "#members tr[data-expert]", "rows => rows.map(r => r.dataset.expert)"
    )
    assert len(drawn) == 5
    local = next(x for x in drawn if x.startswith("L"))

    expert = await _page_as(browser, live_server, world.expert_users[local].username)
    await expert.goto(f"{url}/expert/invitations")
    form = expert.locator("form.answer[data-decision=confirm]")
    statement = (await form.locator("textarea[name=statement]").input_value()).encode()
    parsed = DrawResponse.from_bytes(statement)
    identity = world.identities[local]
    signature = parsed.sign(identity.certificate, identity.key, identity.chain)
    await form.locator("textarea[name=signature]").fill(base64.b64encode(signature).decode())
    await form.locator("button[type=submit]").click()
    await expert.wait_for_url(re.compile(r".*/expert/invitations\?done=1$"))
    assert await expert.get_attribute("article.invitation", "data-status") == "confirmed"

    await agency.goto(draw_url)
    assert "1" in await agency.inner_text("#seats tr[data-label='A08@local'] td.confirmed")
    await agency.click("a[hreflang=en]")
    await agency.wait_for_url(draw_url)
    assert "The committee list is sealed" in await agency.inner_text("main")
    assert local not in await agency.content()
    await supervisor.goto(f"{url}/expert-pool?specialty=C01")
    assert "R000" in await supervisor.inner_text("#pool-results")
    await centre.goto(f"{url}/expert-pool")
    assert "permission_denied" in await centre.content()
    for page in (agency, centre, supervisor, expert):
        await page.context.close()
