"""Sign-in and the start: members sign in at a venue, venue staff confirm them, the host
starts once every seat is present and the committee learns the bidders."""

from __future__ import annotations

import asyncpg

from evaluation.errors import (
    EvaluationCommandInvalid,
    EvaluationHostOnly,
    EvaluationNotMember,
    EvaluationPhaseInvalid,
)
from evaluation.model import Phase
from evaluation.sessions.errors import (
    EvaluationIdentityConfirmed,
    EvaluationMembersNotPresent,
    EvaluationNotSignedIn,
    EvaluationSeatNotFound,
    EvaluationSignedIn,
    EvaluationVenueInvalid,
)
from evaluation.sessions.views import COMMITTEE, STAFF
from expert_pool.views.service import committee_member_salt
from signing.log.entry import commit
from tests.evaluation.kit import (
    MAIN_VENUE,
    OTHER_VENUE,
    Template,
    events,
    load,
    refuse,
    send,
    session_world,
    sign_in_all,
    to_conflicts,
)
from tests.tender.world import entries


async def test_the_host_opens_the_sign_in(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """open_sign_in: scheduled → sign_in, one session.phase event to everyone, logged."""
    w = await session_world(conn, evaluation_template)
    seq = await send(conn, w, w.staff, "open_sign_in")
    [event] = await events(conn, w, after=1)
    assert (event.seq, event.kind, event.audience) == (seq, "session.phase", "all")
    assert event.data == {"phase": "sign_in", "previous": "scheduled", "deadline": None}
    assert (await load(conn, w)).phase is Phase.SIGN_IN
    [entry] = await entries(conn, "evaluation.phase_changed")
    assert entry.actor.user_id == str(w.staff.user_id)


async def test_only_the_host_opens_the_sign_in_and_only_once(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """A member or a supervisor may not open it; opened twice is the wrong phase."""
    w = await session_world(conn, evaluation_template)
    await refuse(conn, w, w.member(1), "open_sign_in", {}, EvaluationHostOnly)
    await refuse(conn, w, w.supervisor, "open_sign_in", {}, EvaluationHostOnly)
    await send(conn, w, w.staff, "open_sign_in")
    await refuse(conn, w, w.staff, "open_sign_in", {}, EvaluationPhaseInvalid)


async def test_a_member_signs_in_at_the_main_venue_hidden_in_the_log(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Everyone sees seat 1 signed in; staff see who and where; the log names the
    member by its draw commitment and the venue by a commitment under the same salt."""
    w = await session_world(conn, evaluation_template)
    await send(conn, w, w.staff, "open_sign_in")
    await send(conn, w, w.member(1), "sign_in", {"venue": MAIN_VENUE.id})
    public, detail = (await events(conn, w))[-2:]
    assert (public.kind, public.audience, public.data) == ("member.signed_in", "all", {"seat": 1})
    assert (detail.kind, detail.audience) == ("member.detail", STAFF)
    [holder] = detail.data["holders"]
    assert holder["user_id"] == str(w.member(1).user_id)
    assert holder["venue"] == MAIN_VENUE.id
    assert holder["name"] == w.member(1).display_name
    [entry] = await entries(conn, "evaluation.signed_in")
    salt = await committee_member_salt(conn, str(w.state.tender_id), "1", w.member(1).user_id)
    assert salt is not None
    assert (entry.actor.user_id, entry.actor.role, entry.address) == (None, "expert", None)
    assert entry.data["actor"] == commit(str(w.member(1).user_id), salt)
    assert entry.data["venue"] == commit(MAIN_VENUE.id, salt)
    assert entry.data["seat"] == 1


async def test_a_venue_the_draw_did_not_pick_is_refused(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """两随机: the lot's draw picked no assisting venue, so only the main venue counts."""
    w = await session_world(conn, evaluation_template)
    await send(conn, w, w.staff, "open_sign_in")
    await refuse(conn, w, w.member(1), "sign_in", {"venue": OTHER_VENUE.id}, EvaluationVenueInvalid)
    await refuse(conn, w, w.member(1), "sign_in", {"venue": 7}, EvaluationCommandInvalid)
    await refuse(conn, w, w.member(1), "sign_in", {}, EvaluationCommandInvalid)


async def test_sign_in_refusals(conn: asyncpg.Connection, evaluation_template: Template) -> None:
    """Before the sign-in opens; by a participant who is no member; twice. (An expert
    of another committee is no participant at all: tests/evaluation/room.)"""
    w = await session_world(conn, evaluation_template)
    venue = {"venue": MAIN_VENUE.id}
    await refuse(conn, w, w.member(1), "sign_in", venue, EvaluationPhaseInvalid)
    await send(conn, w, w.staff, "open_sign_in")
    await refuse(conn, w, w.agency, "sign_in", venue, EvaluationNotMember)
    await refuse(conn, w, w.staff, "sign_in", venue, EvaluationNotMember)
    await send(conn, w, w.member(1), "sign_in", venue)
    await refuse(conn, w, w.member(1), "sign_in", venue, EvaluationSignedIn)


async def test_venue_staff_confirm_a_signed_in_member(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Only centre staff confirm; only a signed-in seat; only once; the seat is present."""
    w = await session_world(conn, evaluation_template)
    await send(conn, w, w.staff, "open_sign_in")
    await refuse(conn, w, w.staff, "confirm_identity", {"seat": 1}, EvaluationNotSignedIn)
    await send(conn, w, w.member(1), "sign_in", {"venue": MAIN_VENUE.id})
    await refuse(conn, w, w.member(2), "confirm_identity", {"seat": 1}, EvaluationHostOnly)
    await refuse(conn, w, w.staff, "confirm_identity", {"seat": 9}, EvaluationSeatNotFound)
    await refuse(conn, w, w.staff, "confirm_identity", {"seat": "1"}, EvaluationCommandInvalid)
    await send(conn, w, w.staff, "confirm_identity", {"seat": 1})
    public = [e for e in await events(conn, w) if e.kind == "member.present"]
    assert [(e.data, e.audience) for e in public] == [({"seat": 1}, "all")]
    assert next(m for m in (await load(conn, w)).seated if m.seat == 1).present
    await refuse(conn, w, w.staff, "confirm_identity", {"seat": 1}, EvaluationIdentityConfirmed)


async def test_the_start_waits_for_every_seat(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """With seat 5 unconfirmed the start is refused, naming the seat."""
    w = await session_world(conn, evaluation_template)
    await send(conn, w, w.staff, "open_sign_in")
    for seat in range(1, 6):
        await send(conn, w, w.member(seat), "sign_in", {"venue": MAIN_VENUE.id})
        if seat < 5:
            await send(conn, w, w.staff, "confirm_identity", {"seat": seat})
    error = await refuse(conn, w, w.staff, "start", {}, EvaluationMembersNotPresent)
    assert error.details == {"seats": [5]}


async def test_the_start_shows_the_committee_the_project_and_its_bidders(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """sign_in → conflicts; bids.listed, with the bidders' names, goes to the committee
    only; the session's start time is recorded."""
    w = await session_world(conn, evaluation_template)
    await sign_in_all(conn, w)
    await refuse(conn, w, w.member(1), "start", {}, EvaluationHostOnly)
    await send(conn, w, w.staff, "start")
    phase, listed = (await events(conn, w))[-2:]
    assert phase.data["phase"] == "conflicts"
    assert (listed.kind, listed.audience) == ("bids.listed", COMMITTEE)
    assert listed.data["tender"] == str(w.state.tender_id)
    assert sorted(b["name"] for b in listed.data["bids"]) == sorted(
        o.name for o in w.scenario.world.bidder_orgs
    )
    started = await conn.fetchval(
        "SELECT started_at FROM evaluation_sessions WHERE id = $1", w.state.id
    )
    assert started is not None


async def test_a_started_session_does_not_start_again(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """start belongs to the sign-in phase."""
    w = await session_world(conn, evaluation_template)
    await to_conflicts(conn, w)
    await refuse(conn, w, w.staff, "start", {}, EvaluationPhaseInvalid)
