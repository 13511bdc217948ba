"""What the end-to-end benchmarks share: a real `etender serve` in a throwaway data dir.

The server runs as its own process (one worker, embedded PostgreSQL with fsync on) in
a temporary data directory under /var/tmp that trusts a demo CA, so the benchmark's
bidders can sign; its memory and CPU are read from /proc. Used by deadline_rush.py
and opening.py.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

import httpx

from signing.certs import dump_pem_certificate
from signing.demo_ca import DemoCA


def data_dir(prefix: str, ca: DemoCA) -> Path:
    """A fresh data directory under /var/tmp whose trust store holds ``ca``."""
    data = Path(tempfile.mkdtemp(prefix=prefix, dir="/var/tmp"))
    data.chmod(0o755)
    (data / "trust").mkdir()
    (data / "trust" / "root.pem").write_bytes(dump_pem_certificate(ca.root_cert))
    (data / "trust" / "issuing.pem").write_bytes(dump_pem_certificate(ca.issuing_cert))
    return data


def start_server(
    data: Path, port: int, policies: Mapping[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """`etender serve` on ``port`` over ``data``; returns once /readyz answers 200.

    ``policies`` become ETENDER_POLICY_<KEY> variables (e.g. freeze_job_seconds).
    """
    env = {**os.environ, "ETENDER_DATA_DIR": str(data), "ETENDER_PORT": str(port),
           "ETENDER_LOG_LEVEL": "WARNING"}  # fmt: skip
    env |= {f"ETENDER_POLICY_{k.upper()}": v for k, v in (policies or {}).items()}
    env.pop("DATABASE_URL", None)
    proc = subprocess.Popen([sys.executable, "-m", "web.cli.main", "serve"], env=env)
    for _ in range(600):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise SystemExit("the server did not start")


def stop_server(proc: subprocess.Popen[bytes], data: Path) -> None:
    """Stop the server (SIGINT, as Ctrl-C) and remove its data directory."""
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=60)
    subprocess.run(["rm", "-rf", str(data)], check=False)


def peak_kib(pid: int) -> int:
    """The process's peak resident memory (VmHWM), KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def reset_peak(pid: int) -> None:
    """Reset VmHWM to the current RSS (proc(5), clear_refs "5"), to measure one phase."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def tree_pids(pid: int) -> list[int]:
    """The process and its living descendants (the opening's workers, the upload workers),
    without the embedded PostgreSQL `etender serve` starts: the database is not the
    server's work, and the figures before this counted the server process alone."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            name, _, rest = stat.read_text().rpartition(")")
        except OSError:
            continue  # ended meanwhile
        if not name.endswith("(postgres"):
            parents[int(stat.parent.name)] = int(rest.split()[1])
    found, frontier = [pid], [pid]
    while frontier:
        frontier = [child for child, parent in parents.items() if parent in frontier]
        found += frontier
    return found


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU time of the process and its living descendants, seconds."""
    total = 0.0
    for one in tree_pids(pid):
        with contextlib.suppress(OSError):  # ended meanwhile
            total += cpu_seconds(one)
    return total


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the process (all its threads), seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
