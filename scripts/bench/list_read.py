"""An authenticated list read against bare Starlette + asyncpg on the same query.

`GET /api/v1/tenders` is public (no session), so the authenticated list read is
`GET /api/v1/tenders/mine` with a bearer token: an agency's 50 tenders, newest first.
Starts `etender serve` (one worker, embedded PostgreSQL with fsync on, the settings'
defaults: session cache on) and, beside it, a minimal Starlette app with an asyncpg pool
that runs the very same SQL (tender.queries.LIST_FOR_ORGANISATIONS, same organisation,
same limit) and returns its rows as JSON, under the same uvicorn settings. wrk (one
thread) drives each in interleaved rounds, so drift of a shared machine cancels:

- throughput at 32 connections: etender ÷ bare (aim ≥ 0.4);
- p99 at 32 connections against the same endpoint's p99 at one connection ("idle"),
  and against the bare app's p99 (aim ≤ 2 × idle).

Run: .venv/bin/python scripts/bench/list_read.py [--rounds 3] [--seconds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from limits import _ms, free_port, wait_for_port

from accounts.model import OrgKind, Role
from tender.queries import LIST_FOR_ORGANISATIONS
from tender.service import create_draft
from tests.accounts.factory import PASSWORD, actor_for, make_organisation, make_user
from tests.tender.kit import a_draft
from web.db.embedded import SUPERUSER, EmbeddedPostgres

TENDERS = 50
LIMIT = 100  # tender.service.list_mine's page
BARE_APP = """
import contextlib, json, os, uuid
import asyncpg
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

SQL = open(os.environ["BARE_SQL"]).read()
ORG = uuid.UUID(os.environ["BARE_ORG"])
pool = None

@contextlib.asynccontextmanager
async def lifespan(app):
    global pool
    pool = await asyncpg.create_pool(os.environ["BARE_DSN"], min_size=4, max_size=20)
    yield
    await pool.close()

def plain(value):
    return value if isinstance(value, (int, str, bool, type(None))) else str(value)

async def mine(request):
    async with pool.acquire() as conn:
        rows = await conn.fetch(SQL, [ORG], int(os.environ["BARE_LIMIT"]))
    body = json.dumps({"items": [{k: plain(v) for k, v in r.items()} for r in rows]})
    return Response(body, media_type="application/json")

app = Starlette(routes=[Route("/mine", mine)], lifespan=lifespan)
"""


async def prepare(data: Path) -> tuple[str, str]:
    """An agency with TENDERS drafts and a user who can sign in; its organisation id."""
    conn = await asyncpg.connect(EmbeddedPostgres.in_data_dir(data).dsn(user=SUPERUSER))
    try:
        await make_organisation(conn, OrgKind.CITY_CENTRE)  # a tender's host
        agency = await make_organisation(conn, OrgKind.AGENCY)
        tenderer = await make_organisation(conn, OrgKind.TENDERER)
        department = await make_organisation(conn, OrgKind.INDUSTRY_DEPARTMENT)
        user = await make_user(conn, agency, Role.AGENCY, username="bench.agency")
        actor = await actor_for(conn, user)
        for _ in range(TENDERS):
            draft = a_draft(tenderer_id=tenderer.id, department_id=department.id)
            await create_draft(conn, actor, draft)
        return user.username, str(agency.id)
    finally:
        await conn.close()


def wrk(url: str, seconds: int, connections: int, script: Path | None) -> tuple[float, float]:
    """Requests per second and p99 (ms), one wrk thread."""
    args = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if script is not None:
        args[1:1] = ["-s", str(script)]  # the token stays out of the process list
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    lines = out.splitlines()
    rate = float(next(line for line in lines if "Requests/sec" in line).split()[1])
    non2xx = [line for line in lines if "Non-2xx" in line]
    if non2xx:
        raise SystemExit(f"{url}: {non2xx[0].strip()}")
    p99 = next(line for line in lines if line.strip().startswith("99%")).split()[1]
    return rate, _ms(p99)


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main(rounds: int, seconds: int) -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("the HTTP benchmarks need wrk: apt-get install wrk")
    data = Path(tempfile.mkdtemp(prefix="etender-bench-", dir="/var/tmp"))
    data.chmod(0o755)
    work = Path(tempfile.mkdtemp(prefix="etender-bench-bare-"))
    port, bare_port = free_port(), free_port()
    env = {**os.environ, "ETENDER_DATA_DIR": str(data), "ETENDER_PORT": str(port),
           "ETENDER_LOG_LEVEL": "WARNING"}  # fmt: skip
    env.pop("DATABASE_URL", None)
    server = subprocess.Popen([sys.executable, "-m", "web.cli.main", "serve"], env=env)
    bare = None
    try:
        wait_for_port(port, timeout=90)
        username, org = asyncio.run(prepare(data))
        base = f"http://127.0.0.1:{port}"
        login = httpx.post(
            f"{base}/api/v1/auth/login", json={"username": username, "password": PASSWORD}
        )
        login.raise_for_status()
        script = work / "auth.lua"
        script.touch(mode=0o600)
        script.write_text(f'wrk.headers["Authorization"] = "Bearer {login.json()["token"]}"\n')
        (work / "list.sql").write_text(LIST_FOR_ORGANISATIONS)
        (work / "bare_app.py").write_text(BARE_APP)
        bare_env = {**os.environ, "BARE_SQL": str(work / "list.sql"), "BARE_ORG": org,
                    "BARE_DSN": EmbeddedPostgres.in_data_dir(data).dsn(),
                    "BARE_LIMIT": str(LIMIT)}  # fmt: skip
        bare = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "bare_app:app", "--port", str(bare_port),
             "--loop", "uvloop", "--http", "httptools", "--log-level", "warning",
             "--no-access-log"],
            cwd=work, env=bare_env,
        )  # fmt: skip
        wait_for_port(bare_port)
        mine, bare_url = f"{base}/api/v1/tenders/mine", f"http://127.0.0.1:{bare_port}/mine"
        wrk(mine, 1, 4, script)  # warm up both
        wrk(bare_url, 1, 4, None)
        print(f"load average before: {_load()}")
        results: dict[str, list[tuple[float, float]]] = {"bare": [], "etender": [], "idle": []}
        for n in range(rounds):
            results["bare"].append(wrk(bare_url, seconds, 32, None))
            results["etender"].append(wrk(mine, seconds, 32, script))
            results["idle"].append(wrk(mine, seconds, 1, script))
            print(f"round {n + 1}: load {_load()}  " + "  ".join(
                f"{k} {v[-1][0]:.0f} req/s p99 {v[-1][1]:.1f} ms" for k, v in results.items()
            ))  # fmt: skip
    finally:
        if bare is not None:
            bare.terminate()
            bare.wait(timeout=10)
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)
        shutil.rmtree(work, ignore_errors=True)
        subprocess.run(["rm", "-rf", str(data)], check=False)
    report(results)


def report(results: dict[str, list[tuple[float, float]]]) -> None:
    """Medians of the rounds and the ratios."""
    rate = {k: statistics.median(r for r, _ in v) for k, v in results.items()}
    p99 = {k: statistics.median(p for _, p in v) for k, v in results.items()}
    rows = (
        ("bare Starlette + asyncpg (limit)", "bare"),
        ("GET /api/v1/tenders/mine, bearer", "etender"),
        ("  the same, one connection (idle)", "idle"),
    )
    for name, key in rows:
        print(f"{name:<34} {rate[key]:7.0f} req/s  p99 {p99[key]:6.1f} ms")
    print(f"{'throughput / bare':<34} {rate['etender'] / rate['bare']:7.2f} x  (aim >= 0.4)")
    print(f"{'p99 / idle p99':<34} {p99['etender'] / p99['idle']:7.2f} x  (aim <= 2)")
    print(f"{'p99 / bare p99':<34} {p99['etender'] / p99['bare']:7.2f} x")
    print(f"load average after: {_load()}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    args = parser.parse_args()
    main(args.rounds, args.seconds)
