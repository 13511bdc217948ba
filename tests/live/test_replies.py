"""Queries: a handler's reply is answered to its sender, never stored (live/service.py),
and queued behind every event up to the seq it was read at (live/hub.py)."""

from __future__ import annotations

import datetime as dt
from uuid import UUID, uuid4

import asyncpg
import pytest

from accounts.model import Actor, OrgKind, Role
from live import queries
from live import service as live
from live.hub import Subscription
from live.kinds import UndeclaredEmit
from live.model import Command, Emit, LiveEvent, LiveSession, Reply, user_audience
from tests.accounts.factory import actor_for, make_organisation, make_user


def _event(seq: int) -> LiveEvent:
    return LiveEvent(
        session_id=UUID(int=1), seq=seq, kind="said", data={}, audience="all", actor_id=None,
        client_msg_id=None, created_at=dt.datetime(2026, 12, 6, tzinfo=dt.UTC),
    )  # fmt: skip


def test_an_answer_waits_for_every_event_up_to_its_seq() -> None:
    """Read at seq 2 while the socket has seen none: queued after events 1 and 2."""
    sub = Subscription(UUID(int=1), 0)
    sub.answer(2, {"type": "answer", "id": "q"})
    assert sub.queue.empty()
    sub.offer(_event(1))
    sub.offer(_event(2))
    sub.offer(_event(3))
    got = [sub.queue.get_nowait() for _ in range(4)]
    assert [g.seq if isinstance(g, LiveEvent) else g["id"] for g in got] == [1, 2, "q", 3]


class Asker:
    """'ask' replies to its sender; 'astray' replies to someone else; 'both' mixes."""

    name = "asker"
    commands = frozenset({"ask", "astray", "both"})
    events = frozenset({"view", "said"})
    audiences_named: frozenset[str] = frozenset()
    regroup_on: frozenset[str] = frozenset()

    async def audiences(
        self, conn: asyncpg.Connection, actor: Actor, session: LiveSession
    ) -> frozenset[str] | None:
        return frozenset({"all", user_audience(actor.user_id)})

    async def handle(
        self, conn: asyncpg.Connection, actor: Actor, session: LiveSession, command: Command
    ) -> list[Emit]:
        mine = user_audience(actor.user_id)
        if command.type == "ask":
            return [Emit(kind="view", data={"n": 1}, audience=mine, reply=True)]
        if command.type == "astray":
            return [Emit(kind="view", data={}, audience=user_audience(uuid4()), reply=True)]
        return [Emit(kind="said", data={}), Emit(kind="view", data={}, audience=mine, reply=True)]


async def test_a_reply_is_returned_and_nothing_is_stored(pool: asyncpg.Pool) -> None:
    """The same id asked twice is answered twice; no event, the seq it was read at."""
    async with pool.acquire() as proxy:
        await _replies(proxy)  # type: ignore[arg-type]


async def _replies(conn: asyncpg.Connection) -> None:
    organisation = await make_organisation(conn, OrgKind.CITY_CENTRE)
    actor = await actor_for(conn, await make_user(conn, organisation, Role.CENTRE_STAFF))
    session = await queries.open_session(conn, "asker", "subject-1")
    await queries.append_event(conn, session.id, kind="said", data={}, audience="all")
    for _ in range(2):
        reply = await live.apply(conn, Asker(), session, actor, Command(id="q1", type="ask"))
        assert reply == Reply(kind="view", data={"n": 1}, after=1)
    assert [e.seq for e in await queries.events_after(conn, session.id, 0)] == [1]
    for wrong in ("astray", "both"):
        with pytest.raises(UndeclaredEmit):
            await live.apply(conn, Asker(), session, actor, Command(id=wrong, type=wrong))
    assert [e.seq for e in await queries.events_after(conn, session.id, 0)] == [1]
