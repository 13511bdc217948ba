"""Venue fault reports (report_fault, issue 12): centre staff at the venue — the host at
the main venue, an assisting venue's assigned staff there — record a fault while the
session is open, paused too; stored insert-only, told to staff, logged with the venue
committed and the text hashed."""

from __future__ import annotations

import hashlib

import asyncpg
import pytest

from accounts.model import Actor, OrgKind, Role
from evaluation.errors import EvaluationCommandInvalid, EvaluationHostOnly
from evaluation.sessions.errors import EvaluationVenueInvalid, EvaluationVenueStaffOnly
from expert_pool.answers import queries as draw_answers
from expert_pool.venues import service as venues
from expert_pool.venues import staff as venue_staff
from expert_pool.venues.model import Venue
from live.model import Reply
from signing.errors import EtenderError
from signing.log.entry import LogEntry, commit
from tests.accounts.factory import actor_for, make_organisation, make_user
from tests.evaluation.kit import (
    MAIN_VENUE,
    OTHER_VENUE,
    SessionWorld,
    Template,
    events,
    refuse,
    send,
    session_world,
)

WUHU = Venue(id="V-WUHU", name="芜湖市公共资源交易中心评标室", region="340200", seats=20)


async def _staff_of(conn: asyncpg.Connection, venue: Venue, name: str) -> Actor:
    """A centre of the venue's region assigns one of its staff users to the venue."""
    centre = await make_organisation(conn, OrgKind.CITY_CENTRE, region=venue.region)
    manager = await make_user(conn, centre, Role.CENTRE_STAFF, username=f"{name}.manager")
    staff = await make_user(conn, centre, Role.CENTRE_STAFF, username=f"{name}.staff")
    await venue_staff.assign_staff(conn, await actor_for(conn, manager), venue.id, staff.id)
    return await actor_for(conn, staff)


async def _world(conn: asyncpg.Connection, template: Template) -> tuple[SessionWorld, Actor, Actor]:
    """The draw picked Hefei and Wuhu, each with its own assigned staff user."""
    w = await session_world(conn, template)
    await venues.create_venue(conn, w.staff, WUHU)
    picks = [(OTHER_VENUE.id, "venue@remote", 0), (WUHU.id, "venue@remote", 1)]
    await draw_answers.insert_venue_picks(conn, w.state.draw_id, 90, picks)
    return w, await _staff_of(conn, OTHER_VENUE, "hefei"), await _staff_of(conn, WUHU, "wuhu")


async def _faults(conn: asyncpg.Connection, w: SessionWorld) -> int:
    count: int = await conn.fetchval(
        "SELECT count(*) FROM evaluation_faults WHERE session_id = $1", w.state.id
    )
    return count


async def test_faults_are_stored_told_to_staff_logged_and_in_the_staff_snapshot(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """The host at the main venue, then Hefei's staff at Hefei (the session paused):
    each a ``fault.reported`` event to role:staff naming the reporter, an
    ``evaluation.fault_reported`` entry with the staff member named, the venue only
    committed and the text hashed; the staff snapshot lists both, oldest first."""
    w, hefei, _ = await _world(conn, evaluation_template)
    await send(conn, w, w.staff, "report_fault", {"venue": MAIN_VENUE.id, "text": "3号机蓝屏"})
    await send(conn, w, w.staff, "pause", {"reason": "网络中断"})
    await send(conn, w, hefei, "report_fault", {"venue": OTHER_VENUE.id, "text": "网络中断"})

    told = [e for e in await events(conn, w) if e.kind == "fault.reported"]
    assert [e.audience for e in told] == ["role:staff", "role:staff"]
    first, second = (e.data for e in told)
    assert set(first) == {"id", "venue", "text", "by", "at"}
    assert (first["venue"], first["text"]) == (MAIN_VENUE.id, "3号机蓝屏")
    assert first["by"] == {"user_id": str(w.staff.user_id), "name": w.staff.display_name}
    assert (second["venue"], second["by"]["user_id"]) == (OTHER_VENUE.id, str(hefei.user_id))

    rows = await conn.fetch(
        "SELECT entry FROM log_entries WHERE kind = 'evaluation.fault_reported' ORDER BY idx"
    )
    entries = [LogEntry.from_bytes(r["entry"]) for r in rows]
    assert [e.actor.user_id for e in entries] == [str(w.staff.user_id), str(hefei.user_id)]
    salt = await conn.fetchval(
        "SELECT venue_salt FROM evaluation_faults WHERE id = $1::uuid", second["id"]
    )
    assert entries[1].data == {
        "venue": commit(OTHER_VENUE.id, bytes(salt)),
        "text_sha256": hashlib.sha256("网络中断".encode()).hexdigest(),
    }
    assert entries[1].commitments == ("venue",)
    assert OTHER_VENUE.id not in bytes(rows[1]["entry"]).decode()

    reply = await send(conn, w, hefei, "snapshot")
    assert isinstance(reply, Reply)
    assert reply.data["staff"]["faults"] == [first, second]
    member_view = await send(conn, w, w.member(1), "snapshot")
    assert isinstance(member_view, Reply)
    assert "staff" not in member_view.data


@pytest.mark.parametrize(
    ("who", "venue", "error"),
    [
        ("host", OTHER_VENUE.id, EvaluationVenueStaffOnly),  # not assigned to Hefei
        ("wuhu", OTHER_VENUE.id, EvaluationVenueStaffOnly),  # another venue's staff
        ("host", "V-NOWHERE", EvaluationVenueInvalid),  # no venue of the session
        ("supervisor", MAIN_VENUE.id, EvaluationHostOnly),
        ("member", MAIN_VENUE.id, EvaluationHostOnly),
    ],
)
async def test_only_staff_at_the_venue_report_its_faults(
    conn: asyncpg.Connection,
    evaluation_template: Template,
    who: str,
    venue: str,
    error: type[EtenderError],
) -> None:
    """Anyone else, or a venue that is not the session's: refused, nothing written."""
    w, _, wuhu = await _world(conn, evaluation_template)
    actor = {"host": w.staff, "wuhu": wuhu, "supervisor": w.supervisor,
             "member": w.member(1)}[who]  # fmt: skip
    await refuse(conn, w, actor, "report_fault", {"venue": venue, "text": "投影仪故障"}, error)
    assert await _faults(conn, w) == 0


@pytest.mark.parametrize(
    "data",
    [
        {"venue": MAIN_VENUE.id, "text": "x" * 501},
        {"venue": MAIN_VENUE.id, "text": "   "},
        {"venue": MAIN_VENUE.id},
        {"venue": MAIN_VENUE.id, "text": "故障", "seat": 1},
    ],
)
async def test_a_fault_report_outside_its_shape_is_refused(
    conn: asyncpg.Connection, evaluation_template: Template, data: dict[str, object]
) -> None:
    """Text of 1–500 characters, not only blanks; no other keys."""
    w, _, _ = await _world(conn, evaluation_template)
    await refuse(conn, w, w.staff, "report_fault", data, EvaluationCommandInvalid)
    assert await _faults(conn, w) == 0


async def test_a_fault_report_is_never_changed_or_deleted(
    conn: asyncpg.Connection, owner_conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Insert-only in the database itself (migration 0069), even for the owner."""
    w, _, _ = await _world(conn, evaluation_template)
    await send(conn, w, w.staff, "report_fault", {"venue": MAIN_VENUE.id, "text": "断电"})
    for statement in ("UPDATE evaluation_faults SET text = 'ok'", "DELETE FROM evaluation_faults"):
        with pytest.raises(asyncpg.CheckViolationError):
            await owner_conn.execute(statement)
    assert await _faults(conn, w) == 1


async def test_session_text_refuses_c1_controls_as_c0_ones(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """*Text* holds no control character but newline and tab (docs/formats/
    evaluation-session.md §4): C1 (U+0080–U+009F) is refused as C0 and DEL are — in a
    fault report and in a pause's reason alike — and nothing is written; newline and
    tab still pass."""
    w, _, _ = await _world(conn, evaluation_template)
    for bad in ("故障\x85", "\x9b31m故障", "故障\x80", "故障\x1b", "故障\x7f"):
        await refuse(conn, w, w.staff, "report_fault", {"venue": MAIN_VENUE.id, "text": bad},
                     EvaluationCommandInvalid)  # fmt: skip
        await refuse(conn, w, w.staff, "pause", {"reason": bad}, EvaluationCommandInvalid)
    assert await _faults(conn, w) == 0
    await send(conn, w, w.staff, "report_fault", {"venue": MAIN_VENUE.id, "text": "一\n\t二"})
    assert await _faults(conn, w) == 1
