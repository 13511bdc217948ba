"""The HTTP API against a bare Starlette endpoint measured in the same run.

Starts `etender serve` (one worker, embedded PostgreSQL with fsync on) in a temporary
data directory and drives it with wrk (one thread, 32 connections):

- /healthz — the full middleware stack (request ids, metrics, error handling), no database;
- /api/v1/log/checkpoint — the newest signed note, read from the database at most once
  per ETENDER_CHECKPOINT_CACHE_SECONDS (web/read_caches.py);

each as a ratio to a bare Starlette JSON endpoint under the same uvicorn settings, in
interleaved rounds (bare, /healthz, checkpoint) so that a shared machine's drift cancels;
medians of the rounds, and the load average beside them.
Run: .venv/bin/python scripts/bench/http_api.py [rounds]
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from limits import bare_starlette_rate, free_port, load, wait_for_port


def main(seconds: int = 5, rounds: int = 3) -> None:
    port = free_port()
    data = Path(tempfile.mkdtemp(prefix="etender-bench-", dir="/var/tmp"))
    data.chmod(0o755)
    env = {**os.environ, "ETENDER_DATA_DIR": str(data), "ETENDER_PORT": str(port),
           "ETENDER_LOG_LEVEL": "WARNING"}  # fmt: skip
    env.pop("DATABASE_URL", None)
    proc = subprocess.Popen([sys.executable, "-m", "web.cli.main", "serve"], env=env)
    runs: dict[str, list[tuple[float, float]]] = {"bare": [], "health": [], "checkpoint": []}
    try:
        wait_for_port(port, timeout=60)
        base = f"http://127.0.0.1:{port}"
        load(f"{base}/healthz", 1)  # warm up
        print(f"load average before: {_loadavg()}")
        for _ in range(rounds):
            runs["bare"].append(bare_starlette_rate(seconds))
            runs["health"].append(load(f"{base}/healthz", seconds))
            runs["checkpoint"].append(load(f"{base}/api/v1/log/checkpoint", seconds))
            print("round: " + "  ".join(f"{k} {v[-1][0]:.0f} req/s" for k, v in runs.items()))
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
        subprocess.run(["rm", "-rf", str(data)], check=False)
    rate = {k: statistics.median(r for r, _ in v) for k, v in runs.items()}
    p99 = {k: statistics.median(p for _, p in v) for k, v in runs.items()}
    ratios = {k: statistics.median(r / b for (r, _), (b, _) in zip(v, runs["bare"], strict=True))
              for k, v in runs.items()}  # fmt: skip
    names = {"bare": "bare Starlette endpoint", "health": "/healthz (full stack)",
             "checkpoint": "/api/v1/log/checkpoint"}  # fmt: skip
    for key, name in names.items():
        print(f"{name:<28} {rate[key]:8.0f} req/s  p99 {p99[key]:6.1f} ms  "
              f"= {ratios[key]:.2f} x bare (median of the rounds' ratios)")  # fmt: skip
    print(f"load average after: {_loadavg()}")


def _loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


if __name__ == "__main__":
    main(rounds=int(sys.argv[1]) if len(sys.argv) > 1 else 3)
