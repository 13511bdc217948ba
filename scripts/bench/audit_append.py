"""Transparency-log appends per second, against this machine's PostgreSQL commit rate.

Starts a throwaway PostgreSQL cluster with fsync ON (as production runs), measures the
bare single-connection commit rate (one tiny INSERT per transaction), then log appends
(each its own transaction, as a service would do) with a checkpoint signed every N
entries, and prints both and their ratio. Run: .venv/bin/python scripts/bench/audit_append.py
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

from audit import service
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
        await append_rate(conn, 200, 0, identity)  # warm up
        # Interleaved rounds: a shared disk drifts, so each ratio compares neighbours.
        per_round = max(count // rounds, 50)
        pairs = []
        for _ in range(rounds):
            bare = await bare_commit_rate(conn, per_round)
            appends = await append_rate(conn, per_round, every, identity)
            pairs.append((bare, appends))
        concurrent = await concurrent_rate(dsn, count, 4)
        bare_after = await bare_commit_rate(conn, per_round)
        await conn.close()
    finally:
        cluster.destroy()
        shutil.rmtree(root, ignore_errors=True)
    ratios = sorted(a / b for b, a in pairs)
    bare_rates = sorted(b for b, _ in pairs)
    append_rates = sorted(a for _, a in pairs)
    mid = len(pairs) // 2
    print(f"bare single-connection commit rate : {bare_rates[mid]:9.0f} commits/s (median of "
          f"{rounds}; min {bare_rates[0]:.0f}, max {bare_rates[-1]:.0f})")  # fmt: skip
    print(f"log appends, 1 connection, checkpoint every {every}: {append_rates[mid]:9.0f} "
          f"appends/s; ratio to the neighbouring bare round: median {ratios[mid]:.2f} "
          f"(min {ratios[0]:.2f}, max {ratios[-1]:.2f})")  # fmt: skip
    print(f"log appends, 4 connections          : {concurrent:9.0f} appends/s "
          f"= {concurrent / bare_after:.2f} x the bare rate measured right after")  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--checkpoint-every", type=int, default=100)
    args = parser.parse_args()
    asyncio.run(main(args.count, args.checkpoint_every))
