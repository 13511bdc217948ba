"""The sequencer's leader: one node at a time integrates queued log entries and signs
checkpoints (issue 17, item 2; docs/audit-log.md, "Sequencer").

Leadership is a session advisory lock (``pg_try_advisory_lock``) held on a connection
of the leader's own, never a pool's: PostgreSQL releases it when that connection ends,
so when a leader's process dies or its connection drops, the next node whose attempt
comes round (every checkpoint interval, web/audit/jobs.py) takes over. A leader killed
mid-batch loses nothing: the batch's transaction rolls back, its entries stay queued.

The leader integrates when a waiter wakes it (``NOTIFY etender_log_queued``, sent after
the waiter's commit by audit.service.wait_integrated) and otherwise every interval;
appenders do not notify, since a notifying commit takes PostgreSQL's global notify
lock and would serialise appends again. It signs a checkpoint when the log has grown:
at once after a waiter woke it (the waiter wants an inclusion proof), else once an
interval.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

import asyncpg

from audit import queries, service

log = logging.getLogger(__name__)

BATCH = 1000  # entries per integration transaction: bounds how long it holds log_head


async def lead(
    connect: Callable[[], Awaitable[asyncpg.Connection]],
    identity: service.LogIdentity,
    *,
    interval: float,
    batch: int = BATCH,
    elected: asyncio.Event | None = None,
) -> bool:
    """Lead while this process holds the leader lock; False at once if another does.

    Returns only when its connection fails (raising) or it is cancelled. ``elected``
    is set once this process leads (tests wait on it).
    """
    conn = await connect()
    try:
        if not await queries.try_leader_lock(conn):
            return False
        log.info("log.leader_elected")
        if elected is not None:
            elected.set()
        await _serve(conn, identity, interval=interval, batch=batch)
        return True  # pragma: no cover - _serve returns only by raising
    finally:
        with contextlib.suppress(Exception):
            await asyncio.shield(conn.close(timeout=5))


async def _serve(
    conn: asyncpg.Connection, identity: service.LogIdentity, *, interval: float, batch: int
) -> None:
    woken = asyncio.Event()

    def on_wake(*_: object) -> None:
        woken.set()

    await conn.add_listener(service.WAKE_CHANNEL, on_wake)
    loop = asyncio.get_running_loop()
    signed_at = float("-inf")
    asked = True
    while True:
        woken.clear()
        size = await service.integrate(conn, batch=batch)
        # A waiter woke us: it wants a checkpoint covering its entry now (a receipt's
        # inclusion proof); otherwise one an interval is enough.
        if asked or loop.time() - signed_at >= interval:
            latest = await queries.latest_checkpoint(conn)
            if latest is None or latest.size < size:
                async with conn.transaction():
                    await service.sign_new_checkpoint(conn, identity)
                    # Waiters for a covering checkpoint look again when this commits.
                    await conn.execute("SELECT pg_notify($1, $2)", service.INTEGRATED_CHANNEL,
                                       str(size))  # fmt: skip
                signed_at = loop.time()
        # The interval is the cadence for entries nobody waits for, not a test's clock.
        try:
            await asyncio.wait_for(woken.wait(), timeout=interval)
            asked = True
        except TimeoutError:
            asked = False
