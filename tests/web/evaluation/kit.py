"""A session world for WEB's evaluation tests (clarifications, notes, venues, the API).

Until the core (evaluation/sessions, evaluation/room; branch ``core``) is integrated,
a session is built here the way EVAL_PLAN.md's addendum says: a real live session row
(``live.queries.open_session(conn, "evaluation", subject)``), real users, organisations,
certificates, venues and a real published tender, and a :class:`SessionState` made
directly. :class:`RecordingOps` stands in for the core's SessionOps (its ``log`` appends
real log entries, as the core's does); :class:`SessionStandIn` stands in for the core's
reader and listings behind web/evaluation/core.py. The integrator replaces both with
the core's (tests/evaluation/kit.py) — nothing else here depends on them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

import asyncpg

from accounts.model import Actor, OrgKind, Role, User
from audit import service as audit
from evaluation.clarifications.parties import Standing, viewer
from evaluation.events import EvaluationEvent
from evaluation.handlers import Ctx
from evaluation.model import (
    DEFAULT_POLICY,
    BidRef,
    EvaluationPolicy,
    Member,
    MemberKind,
    MemberStatus,
    Phase,
    SessionState,
)
from expert_pool.venues import service as venues
from expert_pool.venues.model import Venue
from live import queries as live
from live.model import Command, Emit, LiveSession, user_audience
from signing.certs import Identity
from signing.demo_ca import issue_identity
from signing.log.entry import Actor as LogActor
from signing.log.entry import LogEntry, Subject
from tender import queries as tender_queries
from tender.lifecycle import load
from tender.model import Tender
from tests.accounts.factory import PASSWORD, actor_for, make_organisation, make_user
from tests.tender.world import World, published_tender, register_certificate

MAIN_VENUE = "V-MAIN"
ASSISTING = ("V-HF", "V-WH")
SEATS = 5  # five experts, seats 1–5; seat 1 is the chair


@dataclasses.dataclass
class RecordingOps:
    """The core's SessionOps as far as these features need it: ``log`` appends a real
    entry (subject the session; a member by seat, never by name), the rest records."""

    logged: list[tuple[str, dict[str, Any]]] = dataclasses.field(default_factory=list)
    advanced: int = 0
    absent: list[tuple[int, str]] = dataclasses.field(default_factory=list)

    async def advance(self, ctx: Ctx) -> list[Emit]:
        self.advanced += 1
        return []

    async def log(self, ctx: Ctx, kind: EvaluationEvent, data: Mapping[str, Any]) -> int:
        member = ctx.member
        if member is not None:
            actor = LogActor(user_id=None, role="expert")
            data = {**data, "seat": member.seat}
        else:
            role = "supervisor" if ctx.actor.has_role(Role.SUPERVISOR) else "centre_staff"
            actor = LogActor(user_id=str(ctx.actor.user_id), role=role)
        entry = LogEntry(
            kind=str(kind),
            time=ctx.now,
            actor=actor,
            address=None,
            subject=Subject(type="evaluation", id=str(ctx.state.id)),
            data=dict(data),
        )
        self.logged.append((str(kind), dict(data)))
        return await audit.append(ctx.conn, entry)

    async def mark_absent(self, ctx: Ctx, seat: int, reason: str) -> list[Emit]:
        self.absent.append((seat, reason))
        return []


@dataclasses.dataclass
class SessionWorld:
    """A session of lot 1 of a published tender, its committee, bidders and venues."""

    world: World
    tender: Tender
    state: SessionState
    experts: tuple[User, ...]  # seat n is experts[n - 1]
    supervisor_identity: Identity
    ops: RecordingOps
    stand_in: SessionStandIn | None = None  # the app's view of the session, if any

    def expert(self, seat: int) -> User:
        return self.experts[seat - 1]

    def with_phase(self, phase: Phase, **changes: Any) -> SessionState:
        """The session in another phase (what the core's transitions would leave)."""
        self.state = dataclasses.replace(self.state, phase=phase, **changes)
        if self.stand_in is not None:
            self.stand_in.add(self.state)
        return self.state


async def make_venues(conn: asyncpg.Connection, staff: Actor) -> None:
    """The main venue and two assisting venues in other cities."""
    for venue_id, region in ((MAIN_VENUE, "341802"), (ASSISTING[0], "340100"),
                             (ASSISTING[1], "340200")):  # fmt: skip
        await venues.create_venue(
            conn, staff, Venue(id=venue_id, name=f"评标室 {venue_id}", region=region, seats=9)
        )


def _members(experts: tuple[User, ...], now: dt.datetime) -> tuple[Member, ...]:
    # Seats 1–3 at the main venue, 4 at Hefei, 5 at Wuhu; everyone signed in and confirmed.
    where = (MAIN_VENUE, MAIN_VENUE, MAIN_VENUE, ASSISTING[0], ASSISTING[1])
    return tuple(
        Member(
            seat=n,
            user_id=user.id,
            kind=MemberKind.EXPERT,
            status=MemberStatus.SEATED,
            venue_id=where[n - 1],
            signed_in_at=now,
            identity_confirmed_at=now,
        )
        for n, user in enumerate(experts, start=1)
    )


async def session_world(
    conn: asyncpg.Connection,
    world: World,
    *,
    phase: Phase = Phase.QUALIFICATION,
    name: str = "expert",
) -> SessionWorld:
    """A published tender's lot 1 under evaluation by five experts (``<name>1``…``<name>5``,
    who log in with the factory's password); bids of the world's three bidders. A second
    session in one test needs another ``name``; the venues are made once."""
    # Published, so that the bidders may read it (what a real session's tender is).
    tender = await published_tender(conn, world)
    employer = await make_organisation(conn, OrgKind.EXPERT_EMPLOYER, name="专家工作单位")
    experts = tuple(
        [await make_user(conn, employer, Role.EXPERT, username=f"{name}{n}", password=PASSWORD)
         for n in range(1, SEATS + 1)]
    )  # fmt: skip
    if not await conn.fetchval("SELECT EXISTS (SELECT 1 FROM venues WHERE id = $1)", MAIN_VENUE):
        await make_venues(conn, world.staff)
    supervisor = issue_identity(
        world.ca, name="监督员", now=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    )
    await register_certificate(conn, world.supervisor.user_id, supervisor)
    session = await live.open_session(conn, "evaluation", f"{tender.id}/1/1")
    now = await tender_queries.database_now(conn)
    state = SessionState(
        id=session.id,
        tender_id=tender.id,
        lot="1",
        attempt=1,
        draw_id="D-TEST",
        department_id=world.department.id,
        phase=phase,
        phase_deadline=None,
        paused_at=None,
        chair_seat=1,
        method=tender.content.lots[0].evaluation,
        two_envelope=False,
        main_venue_id=MAIN_VENUE,
        members=_members(experts, now),
        bids=tuple(
            BidRef(bid_id=uuid.uuid4(), bidder=org.credit_code, name=org.name, price_fen=None)
            for org in world.bidder_orgs
        ),
    )
    return SessionWorld(
        world=world,
        tender=tender,
        state=state,
        experts=experts,
        supervisor_identity=supervisor,
        ops=RecordingOps(),
    )


async def context(
    conn: asyncpg.Connection,
    sw: SessionWorld,
    actor: Actor | User,
    data: Mapping[str, Any],
    *,
    policy: EvaluationPolicy = DEFAULT_POLICY,
) -> Ctx:
    """One command's context, as the room builds it (call inside a transaction)."""
    who = actor if isinstance(actor, Actor) else await actor_for(conn, actor)
    return Ctx(
        conn=conn,
        actor=who,
        state=sw.state,
        data=data,
        now=await tender_queries.database_now(conn),
        policy=policy,
        trust=sw.world.ca.trust_store(),
        ops=sw.ops,
    )


async def counts(conn: asyncpg.Connection) -> dict[str, int]:
    """Rows of every table these features write, the log and the live events."""
    found = {}
    for table in ("evaluation_clarifications", "evaluation_notes", "evaluation_venue_handovers",
                  "log_entries", "live_events", "tender_alerts"):  # fmt: skip
        found[table] = await conn.fetchval(f"SELECT count(*) FROM {table}")
    return found


class SessionStandIn:
    """The core's reader and listings (web/evaluation/core.py) over the sessions a test
    built: what ``evaluation.sessions.service`` answers once integrated."""

    def __init__(self) -> None:
        self.sessions: dict[UUID, SessionState] = {}
        self.scheduled: list[dict[str, Any]] = []

    def add(self, state: SessionState) -> None:
        self.sessions[state.id] = state

    async def load(
        self, conn: asyncpg.Connection, session_id: UUID, *, lock: bool = False
    ) -> SessionState:
        if lock:
            await conn.execute("SELECT id FROM live_sessions WHERE id = $1 FOR UPDATE", session_id)
        return self.sessions[session_id]

    async def for_lot(
        self, conn: asyncpg.Connection, tender_id: UUID, lot: str
    ) -> list[SessionState]:
        return sorted(
            (s for s in self.sessions.values() if (s.tender_id, s.lot) == (tender_id, lot)),
            key=lambda s: s.attempt,
        )

    async def of_member(self, conn: asyncpg.Connection, user_id: UUID) -> list[SessionState]:
        return [s for s in self.sessions.values() if any(m.user_id == user_id for m in s.members)]

    async def schedule(
        self,
        conn: asyncpg.Connection,
        actor: Actor,
        tender_id: UUID,
        lot: str,
        *,
        main_venue_id: str,
        representatives: Sequence[UUID],
        starts_at: dt.datetime,
    ) -> SessionState:
        """Records the call; a scheduled session with no seats yet (the core seats them)."""
        self.scheduled.append({"actor": actor.username, "tender_id": tender_id, "lot": lot,
                               "main_venue_id": main_venue_id,
                               "representatives": list(representatives),
                               "starts_at": starts_at})  # fmt: skip
        tender = await load(conn, tender_id)
        session = await live.open_session(conn, "evaluation", f"{tender_id}/{lot}/1")
        state = SessionState(
            id=session.id, tender_id=tender_id, lot=lot, attempt=1, draw_id="",
            department_id=tender.content.department_id, phase=Phase.SCHEDULED,
            phase_deadline=None, paused_at=None, chair_seat=None,
            method=tender.content.lots[0].evaluation, two_envelope=False,
            main_venue_id=main_venue_id, members=(), bids=(),
        )  # fmt: skip
        self.add(state)
        return state


class StandInKind:
    """The core's ``evaluation`` LiveKind as far as reading events goes: audiences by
    the viewer's standing (EVAL_PLAN.md, "Audiences"); it accepts no command."""

    name = "evaluation"
    commands: frozenset[str] = frozenset()
    events: frozenset[str] = frozenset()
    # live_events.audience is 'all', 'user:<id>' or 'role:<name>' (0003).
    audiences_named = frozenset({"role:committee", "role:staff", "role:supervisor"})

    def __init__(self, stand_in: SessionStandIn) -> None:
        self.stand_in = stand_in

    async def audiences(
        self, conn: asyncpg.Connection, actor: Actor, session: LiveSession
    ) -> frozenset[str] | None:
        state = await self.stand_in.load(conn, session.id)
        seen = await viewer(conn, actor, state)
        own = {"all", user_audience(actor.user_id)}
        if seen.standing is Standing.OVERSEER:
            supervisor = state.department_id in actor.acting_for(Role.SUPERVISOR)
            extra = {"role:staff"} | ({"role:supervisor"} if supervisor else set())
            return frozenset(own | extra)
        if seen.standing is Standing.MEMBER:
            return frozenset(own | {"role:committee"})
        return frozenset(own) if seen.standing is Standing.PARTY else None

    async def handle(
        self, conn: asyncpg.Connection, actor: Actor, session: LiveSession, command: Command
    ) -> list[Emit]:
        raise NotImplementedError("the stand-in takes no command")
