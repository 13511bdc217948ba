"""Evaluation sessions over HTTP: each role sees what the rules allow (names and venues
only to centre staff, supervisors and the member itself), a lot's sessions per object,
and every malformed request refused with a stable code before anything is written."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
import httpx
import pytest
from starlette.applications import Starlette

from live import queries as live
from tests.tender.world import World
from tests.web.evaluation.http import code, fixture_conn, fixture_stand_in, fixture_sw, login
from tests.web.evaluation.kit import (
    ASSISTING,
    MAIN_VENUE,
    SessionStandIn,
    SessionWorld,
    StandInKind,
    counts,
)
from tests.web.tender.http_kit import fixture_http_ca, fixture_settings, fixture_web_world
from web.services import services

__all__ = [
    "fixture_conn",
    "fixture_http_ca",
    "fixture_settings",
    "fixture_stand_in",
    "fixture_sw",
    "fixture_web_world",
]


async def _get(client: httpx.AsyncClient, url: str, username: str | None) -> httpx.Response:
    headers = await login(client, username) if username else {}
    return await client.get(url, headers=headers)


async def test_each_role_sees_what_the_rules_allow(
    client: httpx.AsyncClient, sw: SessionWorld
) -> None:
    """两随机、四不知: overseers see names and venues; a member its own name; the agency
    and tenderer seats only; a bidder the phase only."""
    url = f"/api/v1/evaluations/{sw.state.id}"
    staff = (await _get(client, url, "staff")).json()
    assert staff["phase"] == "qualification"
    assert staff["websocket"] == f"/api/v1/live/{sw.state.id}"
    assert staff["main_venue_id"] == MAIN_VENUE
    assert [s["label"] for s in staff["seats"]] == [f"专家{n}" for n in range(1, 6)]
    assert [s["venue_id"] for s in staff["seats"]][3:] == list(ASSISTING)
    assert all(s["name"] == "测试用户" and s["user_id"] for s in staff["seats"])
    assert (staff["seats_present"], staff["chair_seat"]) == (5, 1)
    assert (await _get(client, url, "supervisor")).json() == staff
    member = (await _get(client, url, "expert3")).json()
    named = [s["seat"] for s in member["seats"] if s["name"] is not None]
    assert named == [3]
    assert member["seats"][2]["user_id"] == str(sw.expert(3).id)
    assert member["main_venue_id"] is None
    for party in ("agent", "owner"):
        seen = (await _get(client, url, party)).json()
        assert all(s["name"] is s["user_id"] is s["venue_id"] is None for s in seen["seats"])
        assert seen["main_venue_id"] is None
    bidder = (await _get(client, url, "bidder1")).json()
    assert (bidder["phase"], bidder["seats"], bidder["seats_present"]) == (
        "qualification",
        None,
        None,
    )
    assert code(await _get(client, url, "otheragent")) == (403, "permission_denied")
    assert code(await _get(client, url, None)) == (401, "unauthenticated")


async def test_unknown_and_malformed_sessions_are_not_found(
    client: httpx.AsyncClient, conn: asyncpg.Connection, sw: SessionWorld
) -> None:
    """A malformed id, an unknown one, or another kind's live session: 404 alike."""
    hall = await live.open_session(conn, "opening", f"{sw.tender.id}/1")
    for which in ("not-a-uuid", str(uuid.uuid4()), str(hall.id), "%00"):
        response = await _get(client, f"/api/v1/evaluations/{which}", "staff")
        expected = (400, "text_contains_nul") if which == "%00" else (404, "live_session_not_found")
        assert code(response) == expected
        for tail in ("clarifications", "notes", "venues/handovers", "report", "report.pdf"):
            if which != "%00":
                refused = await _get(client, f"/api/v1/evaluations/{which}/{tail}", "staff")
                assert code(refused) == (404, "live_session_not_found"), tail


async def test_a_lots_sessions_per_object(client: httpx.AsyncClient, sw: SessionWorld) -> None:
    """Listed for its participants (as each may see it); refused to strangers; an unknown
    or malformed tender or lot is not found."""
    url = f"/api/v1/tenders/{sw.tender.id}/lots/1/evaluations"
    listed = await _get(client, url, "staff")
    assert listed.status_code == 200, listed.text
    (item,) = listed.json()["items"]
    assert item["id"] == str(sw.state.id)
    (seen,) = (await _get(client, url, "bidder1")).json()["items"]
    assert seen["seats"] is None
    assert code(await _get(client, url, "otheragent")) == (403, "permission_denied")
    assert code(
        await _get(client, f"/api/v1/tenders/{sw.tender.id}/lots/7/evaluations", "staff")
    ) == (404, "tender_lot_not_found")
    assert code(await _get(client, "/api/v1/tenders/nope/lots/1/evaluations", "staff")) == (
        404,
        "tender_not_found",
    )


GOOD: dict[str, Any] = {
    "tender_id": str(uuid.uuid4()),
    "lot": "1",
    "main_venue_id": MAIN_VENUE,
    "representatives": [],
    "starts_at": "2026-12-08T01:00:00Z",
}
BAD_SCHEDULES: list[tuple[Any, tuple[int, str]]] = [
    (b"{not json", (400, "malformed_json")),
    ({**GOOD, "tender_id": "nope"}, (422, "request_invalid")),
    ({**GOOD, "lot": "x1"}, (422, "request_invalid")),
    ({**GOOD, "lot": 1}, (422, "request_invalid")),
    ({**GOOD, "main_venue_id": "../x"}, (422, "request_invalid")),
    ({**GOOD, "main_venue_id": "V\u0000"}, (400, "text_contains_nul")),
    ({**GOOD, "starts_at": "2026-12-08T01:00:00"}, (422, "request_invalid")),
    ({**GOOD, "starts_at": "tomorrow"}, (422, "request_invalid")),
    ({**GOOD, "representatives": ["not-a-user"]}, (422, "request_invalid")),
    ({**GOOD, "representatives": [str(uuid.uuid4())] * 17}, (422, "request_invalid")),
    ({**GOOD, "extra": 1}, (422, "request_invalid")),
    ({k: v for k, v in GOOD.items() if k != "starts_at"}, (422, "request_invalid")),
    (b"[" + b" " * (2 << 20) + b"]", (413, "body_too_large")),
]


@pytest.mark.parametrize(("body", "expected"), BAD_SCHEDULES)
async def test_malformed_schedules_are_refused_and_nothing_is_written(
    client: httpx.AsyncClient,
    conn: asyncpg.Connection,
    web_world: World,
    body: Any,
    expected: tuple[int, str],
) -> None:
    """Each malformed body its stable code, before the core is asked anything."""
    headers = await login(client, "staff")
    before = await counts(conn)
    if isinstance(body, bytes):
        response = await client.post(
            "/api/v1/evaluations",
            content=body,
            headers={**headers, "content-type": "application/json"},
        )
    else:
        response = await client.post("/api/v1/evaluations", json=body, headers=headers)
    assert code(response) == expected
    assert await counts(conn) == before


async def test_the_world_is_unchanged_by_reads(
    client: httpx.AsyncClient, conn: asyncpg.Connection, sw: SessionWorld
) -> None:
    """Reading a session writes nothing (no log entry, no event)."""
    headers = await login(client, "staff")
    before = await counts(conn)
    response = await client.get(f"/api/v1/evaluations/{sw.state.id}", headers=headers)
    assert response.status_code == 200
    assert await counts(conn) == before


async def test_events_so_far_are_filtered_by_the_viewers_audiences(
    app: Starlette,
    client: httpx.AsyncClient,
    conn: asyncpg.Connection,
    sw: SessionWorld,
    stand_in: SessionStandIn,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Read-only: each viewer gets the events of its audiences as the socket would send
    them (the kind decides the audiences); a bidder is no participant (403)."""
    url = f"/api/v1/evaluations/{sw.state.id}/events"
    staff = await login(client, "staff")
    assert code(await client.get(url, headers=staff)) == (404, "live_session_not_found")
    monkeypatch.setitem(services(app).live.kinds, "evaluation", StandInKind(stand_in))
    expert = sw.expert(1).id
    for kind, audience in (
        ("session.phase", "all"),
        ("sheet.revealed", "role:committee"),
        ("member.identity", "role:staff"),
        ("supervisor.note", "role:supervisor"),
        ("snapshot", f"user:{expert}"),
    ):
        await live.append_event(conn, sw.state.id, kind=kind, data={"n": 1}, audience=audience)
    seen = {
        username: [e["kind"] for e in (await _get(client, url, username)).json()["items"]]
        for username in ("staff", "supervisor", "expert1", "expert2", "agent")
    }
    assert seen == {
        "staff": ["session.phase", "member.identity"],
        "supervisor": ["session.phase", "member.identity", "supervisor.note"],
        "expert1": ["session.phase", "sheet.revealed", "snapshot"],
        "expert2": ["session.phase", "sheet.revealed"],
        "agent": ["session.phase"],
    }
    later = (await client.get(f"{url}?after=2", headers=staff)).json()
    assert ([e["seq"] for e in later["items"]], later["last_seq"]) == ([3], 5)
    assert code(await client.get(f"{url}?after=-1", headers=staff)) == (422, "request_invalid")
    assert code(await _get(client, url, "bidder1")) == (403, "permission_denied")
