"""A real evaluation session world for every evaluation test (issue 11).

The opened lot is built once per test process (``evaluation_template``,
tests/evaluation/template.py, registered for the whole tree by tests/conftest.py), and
each test gets a fresh clone of it (``scenario_database``, registered as the
``database`` fixture wherever it is imported). A test then schedules its session
(:func:`session_world`) through the real service and drives it through
``live.service.apply`` — the engine — with real commands (:func:`send`).

In a test folder's conftest.py::

    from tests.evaluation.kit import scenario_database  # noqa: F401

then ``pool``, ``conn`` and ``owner_conn`` are the clone's.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any
from uuid import UUID

import asyncpg
import pytest

from accounts.model import Actor, Role
from accounts.users.service import get_user
from evaluation.handlers import Ctx
from evaluation.model import DEFAULT_POLICY, EvaluationPolicy, SessionState
from evaluation.room.session import EvaluationRoom
from evaluation.sessions import service as sessions
from evaluation.sessions.ops import Ops
from live import queries as live_queries
from live import service as live
from live.model import Command, LiveEvent, LiveSession, Reply
from signing.errors import EtenderError
from tender.queries import database_now
from tests.accounts.factory import actor_for, log_size, make_user
from tests.conftest import CloneDatabase, PgServer, clone
from tests.evaluation.scenario import Scenario
from tests.evaluation.template import MAIN_VENUE, OTHER_VENUE, Template

__all__ = ["MAIN_VENUE", "OTHER_VENUE", "Template"]


@pytest.fixture(name="database")
async def scenario_database(
    pg_server: PgServer, evaluation_template: Template
) -> AsyncIterator[CloneDatabase]:
    """The test's own clone of the opened lot (replaces the empty ``database``)."""
    async with clone(pg_server, evaluation_template.name) as cloned:
        yield cloned


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class SessionWorld:
    """A scheduled session and everyone around it."""

    template: Template
    state: SessionState  # as scheduled
    live: LiveSession
    room: EvaluationRoom
    members: tuple[Actor, ...]  # by seat: members[0] holds seat 1
    staff: Actor  # centre staff: the host
    supervisor: Actor  # supervises the tender's department
    other_supervisor: Actor  # supervises another department
    agency: Actor
    tenderer: Actor
    bidder: Actor  # a bidder of the lot: not a participant

    @property
    def scenario(self) -> Scenario:
        return self.template.scenario

    def member(self, seat: int) -> Actor:
        """The actor holding ``seat`` when the session was scheduled."""
        return self.members[seat - 1]


async def session_world(
    conn: asyncpg.Connection,
    template: Template,
    *,
    representatives: Sequence[UUID] = (),
    policy: EvaluationPolicy = DEFAULT_POLICY,
) -> SessionWorld:
    """Schedule lot 1's session through the service (the host, the main venue, now)."""
    world = template.scenario.world
    state = await sessions.schedule(
        conn, world.staff, template.scenario.tender.id, "1",
        main_venue_id=MAIN_VENUE.id, representatives=representatives,
        starts_at=dt.datetime.now(dt.UTC), policy=policy,
    )  # fmt: skip
    session = await live_queries.get_session(conn, state.id)
    assert session is not None
    users = {u.id: u for u in template.scenario.committee}
    members = []
    for m in state.seated:
        user = users.get(m.user_id) or await get_user(conn, m.user_id)
        members.append(await actor_for(conn, user, address=f"198.51.100.{m.seat}"))
    return SessionWorld(
        template=template, state=state, live=session,
        room=EvaluationRoom(trust=world.ca.trust_store),
        members=tuple(members), staff=world.staff, supervisor=world.supervisor,
        other_supervisor=template.scenario.other_supervisor, agency=world.agency,
        tenderer=world.tenderer, bidder=world.bidders[0],
    )  # fmt: skip


async def tenderer_user(conn: asyncpg.Connection, template: Template, name: str) -> UUID:
    """Another user of the tender's tenderer (a representative the tenderer seats)."""
    world = template.scenario.world
    user = await make_user(conn, world.tenderer_org, Role.TENDERER, username=name, password=None)
    return user.id


_ids = itertools.count(1)


async def send(
    conn: asyncpg.Connection,
    w: SessionWorld,
    actor: Actor,
    kind: str,
    data: Mapping[str, Any] | None = None,
    *,
    msg_id: str | None = None,
) -> int | Reply | None:
    """One command through the engine, as a socket would send it; the ack's seq (a
    query's Reply: ``snapshot`` is answered, never stored)."""
    command = Command(id=msg_id or f"c-{next(_ids)}", type=kind, data=dict(data or {}))
    return await live.apply(conn, w.room, w.live, actor, command)


async def events(conn: asyncpg.Connection, w: SessionWorld, after: int = 0) -> list[LiveEvent]:
    """The session's stored events after ``after``."""
    return await live_queries.events_after(conn, w.live.id, after)


async def load(conn: asyncpg.Connection, w: SessionWorld) -> SessionState:
    """The session as it stands."""
    return await sessions.load(conn, w.state.id, lock=False)


# --- driving a session to a phase ------------------------------------------------------


async def sign_in_all(
    conn: asyncpg.Connection, w: SessionWorld, *, open_sign_in: bool = True
) -> None:
    """Open the sign-in; every member signs in at the main venue and is confirmed."""
    if open_sign_in:
        await send(conn, w, w.staff, "open_sign_in")
    for seat, member in enumerate(w.members, start=1):
        await send(conn, w, member, "sign_in", {"venue": MAIN_VENUE.id})
        await send(conn, w, w.staff, "confirm_identity", {"seat": seat})


async def to_conflicts(
    conn: asyncpg.Connection, w: SessionWorld, *, open_sign_in: bool = True
) -> None:
    """Everyone present, the host starts: the committee sees the bidders."""
    await sign_in_all(conn, w, open_sign_in=open_sign_in)
    await send(conn, w, w.staff, "start")


async def started(conn: asyncpg.Connection, template: Template) -> SessionWorld:
    """Lot 1's session scheduled and started: its seated members read the opened bids
    (evaluation/bid_files/readers.py; nobody of the committee reads before)."""
    w = await session_world(conn, template)
    await to_conflicts(conn, w)
    return w


async def to_chair_election(conn: asyncpg.Connection, w: SessionWorld) -> None:
    """Nobody declares a conflict."""
    await to_conflicts(conn, w)
    for member in w.members:
        await send(conn, w, member, "declare", {"conflict": False})


async def to_qualification(conn: asyncpg.Connection, w: SessionWorld, chair: int = 1) -> None:
    """Everyone votes for seat ``chair``: elected, the qualification review starts."""
    await to_chair_election(conn, w)
    for member in w.members:
        await send(conn, w, member, "vote_chair", {"seat": chair})


# --- what a refusal must leave untouched ---------------------------------------------------

_TABLES = (
    "evaluation_sessions",
    "evaluation_bids",
    "evaluation_members",
    "evaluation_declarations",
    "evaluation_chair_votes",
    "evaluation_time_votes",
    "evaluation_replacements",
)


async def footprint(conn: asyncpg.Connection, w: SessionWorld) -> dict[str, Any]:
    """Every row the session has, its events and the log's size: a refusal changes none."""
    out: dict[str, Any] = {"log": await log_size(conn)}
    for table in _TABLES:
        column = "id" if table == "evaluation_sessions" else "session_id"
        rows = await conn.fetch(f"SELECT * FROM {table} WHERE {column} = $1", w.state.id)
        out[table] = sorted(tuple(r.values()) for r in rows)
    out["events"] = [(e.seq, e.kind) for e in await events(conn, w)]
    return out


async def confirm_in_draw(conn: asyncpg.Connection, w: SessionWorld) -> Actor:
    """The draw's replacement round (补抽) for the session's approved expert
    replacements, run for real (tests/evaluation/replacement_round.py): the first
    pick, confirmed, for the host to seat."""
    # Imported here: that module builds on this kit.
    from tests.evaluation.replacement_round import replacement_round

    return await replacement_round(conn, w)


async def refuse(
    conn: asyncpg.Connection,
    w: SessionWorld,
    actor: Actor,
    kind: str,
    data: Mapping[str, Any] | None,
    error: type[EtenderError],
) -> EtenderError:
    """Send a command that must be refused with ``error``: nothing may change."""
    before = await footprint(conn, w)
    with pytest.raises(error) as caught:
        await send(conn, w, actor, kind, data)
    assert await footprint(conn, w) == before
    return caught.value


async def context(
    conn: asyncpg.Connection,
    w: SessionWorld,
    actor: Actor,
    data: Mapping[str, Any] | None = None,
) -> Ctx:
    """The context the room would build for a command (call inside a transaction: the
    session's row lock is taken), for tests that call a handler or the Ops directly."""
    loaded = await sessions.load_session(conn, w.state.id, lock=True)
    return Ctx(
        conn=conn, actor=actor, state=loaded.state, data=dict(data or {}),
        now=await database_now(conn), policy=loaded.stored.policy,
        trust=w.template.scenario.world.ca.trust_store(), ops=Ops(),
    )  # fmt: skip
