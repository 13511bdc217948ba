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
  the load;
- events delivered per second, acks per second, errors by code (``live_rate_limited``
  counted apart), sockets closed by the server, commands never answered;
- CPU: cores used by the servers, by PostgreSQL and by the load generators.

    .venv/bin/python scripts/bench/sessions.py --sessions 10 --seconds 10   # a smoke run
    .venv/bin/python scripts/bench/sessions.py                              # 200 × (9 + 2)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import itertools
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

from harness import cpu_seconds  # noqa: E402
from sessions_kinds import KINDS, BenchKind, BenchSession  # noqa: E402
from sessions_load import CLOSE_SECONDS, DRAIN_SECONDS, Result, SocketPlan, worker  # noqa: E402

from signing.demo_ca import DemoCA  # noqa: E402
from tests.evaluation.servers import Node, Servers, bearer_token  # noqa: E402
from tests.tender.world import live_ca  # noqa: E402
from web.db.database import create_database  # noqa: E402
from web.db.embedded import APP_ROLE, SUPERUSER, EmbeddedPostgres  # noqa: E402
from web.db.migrate import migrate  # noqa: E402

SETTLE_SECONDS = 2.0  # after the sockets connect, before memory is read
CONNECT_PHASE_SECONDS = 600.0  # every socket of a load process connected (bounded)
SAMPLE_SECONDS = 1.0  # memory sampling during the load
LIMIT_CREATE = "CREATE TABLE IF NOT EXISTS bench_commit_latency (id bigint)"
LIMIT_INSERT = "INSERT INTO bench_commit_latency VALUES ($1)"
LAST_SEQS = "SELECT id, last_seq FROM live_sessions WHERE id = ANY($1::uuid[])"


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Database:
    """The PostgreSQL every process of a run shares."""

    owner_dsn: str  # set-up, limits
    app_dsn: str  # the servers' DATABASE_URL
    postmaster: int | None  # its pid, when we run it (its CPU is counted)


@contextlib.asynccontextmanager
async def database(args: argparse.Namespace) -> AsyncIterator[Database]:
    """``--database-url`` (migrated here), or a throwaway embedded cluster, fsync on."""
    if args.database_url:
        conn = await asyncpg.connect(args.database_url)
        try:
            await migrate(conn)
        finally:
            await conn.close()
        yield Database(
            owner_dsn=args.database_url,
            app_dsn=args.app_database_url or args.database_url,
            postmaster=None,
        )
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
        yield Database(
            owner_dsn=cluster.dsn(user=SUPERUSER),
            app_dsn=cluster.dsn(user=APP_ROLE),
            postmaster=pid,
        )
    finally:
        cluster.destroy()
        shutil.rmtree(root, ignore_errors=True)


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of ``values``; NaN when there are none."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


async def commit_latencies(dsn: str, count: int) -> list[float]:
    """Single-connection autocommit one-row INSERTs on a real (WAL-logged) table, ms each."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(LIMIT_CREATE)
        for i in range(20):  # warm the connection and the statement cache
            await conn.execute(LIMIT_INSERT, i)
        found = []
        for i in range(count):
            started = time.perf_counter()
            await conn.execute(LIMIT_INSERT, i)
            found.append((time.perf_counter() - started) * 1000)
        return found
    finally:
        await conn.close()


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds of a process and its direct children (PostgreSQL's backends)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
            if int(entry.name) == pid or int(fields[1]) == pid:
                total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def plans_for(
    sessions: list[BenchSession],
    last_seqs: dict[UUID, int],
    tokens: dict[UUID, str],
    nodes: list[Node],
    kind: BenchKind,
    rate: float,
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
            offset = (m / members) / rate if member else 0.0
            m += member
            plans.append(
                SocketPlan(
                    url=node.live_url(session.id, last_seqs[session.id]),
                    token=tokens[user],
                    name=f"r{run}.s{s}u{i}",
                    member=member,
                    offset=offset,
                    command=kind.command,
                    data=kind.data,
                )
            )
    return plans


_runs = itertools.count(1)


def _recv(pipe: Connection, timeout: float) -> Any:
    if not pipe.poll(timeout):
        raise TimeoutError(f"a load process did not answer within {timeout:.0f} s")
    return pipe.recv()


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
        samples.peak_rss_kib = [
            max(a, n.rss_kib()) for a, n in zip(samples.peak_rss_kib, nodes, strict=True)
        ]
        if not measured and time.monotonic() >= mid:
            samples.commit_under_load = await commit_latencies(db.owner_dsn, 200)
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
    ctx = multiprocessing.get_context("spawn")
    try:
        async with Servers(db.app_dsn, root, count=processes, ca=ca) as servers:
            nodes = list(servers)
            limit = await commit_latencies(db.owner_dsn, args.commits)
            await asyncio.sleep(SETTLE_SECONDS)
            rss_before = [n.rss_kib() for n in nodes]
            plans = plans_for(sessions, last_seqs, tokens, nodes, kind, args.rate)
            pipes, procs = [], []
            for j in range(args.load_procs):
                parent, child = ctx.Pipe()
                proc = ctx.Process(
                    target=worker,
                    args=(child, plans[j :: args.load_procs], args.rate, args.client_nice),
                )
                proc.start()
                pipes.append(parent)
                procs.append(proc)
            try:
                return await _drive(nodes, pipes, procs, db, limit, rss_before, args)
            finally:
                for proc in procs:
                    proc.join(timeout=CLOSE_SECONDS)
                    if proc.is_alive():
                        proc.kill()
    finally:
        if args.logs is not None:
            args.logs.mkdir(parents=True, exist_ok=True)
            for log in root.glob("node*/node*.log"):
                shutil.copy(log, args.logs / f"{processes}p-{log.name}")
        shutil.rmtree(root, ignore_errors=True)


async def _drive(
    nodes: list[Node],
    pipes: list[Connection],
    procs: Sequence[multiprocessing.process.BaseProcess],
    db: Database,
    limit: list[float],
    rss_before: list[int],
    args: argparse.Namespace,
) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    connect_started = time.monotonic()
    for pipe in pipes:
        pipe.send(("connect",))
    answers = await asyncio.gather(
        *(loop.run_in_executor(None, _recv, p, CONNECT_PHASE_SECONDS) for p in pipes)
    )
    connect_seconds = time.monotonic() - connect_started
    connected = sum(a[1] for a in answers)
    await asyncio.sleep(SETTLE_SECONDS)
    rss_connected = [n.rss_kib() for n in nodes]
    start = time.monotonic() + 1.0
    warm, end = start + args.warmup, start + args.seconds
    for pipe in pipes:
        pipe.send(("go", start, end, warm))
    await asyncio.sleep(max(0.0, warm - time.monotonic()))
    cpu_warm = _cpu(nodes, procs, db)
    samples = Samples(peak_rss_kib=list(rss_connected))
    spy = _profiler(nodes[0].pid, args.py_spy, len(nodes), end - warm)
    await _watch(nodes, samples, db, end)
    cpu_end = _cpu(nodes, procs, db)
    if spy is not None:
        spy.wait(timeout=60)
    rss_end = [n.rss_kib() for n in nodes]
    bound = DRAIN_SECONDS + 2 * CLOSE_SECONDS + 60
    done = await asyncio.gather(*(loop.run_in_executor(None, _recv, p, bound) for p in pipes))
    results: list[Result] = [d[1] for d in done]
    window = end - warm
    return _figures(
        nodes=nodes,
        results=results,
        limit=limit,
        samples=samples,
        connected=connected,
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
        [
            str(py_spy),
            "record",
            "--pid",
            str(pid),
            "--output",
            str(target),
            "--format",
            "raw",
            "--rate",
            "100",
            "--nonblocking",
            "--duration",
            str(max(1, int(seconds))),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _cpu(
    nodes: list[Node], procs: Sequence[multiprocessing.process.BaseProcess], db: Database
) -> dict[str, float]:
    found = {
        "servers": sum(cpu_seconds(n.pid) for n in nodes),
        "load": sum(cpu_seconds(p.pid) for p in procs if p.pid is not None),
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
    connect_seconds: float,
    rss: tuple[list[int], list[int], list[int]],
    cpu: dict[str, float],
    window: float,
) -> dict[str, Any]:
    latencies = [x for r in results for x in r.latencies_ms]
    errors: Counter[str] = Counter()
    closed: Counter[str] = Counter()
    failures: Counter[str] = Counter()
    for r in results:
        errors += r.errors
        closed += r.closed_early
        failures += r.connect_failures
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
        "acks_per_second": len(latencies) / window,
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


def report(figures: dict[str, Any]) -> None:
    """The figures of one scenario, as a person reads them."""
    f = figures
    c, a, load = f["commit_ms"], f["ack_ms"], f["commit_under_load_ms"]
    print(
        f"\n== {f['processes']} server process(es), {f['sockets']} sockets "
        f"(connected in {f['connect_seconds']} s; failures {f['connect_failures'] or 0})"
    )
    print(
        f"bare commit (limit)     p50 {c['p50']:.2f} ms  p99 {c['p99']:.2f} ms  "
        f"(under the load: p50 {load['p50']:.2f}  p99 {load['p99']:.2f})"
    )
    print(
        f"ack latency             p50 {a['p50']:.2f} ms  p95 {a['p95']:.2f} ms  "
        f"p99 {a['p99']:.2f} ms"
    )
    print(
        f"ack ÷ commit            p50/p50 {f['ack_p50_over_commit_p50']:.1f} ×  "
        f"p99/p99 {f['ack_p99_over_commit_p99']:.1f} ×  "
        f"p99/p50 {f['ack_p99_over_commit_p50']:.1f} ×  (aim p99 ≤ 3 ×)"
    )
    print(
        f"commands                sent {f['sent']}  acked {f['acks']}  "
        f"{f['acks_per_second']:.0f} acks/s measured  unanswered {f['unanswered']}"
    )
    print(f"events delivered        {f['events_per_second']:.0f} /s")
    print(
        f"errors                  {f['errors'] or 'none'}  (live_rate_limited "
        f"{f['live_rate_limited']}); closed by the server {f['closed_by_server'] or 'none'}"
    )
    rss = f["rss_kib"]
    print(
        f"memory                  {f['kib_per_socket']:.1f} KiB per socket connected, "
        f"{f['kib_per_socket_at_end']:.1f} at the end (aim ≤ 64); RSS MiB before "
        f"{[round(x / 1024) for x in rss['before']]} connected "
        f"{[round(x / 1024) for x in rss['connected']]} peak "
        f"{[round(x / 1024) for x in rss['peak']]}"
    )
    cores = ", ".join(f"{k} {v:.2f}" for k, v in f["cores"].items())
    print(f"cores used              {cores}")


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Set up once, then one scenario per process count."""
    kind = KINDS[args.kind]
    ca = live_ca()
    print(
        f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}; "
        f"{args.sessions} sessions × ({args.members} + {args.observers}), kind {kind.name}, "
        f"{args.rate} command/s per member for {args.seconds} s"
    )
    async with database(args) as db:
        started = time.monotonic()
        conn = await asyncpg.connect(db.owner_dsn)
        try:
            sessions = await kind.set_up(conn, ca, args.sessions, args.members, args.observers)
            users = [u for s in sessions for u in (*s.members, *s.observers)]
            tokens = {u: await bearer_token(conn, u) for u in users}
        finally:
            await conn.close()
        print(
            f"set-up: {len(sessions)} sessions, {len(tokens)} users in "
            f"{time.monotonic() - started:.0f} s"
        )
        out: dict[str, Any] = {
            "machine": {"cores": os.cpu_count(), "load_average": os.getloadavg()},
            "args": vars(args),
            "runs": [],
        }
        for processes in args.processes:
            figures = await scenario(processes, db, ca, sessions, tokens, kind, args)
            report(figures)
            out["runs"].append(figures)
        return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", choices=sorted(KINDS), default="opening")
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--members", type=int, default=9)
    parser.add_argument("--observers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=60.0, help="the load's length")
    parser.add_argument(
        "--warmup",
        type=float,
        default=None,
        help="seconds not measured at the start (default: a sixth, ≤ 10)",
    )
    parser.add_argument("--rate", type=float, default=1.0, help="commands per member per second")
    parser.add_argument(
        "--processes",
        type=lambda v: [int(x) for x in v.split(",")],
        default=[1, 2],
        help="server process counts, one run each (1,2)",
    )
    parser.add_argument("--load-procs", type=int, default=2, help="load generator processes")
    parser.add_argument("--client-nice", type=int, default=0)
    parser.add_argument("--commits", type=int, default=2000, help="commits of the limit series")
    parser.add_argument(
        "--database-url",
        help="a migrated database's owner DSN (default: a throwaway embedded cluster, fsync on)",
    )
    parser.add_argument("--app-database-url", help="the servers' DSN (default: --database-url)")
    parser.add_argument("--json", type=Path, help="write every figure here")
    parser.add_argument("--logs", type=Path, help="keep the servers' logs in this directory")
    parser.add_argument("--py-spy", type=Path, help="profile the first server (raw, per run)")
    args = parser.parse_args()
    if args.warmup is None:
        args.warmup = min(10.0, args.seconds / 6)
    if args.rate > 1.0:
        print("warning: above 1 command/s a member outruns its token bucket (10 burst, 1/s)")
    out = asyncio.run(run(args))
    if args.json is not None:
        args.json.write_text(json.dumps(out, indent=2, default=str))


if __name__ == "__main__":
    main()
