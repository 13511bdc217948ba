"""web/static/js/live.js in Chromium, on the host's desk (CONTRACTS.md §3;
docs/live-sessions.md "Reconnecting"): the server goes away and comes back; the banner
(role=status) says the connection is lost, then resumed; events committed meanwhile
arrive through ?after=<last seq>, none missed and none twice; a command given while
the connection was down is sent once it is back and applied once."""

from __future__ import annotations

import re
from typing import Any

import asyncpg
import pytest

from tests.conftest import LiveServer
from tests.evaluation.kit import MAIN_VENUE, SessionWorld, events, send
from tests.web.evaluation.desk.browser import signed_in

STAFF_SEES = {"all", "role:staff", "role:panel"}  # the host's audiences (no user events)


@pytest.mark.browser
async def test_the_desk_says_lost_then_resumed_and_misses_no_event_nor_doubles_one(
    browser: Any, conn: asyncpg.Connection, w: SessionWorld, live_server: LiveServer
) -> None:
    await send(conn, w, w.staff, "open_sign_in")
    await send(conn, w, w.member(1), "sign_in", {"venue": MAIN_VENUE.id})
    async with signed_in(browser, live_server, w.staff.username) as page:
        await page.goto(f"{live_server.url}/evaluations/{w.state.id}/desk")
        await page.wait_for_selector("#members tr[data-seat='1'][data-signed-in=true]")
        banner = page.locator("#live-banner")
        assert await banner.get_attribute("role") == "status"
        assert await banner.is_hidden()

        await live_server.stop()
        await page.wait_for_selector("#live-banner[data-live=lost]")
        assert await banner.inner_text() == "连接已断开，正在重新连接…"
        # Committed while the page is away; and the host confirms seat 1 meanwhile.
        await send(conn, w, w.member(2), "sign_in", {"venue": MAIN_VENUE.id})
        await send(conn, w, w.member(3), "sign_in", {"venue": MAIN_VENUE.id})
        await page.check("#id-checked-1")
        await page.click("#confirm-1")

        live_server.server.should_exit = False
        live_server.server.started = False
        await live_server.start()
        await page.wait_for_selector("#live-banner[data-live=resumed]")
        assert "连接已恢复" in await banner.inner_text()
        await page.wait_for_selector("#members tr[data-seat='1'][data-present=true]")
        await page.wait_for_selector("#members tr[data-seat='3'][data-signed-in=true]")

        expected = [e.seq for e in await events(conn, w) if e.audience in STAFF_SEES]
        await page.wait_for_function(
            f"() => document.querySelectorAll('#events li[data-seq]').length >= {len(expected)}"
        )
        shown = await page.eval_on_selector_all(
            "#events li[data-seq]", "items => items.map(i => Number(i.dataset.seq))"
        )
        assert sorted(shown) == expected  # every one, once
        assert shown == sorted(shown, reverse=True)  # in order (newest first)
        assert await page.is_hidden("#desk-error")
        assert page.errors == []
    present = [e for e in await events(conn, w) if e.kind == "member.present"]
    assert [e.data["seat"] for e in present] == [1]  # the queued command applied once


CLIENT = """async (arg) => {
  const { connect } = await import("/static/js/live.js");
  const statuses = [];
  const seen = [];
  const live = connect(arg.session, { onStatus: (s) => statuses.push(s),
                                      onEvent: (e) => seen.push(e.seq) });
  const out = { statuses, seen };
  try { out.hello = await live.ready; } catch (e) { out.readyError = e; }
  if (out.hello) {
    out.view = await live.snapshot();
    out.snapshotSeq = live.snapshotSeq;
    try { await live.send("confirm_identity", { seat: 99 }); } catch (e) { out.refused = e; }
    out.ackSeq = await live.send("pause", { reason: "主场网络检修" });
    out.lastSeq = live.lastSeq;
  }
  out.status = live.status;
  out.closeCode = live.closeCode;
  live.close();
  try { await live.send("snapshot", {}); } catch (e) { out.afterClose = e; }
  return out;
}"""


@pytest.mark.browser
async def test_the_client_answers_queries_acks_and_refusals_and_stops_at_a_final_close(
    browser: Any, conn: asyncpg.Connection, w: SessionWorld, live_server: LiveServer
) -> None:
    """For the host: ready says hello; snapshot() is the answer's data; a refusal
    rejects with the error body; an ack resolves with the first event's seq. For a
    bidder (no participant): close 4403 is final — ready rejects, status "closed"."""
    async with signed_in(browser, live_server, w.staff.username) as page:
        out = await page.evaluate(CLIENT, {"session": str(w.state.id)})
    assert out["hello"]["kind"] == "evaluation"
    assert out["view"]["phase"] == "scheduled"
    assert out["view"]["session"] == str(w.state.id)
    assert out["refused"]["code"] == "evaluation_phase_conflict"  # not in sign_in yet
    assert out["refused"]["details"]["phase"] == "scheduled"
    assert out["refused"]["message"]
    paused = [e for e in await events(conn, w) if e.kind == "session.paused"]
    assert out["ackSeq"] == paused[0].seq
    assert out["statuses"][:2] == ["connecting", "open"]
    assert out["seen"] == sorted(set(out["seen"]))
    assert out["afterClose"]["code"] == "live_closed"  # closed by the page: nothing is sent

    async with signed_in(browser, live_server, w.bidder.username) as page:
        out = await page.evaluate(CLIENT, {"session": str(w.state.id)})
    assert out["readyError"]["details"]["close_code"] == 4403
    assert out["status"] == "closed"
    assert out["closeCode"] == 4403
    assert out["statuses"] == ["connecting", "closed"]
    assert out["afterClose"]["code"] == "live_closed"


WATCH = """async (arg) => {
  const { connect } = await import("/static/js/live.js");
  window.statuses = [];
  window.seen = [];
  window.live = connect(arg.session, {
    onStatus: (s) => window.statuses.push(s), onEvent: (e) => window.seen.push(e.seq),
    heartbeatMs: 300, heartbeatTimeoutMs: 1000 });
  await window.live.ready;
}"""


@pytest.mark.browser
async def test_a_socket_gone_silent_is_given_up_and_resumed(
    browser: Any, conn: asyncpg.Connection, w: SessionWorld, live_server: LiveServer
) -> None:
    """The network swallows everything but closes nothing (a dead venue link): the
    heartbeat goes unanswered, the client says lost, reconnects and resumes, and the
    event committed meanwhile arrives once."""
    sockets: list[dict[str, bool]] = []

    async def route(ws: Any) -> None:
        state = {"dead": False}
        sockets.append(state)
        server = ws.connect_to_server()
        ws.on_message(lambda m: None if state["dead"] else server.send(m))
        server.on_message(lambda m: None if state["dead"] else ws.send(m))

    async with signed_in(browser, live_server, w.staff.username) as page:
        await page.route_web_socket(re.compile(r".*/api/v1/live/.*"), route)
        await page.evaluate(WATCH, {"session": str(w.state.id)})
        for state in sockets:
            state["dead"] = True
        await send(conn, w, w.staff, "open_sign_in")
        await page.wait_for_function("() => window.statuses.includes('resumed')")
        await page.wait_for_function("() => window.live.lastSeq >= 2")
        statuses = await page.evaluate("window.statuses")
        seen = await page.evaluate("window.seen")
        await page.evaluate("window.live.close()")
    assert statuses == ["connecting", "open", "lost", "resumed"]
    assert len(sockets) == 2
    expected = [e.seq for e in await events(conn, w) if e.audience in STAFF_SEES]
    assert seen == expected
