"""More `etender serve` nodes for a bench, on the first node's embedded PostgreSQL.

Issue 17, item 7 (scripts/bench/deadline_rush.py --nodes N --blob-store postgres): each
extra node has its own data dir and port, reaches the first node's cluster through
``DATABASE_URL`` (the application role) and reads the first node's keys and trust
store as ``ETENDER_KEYS_DIR`` — one platform, as docs/deployment.md sets up — and
inherits the environment (``ETENDER_BLOB_STORE``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from limits import free_port

from web.db.embedded import APP_ROLE, EmbeddedPostgres


def start_nodes(first: Path, count: int) -> list[tuple[subprocess.Popen[bytes], int, Path]]:
    """``count`` more nodes beside the one serving ``first``; each once /readyz is 200."""
    dsn = EmbeddedPostgres.in_data_dir(first).dsn(user=APP_ROLE)
    nodes = []
    for _ in range(count):
        data = Path(tempfile.mkdtemp(prefix="etender-node-", dir="/var/tmp"))
        port = free_port()
        # Its own upload workers' port too: the first node's, inherited, is taken.
        env = {**os.environ, "ETENDER_DATA_DIR": str(data), "ETENDER_PORT": str(port),
               "ETENDER_UPLOAD_PORT": str(free_port()),
               "DATABASE_URL": dsn, "ETENDER_KEYS_DIR": str(first),
               "ETENDER_LOG_LEVEL": "WARNING"}  # fmt: skip
        proc = subprocess.Popen([sys.executable, "-m", "web.cli.main", "serve"], env=env)
        nodes.append((proc, port, data))
        for _ in range(600):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        else:
            raise SystemExit("an extra node did not start")
    return nodes


def stop_nodes(nodes: list[tuple[subprocess.Popen[bytes], int, Path]]) -> None:
    """Stop the extra nodes (SIGINT) and remove their data dirs."""
    for proc, _, data in nodes:
        proc.send_signal(2)
        proc.wait(timeout=60)
        subprocess.run(["rm", "-rf", str(data)], check=False)
