"""The log store on a real PostgreSQL: appends, proofs, checkpoints, append-only rows."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg
import pytest

from audit import service
from audit.errors import CheckpointMissing
from signing.log import merkle
from signing.log.checkpoint import generate_private_key, open_checkpoint
from signing.log.entry import Actor, LogEntry
from signing.log.errors import ProofRangeInvalid
from signing.log.note import Ed25519Signer

ACTOR = Actor(user_id="u1", role="system_admin")


def entry(n: int) -> LogEntry:
    return LogEntry(
        kind="test.entry", time=datetime(2026, 1, 1, tzinfo=UTC), actor=ACTOR, data={"n": n}
    )


async def append_n(pool: asyncpg.Pool, count: int) -> list[bytes]:
    raw = []
    async with pool.acquire() as conn:
        for n in range(count):
            async with conn.transaction():
                await service.append(conn, entry(n))
            raw.append(entry(n).to_bytes())
    return raw


async def test_appends_get_consecutive_indexes(pool: asyncpg.Pool) -> None:
    """Each append takes the next index, inside the caller's transaction."""
    async with pool.acquire() as conn:
        async with conn.transaction():
            first = await service.append(conn, entry(0))
            second = await service.append_many(conn, [entry(1), entry(2)])
        assert (first, second) == (0, [1, 2])


async def test_append_outside_a_transaction_is_refused(pool: asyncpg.Pool) -> None:
    """An entry must commit with the change it records."""
    async with pool.acquire() as conn:
        with pytest.raises(RuntimeError):
            await service.append(conn, entry(0))


async def test_rolled_back_change_leaves_no_entry(pool: asyncpg.Pool) -> None:
    """A change that rolls back takes its log entry with it."""
    async with pool.acquire() as conn:
        transaction = conn.transaction()
        await transaction.start()
        await service.append(conn, entry(0))
        await transaction.rollback()
        assert await conn.fetchval("SELECT size FROM log_head") == 0


@pytest.mark.slow
async def test_stored_roots_and_proofs_match_an_in_memory_tree(pool: asyncpg.Pool) -> None:
    """Roots and proofs from stored subtrees equal a tree built in memory, for every size
    to 64 (the HTTP test serves the sizes around powers of two: tests/web/audit)."""
    raw = await append_n(pool, 64)
    tree = merkle.MemoryTree()
    for data in raw:
        tree.append(data)
    async with pool.acquire() as conn:
        for size in range(1, 65):
            assert await service.root_at(conn, size) == tree.root(size)
            for index in range(size):
                proof = await service.inclusion_proof(conn, index, size)
                assert proof == tree.inclusion_proof(index, size)
            for first in range(1, size + 1):
                assert await service.consistency_proof(conn, first, size) == (
                    tree.consistency_proof(first, size)
                )


async def test_proof_beyond_the_tree_is_refused(pool: asyncpg.Pool) -> None:
    """A proof for a size the log has not reached is an error, not a guess."""
    await append_n(pool, 3)
    async with pool.acquire() as conn:
        with pytest.raises(ProofRangeInvalid):
            await service.inclusion_proof(conn, 0, 4)


async def test_application_role_cannot_rewrite_log_rows(pool: asyncpg.Pool) -> None:
    """The application's role has no UPDATE or DELETE on the log."""
    await append_n(pool, 1)
    async with pool.acquire() as conn:
        for sql in (
            "UPDATE log_entries SET entry = 'x'",
            "DELETE FROM log_entries",
            "TRUNCATE log_entries",
            "UPDATE log_nodes SET hash = hash",
        ):
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.execute(sql)


async def test_even_the_owner_is_stopped_by_the_trigger(
    pool: asyncpg.Pool, owner_conn: asyncpg.Connection
) -> None:
    """The append-only trigger refuses the superuser too unless it disables triggers."""
    await append_n(pool, 1)
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="append-only"):
        await owner_conn.execute("UPDATE log_entries SET entry = 'x'")


async def test_checkpoint_signed_once_per_size(pool: asyncpg.Pool) -> None:
    """A new checkpoint is signed only when the log has grown."""
    signer = Ed25519Signer(name="etender.test/log", private_key=generate_private_key())
    identity = service.LogIdentity(origin=signer.name, signer=signer)
    await append_n(pool, 5)
    async with pool.acquire() as conn:
        assert await service.sign_new_checkpoint(conn, identity) == 5
        assert await service.sign_new_checkpoint(conn, identity) is None
        checkpoint, _ = open_checkpoint(await service.current_checkpoint(conn), signer.verifier())
        assert checkpoint.size == 5
        assert checkpoint.root_hash == await service.root_at(conn, 5)


async def test_a_proofs_note_is_its_own_trees_though_a_newer_one_exists(
    pool: asyncpg.Pool,
) -> None:
    """A receipt names the note of the size its proof was made for: a checkpoint signed
    meanwhile does not replace it (the auction receipt race), and a size never signed is
    refused."""
    signer = Ed25519Signer(name="etender.test/log", private_key=generate_private_key())
    identity = service.LogIdentity(origin=signer.name, signer=signer)
    await append_n(pool, 3)
    async with pool.acquire() as conn:
        assert await service.sign_new_checkpoint(conn, identity) == 3
    await append_n(pool, 2)
    async with pool.acquire() as conn:
        assert await service.sign_new_checkpoint(conn, identity) == 5
        older, _ = open_checkpoint(await service.checkpoint_note(conn, 3), signer.verifier())
        newest, _ = open_checkpoint(await service.current_checkpoint(conn), signer.verifier())
        assert (older.size, older.root_hash) == (3, await service.root_at(conn, 3))
        assert newest.size == 5
        with pytest.raises(CheckpointMissing):
            await service.checkpoint_note(conn, 4)


async def test_security_events_are_counted_then_summarised(
    pool: asyncpg.Pool, owner_conn: asyncpg.Connection
) -> None:
    """A flood of refusals is counted in one row, then summarised into one queued entry
    (docs/audit-log.md §2.2), integrated by the sequencer."""
    async with pool.acquire() as conn:
        for _ in range(50):
            count = await service.record_security_event(
                conn, kind="login_failed", address="203.0.113.9"
            )
        assert count == 50
        assert await conn.fetchval("SELECT count(*) FROM security_events") == 1
    # Close the bucket as if a minute had passed.
    await owner_conn.execute("UPDATE security_events SET bucket = bucket - interval '2 minutes'")
    async with pool.acquire() as conn:
        async with conn.transaction():
            queued = await service.summarise_security_events(conn)
        assert queued is not None
        async with conn.transaction():
            assert await service.summarise_security_events(conn) is None
        assert await service.integrate(conn) == 1
        assert await service.indexes_of(conn, [queued]) == {queued: 0}
        raw = await conn.fetchval("SELECT entry FROM log_entries WHERE idx = 0")
    summary = LogEntry.from_bytes(bytes(raw))
    assert summary.data["counts"] == {"login_failed": 50}


async def test_concurrent_appends_from_many_connections_build_one_tree(
    pool: asyncpg.Pool,
) -> None:
    """Appends racing on four connections serialise on the head: one consistent tree."""
    import asyncio

    async def worker(offset: int) -> None:
        async with pool.acquire() as conn:
            for n in range(offset, offset + 25):
                async with conn.transaction():
                    await service.append(conn, entry(n))

    await asyncio.gather(*(worker(k * 100) for k in range(4)))
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT entry FROM log_entries ORDER BY idx")
        tree = merkle.MemoryTree()
        for row in rows:
            tree.append(bytes(row["entry"]))
        assert tree.size == 100
        assert await service.root_at(conn, 100) == tree.root(100)
        assert await service.consistency_proof(conn, 37, 100) == tree.consistency_proof(37, 100)


async def test_one_checkpoint_signer_at_a_time(pool: asyncpg.Pool) -> None:
    """The signer's lock holds for the whole transaction, and is free after it."""
    async with pool.acquire() as first, pool.acquire() as second:
        async with first.transaction():
            assert await service.try_checkpoint_lock(first)
            async with second.transaction():
                assert not await service.try_checkpoint_lock(second)
        async with second.transaction():
            assert await service.try_checkpoint_lock(second)
