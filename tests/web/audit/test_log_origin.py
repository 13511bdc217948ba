"""The log's origin follows the address the server is started on (README, issue 9 item 20).

The origin is fixed for life when the signing key is made, at the server's first
start; it must name the host and port that serve, whether they come from
``ETENDER_PORT`` or from ``etender serve --port``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.conftest import CloneDatabase, free_port


def _serve(data_dir: Path, dsn: str, log: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "ETENDER_DATA_DIR": str(data_dir), "DATABASE_URL": dsn,
           "ETENDER_LOG_LEVEL": "WARNING"}  # fmt: skip
    for name in ("ETENDER_HOST", "ETENDER_PORT", "ETENDER_PUBLIC_URL"):
        env.pop(name, None)
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "web.cli.main", "serve", *args],
            env=env, stdout=subprocess.DEVNULL, stderr=out, start_new_session=True,
        )  # fmt: skip


def _key_when_ready(proc: subprocess.Popen[bytes], port: int, log: Path) -> str:
    for _ in range(600):
        assert proc.poll() is None, log.read_text()
        try:
            found = httpx.get(f"http://127.0.0.1:{port}/api/v1/log/key", timeout=1)
            if found.status_code == 200:
                return found.text.strip()
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError("the server did not answer within 60 s")


def test_serve_port_option_names_the_log_origin_at_first_start(
    tmp_path: Path, database: CloneDatabase
) -> None:
    """`etender serve --port P` signs its checkpoints as ``127.0.0.1:P/log``."""
    port = free_port()
    log = tmp_path / "serve.log"
    proc = _serve(tmp_path / "data", database.owner_dsn, log, "--port", str(port))
    try:
        vkey = _key_when_ready(proc, port, log)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert vkey.split("+")[0] == f"127.0.0.1:{port}/log"
    skey = (tmp_path / "data" / "keys" / "log.skey").read_text()
    assert f"127.0.0.1:{port}/log+" in skey
