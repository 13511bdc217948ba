"""The limits scripts/bench/sessions.py measures in the same run, and its arithmetic.

- the bare single-connection commit latency on the run's own PostgreSQL: one asyncpg
  connection, a one-row INSERT in autocommit (one round trip, one WAL flush) on a real,
  WAL-logged table — the least any acknowledged command can cost;
- the bare WebSocket's memory: a Starlette endpoint under uvicorn with the protocol
  `etender serve` uses (uvloop, httptools, websockets-sansio, uvicorn's defaults),
  that accepts, says hello and waits; the same number of sockets, connected by the same
  load processes with the same client options — what a socket costs before etender
  adds anything.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import asyncpg
from limits import free_port, wait_for_port
from sessions_load import Load, SocketPlan

SETTLE_SECONDS = 2.0  # after the sockets connect, before memory is read
LIMIT_CREATE = "CREATE TABLE IF NOT EXISTS bench_commit_latency (id bigint)"
LIMIT_INSERT = "INSERT INTO bench_commit_latency VALUES ($1)"

BARE_WS_APP = """
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocketDisconnect

async def socket(websocket):
    await websocket.accept()
    await websocket.send_json({"type": "hello"})
    try:
        while True:
            await websocket.receive_text()
    except WebSocketDisconnect:
        pass

app = Starlette(routes=[WebSocketRoute("/ws", socket)])
"""


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of ``values``; NaN when there are none."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


async def commit_latencies(dsn: str, count: int) -> list[float]:
    """Single-connection autocommit one-row INSERTs, ms each (after 20 to warm up)."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(LIMIT_CREATE)
        for i in range(20):
            await conn.execute(LIMIT_INSERT, i)
        found = []
        for i in range(count):
            started = time.perf_counter()
            await conn.execute(LIMIT_INSERT, i)
            found.append((time.perf_counter() - started) * 1000)
        return found
    finally:
        await conn.close()


def rss_kib(pid: int) -> int:
    """A process's resident memory now (VmRSS), KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


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


async def bare_socket_kib(
    sockets: int, processes: int, compression: str | None
) -> tuple[float, int]:
    """KiB per socket of the bare WebSocket endpoint, and how many sockets connected."""
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "bare_ws.py").write_text(BARE_WS_APP)
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "bare_ws:app", "--port", str(port),
             "--loop", "uvloop", "--http", "httptools", "--ws", "websockets-sansio",
             "--log-level", "warning", "--no-access-log"],
            cwd=tmp,
        )  # fmt: skip
        load = None
        try:
            wait_for_port(port)
            await asyncio.sleep(SETTLE_SECONDS)
            before = rss_kib(server.pid)
            plans = [
                SocketPlan(url=f"ws://127.0.0.1:{port}/ws", token="-", name=f"bare{i}",
                           member=False, offset=0.0, command="", data={},
                           compression=compression)
                for i in range(sockets)
            ]  # fmt: skip
            load = Load(plans, processes, rate=1.0, nice=0)
            connected, _ = await load.connect()
            await asyncio.sleep(SETTLE_SECONDS)
            after = rss_kib(server.pid)
            now = time.monotonic()
            load.go(now, now, now)  # nobody sends: close and report
            await load.results(0.0)
            return (after - before) / max(1, connected), connected
        finally:
            if load is not None:
                load.close()
            server.terminate()
            server.wait(timeout=10)
