"""This machine's own limits, measured in the same run as a benchmark.

Every figure in docs/performance.md is a ratio against one of these, so the figures
travel between machines: disk write + fsync, SHA-256, ChaCha20-Poly1305 and AES-GCM on
one core, the PostgreSQL single-connection commit rate, and a bare Starlette endpoint.
Run it alone to print them: .venv/bin/python scripts/bench/limits.py
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305

MB = 1 << 20
CHUNK = 64 * 1024


def _rate(nbytes: int, seconds: float) -> float:
    return nbytes / MB / seconds


def sha256_rate(total: int = 256 * MB) -> float:
    """SHA-256 throughput on one core, MB/s, over 64 KiB updates."""
    block = os.urandom(CHUNK)
    digest = hashlib.sha256()
    started = time.perf_counter()
    for _ in range(total // CHUNK):
        digest.update(block)
    return _rate(total, time.perf_counter() - started)


def chacha_rate(total: int = 256 * MB) -> float:
    """ChaCha20-Poly1305 sealing throughput on one core, MB/s, 64 KiB chunks."""
    aead = ChaCha20Poly1305(os.urandom(32))
    block = os.urandom(CHUNK)
    nonce = bytes(12)
    started = time.perf_counter()
    for _ in range(total // CHUNK):
        aead.encrypt(nonce, block, None)
    return _rate(total, time.perf_counter() - started)


def aesgcm_rate(total: int = 256 * MB) -> float:
    """AES-256-GCM sealing throughput on one core, MB/s, 64 KiB chunks."""
    aead = AESGCM(os.urandom(32))
    block = os.urandom(CHUNK)
    nonce = bytes(12)
    started = time.perf_counter()
    for _ in range(total // CHUNK):
        aead.encrypt(nonce, block, None)
    return _rate(total, time.perf_counter() - started)


def disk_write_rate(directory: Path, total: int = 256 * MB) -> float:
    """Sequential write + fsync throughput into ``directory``, MB/s."""
    block = os.urandom(1 * MB)
    path = directory / "etender-bench-disk.tmp"
    started = time.perf_counter()
    with path.open("wb") as handle:
        for _ in range(total // MB):
            handle.write(block)
        handle.flush()
        os.fsync(handle.fileno())
    elapsed = time.perf_counter() - started
    path.unlink()
    return _rate(total, elapsed)


async def pg_commit_rate(dsn: str, count: int = 2000) -> float:
    """Single-connection commits per second of a one-row INSERT (autocommit)."""
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("CREATE TEMP TABLE IF NOT EXISTS bench_commit (id bigint)")
        # Temp tables skip WAL: measure on a real table instead.
        await conn.execute("CREATE TABLE IF NOT EXISTS bench_commit_rate (id bigint)")
        started = time.perf_counter()
        for i in range(count):
            await conn.execute("INSERT INTO bench_commit_rate VALUES ($1)", i)
        return count / (time.perf_counter() - started)
    finally:
        await conn.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


BARE_APP = """
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
async def ok(request):
    return JSONResponse({"status": "ok"})
app = Starlette(routes=[Route("/healthz", ok)])
"""


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port}")


def load(url: str, seconds: int = 5, connections: int = 32) -> tuple[float, float]:
    """Requests per second and p99 latency (ms) from wrk, one thread (one core each side)."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("the HTTP benchmarks need wrk: apt-get install wrk")
    out = subprocess.run(
        [wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rate = float(next(line for line in out.splitlines() if "Requests/sec" in line).split()[1])
    p99 = next(line for line in out.splitlines() if line.strip().startswith("99%")).split()[1]
    return rate, _ms(p99)


def _ms(text: str) -> float:
    for unit, factor in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * factor
    return float(text)


def bare_starlette_rate(seconds: int = 5) -> tuple[float, float]:
    """A bare Starlette JSON endpoint under uvicorn (uvloop + httptools): req/s, p99 ms."""
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "bare_app.py").write_text(BARE_APP)
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "bare_app:app", "--port", str(port),
             "--loop", "uvloop", "--http", "httptools", "--log-level", "warning",
             "--no-access-log"],
            cwd=tmp,
        )  # fmt: skip
        try:
            wait_for_port(port)
            return load(f"http://127.0.0.1:{port}/healthz", seconds)
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def main() -> None:
    print(f"SHA-256            {sha256_rate():8.0f} MB/s (one core)")
    print(f"ChaCha20-Poly1305  {chacha_rate():8.0f} MB/s (one core)")
    print(f"AES-256-GCM        {aesgcm_rate():8.0f} MB/s (one core)")
    print(f"disk write + fsync {disk_write_rate(Path('/var/tmp')):8.0f} MB/s (/var/tmp)")
    rate, p99 = bare_starlette_rate()
    print(f"bare Starlette     {rate:8.0f} req/s, p99 {p99:.1f} ms")


if __name__ == "__main__":
    main()
