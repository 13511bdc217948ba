"""Live sessions at scale: S sessions × (M members + O observers) on one and on two
server processes sharing one PostgreSQL, as ratios to this machine's own commit latency.

Starts a throwaway PostgreSQL (embedded, fsync on) — or uses ``--database-url`` — builds
S live sessions of a kind (scripts/bench/sessions_kinds.py: the set-up and the command
are the kind's), gives each of their users a bearer token, then for each process count
of ``--processes``: starts that many real `etender serve` processes on the one database
(tests/evaluation/servers.py: the harness of the cross-node tests), connects every
participant's WebSocket, members split across the processes seat by seat, and has each
member send one command a second for ``--seconds`` (scripts/bench/sessions_load.py:
open loop, start times spread over a second so nobody exceeds the socket's token bucket
of 10 burst / 1 per second). Reported, measured in the same run:

- the limit: the bare single-connection commit latency on the same PostgreSQL (one
  asyncpg connection, a one-row INSERT in autocommit: one round trip, one WAL flush),
  p50/p99, idle just before the sockets connect, and again under the load;
- ack latency (send → ack; the server acknowledges after the commit) p50/p95/p99 in ms
  and as ratios to the idle commit latency (aim: ack p99 ≤ 3 × commit p99);
- memory per socket: the server processes' resident memory (VmRSS) after all sockets
  connected minus before, over the sockets (aim ≤ 64 KiB), and the same at the end of
  the load; against a bare WebSocket endpoint with the same protocol stack, the same
  number of sockets and the same client options (scripts/bench/sessions_limits.py);
- events delivered per second, acks per second, errors by code (``live_rate_limited``
  counted apart), sockets closed by the server, commands never answered;
- CPU: cores used by the servers, by PostgreSQL and by the load generators.

    .venv/bin/python scripts/bench/sessions.py --sessions 10 --seconds 10   # a smoke run
    .venv/bin/python scripts/bench/sessions.py                              # 200 × (9 + 2)

``--compression none`` makes the clients not offer permessage-deflate (browsers do).
``--command presence --data '{"state": "active"}'`` measures the socket's round trip
through the whole stack without a commit: the engine acknowledges a presence that does
not change without touching the database (web/live/endpoint.py).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

from harness import cpu_seconds  # noqa: E402
from sessions_kinds import KINDS, BenchKind, BenchSession  # noqa: E402
from sessions_limits import (  # noqa: E402
    SETTLE_SECONDS,
    bare_socket_kib,
    commit_latencies,
    percentile,
    socket_round_trips,
    tree_cpu_seconds,
    waiting_seconds,
)
from sessions_load import Load, Result, SocketPlan  # noqa: E402

from signing.demo_ca import DemoCA  # noqa: E402
from tests.evaluation.servers import Node, Servers, bearer_token  # noqa: E402
from tests.tender.world import live_ca  # noqa: E402
from web.db.database import create_database  # noqa: E402
from web.db.embedded import APP_ROLE, SUPERUSER, EmbeddedPostgres  # noqa: E402
from web.db.migrate import migrate  # noqa: E402

SAMPLE_SECONDS = 1.0  # memory sampling during the load
LOADED_COMMITS = 200  # the commit-latency series taken half-way through the load
ROUND_TRIP_SOCKETS = 10  # sockets of the presence round-trip series (sessions' first members)
LAST_SEQS = "SELECT id, last_seq FROM live_sessions WHERE id = ANY($1::uuid[])"


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Database:
    """The PostgreSQL every process of a run shares."""

    owner_dsn: str  # set-up, limits
    app_dsn: str  # the servers' DATABASE_URL
    postmaster: int | None  # its pid, when we run it (its CPU is counted)
    keys: Path  # the platform's keys, the same for every run (the database pins them)


@contextlib.asynccontextmanager
async def database(args: argparse.Namespace) -> AsyncIterator[Database]:
    """``--database-url`` (migrated here), or a throwaway embedded cluster, fsync on."""
    if args.database_url:
        conn = await asyncpg.connect(args.database_url)
        try:
            await migrate(conn)
        finally:
            await conn.close()
        app_dsn = args.app_database_url or args.database_url
        keys = Path(tempfile.mkdtemp(prefix="etender-bench-keys-", dir="/var/tmp"))
        yield Database(owner_dsn=args.database_url, app_dsn=app_dsn, postmaster=None, keys=keys)
        return
    root = Path(tempfile.mkdtemp(prefix="etender-bench-sessions-", dir="/var/tmp"))
    root.chmod(0o755)
    cluster = EmbeddedPostgres(root=root / "pg", fsync=True)
    try:
        cluster.start()
        await create_database(cluster)
        conn = await asyncpg.connect(cluster.dsn(user=SUPERUSER))
        try:
            await migrate(conn)
        finally:
            await conn.close()
        pid = int((cluster.data / "postmaster.pid").read_text().split()[0])
        owner, app = cluster.dsn(user=SUPERUSER), cluster.dsn(user=APP_ROLE)
        yield Database(owner_dsn=owner, app_dsn=app, postmaster=pid, keys=root / "keys")
    finally:
        cluster.destroy()
        shutil.rmtree(root, ignore_errors=True)


_runs = itertools.count(1)


def plans_for(
    sessions: list[BenchSession],
    last_seqs: dict[UUID, int],
    tokens: dict[UUID, str],
    nodes: list[Node],
    kind: BenchKind,
    args: argparse.Namespace,
) -> list[SocketPlan]:
    """Every participant's socket: seat i of every session on node i mod n (members split
    across the processes); members' first sends spread evenly over one period. Message
    ids are new in every run (``r<n>.``): a repeated id is an idempotent retry, answered
    with the first event's seq and committing nothing."""
    run = next(_runs)
    plans = []
    members = sum(len(s.members) for s in sessions)
    m = 0
    for s, session in enumerate(sessions):
        seats = [(u, True) for u in session.members] + [(u, False) for u in session.observers]
        for i, (user, member) in enumerate(seats):
            node = nodes[i % len(nodes)]
            plans.append(
                SocketPlan(
                    url=node.live_url(session.id, last_seqs[session.id]),
                    token=tokens[user],
                    name=f"r{run}.s{s}u{i}",
                    member=member,
                    offset=(m / members) / args.rate if member else 0.0,
                    command=args.command or kind.command,
                    data=json.loads(args.data) if args.command else kind.data,
                    compression=args.compression,
                )
            )
            m += member
    return plans


@dataclasses.dataclass(kw_only=True, slots=True)
class Samples:
    """What the parent reads of the servers while the load runs."""

    peak_rss_kib: list[int]
    commit_under_load: list[float] = dataclasses.field(default_factory=list)


async def _watch(nodes: list[Node], samples: Samples, db: Database, until: float) -> None:
    """Peak memory every second; a short commit-latency series half-way through."""
    mid = (time.monotonic() + until) / 2
    measured = False
    while time.monotonic() < until:
        rss = [n.rss_kib() for n in nodes]
        samples.peak_rss_kib = [max(a, b) for a, b in zip(samples.peak_rss_kib, rss, strict=True)]
        if not measured and time.monotonic() >= mid:
            samples.commit_under_load = await commit_latencies(db.owner_dsn, LOADED_COMMITS)
            measured = True
        await asyncio.sleep(SAMPLE_SECONDS)


async def scenario(
    processes: int,
    db: Database,
    ca: DemoCA,
    sessions: list[BenchSession],
    tokens: dict[UUID, str],
    kind: BenchKind,
    args: argparse.Namespace,
) -> dict[str, Any]:
    """One run of the load on ``processes`` server processes; its figures."""
    conn = await asyncpg.connect(db.owner_dsn)
    try:
        rows = await conn.fetch(LAST_SEQS, [s.id for s in sessions])
    finally:
        await conn.close()
    last_seqs = {r["id"]: r["last_seq"] for r in rows}  # reconnecting clients resume there
    root = Path(tempfile.mkdtemp(prefix="etender-bench-nodes-", dir="/var/tmp"))
    try:
        seed = db.keys  # one set of platform keys for every run on this database
        async with Servers(db.app_dsn, root, count=processes, ca=ca, seed=seed) as servers:
            nodes = list(servers)
            limit = await commit_latencies(db.owner_dsn, args.commits)
            probes = [
                (nodes[i % len(nodes)].live_url(s.id, last_seqs[s.id]), tokens[s.members[0]])
                for i, s in enumerate(sessions[:ROUND_TRIP_SOCKETS])
            ]
            round_trips = await socket_round_trips(probes)
            await asyncio.sleep(SETTLE_SECONDS)
            rss_before = [n.rss_kib() for n in nodes]
            plans = plans_for(sessions, last_seqs, tokens, nodes, kind, args)
            load = Load(plans, args.load_procs, args.rate, args.client_nice)
            try:
                figures = await _drive(nodes, load, db, limit, rss_before, args)
            finally:
                load.close()
            figures["socket_round_trip_ms"] = {
                "p50": percentile(round_trips, 50),
                "p99": percentile(round_trips, 99),
            }
            return figures
    finally:
        if args.logs is not None:
            args.logs.mkdir(parents=True, exist_ok=True)
            for log in root.glob("node*/node*.log"):
                shutil.copy(log, args.logs / f"{processes}p-{log.name}")
        shutil.rmtree(root, ignore_errors=True)


async def _drive(
    nodes: list[Node],
    load: Load,
    db: Database,
    limit: list[float],
    rss_before: list[int],
    args: argparse.Namespace,
) -> dict[str, Any]:
    connect_started = time.monotonic()
    connected, failures = await load.connect()
    connect_seconds = time.monotonic() - connect_started
    await asyncio.sleep(SETTLE_SECONDS)
    rss_connected = [n.rss_kib() for n in nodes]
    start = time.monotonic() + 1.0
    warm, end = start + args.warmup, start + args.seconds
    load.go(start, end, warm)
    await asyncio.sleep(max(0.0, warm - time.monotonic()))
    cpu_warm = _cpu(nodes, load, db)
    samples = Samples(peak_rss_kib=list(rss_connected))
    spy = _profiler(nodes[0].pid, args.py_spy, len(nodes), end - warm)
    await _watch(nodes, samples, db, end)
    cpu_end = _cpu(nodes, load, db)
    if spy is not None:
        spy.wait(timeout=60)
    rss_end = [n.rss_kib() for n in nodes]
    results = await load.results(max(0.0, end - time.monotonic()))
    window = end - warm
    return _figures(
        nodes=nodes,
        results=results,
        limit=limit,
        samples=samples,
        connected=connected,
        failures=failures,
        connect_seconds=connect_seconds,
        rss=(rss_before, rss_connected, rss_end),
        cpu={k: (cpu_end[k] - cpu_warm[k]) / window for k in cpu_end},
        window=window,
    )


def _profiler(
    pid: int, out: Path | None, processes: int, seconds: float
) -> subprocess.Popen[bytes] | None:
    """py-spy sampling the first server through the measured window, if asked."""
    if out is None:
        return None
    py_spy = Path(sys.executable).parent / "py-spy"
    target = out.with_name(f"{out.stem}-{processes}p{out.suffix}")
    target.parent.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [str(py_spy), "record", "--pid", str(pid), "--output", str(target), "--format", "raw",
         "--rate", "100", "--nonblocking", "--duration", str(max(1, int(seconds)))],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip


def _cpu(nodes: list[Node], load: Load, db: Database) -> dict[str, float]:
    found = {
        "servers": sum(cpu_seconds(n.pid) for n in nodes),
        "servers_waiting": sum(waiting_seconds(n.pid) for n in nodes),
        "load": sum(cpu_seconds(pid) for pid in load.pids),
    }
    if db.postmaster is not None:
        found["postgres"] = tree_cpu_seconds(db.postmaster)
    return found


def _figures(
    *,
    nodes: list[Node],
    results: list[Result],
    limit: list[float],
    samples: Samples,
    connected: int,
    failures: Counter[str],
    connect_seconds: float,
    rss: tuple[list[int], list[int], list[int]],
    cpu: dict[str, float],
    window: float,
) -> dict[str, Any]:
    latencies = [x for r in results for x in r.latencies_ms]
    errors: Counter[str] = Counter()
    closed: Counter[str] = Counter()
    for r in results:
        errors += r.errors
        closed += r.closed_early
    before, after_connect, at_end = rss
    commit = {"p50": percentile(limit, 50), "p99": percentile(limit, 99)}
    ack = {f"p{p}": percentile(latencies, p) for p in (50, 95, 99)}
    loaded = samples.commit_under_load
    return {
        "processes": len(nodes),
        "sockets": connected,
        "connect_failures": dict(failures),
        "connect_seconds": round(connect_seconds, 1),
        "commit_ms": commit,
        "commit_under_load_ms": {"p50": percentile(loaded, 50), "p99": percentile(loaded, 99)},
        "ack_ms": ack,
        "ack_p50_over_commit_p50": ack["p50"] / commit["p50"],
        "ack_p99_over_commit_p99": ack["p99"] / commit["p99"],
        "ack_p99_over_commit_p50": ack["p99"] / commit["p50"],
        "sent": sum(r.sent for r in results),
        "acks": sum(r.acks for r in results),
        "acks_measured": len(latencies),
        "acks_per_second": sum(r.acks_in_window for r in results) / window,
        "events_per_second": sum(r.events for r in results) / window,
        "errors": dict(errors),
        "live_rate_limited": errors.get("live_rate_limited", 0),
        "closed_by_server": dict(closed),
        "unanswered": sum(r.unanswered for r in results),
        "rss_kib": {
            "before": before,
            "connected": after_connect,
            "end": at_end,
            "peak": samples.peak_rss_kib,
        },
        "kib_per_socket": (sum(after_connect) - sum(before)) / max(1, connected),
        "kib_per_socket_at_end": (sum(at_end) - sum(before)) / max(1, connected),
        "cores": cpu,
        "window_seconds": window,
    }


def _mib(values: list[int]) -> list[int]:
    return [round(x / 1024) for x in values]


def report(f: dict[str, Any], bare_kib: float) -> None:
    """The figures of one scenario, as a person reads them."""
    c, a, load = f["commit_ms"], f["ack_ms"], f["commit_under_load_ms"]
    rss = f["rss_kib"]
    cores = ", ".join(f"{k} {v:.2f}" for k, v in f["cores"].items())
    lines = [
        f"\n== {f['processes']} server process(es), {f['sockets']} sockets (connected in "
        f"{f['connect_seconds']} s; failures {f['connect_failures'] or 0})",
        f"bare commit (limit)     p50 {c['p50']:.2f} ms  p99 {c['p99']:.2f} ms  "
        f"(under the load: p50 {load['p50']:.2f}  p99 {load['p99']:.2f})",
        f"socket round trip       p50 {f['socket_round_trip_ms']['p50']:.2f} ms  "
        f"p99 {f['socket_round_trip_ms']['p99']:.2f} ms  (presence, no commit; limit)",
        f"ack latency             p50 {a['p50']:.2f} ms  p95 {a['p95']:.2f} ms  "
        f"p99 {a['p99']:.2f} ms",
        f"ack ÷ commit            p50/p50 {f['ack_p50_over_commit_p50']:.1f} ×  "
        f"p99/p99 {f['ack_p99_over_commit_p99']:.1f} ×  "
        f"p99/p50 {f['ack_p99_over_commit_p50']:.1f} ×  (aim p99 ≤ 3 ×)",
        f"commands                sent {f['sent']}  acked {f['acks']}  "
        f"{f['acks_per_second']:.0f} acks/s received  unanswered {f['unanswered']}",
        f"events delivered        {f['events_per_second']:.0f} /s",
        f"errors                  {f['errors'] or 'none'}  (live_rate_limited "
        f"{f['live_rate_limited']}); closed by the server {f['closed_by_server'] or 'none'}",
        f"memory                  {f['kib_per_socket']:.1f} KiB per socket connected "
        f"(bare WebSocket {bare_kib:.1f}: {f['kib_per_socket'] / bare_kib:.2f} ×; aim ≤ 64), "
        f"{f['kib_per_socket_at_end']:.1f} at the end",
        f"                        RSS MiB before {_mib(rss['before'])} connected "
        f"{_mib(rss['connected'])} peak {_mib(rss['peak'])}",
        f"cores used              {cores}  (servers_waiting: runnable, no core free)",
    ]
    print("\n".join(lines), flush=True)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Set up once, the bare socket's memory, then one scenario per process count."""
    kind = KINDS[args.kind]
    ca = live_ca()
    print(
        f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}; "
        f"{args.sessions} sessions × ({args.members} + {args.observers}), kind {kind.name}, "
        f"{args.rate} command/s per member for {args.seconds} s, compression "
        f"{args.compression}",
        flush=True,
    )
    async with database(args) as db:
        started = time.monotonic()
        conn = await asyncpg.connect(db.owner_dsn)
        try:
            sessions = await kind.set_up(
                conn, db.owner_dsn, ca, args.sessions, args.members, args.observers
            )
            users = [u for s in sessions for u in (*s.members, *s.observers)]
            tokens = {u: await bearer_token(conn, u) for u in users}
        finally:
            await conn.close()
        print(f"set-up: {len(sessions)} sessions, {len(tokens)} users in "
              f"{time.monotonic() - started:.0f} s", flush=True)  # fmt: skip
        bare_kib, bare_sockets = await bare_socket_kib(
            len(users), args.load_procs, args.compression
        )
        print(f"bare WebSocket (limit)  {bare_kib:.1f} KiB per socket ({bare_sockets} sockets)")
        out: dict[str, Any] = {
            "machine": {"cores": os.cpu_count(), "load_average": os.getloadavg()},
            "args": vars(args),
            "bare_socket_kib": bare_kib,
            "runs": [],
        }
        for processes in args.processes:
            figures = await scenario(processes, db, ca, sessions, tokens, kind, args)
            report(figures, bare_kib)
            out["runs"].append(figures)
        out["load_average_after"] = os.getloadavg()
        return out


def _counts(value: str) -> list[int]:
    return [int(x) for x in value.split(",")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--kind", choices=sorted(KINDS), default="evaluation")
    add("--sessions", type=int, default=200)
    add("--members", type=int, default=9)
    add("--observers", type=int, default=2)
    add("--seconds", type=float, default=60.0, help="the load's length")
    add("--warmup", type=float, help="seconds not measured at first (default: ⅙, ≤ 10)")
    add("--rate", type=float, default=1.0, help="commands per member per second")
    add("--processes", type=_counts, default=[1, 2], help="server processes per run (1,2)")
    add("--load-procs", type=int, default=2, help="load generator processes")
    add("--client-nice", type=int, default=0, help="the load generators' nice value")
    add("--compression", choices=["deflate", "none"], default="deflate")
    add("--command", help="send this command instead of the kind's (e.g. presence)")
    add("--data", default="{}", help="the --command's data, JSON")
    add("--commits", type=int, default=2000, help="commits in the limit's series")
    add("--database-url", help="a migrated database's owner DSN (default: throwaway cluster)")
    add("--app-database-url", help="the servers' DSN (default: --database-url)")
    add("--json", type=Path, help="write every figure here")
    add("--logs", type=Path, help="keep the servers' logs in this directory")
    add("--py-spy", type=Path, help="profile the first server (raw; one file per run)")
    args = parser.parse_args()
    if args.warmup is None:
        args.warmup = min(10.0, args.seconds / 6)
    if args.compression == "none":
        args.compression = None
    if args.rate > 1.0:
        print("warning: above 1 command/s a member outruns its token bucket (10 burst, 1/s)")
    out = asyncio.run(run(args))
    if args.json is not None:
        args.json.write_text(json.dumps(out, indent=2, default=str))


if __name__ == "__main__":
    main()
