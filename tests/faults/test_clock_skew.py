"""A node whose clock runs ten minutes off (libfaketime, tests/faults/nodes.py) under a
running `etender serve` (docs/faults.md, "A node's clock is skewed").

The platform decides by the database's clock, never a node's (DESIGN.md, "Time"):

- ahead: a tender whose deadline is five minutes away by the database clock — already
  past by the node's — still takes an upload, and the bearer token still signs in;
- behind: a witness's cosignature, dated now by the witness's (true) clock, is
  accepted — it was refused as "dated in the future" when the node judged it by its
  own clock (audit/service.py: the database's clock now).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import os
import sys
from pathlib import Path
from typing import cast

import asyncpg
import httpx
import pytest

from audit import service as audit
from signing.demo_ca import DemoCA
from tests.conftest import CloneDatabase
from tests.evaluation.servers import Servers, bearer_token
from tests.faults.nodes import skewed_clock
from tests.tender.submission.kit import bidder, seal_for, sealed_committee
from tests.tender.world import SOON, World, published_tender

pytestmark = pytest.mark.slow(wait=10)
SKEW = dt.timedelta(minutes=10)


async def _etender(*args: str) -> tuple[int, str]:
    """The CLI as a process of its own (the witness keeps a true clock)."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "web.cli.main", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, env=dict(os.environ),
    )  # fmt: skip
    out, _ = await proc.communicate()
    assert proc.returncode is not None
    return proc.returncode, out.decode()


async def _node_clock(node_url: str) -> dt.datetime:
    """What the node reads as now: the Date header of its answer (RFC 9110 §6.6.1)."""
    async with httpx.AsyncClient() as client:
        answer = await client.get(f"{node_url}/readyz")
    return dt.datetime.strptime(answer.headers["date"], "%a, %d %b %Y %H:%M:%S GMT").replace(
        tzinfo=dt.UTC
    )


async def test_nodes_ten_minutes_ahead_and_behind_decide_by_the_database_clock(
    database: CloneDatabase, pool: asyncpg.Pool, world: World, ca: DemoCA, tmp_path: Path
) -> None:
    """Ahead: a deadline 5 min away by the database, 5 min past by the node, still takes
    the upload. Behind: the witness cosigns at its true time, and the node stores it."""
    key = tmp_path / "witness.key"
    code, vkey = await _etender("witness", "--key", str(key), "--new-key", "county-1.example")
    assert code == 0, vkey
    async with pool.acquire() as proxy:
        conn = cast(asyncpg.Connection, proxy)
        tender = await published_tender(
            conn, world, setup=world.setup(SOON), deadline_in=dt.timedelta(minutes=5),
            cutoff_in=dt.timedelta(minutes=2),
        )  # fmt: skip
        data = seal_for(world, await sealed_committee(conn, tender), bidder(world, 0))
        token = await bearer_token(conn, world.bidders[0].user_id)
        async with conn.transaction():
            await audit.add_witness(conn, vkey.strip())
        db_now = await conn.fetchval("SELECT clock_timestamp()")
    servers = Servers(database.app_dsn, tmp_path, count=2, ca=ca)
    minutes = SKEW.seconds // 60
    ahead = servers.nodes[0] = skewed_clock(servers[0], f"+{minutes}m")
    behind = servers.nodes[1] = skewed_clock(servers[1], f"-{minutes}m")
    async with servers, httpx.AsyncClient(base_url=ahead.url) as client:
        assert await _node_clock(ahead.url) - db_now > SKEW - dt.timedelta(minutes=1)
        assert db_now - await _node_clock(behind.url) > SKEW - dt.timedelta(minutes=1)
        assert tender.content.schedule.deadline < db_now + SKEW  # past, by the node ahead
        created = await client.post(
            f"/api/v1/tenders/{tender.id}/lots/1/uploads",
            json={"part": "main", "size": len(data), "sha256": hashlib.sha256(data).hexdigest()},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert created.status_code == 201, created.text
        code, out = await _etender(
            "witness", "--key", str(key), "--server", behind.url, "--log-key",
            await _log_key(behind.url), "--once",
        )  # fmt: skip
        assert code == 0, out  # was: "cosignature time is in the future"
    owner = await asyncpg.connect(database.owner_dsn)  # the app role may only insert
    try:
        stored = await owner.fetchval("SELECT count(*) FROM log_cosignatures")
    finally:
        await owner.close()
    assert stored >= 1


async def _log_key(node_url: str) -> str:
    async with httpx.AsyncClient() as client:
        answer = await client.get(f"{node_url}/api/v1/log/key")
    assert answer.status_code == 200, answer.text
    return answer.text.strip()
