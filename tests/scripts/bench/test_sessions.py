"""scripts/bench/sessions.py runs end to end, tiny (a smoke test: it asserts nothing
about time; the figures are the benchmark's, recorded in docs/performance.md).

Two sessions × (3 members + 1 observer), three seconds, on one and then two real
`etender serve` processes sharing the test's database: every command sent is
acknowledged once, nothing is refused, every socket connects.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CloneDatabase

ROOT = Path(__file__).resolve().parents[3]
BENCH = ROOT / "scripts" / "bench" / "sessions.py"
RUN_SECONDS = 600  # the whole run's bound: set-up, two server starts, the loads, the drains


@pytest.mark.slow
def test_the_sessions_benchmark_runs_on_one_and_two_processes(
    database: CloneDatabase, tmp_path: Path
) -> None:
    """Each member of each run sends one command a second for 3 s: 3 each, all acked."""
    out = tmp_path / "figures.json"
    done = subprocess.run(
        [sys.executable, str(BENCH), "--sessions", "2", "--members", "3", "--observers", "1",
         "--seconds", "3", "--warmup", "1", "--processes", "1,2", "--load-procs", "1",
         "--commits", "50", "--database-url", database.owner_dsn,
         "--app-database-url", database.app_dsn, "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=RUN_SECONDS,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr[-5000:]
    runs = json.loads(out.read_text())["runs"]
    assert [run["processes"] for run in runs] == [1, 2]
    for run in runs:
        assert run["sockets"] == 2 * (3 + 1)
        assert run["connect_failures"] == {}
        assert run["sent"] == 2 * 3 * 3
        assert run["acks"] == run["sent"]
        assert run["unanswered"] == 0
        assert run["errors"] == {}
        assert run["closed_by_server"] == {}
