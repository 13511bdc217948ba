"""No-shows (evaluation/sessions/no_shows.py): once the session's start plus the policy's
grace has passed, the host marks a seat that never signed in absent — its replacement
is requested and the pool's attendance (考勤) records the absence — and a job alerts
the centre of sessions whose start passed with seats not signed in. Time is moved by
the session's start (the database clock decides), never by racing it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import asyncpg
import pytest

from evaluation.errors import EvaluationHostOnly, EvaluationPhaseInvalid
from evaluation.model import DEFAULT_POLICY, MemberStatus
from evaluation.sessions.errors import (
    EvaluationNoShowEarly,
    EvaluationNotParticipant,
    EvaluationSignedIn,
)
from evaluation.sessions.no_shows import SIGN_IN_ALERT, raise_sign_in_alerts
from expert_pool.experts import queries as experts
from expert_pool.policy import Offence
from expert_pool.records import service as records
from signing.errors import EtenderError
from tests.evaluation.kit import (
    MAIN_VENUE,
    SessionWorld,
    Template,
    events,
    load,
    refuse,
    send,
    session_world,
)
from tests.supervision.alerts_kit import alert_details

GRACE = dataclasses.replace(DEFAULT_POLICY, no_show_minutes=30)


async def _started_ago(conn: asyncpg.Connection, w: SessionWorld, minutes: int) -> None:
    # Test setup: the session's start moved into the past (the database clock's).
    await conn.execute(
        "UPDATE evaluation_sessions SET starts_at = clock_timestamp() - make_interval(mins => $2)"
        " WHERE id = $1",
        w.state.id,
        minutes,
    )


async def _sign_in(conn: asyncpg.Connection, w: SessionWorld, seats: range) -> None:
    for seat in seats:
        await send(conn, w, w.member(seat), "sign_in", {"venue": MAIN_VENUE.id})
        await send(conn, w, w.staff, "confirm_identity", {"seat": seat})


async def test_a_seat_not_signed_in_after_the_grace_is_marked_absent_and_replaced(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """An hour after the start (grace 30 min) the host marks seat 1 absent: member.absent,
    its replacement requested (waiting for a supervisor), the expert's 考勤 ABSENT."""
    w = await session_world(conn, evaluation_template, policy=GRACE)
    await send(conn, w, w.staff, "open_sign_in")
    await _sign_in(conn, w, range(2, len(w.members) + 1))
    await _started_ago(conn, w, 60)
    after = (await events(conn, w))[-1].seq
    await send(conn, w, w.staff, "mark_no_show", {"seat": 1})
    kinds = [e.kind for e in await events(conn, w, after)]
    assert "member.absent" in kinds
    assert "replacement.requested" in kinds
    state = await load(conn, w)
    gone = next(m for m in state.members if m.seat == 1)
    assert (gone.user_id, gone.status) == (w.member(1).user_id, MemberStatus.ABSENT)
    assert 1 not in {m.seat for m in state.seated}
    requested = await conn.fetch(
        "SELECT seat, cause FROM evaluation_replacements WHERE session_id = $1", w.state.id
    )
    assert [(r["seat"], r["cause"]) for r in requested] == [(1, "absent")]
    profile = await experts.expert_of_user(conn, w.member(1).user_id)
    assert profile is not None
    shown = await records.attendance_of(conn, w.staff, w.state.draw_id)
    assert (profile.expert.id, "absent") in [(x, e) for x, e, _ in shown]
    year = dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=8))).year
    view = await records.year_view(conn, w.supervisor, year, profile.expert.id)
    assert [i.offence for i in view.incidents] == [Offence.ABSENT]


async def test_a_no_show_before_the_grace_is_refused_and_changes_nothing(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Ten minutes after the start with a 30-minute grace: evaluation_no_show_early_conflict
    naming when the seat may be marked; nothing written."""
    w = await session_world(conn, evaluation_template, policy=GRACE)
    await send(conn, w, w.staff, "open_sign_in")
    await _started_ago(conn, w, 10)
    error = await refuse(conn, w, w.staff, "mark_no_show", {"seat": 1}, EvaluationNoShowEarly)
    assert error.code == "evaluation_no_show_early_conflict"
    assert isinstance(error.details, dict)
    assert error.details["seat"] == 1
    assert error.details["absent_from"].endswith("Z")


@pytest.mark.parametrize(
    ("who", "error"),
    [("member", EvaluationHostOnly), ("supervisor", EvaluationHostOnly),
     ("bidder", EvaluationNotParticipant)],
)  # fmt: skip
async def test_only_the_host_marks_a_no_show(
    conn: asyncpg.Connection, evaluation_template: Template, who: str, error: type[EtenderError]
) -> None:
    """A member or the supervisor: evaluation_host_only; a bidder is no participant at
    all; nothing written."""
    w = await session_world(conn, evaluation_template, policy=GRACE)
    await send(conn, w, w.staff, "open_sign_in")
    await _started_ago(conn, w, 60)
    actor = {"member": w.member(2), "supervisor": w.supervisor, "bidder": w.bidder}[who]
    await refuse(conn, w, actor, "mark_no_show", {"seat": 1}, error)


async def test_a_signed_in_seat_or_a_session_not_in_sign_in_is_refused(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Scheduled (the sign-in is not open: nobody could sign in) → phase conflict; a seat
    that signed in (even unconfirmed) → evaluation_signed_in_conflict."""
    w = await session_world(conn, evaluation_template, policy=GRACE)
    await _started_ago(conn, w, 60)
    await refuse(conn, w, w.staff, "mark_no_show", {"seat": 1}, EvaluationPhaseInvalid)
    await send(conn, w, w.staff, "open_sign_in")
    await send(conn, w, w.member(1), "sign_in", {"venue": MAIN_VENUE.id})
    await refuse(conn, w, w.staff, "mark_no_show", {"seat": 1}, EvaluationSignedIn)


async def test_the_job_alerts_once_per_started_session_with_seats_not_signed_in(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Before the start: no alert. After it, with seats 1 and 3 missing: one alert
    ``evaluation_sign_in_missing`` naming the seats (never people), logged; a second run
    raises nothing."""
    w = await session_world(conn, evaluation_template, policy=GRACE)
    await conn.execute(
        "UPDATE evaluation_sessions SET starts_at = clock_timestamp() + interval '1 hour'"
        " WHERE id = $1",
        w.state.id,
    )
    await send(conn, w, w.staff, "open_sign_in")
    await _sign_in(conn, w, range(4, len(w.members) + 1))
    await send(conn, w, w.member(2), "sign_in", {"venue": MAIN_VENUE.id})  # unconfirmed
    assert await raise_sign_in_alerts(conn) == 0
    await _started_ago(conn, w, 1)
    assert await raise_sign_in_alerts(conn) == 1
    assert await raise_sign_in_alerts(conn) == 0
    raised = [a for a in await alert_details(conn, w.state.tender_id) if a.kind == SIGN_IN_ALERT]
    assert len(raised) == 1
    assert raised[0].data["session"] == str(w.state.id)
    assert raised[0].data["seats"] == [1, 3]
    entry = await conn.fetchval(
        "SELECT entry FROM log_entries WHERE kind = 'tender.alert_raised' ORDER BY idx DESC"
    )
    data = json.loads(bytes(entry))["data"]
    assert (data["kind"], data["seats"]) == (SIGN_IN_ALERT, [1, 3])
    for member in w.members:
        assert str(member.user_id).encode() not in bytes(entry)
        assert member.display_name.encode() not in bytes(entry)
