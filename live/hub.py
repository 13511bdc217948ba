"""Fan-out of committed session events to this node's sockets, through LISTEN/NOTIFY.

Every node holds one listening connection. A NOTIFY (sent in the same transaction as
the event, so only committed events are announced) names the session; the hub reads
the new events once and hands them to each local subscriber of that session, in
sequence order, without duplicates. No in-process state is authoritative: a
subscriber that falls behind, or a hub whose listening connection dropped, simply
reads the missed events from the database again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any, cast
from uuid import UUID

import asyncpg

from live import queries
from live.model import LiveEvent
from signing.errors import EtenderError

log = logging.getLogger(__name__)


Answer = dict[str, Any]  # a query's answer frame (web/live/endpoint.py builds it)


class Subscription:
    """One socket's view of one session: a queue of events after ``last_seq``, and the
    answers to its queries, each queued only once every event up to the seq it was read
    at is queued (so a client reads everything it may see up to a view, then the view)."""

    def __init__(self, session_id: UUID, last_seq: int) -> None:
        self.session_id = session_id
        self.last_seq = last_seq
        self.queue: asyncio.Queue[LiveEvent | Answer] = asyncio.Queue()
        self._answers: list[tuple[int, Answer]] = []

    def offer(self, event: LiveEvent) -> None:
        """Queue an event unless this subscriber has had it already."""
        if event.seq > self.last_seq:
            self.last_seq = event.seq
            self.queue.put_nowait(event)
            self._release()

    def answer(self, after: int, message: Answer) -> None:
        """Queue a query's answer behind every event up to ``after``."""
        self._answers.append((after, message))
        self._release()

    def _release(self) -> None:
        while self._answers and self._answers[0][0] <= self.last_seq:
            self.queue.put_nowait(self._answers.pop(0)[1])


class Hub:
    """Per-process registry of subscriptions, fed by one LISTEN connection."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool
        self.subscriptions: dict[UUID, set[Subscription]] = {}
        self._dirty: set[UUID] = set()
        self._wake = asyncio.Event()
        self._listener: asyncpg.Connection | None = None
        self._lost = False  # the listening connection died (PostgreSQL restarted)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Open the listening connection and the dispatcher."""
        self._task = asyncio.create_task(self._run(), name="etender:live-hub")

    async def stop(self) -> None:
        """Stop dispatching and release the listening connection."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._release()

    async def subscribe(self, session_id: UUID, after: int) -> Subscription:
        """Subscribe and queue the backlog after ``after`` (a reconnecting client's seq).

        Registered before the backlog is read (an event committed meanwhile is not
        missed); if reading fails, the registration is undone before the error goes on.
        """
        sub = Subscription(session_id, after)
        self.subscriptions.setdefault(session_id, set()).add(sub)
        try:
            async with self.pool.acquire() as conn:
                await self._catch_up(cast(asyncpg.Connection, conn), session_id, [sub])
        except BaseException:
            self.unsubscribe(sub)
            raise
        return sub

    def subscription_count(self) -> int:
        """How many sockets of this process are subscribed (a leak shows here)."""
        return sum(len(subs) for subs in self.subscriptions.values())

    def unsubscribe(self, sub: Subscription) -> None:
        """Forget a subscription (its socket closed)."""
        subs = self.subscriptions.get(sub.session_id)
        if subs is not None:
            subs.discard(sub)
            if not subs:
                del self.subscriptions[sub.session_id]

    def _on_notify(self, conn: object, pid: int, channel: str, payload: str) -> None:
        session_text = payload.split(":", 1)[0]
        try:
            session_id = UUID(session_text)
        except ValueError:
            return
        if session_id in self.subscriptions:
            self._dirty.add(session_id)
            self._wake.set()

    async def _run(self) -> None:
        while True:
            try:
                await self._listen()
                await self._dispatch_forever()
            # EtenderError: the pool's database_unavailable (web/db/faults.py), a refused
            # connection while PostgreSQL restarts: listen again, as for the others.
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, EtenderError):
                log.warning("live.listener_lost", exc_info=True)
                await self._release()
                # Everything may have been missed while reconnecting: read it all again.
                self._dirty.update(self.subscriptions)
                await asyncio.sleep(1.0)

    async def _listen(self) -> None:
        listener = cast(asyncpg.Connection, await self.pool.acquire())
        self._listener = listener
        await listener.add_listener(queries.CHANNEL, self._on_notify)  # type: ignore[arg-type]
        # A listening connection that dies (PostgreSQL restarted) hears nothing more and
        # says nothing either: wake the dispatcher, which sees it closed and listens
        # again (docs/faults.md) — else no event reached a socket until the next restart.
        self._lost = False
        listener.add_termination_listener(self._on_lost)
        self._dirty.update(self.subscriptions)
        self._wake.set()

    async def _release(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(Exception):
                await listener.remove_listener(queries.CHANNEL, self._on_notify)  # type: ignore[arg-type]
            with contextlib.suppress(Exception):
                await self.pool.release(listener)  # type: ignore[arg-type]

    def _on_lost(self, conn: object) -> None:
        self._lost = True  # (the pool detaches a dead connection: ask nothing of it)
        self._wake.set()

    async def _dispatch_forever(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            if self._lost:
                raise asyncpg.InterfaceError("the listening connection was closed")
            dirty, self._dirty = self._dirty, set()
            if not dirty:
                continue
            async with self.pool.acquire() as proxy:
                conn = cast(asyncpg.Connection, proxy)
                for session_id in dirty:
                    await self._catch_up(
                        conn, session_id, list(self.subscriptions.get(session_id, ()))
                    )

    async def _catch_up(
        self, conn: asyncpg.Connection, session_id: UUID, subs: list[Subscription]
    ) -> None:
        """Read what the furthest-behind subscriber lacks, once, and offer it to all."""
        if not subs:
            return
        after = min(sub.last_seq for sub in subs)
        while True:
            events = await queries.events_after(conn, session_id, after)
            for event in events:
                for sub in subs:
                    sub.offer(event)
            if len(events) < 1000:
                return
            after = events[-1].seq
