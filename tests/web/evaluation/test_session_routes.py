"""Evaluation sessions over HTTP, on the real session core: scheduling through the
core, each role sees what the rules allow (names and venues only to centre staff,
supervisors and the member itself), a lot's sessions per object, and every malformed
request refused with a stable code before anything is written."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

import asyncpg
import httpx
import pytest

from evaluation.sessions import service as sessions
from live import queries as live
from tender.lifecycle import load
from tests.evaluation.kit import MAIN_VENUE, SessionWorld, Template, footprint, tenderer_user
from tests.web.evaluation.http import code, get, login
from tests.web.evaluation.kit import ASSISTING, counts, in_qualification
from web.settings import Settings


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """No background jobs: this module counts every row the platform writes, and a job
    ticking on its own clock (a tender alert on the template's lot, CI stop 21) raced
    the count. A test of a job calls the job itself."""
    return dataclasses.replace(settings, run_background=False)


def _schedule_body(template: Template, **changes: Any) -> dict[str, Any]:
    return {
        "tender_id": str(template.scenario.tender.id),
        "lot": "1",
        "main_venue_id": MAIN_VENUE.id,
        "representatives": [],
        "starts_at": "2026-12-08T01:00:00Z",
        **changes,
    }


async def test_centre_staff_schedule_the_lots_session_through_the_core(
    client: httpx.AsyncClient, conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """201: the draw's five confirmed experts in seats 1–5 in draw order, the tenderer's
    two representatives in seats 6–7 (Law 37), named for the staff who scheduled; the
    tender is in evaluation; the session is the core's."""
    reps = [await tenderer_user(conn, evaluation_template, f"rep{n}") for n in (1, 2)]
    body = _schedule_body(evaluation_template, representatives=[str(r) for r in reps])
    done = await client.post("/api/v1/evaluations", json=body, headers=await login(client, "staff"))
    assert done.status_code == 201, done.text
    described = done.json()
    assert (described["phase"], described["attempt"], described["lot"]) == ("scheduled", 1, "1")
    assert described["websocket"] == f"/api/v1/live/{described['id']}"
    assert described["main_venue_id"] == MAIN_VENUE.id
    seats = described["seats"]
    assert [(s["seat"], s["kind"]) for s in seats] == [
        *((n, "expert") for n in range(1, 6)),
        (6, "representative"),
        (7, "representative"),
    ]
    committee = [str(u.id) for u in evaluation_template.scenario.committee]
    assert sorted(s["user_id"] for s in seats[:5]) == sorted(committee)
    assert [s["user_id"] for s in seats[5:]] == [str(r) for r in reps]
    state = await sessions.load(conn, uuid.UUID(described["id"]), lock=False)
    assert [m.user_id for m in state.seated][5:] == reps
    tender = await load(conn, evaluation_template.scenario.tender.id)
    assert tender.status == "evaluation"


async def _scheduled_rows(conn: asyncpg.Connection) -> dict[str, Any]:
    """What a scheduling writes: sessions, seats, live sessions, the tender's status."""
    found: dict[str, Any] = await counts(conn)
    for table in ("evaluation_sessions", "evaluation_members", "live_sessions"):
        found[table] = await conn.fetchval(f"SELECT count(*) FROM {table}")
    found["statuses"] = sorted(await conn.fetch("SELECT id, status FROM tenders"))
    return found


async def test_scheduling_is_refused_with_the_cores_codes_and_nothing_written(
    client: httpx.AsyncClient, conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """An unknown main venue (422), an agency user (403, the core's host rule), an
    unknown lot (404), a tenderer's representative who is no user of the tenderer (422):
    each its code, nothing written."""
    staff, agent = await login(client, "staff"), await login(client, "agent")
    template = evaluation_template
    stranger = str(template.scenario.world.agency.user_id)
    before = await _scheduled_rows(conn)
    for body, headers, expected in (
        (_schedule_body(template, main_venue_id="V-NOWHERE"), staff,
         (422, "evaluation_venue_invalid")),
        (_schedule_body(template), agent, (403, "evaluation_host_only")),
        (_schedule_body(template, lot="7"), staff, (404, "tender_lot_not_found")),
        (_schedule_body(template, representatives=[stranger, stranger]), staff,
         (422, "evaluation_representative_invalid")),
    ):  # fmt: skip
        refused = await client.post("/api/v1/evaluations", json=body, headers=headers)
        assert code(refused) == expected, body
    assert await _scheduled_rows(conn) == before


async def test_a_second_session_while_the_first_is_open_is_a_conflict(
    client: httpx.AsyncClient, conn: asyncpg.Connection, w: SessionWorld
) -> None:
    """One session per lot until it is sealed: 409, nothing written."""
    staff = await login(client, "staff")
    before = await footprint(conn, w), await _scheduled_rows(conn)
    refused = await client.post(
        "/api/v1/evaluations", json=_schedule_body(w.template), headers=staff
    )
    assert code(refused) == (409, "evaluation_session_exists_conflict")
    assert (await footprint(conn, w), await _scheduled_rows(conn)) == before


async def test_each_role_sees_what_the_rules_allow(
    client: httpx.AsyncClient, conn: asyncpg.Connection, w: SessionWorld
) -> None:
    """两随机、四不知: overseers see names and venues; a member its own name, and the
    project only from the start; the agency and tenderer seats only; a bidder the phase
    only; anyone else nothing."""
    url = f"/api/v1/evaluations/{w.state.id}"
    early = (await get(client, url, w.member(3))).json()  # scheduled: before the start
    assert (early["phase"], early["tender_id"], early["lot"]) == ("scheduled", None, None)
    assert (await get(client, url, "staff")).json()["tender_id"] == str(w.state.tender_id)
    await in_qualification(conn, w)
    staff = (await get(client, url, "staff")).json()
    assert staff["phase"] == "qualification"
    assert staff["websocket"] == f"/api/v1/live/{w.state.id}"
    assert staff["main_venue_id"] == MAIN_VENUE.id
    assert [s["label"] for s in staff["seats"]] == [f"专家{n}" for n in range(1, 6)]
    assert [s["venue_id"] for s in staff["seats"]] == [MAIN_VENUE.id] * 3 + list(ASSISTING)
    assert [s["name"] for s in staff["seats"]] == [m.display_name for m in w.members]
    assert (staff["seats_present"], staff["chair_seat"]) == (5, 1)
    assert (await get(client, url, "supervisor")).json() == staff
    member = (await get(client, url, w.member(3))).json()
    assert (member["tender_id"], member["lot"]) == (str(w.state.tender_id), "1")
    assert [s["seat"] for s in member["seats"] if s["name"] is not None] == [3]
    assert member["seats"][2]["user_id"] == str(w.member(3).user_id)
    assert member["main_venue_id"] is None
    for party in ("agent", "owner"):
        seen = (await get(client, url, party)).json()
        assert all(s["name"] is s["user_id"] is s["venue_id"] is None for s in seen["seats"])
        assert seen["main_venue_id"] is None
    bidder = (await get(client, url, "bidder1")).json()
    assert (bidder["phase"], bidder["seats"], bidder["seats_present"]) == (
        "qualification",
        None,
        None,
    )
    assert code(await get(client, url, "otheragent")) == (403, "permission_denied")
    assert code(await get(client, url, None)) == (401, "unauthenticated")


async def test_unknown_and_malformed_sessions_are_not_found(
    client: httpx.AsyncClient, conn: asyncpg.Connection, w: SessionWorld
) -> None:
    """A malformed id, an unknown one, or another kind's live session: 404 alike."""
    hall = await live.open_session(conn, "opening", f"{uuid.uuid4()}/1")
    for which in ("not-a-uuid", str(uuid.uuid4()), str(hall.id), "%00"):
        response = await get(client, f"/api/v1/evaluations/{which}", "staff")
        expected = (400, "text_contains_nul") if which == "%00" else (404, "live_session_not_found")
        assert code(response) == expected
        for tail in ("clarifications", "notes", "venues/handovers", "report", "report.pdf",
                     "events"):  # fmt: skip
            if which != "%00":
                refused = await get(client, f"/api/v1/evaluations/{which}/{tail}", "staff")
                assert code(refused) == (404, "live_session_not_found"), tail


async def test_a_lots_sessions_per_object(client: httpx.AsyncClient, w: SessionWorld) -> None:
    """Listed for its participants (as each may see it); refused to strangers; an unknown
    or malformed tender or lot is not found."""
    tender_id = w.state.tender_id
    url = f"/api/v1/tenders/{tender_id}/lots/1/evaluations"
    listed = await get(client, url, "staff")
    assert listed.status_code == 200, listed.text
    (item,) = listed.json()["items"]
    assert (item["id"], item["phase"]) == (str(w.state.id), "scheduled")
    (seen,) = (await get(client, url, "bidder1")).json()["items"]
    assert seen["seats"] is None
    assert code(await get(client, url, "otheragent")) == (403, "permission_denied")
    assert code(await get(client, f"/api/v1/tenders/{tender_id}/lots/7/evaluations", "staff")) == (
        404,
        "tender_lot_not_found",
    )
    assert code(await get(client, "/api/v1/tenders/nope/lots/1/evaluations", "staff")) == (
        404,
        "tender_not_found",
    )


GOOD: dict[str, Any] = {
    "tender_id": str(uuid.uuid4()),
    "lot": "1",
    "main_venue_id": MAIN_VENUE.id,
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
    client: httpx.AsyncClient, conn: asyncpg.Connection, w: SessionWorld
) -> None:
    """Reading a session, its list and its events writes nothing (no log, no event)."""
    headers = await login(client, "staff")
    before = await footprint(conn, w), await counts(conn)
    for tail in ("", "/events", "/clarifications", "/notes", "/venues/handovers"):
        response = await client.get(f"/api/v1/evaluations/{w.state.id}{tail}", headers=headers)
        assert response.status_code == 200, (tail, response.text)
    assert (await footprint(conn, w), await counts(conn)) == before
