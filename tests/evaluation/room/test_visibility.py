"""两随机、四不知: events to everyone carry seats only; names and venues reach staff, the
committee learns the project at the start, and snapshots are filtered by role."""

from __future__ import annotations

import json

import asyncpg

from accounts.model import Actor
from evaluation.model import seat_label
from live.model import EVERYONE, Reply
from tests.evaluation.kit import (
    MAIN_VENUE,
    SessionWorld,
    Template,
    confirm_in_draw,
    events,
    footprint,
    send,
    session_world,
    tenderer_user,
    to_qualification,
)


async def _busy_session(conn: asyncpg.Connection, template: Template) -> SessionWorld:
    """A session with two representatives through sign-in, a recusal and its
    replacement, the election, a pause and an extension."""
    reps = [await tenderer_user(conn, template, f"rep{n}") for n in (1, 2)]
    w = await session_world(conn, template, representatives=reps)
    await send(conn, w, w.staff, "open_sign_in")
    for seat, member in enumerate(w.members, start=1):
        await send(conn, w, member, "sign_in", {"venue": MAIN_VENUE.id})
        await send(conn, w, w.staff, "confirm_identity", {"seat": seat})
    await send(conn, w, w.staff, "start")
    await send(conn, w, w.member(2), "declare", {"conflict": True, "explanation": "投标人1的股东"})
    await send(conn, w, w.supervisor, "approve_replacement", {"seat": 2})
    newcomer = await confirm_in_draw(conn, w)
    await send(conn, w, w.staff, "seat_replacement", {"seat": 2, "user_id": str(newcomer.user_id)})
    await send(conn, w, newcomer, "sign_in", {"venue": MAIN_VENUE.id})
    await send(conn, w, w.staff, "confirm_identity", {"seat": 2})
    seated = [w.member(s) for s in (1, 3, 4, 5, 6, 7)] + [newcomer]
    for member in seated:
        await send(conn, w, member, "declare", {"conflict": False})
    for member in seated:
        await send(conn, w, member, "vote_chair", {"seat": 3})
    await send(conn, w, w.staff, "pause", {"reason": "合肥副场断网"})
    await send(conn, w, w.staff, "resume")
    for member in seated[:3]:
        await send(conn, w, member, "time_short")
    return w


async def _snapshot(conn: asyncpg.Connection, w: SessionWorld, actor: Actor) -> Reply:
    """The actor's snapshot: answered to it alone, no event stored, no log entry."""
    before = await footprint(conn, w)
    reply = await send(conn, w, actor, "snapshot")
    assert isinstance(reply, Reply)
    assert reply.kind == "snapshot"
    assert await footprint(conn, w) == before
    return reply


def _secrets(w: SessionWorld, extra: list[Actor]) -> list[str]:
    """What must never reach everyone: user ids, names, usernames, venues."""
    found = [MAIN_VENUE.id, MAIN_VENUE.name]
    for actor in (*w.members, *extra):
        found += [str(actor.user_id), actor.display_name, actor.username]
    return found


async def test_no_event_to_everyone_names_a_member_or_a_venue(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Every ``all`` event of a busy session: seats only; staff events do name them."""
    w = await _busy_session(conn, evaluation_template)
    all_events = await events(conn, w)
    newcomer_ids = {
        r["user_id"]
        for r in await conn.fetch(
            "SELECT user_id FROM evaluation_members WHERE session_id = $1", w.state.id
        )
    }
    hidden = _secrets(w, []) + [str(u) for u in newcomer_ids]
    public = [e for e in all_events if e.audience == EVERYONE]
    assert len(public) > 30
    for event in public:
        text = json.dumps(event.data, ensure_ascii=False)
        leaked = [s for s in hidden if s in text]
        assert leaked == [], (event.kind, leaked)
    staff = [e for e in all_events if e.audience == "role:staff" and e.kind == "member.detail"]
    assert any(w.member(1).display_name in json.dumps(e.data, ensure_ascii=False) for e in staff)


async def test_the_bidders_names_reach_the_committee_only(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """No event outside the committee's and staff's audiences names a bidder (a
    conflict's explanation may: it reaches staff only)."""
    w = await _busy_session(conn, evaluation_template)
    names = [o.name for o in w.scenario.world.bidder_orgs]
    for event in await events(conn, w):
        text = json.dumps(event.data, ensure_ascii=False)
        if any(n in text for n in names):
            assert event.audience in {"role:committee", "role:staff"}, event.kind


async def test_a_members_snapshot_shows_the_project_only_after_the_start(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Before the start: its own seat and everyone's seats; after: the briefing too."""
    w = await session_world(conn, evaluation_template)
    before = await _snapshot(conn, w, w.member(1))
    assert before.data["you"]["label"] == seat_label(1)
    assert "briefing" not in before.data
    assert "staff" not in before.data
    assert str(w.state.tender_id) not in json.dumps(before.data)
    await to_qualification(conn, w)
    after = await _snapshot(conn, w, w.member(1))
    assert after.data["briefing"]["tender"] == str(w.state.tender_id)
    assert after.data["phase"] == "qualification"
    assert after.data["chair_seat"] == 1


async def test_staff_see_names_and_venues_the_agency_sees_seats(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """The host's snapshot lists members by name and venue; the agency's only seats."""
    w = await session_world(conn, evaluation_template)
    await send(conn, w, w.staff, "open_sign_in")
    await send(conn, w, w.member(1), "sign_in", {"venue": MAIN_VENUE.id})
    host = (await _snapshot(conn, w, w.staff)).data
    first = host["staff"]["members"][0]
    assert (first["name"], first["venue"]) == (w.member(1).display_name, MAIN_VENUE.id)
    agency = (await _snapshot(conn, w, w.agency)).data
    assert set(agency) == {
        "now", "session", "attempt", "phase", "phase_deadline", "paused_at", "chair_seat",
        "seats", "vacant",
    }  # fmt: skip
    text = json.dumps(agency, ensure_ascii=False)
    assert all(s not in text for s in _secrets(w, []))
    assert agency["seats"][0] == {
        "seat": 1, "label": "专家1", "generation": 1, "vacant": False, "signed_in": True,
        "present": False,
    }  # fmt: skip
