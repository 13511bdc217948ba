"""The HTTP API against a bare Starlette endpoint measured in the same run.

Starts `etender serve` (one worker, embedded PostgreSQL with fsync on) in a temporary
data directory and drives it with wrk (one thread, 32 connections):

- /healthz — the full middleware stack (request ids, metrics, error handling), no database;
- /api/v1/log/checkpoint — one pooled database round trip and a signed note;

each as a ratio to a bare Starlette JSON endpoint under the same uvicorn settings.
Run: .venv/bin/python scripts/bench/http_api.py
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from limits import bare_starlette_rate, free_port, load, wait_for_port


def main(seconds: int = 5) -> None:
    bare, bare_p99 = bare_starlette_rate(seconds)
    port = free_port()
    data = Path(tempfile.mkdtemp(prefix="etender-bench-", dir="/var/tmp"))
    data.chmod(0o755)
    env = {**os.environ, "ETENDER_DATA_DIR": str(data), "ETENDER_PORT": str(port),
           "ETENDER_LOG_LEVEL": "WARNING"}  # fmt: skip
    env.pop("DATABASE_URL", None)
    proc = subprocess.Popen([sys.executable, "-m", "web.cli.main", "serve"], env=env)
    try:
        wait_for_port(port, timeout=60)
        base = f"http://127.0.0.1:{port}"
        load(f"{base}/healthz", 1)  # warm up
        health, health_p99 = load(f"{base}/healthz", seconds)
        checkpoint, checkpoint_p99 = load(f"{base}/api/v1/log/checkpoint", seconds)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
        subprocess.run(["rm", "-rf", str(data)], check=False)
    print(f"bare Starlette endpoint      {bare:8.0f} req/s  p99 {bare_p99:6.1f} ms  (limit)")
    print(f"/healthz (full stack)        {health:8.0f} req/s  p99 {health_p99:6.1f} ms  "
          f"= {health / bare:.2f} x bare")  # fmt: skip
    print(f"/api/v1/log/checkpoint (db)  {checkpoint:8.0f} req/s  p99 {checkpoint_p99:6.1f} ms  "
          f"= {checkpoint / bare:.2f} x bare")  # fmt: skip


if __name__ == "__main__":
    main()
