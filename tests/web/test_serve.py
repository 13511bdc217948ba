"""`etender serve` as a real process on the embedded PostgreSQL: start, stop, crash, restart."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port
from web.db.embedded import EmbeddedPostgres
from web.settings import Settings


class ServerProcess:
    """One `etender serve` child with its own data dir and port."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> float:
        env = {
            **os.environ,
            "ETENDER_DATA_DIR": str(self.data_dir),
            "ETENDER_PORT": str(self.port),
            "ETENDER_LOG_LEVEL": "WARNING",
        }
        env.pop("DATABASE_URL", None)
        started = time.monotonic()
        self.log = self.data_dir.parent / f"serve-{self.port}.log"
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "web.cli.main", "serve"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=log,
                start_new_session=True,
            )
        deadline = started + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(self.log.read_text())
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/readyz", timeout=1).status_code == 200:
                    return time.monotonic() - started
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise AssertionError("server did not become ready")

    def signal(self, signum: int) -> int:
        assert self.proc is not None
        self.proc.send_signal(signum)
        return self.proc.wait(timeout=30)

    def get(self, path: str) -> httpx.Response:
        return httpx.get(f"http://127.0.0.1:{self.port}{path}", timeout=5)


@pytest.fixture
def data_dir() -> Iterator[Path]:
    """A data dir the unprivileged `postgres` user can reach (pytest's tmp dirs are 0700)."""
    root = Path(tempfile.mkdtemp(prefix="etender-serve-", dir="/tmp"))
    root.chmod(0o755)
    yield root / "data"
    EmbeddedPostgres.in_data_dir(root / "data").stop()
    shutil.rmtree(root, ignore_errors=True)


@pytest.mark.slow
def test_sigint_stops_server_and_database_and_data_survives(data_dir: Path) -> None:
    """Ctrl-C stops both; the next start keeps the log (and the key) it had."""
    server = ServerProcess(data_dir)
    server.start()
    first = server.get("/api/v1/log/key").text
    assert server.signal(signal.SIGINT) == 0
    assert not EmbeddedPostgres.in_data_dir(data_dir).status()

    again = ServerProcess(data_dir)
    again.start()
    assert again.get("/api/v1/log/key").text == first
    assert again.signal(signal.SIGTERM) == 0
    assert not EmbeddedPostgres.in_data_dir(data_dir).status()


@pytest.mark.slow
def test_restart_after_kill_9_recovers(data_dir: Path) -> None:
    """After `kill -9` the orphaned postmaster is adopted and the server serves again."""
    server = ServerProcess(data_dir)
    server.start()
    server.signal(signal.SIGKILL)
    assert EmbeddedPostgres.in_data_dir(data_dir).status()  # left running by the crash

    again = ServerProcess(data_dir)
    again.start()
    assert again.get("/readyz").json()["status"] == "ok"
    assert again.signal(signal.SIGINT) == 0
    assert not EmbeddedPostgres.in_data_dir(data_dir).status()


@pytest.mark.slow
def test_stale_pid_file_after_database_crash_is_handled(data_dir: Path) -> None:
    """A postmaster.pid left by a killed database does not block the next start."""
    server = ServerProcess(data_dir)
    server.start()
    cluster = EmbeddedPostgres.in_data_dir(data_dir)
    pid = int((cluster.data / "postmaster.pid").read_text().split()[0])
    server.signal(signal.SIGKILL)
    os.kill(pid, signal.SIGKILL)
    time.sleep(0.5)
    assert (cluster.data / "postmaster.pid").exists()

    again = ServerProcess(data_dir)
    again.start()
    assert again.get("/readyz").status_code == 200
    assert again.signal(signal.SIGINT) == 0


@pytest.mark.slow
def test_serve_bounds_the_request_head(data_dir: Path) -> None:
    """`etender serve` runs the bounded protocol: a head past ETENDER_MAX_HEADER_BYTES is
    431 (web/http_limits.py), a normal request is served."""
    server = ServerProcess(data_dir)
    server.start()
    try:
        big = {"X-Big": "a" * (Settings().max_header_bytes + 1)}
        refused = httpx.get(f"http://127.0.0.1:{server.port}/healthz", headers=big, timeout=5)
        assert refused.status_code == 431
        assert refused.json()["error"]["code"] == "request_headers_too_large"
        assert server.get("/healthz").status_code == 200
    finally:
        assert server.signal(signal.SIGINT) == 0
