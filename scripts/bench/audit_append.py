"""Transparency-log appends per second, against this machine's PostgreSQL commit rate.

Starts a throwaway PostgreSQL cluster with fsync ON (as production runs), measures the
bare single-connection commit rate (one tiny INSERT per transaction), then, in
interleaved rounds, log appends as services make them (each its own transaction):

- queued (audit.service.queue, the sequencer; issue 17, item 2) while the leader
  (audit/leader.py) integrates in batches on its own connection and signs checkpoints;
- direct (audit.service.append, the index taken in the transaction, serialised on
  log_head) with a checkpoint signed every N entries, as before;

and prints each as a ratio to its neighbouring bare round. Then submit → receipt-ready
latency (queue and commit, wait by NOTIFY for integration and a covering checkpoint)
with 4 connections submitting at once. Run: .venv/bin/python scripts/bench/audit_append.py
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

from audit import leader, service
from signing.log.checkpoint import generate_private_key
from signing.log.entry import Actor, LogEntry, Subject
from signing.log.note import Ed25519Signer
from web.db.embedded import SUPERUSER, EmbeddedPostgres
from web.db.migrate import migrate

ACTOR = Actor(user_id="bench-user", role="agency")


async def bare_commit_rate(conn: asyncpg.Connection, count: int) -> float:
    """Single-connection commits per second of a one-row INSERT."""
    await conn.execute("CREATE TABLE IF NOT EXISTS bench_bare (id bigint, payload text)")
    started = time.perf_counter()
    for i in range(count):
        await conn.execute("INSERT INTO bench_bare VALUES ($1, 'x')", i)
    return count / (time.perf_counter() - started)


def make_entry(i: int) -> LogEntry:
    return LogEntry(
        kind="tender.bid_received",
        time=datetime.now(UTC),
        actor=ACTOR,
        address="203.0.113.7",
        subject=Subject(type="bid", id=f"bid-{i}"),
        data={"lot": "1", "sha256": f"{i:064x}", "version": 1},
    )


async def append_rate(
    conn: asyncpg.Connection, count: int, every: int, identity: service.LogIdentity
) -> float:
    """Appends per second, one transaction each, a checkpoint every ``every`` entries."""
    started = time.perf_counter()
    for i in range(count):
        async with conn.transaction():
            await service.append(conn, make_entry(i))
        if every and (i + 1) % every == 0:
            async with conn.transaction():
                await service.sign_new_checkpoint(conn, identity)
    return count / (time.perf_counter() - started)


async def bare_transaction_rate(conn: asyncpg.Connection, count: int) -> float:
    """The same one-row INSERT inside BEGIN/COMMIT: the shape every service append has."""
    started = time.perf_counter()
    for i in range(count):
        async with conn.transaction():
            await conn.execute("INSERT INTO bench_bare VALUES ($1, 'x')", i)
    return count / (time.perf_counter() - started)


async def queued_rate(conn: asyncpg.Connection, count: int) -> float:
    """Queued appends per second, one transaction each (the leader integrates meanwhile)."""
    started = time.perf_counter()
    for i in range(count):
        async with conn.transaction():
            await service.queue(conn, make_entry(i))
    return count / (time.perf_counter() - started)


async def receipt_latencies(dsn: str, count: int, workers: int) -> list[float]:
    """Seconds from a submission's BEGIN to its entry integrated and covered by a signed
    checkpoint (what a receipt waits for), ``workers`` connections at once."""
    conns = [await asyncpg.connect(dsn) for _ in range(workers)]
    latencies: list[float] = []

    async def work(conn: asyncpg.Connection, share: int) -> None:
        for i in range(share):
            started = time.perf_counter()
            async with conn.transaction():
                queued = await service.queue(conn, make_entry(i))
            await service.wait_integrated(conn, [queued], within=30, covered=True)
            latencies.append(time.perf_counter() - started)

    await asyncio.gather(*(work(c, count // workers) for c in conns))
    for c in conns:
        await c.close()
    return sorted(latencies)


async def concurrent_queued_rate(dsn: str, count: int, workers: int) -> float:
    """Queued appends per second from several connections at once."""
    conns = [await asyncpg.connect(dsn) for _ in range(workers)]

    async def work(conn: asyncpg.Connection, share: int) -> None:
        for i in range(share):
            async with conn.transaction():
                await service.queue(conn, make_entry(i))

    started = time.perf_counter()
    await asyncio.gather(*(work(c, count // workers) for c in conns))
    elapsed = time.perf_counter() - started
    for c in conns:
        await c.close()
    return (count // workers) * workers / elapsed


async def concurrent_rate(dsn: str, count: int, workers: int) -> float:
    """Appends per second from several connections at once (group commit helps)."""
    conns = [await asyncpg.connect(dsn) for _ in range(workers)]

    async def work(conn: asyncpg.Connection, share: int) -> None:
        for i in range(share):
            async with conn.transaction():
                await service.append(conn, make_entry(i))

    started = time.perf_counter()
    await asyncio.gather(*(work(c, count // workers) for c in conns))
    elapsed = time.perf_counter() - started
    for c in conns:
        await c.close()
    return (count // workers) * workers / elapsed


def _median(values: list[float]) -> tuple[float, float, float]:
    ordered = sorted(values)
    return ordered[len(ordered) // 2], ordered[0], ordered[-1]


async def main(count: int, every: int, rounds: int = 10) -> None:
    root = Path(tempfile.mkdtemp(prefix="etender-bench-", dir="/var/tmp"))
    root.chmod(0o755)
    cluster = EmbeddedPostgres(root=root / "pg", fsync=True)
    cluster.start()
    try:
        admin = await asyncpg.connect(cluster.dsn(user=SUPERUSER, database="postgres"))
        await admin.execute("CREATE DATABASE bench")
        await admin.close()
        dsn = cluster.dsn(user=SUPERUSER, database="bench")
        conn = await asyncpg.connect(dsn)
        await migrate(conn)
        signer = Ed25519Signer(name="bench.example/log", private_key=generate_private_key())
        identity = service.LogIdentity(origin=signer.name, signer=signer)
        # The leader on its own connection, as `etender serve` runs it (1 s cadence).
        elected = asyncio.Event()
        leading = asyncio.create_task(
            leader.lead(lambda: asyncpg.connect(dsn), identity, interval=1.0, elected=elected)
        )
        await elected.wait()
        await append_rate(conn, 200, 0, identity)  # warm up
        await queued_rate(conn, 200)
        # Interleaved rounds: a shared disk drifts, so each ratio compares neighbours.
        per_round = max(count // rounds, 50)
        queued, direct, shaped = [], [], []
        for _ in range(rounds):
            bare = await bare_commit_rate(conn, per_round)
            shaped.append((bare, await bare_transaction_rate(conn, per_round)))
            bare = await bare_commit_rate(conn, per_round)
            queued.append((bare, await queued_rate(conn, per_round)))
            bare = await bare_commit_rate(conn, per_round)
            direct.append((bare, await append_rate(conn, per_round, every, identity)))
        await service.wait_integrated(conn, within=60)
        latencies = await receipt_latencies(dsn, min(count, 400), 4)
        concurrent_queued = await concurrent_queued_rate(dsn, count, 4)
        concurrent = await concurrent_rate(dsn, count, 4)
        bare_after = await bare_commit_rate(conn, per_round)
        await service.wait_integrated(conn, within=60)
        size = await conn.fetchval("SELECT size FROM log_head")
        leading.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await leading
        await conn.close()
    finally:
        cluster.destroy()
        shutil.rmtree(root, ignore_errors=True)
    bare_mid, bare_min, bare_max = _median([b for b, _ in queued + direct + shaped])
    print(f"bare single-connection commit rate : {bare_mid:9.0f} commits/s (median of "
          f"{3 * rounds}; min {bare_min:.0f}, max {bare_max:.0f})")  # fmt: skip
    for name, pairs in (
        ("bare INSERT in BEGIN/COMMIT (the shape's own ceiling)", shaped),
        ("queued (sequencer)", queued),
        (f"direct, checkpoint every {every}", direct),
    ):
        rate = _median([a for _, a in pairs])[0]
        ratio, low, high = _median([a / b for b, a in pairs])
        print(f"log appends, 1 connection, {name}: {rate:9.0f} appends/s; ratio to the "
              f"neighbouring bare round: median {ratio:.2f} "
              f"(min {low:.2f}, max {high:.2f})")  # fmt: skip
    p50 = latencies[len(latencies) // 2]
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(f"submit -> integrated + covering checkpoint, 4 connections: "
          f"p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, "
          f"max {latencies[-1] * 1000:.1f} ms ({len(latencies)} submits)")  # fmt: skip
    print(f"log appends, 4 connections, queued : {concurrent_queued:9.0f} appends/s "
          f"= {concurrent_queued / bare_after:.2f} x the bare rate measured after")  # fmt: skip
    print(f"log appends, 4 connections, direct : {concurrent:9.0f} appends/s "
          f"= {concurrent / bare_after:.2f} x the bare rate measured after")  # fmt: skip
    print(f"log size at the end: {size} (every queued entry integrated, indexes gap-free)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--checkpoint-every", type=int, default=100)
    args = parser.parse_args()
    asyncio.run(main(args.count, args.checkpoint_every))
