"""The log's sequencer on a real PostgreSQL (issue 17, item 2; docs/audit-log.md,
"Sequencer"): queued entries, batched integration, the advisory-lock leader."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime

import asyncpg
import pytest

from audit import leader, service
from audit.errors import LogNotIntegrated
from signing.log import merkle
from signing.log.checkpoint import generate_private_key, open_checkpoint
from signing.log.entry import Actor, LogEntry
from signing.log.note import Ed25519Signer
from tests.conftest import CloneDatabase

ACTOR = Actor(user_id="u1", role="system_admin")
SIGNER = Ed25519Signer(name="test.example/log", private_key=generate_private_key())
IDENTITY = service.LogIdentity(origin=SIGNER.name, signer=SIGNER)
IDLE = 3600.0  # leaders in these tests integrate only when woken: no timer does it for us


def entry(n: int) -> LogEntry:
    return LogEntry(
        kind="test.entry", time=datetime(2026, 1, 1, tzinfo=UTC), actor=ACTOR, data={"n": n}
    )


async def queue_committed(conn: asyncpg.Connection, numbers: range) -> list[int]:
    ids = []
    for n in numbers:
        async with conn.transaction():
            ids.append(await service.queue(conn, entry(n)))
    return ids


class Node:
    """One node's leader task, its dedicated connection exposed so a test can kill it."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.conn: asyncpg.Connection | None = None
        self.elected = asyncio.Event()

    async def connect(self) -> asyncpg.Connection:
        self.conn = await asyncpg.connect(self.dsn)
        return self.conn

    def start(self) -> asyncio.Task[bool]:
        return asyncio.create_task(
            leader.lead(self.connect, IDENTITY, interval=IDLE, elected=self.elected)
        )


@contextlib.asynccontextmanager
async def running(task: asyncio.Task[bool]) -> AsyncIterator[asyncio.Task[bool]]:
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, asyncpg.PostgresError, OSError):
            await task


async def until(check: Callable[[], Awaitable[bool]]) -> None:
    """Wait for a state another connection reaches on the server: PostgreSQL gives no
    event for "a backend began waiting on a lock", so look until it holds (bounded)."""
    async with asyncio.timeout(30):
        while not await check():  # noqa: ASYNC110 - a server state, not a local event
            await asyncio.sleep(0.01)


async def test_a_rolled_back_change_queues_nothing(pool: asyncpg.Pool) -> None:
    """A queued entry commits with its change or not at all."""
    async with pool.acquire() as conn:
        transaction = conn.transaction()
        await transaction.start()
        await service.queue(conn, entry(0))
        await transaction.rollback()
        assert await conn.fetchval("SELECT count(*) FROM log_queue") == 0
        [kept] = await queue_committed(conn, range(1, 2))
        assert await service.integrate(conn) == 1
        assert await service.indexes_of(conn, [kept]) == {kept: 0}
        assert await conn.fetchval("SELECT count(*) FROM log_queue") == 0


async def test_queueing_outside_a_transaction_is_refused(pool: asyncpg.Pool) -> None:
    """An entry must commit with the change it records."""
    async with pool.acquire() as conn:
        with pytest.raises(RuntimeError):
            await service.queue(conn, entry(0))


async def test_racing_queues_and_appends_get_gap_free_indexes(pool: asyncpg.Pool) -> None:
    """Four connections queue while a fifth appends at once and a sixth integrates in
    small batches: indexes 0..N-1 without a gap, one tree equal to an in-memory one."""
    stop = asyncio.Event()

    async def queuer(offset: int) -> list[int]:
        async with pool.acquire() as conn:
            ids = await queue_committed(conn, range(offset, offset + 25))
            async with conn.transaction():
                ids += await service.queue_many(conn, [entry(offset + 90), entry(offset + 91)])
            return ids

    async def appender() -> None:
        async with pool.acquire() as conn:
            for n in range(1000, 1010):
                async with conn.transaction():
                    await service.append(conn, entry(n))

    async def integrator() -> None:
        async with pool.acquire() as conn:
            while not stop.is_set():
                await service.integrate(conn, batch=7)
                await asyncio.sleep(0)

    running_integrator = asyncio.create_task(integrator())
    *queued, _ = await asyncio.gather(*(queuer(k * 100) for k in range(4)), appender())
    stop.set()
    await running_integrator
    async with pool.acquire() as conn:
        assert await service.integrate(conn) == 4 * 27 + 10
        ids = [i for q in queued for i in q]
        found = await service.indexes_of(conn, ids)
        assert len(found) == len(ids)
        assert len(set(found.values())) == len(ids)
        rows = await conn.fetch("SELECT idx, entry FROM log_entries ORDER BY idx")
        assert [r["idx"] for r in rows] == list(range(4 * 27 + 10))
        tree = merkle.MemoryTree()
        for row in rows:
            tree.append(bytes(row["entry"]))
        assert await service.root_at(conn, tree.size) == tree.root(tree.size)
        assert await service.consistency_proof(conn, 41, tree.size) == tree.consistency_proof(
            41, tree.size
        )
        # Queue order within one connection is log order (commit causality).
        for q in queued:
            assert [found[i] for i in q] == sorted(found[i] for i in q)


async def test_a_waiter_is_woken_by_notification_and_its_entry_proves(
    pool: asyncpg.Pool, database: CloneDatabase
) -> None:
    """An idle leader integrates when a waiter asks; the waiter learns the index by
    NOTIFY and the checkpoint the leader signed proves the entry's inclusion."""
    node = Node(database.app_dsn)
    async with running(node.start()), pool.acquire() as conn:
        await node.elected.wait()
        ids = await queue_committed(conn, range(3))
        found = await service.wait_integrated(conn, ids, within=30, covered=True)
        assert sorted(found.values()) == [0, 1, 2]
        await service.wait_integrated(conn, within=30)  # nothing left: returns at once
        raw = await conn.fetchval("SELECT entry FROM log_entries WHERE idx = $1", found[ids[1]])
        assert bytes(raw) == entry(1).to_bytes()
        proof = await service.inclusion_proof(conn, found[ids[1]], 3)
        note = await conn.fetchval("SELECT note FROM log_checkpoints WHERE size = 3")
        checkpoint, _ = open_checkpoint(note, SIGNER.verifier())
        leaf = merkle.leaf_hash(bytes(raw))
        assert merkle.verify_inclusion(leaf, found[ids[1]], 3, proof, checkpoint.root_hash)


async def test_a_leader_killed_mid_batch_loses_nothing_and_another_takes_over(
    pool: asyncpg.Pool, database: CloneDatabase, owner_conn: asyncpg.Connection
) -> None:
    """Only one node leads; killing it inside a batch rolls the batch back, and the
    next node to try becomes leader and integrates every queued entry, signing a
    checkpoint that covers them."""
    async with pool.acquire() as conn:
        ids = await queue_committed(conn, range(5))
    blocker = await asyncpg.connect(database.owner_dsn)
    first, second = Node(database.app_dsn), Node(database.app_dsn)
    try:
        # Hold the head so the first leader's batch stops inside log_integrate.
        holding = blocker.transaction()
        await holding.start()
        await blocker.execute("SELECT size FROM log_head FOR UPDATE")
        async with running(first.start()) as leading:
            await first.elected.wait()
            assert first.conn is not None
            pid = first.conn.get_server_pid()
            await until(lambda: owner_conn.fetchval("SELECT $1 = ANY(pg_blocking_pids($2))",
                                                    blocker.get_server_pid(), pid))  # fmt: skip
            assert await second.start() is False  # one leader at a time
            assert await owner_conn.fetchval("SELECT pg_terminate_backend($1, 10000)", pid)
            with pytest.raises((asyncpg.PostgresError, asyncpg.InterfaceError, OSError)):
                await leading
        await holding.rollback()
        assert await owner_conn.fetchval("SELECT size FROM log_head") == 0
        assert await owner_conn.fetchval("SELECT count(*) FROM log_queue") == 5
        async with running(second.start()), pool.acquire() as conn:
            await second.elected.wait()
            found = await service.wait_integrated(conn, ids, within=30, covered=True)
            assert sorted(found.values()) == list(range(5))
            note = await owner_conn.fetchval("SELECT note FROM log_checkpoints WHERE size = 5")
            checkpoint, _ = open_checkpoint(note, SIGNER.verifier())
            assert checkpoint.root_hash == await service.root_at(conn, 5)
    finally:
        await blocker.close()


async def test_no_leader_means_a_clear_error_not_a_hang(pool: asyncpg.Pool) -> None:
    """Waiting without a leader ends as log_not_integrated after the given time."""
    async with pool.acquire() as conn:
        ids = await queue_committed(conn, range(1))
        with pytest.raises(LogNotIntegrated):
            await service.wait_integrated(conn, ids, within=0.2)


async def test_application_role_cannot_drop_or_rewrite_queued_entries(
    pool: asyncpg.Pool,
) -> None:
    """Trust model 5: a committed change's entry cannot be removed before integration."""
    async with pool.acquire() as conn:
        await queue_committed(conn, range(1))
        for sql in ("DELETE FROM log_queue", "UPDATE log_queue SET kind = 'x'",
                    "TRUNCATE log_queue"):  # fmt: skip
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.execute(sql)


async def test_a_waiter_inside_its_own_transaction_integrates_with_it(
    pool: asyncpg.Pool,
) -> None:
    """No notification reaches a transaction, and no leader sees its uncommitted entries:
    a caller that records several steps in one transaction (the demo loader) integrates
    them itself, covered by a checkpoint — and a rollback takes the integration back."""
    async with pool.acquire() as conn:
        transaction = conn.transaction()
        await transaction.start()
        queued = [await service.queue(conn, entry(n)) for n in range(2)]
        found = await service.wait_integrated(
            conn, queued, within=30, covered=True, stand_in=IDENTITY
        )
        assert sorted(found.values()) == [0, 1]
        assert await conn.fetchval("SELECT max(size) FROM log_checkpoints") == 2
        await transaction.rollback()
        assert await conn.fetchval("SELECT count(*) FROM log_entries") == 0
        assert await conn.fetchval("SELECT count(*) FROM log_queue") == 0
