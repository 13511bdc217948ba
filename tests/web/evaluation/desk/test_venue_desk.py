"""A venue's desk in Chromium (issue 12, item 2; docs/api-expert-pool.md "Venue staff"):
centre staff assigned to an assisting venue (副场) see the members who signed in at
their venue only, confirm identities there (after the ID-card tick), are offered
nothing for another venue's members — and the server refuses it anyway — and report a
fault that the host's desk shows."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from accounts.model import Actor, OrgKind, Role
from expert_pool.answers import queries as draw_answers
from expert_pool.venues import service as venues
from expert_pool.venues import staff as venue_staff
from tests.accounts.factory import actor_for, make_organisation, make_user
from tests.conftest import LiveServer
from tests.evaluation.kit import MAIN_VENUE, OTHER_VENUE, SessionWorld, send
from tests.web.evaluation.desk.browser import signed_in
from tests.web.evaluation.kit import ASSISTING, WUHU

# A raw socket from the signed-in page (same cookie, same origin): what a user could
# send whatever the page offers.
CONFIRM_RAW = """async (arg) => new Promise((resolve) => {
  const ws = new WebSocket("ws://" + location.host + "/api/v1/live/" + arg.session);
  ws.onmessage = (m) => {
    const frame = JSON.parse(m.data);
    if (frame.type === "hello") {
      ws.send(JSON.stringify({id: "raw-1", type: "confirm_identity", data: {seat: arg.seat}}));
    } else if (frame.id === "raw-1") { ws.close(); resolve(frame); }
  };
})"""


async def _venue_staff(conn: asyncpg.Connection, region: str, venue: str, name: str) -> Actor:
    """A city centre's staff user, assigned to ``venue`` by the centre's manager."""
    centre = await make_organisation(conn, OrgKind.CITY_CENTRE, region=region)
    manager = await make_user(conn, centre, Role.CENTRE_STAFF, username=f"{name}.manager")
    staff = await make_user(conn, centre, Role.CENTRE_STAFF, username=f"{name}.staff")
    await venue_staff.assign_staff(conn, await actor_for(conn, manager), venue, staff.id)
    return await actor_for(conn, staff)


@pytest.mark.browser
async def test_venue_staff_see_and_confirm_only_their_venues_members(
    browser: Any, conn: asyncpg.Connection, w: SessionWorld, live_server: LiveServer
) -> None:
    """Seat 1 signs in at Hefei, seat 2 at the main venue, seat 3 at Wuhu: Hefei's staff
    see seat 1 only and confirm it; the server refuses them Wuhu's seat 3; their fault
    report reaches the host's desk."""
    # The lot's draw picked Hefei and Wuhu (as tests/web/evaluation/kit.py writes the
    # picks), each venue's own centre assigned its staff; the host is assigned nowhere.
    await venues.create_venue(conn, w.staff, WUHU)
    picks = [(venue_id, "venue@remote", i) for i, venue_id in enumerate(ASSISTING)]
    await draw_answers.insert_venue_picks(conn, w.state.draw_id, 90, picks)
    hefei = await _venue_staff(conn, OTHER_VENUE.region, OTHER_VENUE.id, "hefei")
    await _venue_staff(conn, WUHU.region, WUHU.id, "wuhu")
    await send(conn, w, w.staff, "open_sign_in")
    await send(conn, w, w.member(1), "sign_in", {"venue": OTHER_VENUE.id})
    await send(conn, w, w.member(2), "sign_in", {"venue": MAIN_VENUE.id})
    await send(conn, w, w.member(3), "sign_in", {"venue": WUHU.id})
    async with signed_in(browser, live_server, hefei.username) as page:
        await page.goto(f"{live_server.url}/evaluations/{w.state.id}")
        assert page.url.endswith("/desk")
        await page.wait_for_selector("#desk[data-ready=true][data-mode=venue]")
        rows = page.locator("#members tbody tr")
        assert await rows.count() == 1
        assert await rows.first.get_attribute("data-seat") == "1"
        assert await page.locator("#host-actions").count() == 0
        assert await page.locator("[id^=confirm-]").count() == 1
        assert await page.inner_text("#present-here-count") == "0"
        await page.check("#id-checked-1")
        await page.click("#confirm-1")
        await page.wait_for_selector("#members tr[data-seat='1'][data-present=true]")
        assert await page.inner_text("#present-here-count") == "1"

        refused = await page.evaluate(CONFIRM_RAW, {"session": str(w.state.id), "seat": 3})
        assert refused["type"] == "error"
        assert refused["error"]["code"] == "evaluation_venue_staff_only"

        options = await page.eval_on_selector_all(
            "#fault-venue option", "os => os.map(o => o.value)"
        )
        assert options == [OTHER_VENUE.id]
        await page.fill("#fault-text", "副场2号评标机显示器故障，已更换备用机。")
        await page.click("#cmd-report-fault")
        await page.wait_for_selector(f"#faults tr[data-venue={OTHER_VENUE.id}]")
        assert page.errors == []
    async with signed_in(browser, live_server, w.staff.username) as host:
        await host.goto(f"{live_server.url}/evaluations/{w.state.id}/desk")
        await host.wait_for_selector("#desk[data-ready=true][data-mode=host]")
        fault = await host.inner_text(f"#faults tr[data-venue={OTHER_VENUE.id}]")
        assert "显示器故障" in fault
        assert hefei.display_name in fault
        # The host confirms at the main venue, not at Wuhu: no button for seat 3.
        assert await host.locator("#confirm-2").count() == 1
        assert await host.locator("#confirm-3").count() == 0
    confirmed = await conn.fetch(
        "SELECT seat FROM evaluation_members WHERE session_id = $1 "
        "AND identity_confirmed_at IS NOT NULL ORDER BY seat",
        w.state.id,
    )
    assert [r["seat"] for r in confirmed] == [1]
