"""The session kinds scripts/bench/sessions.py can drive: set-up and command, pluggable.

A kind of the bench builds, once, ``count`` live sessions of its live kind, each with
its members (who send the command) and its observers (who only watch), and names the
command a member sends: one that commits an event and is acknowledged after the
commit (docs/live-sessions.md). The users are real accounts made through the accounts
service; the bench gives each a bearer token (tests/evaluation/servers.bearer_token).

- ``evaluation`` (the default): evaluation sessions (evaluation/room/session.py) in the
  qualification phase, each with its seated members and, watching, one centre staff
  member and one supervisor of the tender's department. A member sends ``snapshot``
  (docs/formats/evaluation-session.md): the room locks and reads the session, and the
  answer — the member's role-filtered view with the briefing — is sent to the asker
  alone as an ``answer`` frame (nothing is stored: a query grows no log).
- ``opening``: the opening hall (tender/opening/session.py). One published tender per
  session (lot 1, deadline hours away: the hall shows the countdown); the members are
  agency staff of the tender's agency (parties may ask for the ``status``: each answer
  is a ``hall.status`` event to the asker alone); the observers are signed-in users who
  watch.

How the evaluation sessions are made (the bench's set-up only; nothing here is a way
the platform schedules a session). Scheduling through the service needs a lot whose
opening record is published and whose evaluation draw is complete, and an honest
opening waits for the bid deadline (tests/evaluation/scenario.py): 200 of them would
take the set-up hours. So, through the domain's own functions wherever one exists:

1. the tender world (tests/tender/world.py) and one published tender, to which the
   world's three bidders submit real sealed bids (tests/tender/submission/kit.py);
2. one complete evaluation draw of nine, through the expert pool's services
   (tests/expert_pool/world.py: import, accounts, request, prepare, commit, entropy,
   every seated expert confirming) — the draw each session row names;
3. per session, a published tender (its lot 1) and a live session of kind
   ``evaluation``, then the session's rows written with evaluation.sessions' own query
   functions — the session (``insert_session``), the three bids (``insert_bids``),
   nine seated experts, each a new expert account (``insert_member``), signed in at
   the main venue and confirmed by the staff member (``sign_in``,
   ``confirm_identity``), the phase set to qualification with its deadline and the chair
   to seat 1 (``set_phase``, ``set_chair``) — what scheduling, sign-in, the start and the
   chair election would have written. The tender stays ``published`` (scheduling would
   move it to evaluation; no command of the load reads the status), and the members
   are not the draw's experts (the load does not read the draw).
"""

from __future__ import annotations

import dataclasses
import secrets
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg

from accounts.model import OrgKind, Role
from evaluation.model import (
    DEFAULT_POLICY,
    KIND,
    BidRef,
    Member,
    MemberKind,
    MemberStatus,
    Phase,
)
from evaluation.sessions import member_queries
from evaluation.sessions import queries as evaluation_queries
from evaluation.sessions.model import StoredSession, new_subject, phase_deadline, policy_json
from expert_pool.venues import service as venues
from expert_pool.venues.model import Venue
from live import queries as live
from signing.demo_ca import DemoCA
from signing.draw.response import Decision
from tender.queries import database_now
from tests.accounts.factory import make_organisation, make_user
from tests.expert_pool import world as pool_world
from tests.tender.submission.kit import bidder, make_submission, submit_sealed
from tests.tender.world import World, build_world, published_tender
from web.db.database import open_pool


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class BenchSession:
    """One live session and the users in it."""

    id: UUID
    members: tuple[UUID, ...]  # send the command
    observers: tuple[UUID, ...]  # watch only


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class BenchKind:
    """What the bench needs of a kind: its set-up and its members' command."""

    name: str  # --kind
    live_kind: str  # live_sessions.kind
    command: str  # the command type a member sends
    data: dict[str, Any]  # its data
    answer: str  # the event kind each command commits
    # (connection, its DSN, CA, sessions, members each, observers each) → the sessions
    set_up: Callable[
        [asyncpg.Connection, str, DemoCA, int, int, int], Awaitable[list[BenchSession]]
    ]


async def _opening_set_up(
    conn: asyncpg.Connection, dsn: str, ca: DemoCA, count: int, members: int, observers: int
) -> list[BenchSession]:
    """``count`` opening halls, each its own published tender's lot 1."""
    world = await build_world(conn, ca)
    watchers = await make_organisation(conn, OrgKind.BIDDER, name="基准观察者")
    found = []
    for s in range(count):
        tender = await published_tender(conn, world, setup=world.setup())
        session = await live.open_session(conn, "opening", f"{tender.id}/1")
        agents = [
            await make_user(
                conn, world.agency_org, Role.AGENCY, password=None, username=f"bench-s{s}-m{i}"
            )
            for i in range(members)
        ]
        watching = [
            await make_user(conn, watchers, Role.BIDDER, password=None, username=f"bench-s{s}-o{i}")
            for i in range(observers)
        ]
        found.append(
            BenchSession(
                id=session.id,
                members=tuple(u.id for u in agents),
                observers=tuple(u.id for u in watching),
            )
        )
    return found


VENUE = Venue(id="V-BENCH", name="宣城市公共资源交易中心评标室", region="341802", seats=20)
PHASE = Phase.QUALIFICATION  # members at work on their own findings


async def _bids(conn: asyncpg.Connection, dsn: str, world: World) -> list[BidRef]:
    """The world's three bidders submit real sealed bids to one published tender."""
    tender = await published_tender(conn, world, setup=world.setup())
    pool = await open_pool(dsn, min_size=1, max_size=2)
    try:
        with tempfile.TemporaryDirectory(prefix="etender-bench-bids-") as tmp:
            sub = make_submission(world, Path(tmp))
            receipts = [
                await submit_sealed(conn, pool, sub, world, tender, bidder(world, i))
                for i in range(3)
            ]
    finally:
        await pool.close()
    rows = await conn.fetch(
        "SELECT id FROM bids WHERE tender_id = $1 ORDER BY created_at", tender.id
    )
    assert len(rows) == len(receipts)
    return [
        BidRef(bid_id=row["id"], bidder=org.credit_code, name=org.name,
               price_fen=100_000_00 - 1_000_00 * i)
        for i, (row, org) in enumerate(zip(rows, world.bidder_orgs, strict=True))
    ]  # fmt: skip


async def _complete_draw(conn: asyncpg.Connection, ca: DemoCA) -> str:
    """An evaluation draw of nine from a pool of 27 (3 × the seats, signing/draw), every
    seated expert confirming; its id."""
    experts = await pool_world.make_world(conn, ca)
    await pool_world.add_experts(experts, [f"A{n:03d}" for n in range(27)], accounts=True)
    draw = await pool_world.committed_draw(experts, [("A08@local", 9)])
    await pool_world.contribute(conn, experts.supervisor, draw.id, 0, pool_world.fresh_entropy())
    for expert_id in await pool_world.seated(experts, draw.id):
        await pool_world.answer(experts, draw.id, expert_id, Decision.CONFIRM)
    return draw.id


async def _evaluation_set_up(
    conn: asyncpg.Connection, dsn: str, ca: DemoCA, count: int, members: int, observers: int
) -> list[BenchSession]:
    """``count`` evaluation sessions in qualification (the module's docstring: how)."""
    if observers > 2:
        raise SystemExit("observers of an evaluation session here: a staff member, a supervisor")
    world = await build_world(conn, ca)
    bids = await _bids(conn, dsn, world)
    draw_id = await _complete_draw(conn, ca)
    await venues.create_venue(conn, world.staff, VENUE)
    run = secrets.token_hex(3)  # user names stay unique if a database is reused
    found = []
    for s in range(count):
        tender = await published_tender(conn, world, setup=world.setup())
        staff = await make_user(
            conn, world.centre, Role.CENTRE_STAFF, password=None, username=f"bench-{run}-s{s}-staff"
        )
        supervisor = await make_user(
            conn,
            world.department,
            Role.SUPERVISOR,
            scope=world.department,
            password=None,
            username=f"bench-{run}-s{s}-supervisor",
        )
        experts = [
            await make_user(conn, world.centre, Role.EXPERT, password=None,
                            username=f"bench-{run}-s{s}-m{i}")
            for i in range(members)
        ]  # fmt: skip
        async with conn.transaction():
            session = await live.open_session(conn, KIND, new_subject())
            now = await database_now(conn)
            stored = StoredSession(
                id=session.id, tender_id=tender.id, lot="1", attempt=1, draw_id=draw_id,
                department_id=tender.content.department_id, main_venue_id=VENUE.id,
                starts_at=now, policy=DEFAULT_POLICY, phase=Phase.SCHEDULED,
                phase_deadline=None, paused_at=None, pause_reason=None, started_at=None,
                chair_seat=None, sealed_at=None, closed_at=None,
            )  # fmt: skip
            await evaluation_queries.insert_session(
                conn, stored, policy_json(DEFAULT_POLICY), world.staff.user_id
            )
            await evaluation_queries.insert_bids(conn, session.id, bids)
            for seat, user in enumerate(experts, start=1):
                member = Member(seat=seat, user_id=user.id, kind=MemberKind.EXPERT,
                                status=MemberStatus.SEATED)  # fmt: skip
                await member_queries.insert_member(
                    conn, session.id, member, secrets.token_bytes(32)
                )
                await member_queries.sign_in(conn, session.id, member, VENUE.id, now)
                await member_queries.confirm_identity(conn, session.id, member, staff.id, now)
            deadline = phase_deadline(PHASE, DEFAULT_POLICY, now)
            await evaluation_queries.set_phase(
                conn, session.id, PHASE, deadline, started_at=now, closed_at=None
            )
            await evaluation_queries.set_chair(conn, session.id, 1)
        watching = (staff.id, supervisor.id)[:observers]
        found.append(
            BenchSession(id=session.id, members=tuple(u.id for u in experts), observers=watching)
        )
    return found


EVALUATION = BenchKind(
    name="evaluation",
    live_kind=KIND,
    command="snapshot",
    data={},
    answer="snapshot",
    set_up=_evaluation_set_up,
)


OPENING = BenchKind(
    name="opening",
    live_kind="opening",
    command="status",
    data={},
    answer="hall.status",
    set_up=_opening_set_up,
)

KINDS = {kind.name: kind for kind in (EVALUATION, OPENING)}
