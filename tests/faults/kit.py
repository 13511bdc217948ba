"""What the fault tests share (docs/faults.md): a bidder with a sealed part for an open
tender, a small resuming upload client, and PostgreSQL stopped and started under a
running `etender serve` (tests/evaluation/servers.py runs the real processes).

Every wait is on a condition — a row's lease claimed, a status answered — bounded by
``WAIT_SECONDS``; none races the wall clock. The writer lease is shortened to
``LEASE`` (``ETENDER_POLICY_UPLOAD_LEASE_PERIOD``) so that a lease a fault strands
lapses in seconds, as the 30 s default would in production.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import os
import subprocess
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, cast
from uuid import UUID

import asyncpg
import httpx

from tests.conftest import PgServer
from tests.evaluation.servers import bearer_token
from tests.tender.submission.kit import bidder, seal_for, sealed_committee
from tests.tender.world import World, published_tender
from web.db.embedded import find_bindir

WAIT_SECONDS = 60.0  # one condition, on a busy machine
LEASE = "3s"
LEASE_ENV = {"ETENDER_POLICY_UPLOAD_LEASE_PERIOD": LEASE}


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Part:
    """A bidder's token and one sealed part for lot 1 of an open tender."""

    tender_id: UUID
    token: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def sealed_parts(pool: asyncpg.Pool, world: World, count: int = 1) -> list[Part]:
    """``count`` bidders' sealed parts for one published tender (its deadline hours away)."""
    async with pool.acquire() as proxy:
        conn = cast(asyncpg.Connection, proxy)
        tender = await published_tender(conn, world)
        committee = await sealed_committee(conn, tender)
        parts = []
        for index in range(count):
            who = bidder(world, index)
            token = await bearer_token(conn, world.bidders[index].user_id)
            parts.append(
                Part(tender_id=tender.id, token=token, data=seal_for(world, committee, who))
            )
        return parts


async def create_upload(client: httpx.AsyncClient, part: Part) -> str:
    """POST the upload; its path (``/api/v1/uploads/<id>``)."""
    created = await client.post(
        f"/api/v1/tenders/{part.tender_id}/lots/1/uploads",
        json={"part": "main", "size": len(part.data), "sha256": part.sha256},
        headers=part.auth,
    )
    assert created.status_code == 201, created.text
    return f"/api/v1/uploads/{created.json()['id']}"


async def held_body(data: bytes, gate: asyncio.Event) -> AsyncIterator[bytes]:
    """The first half of ``data``, then — once ``gate`` is set — the rest: a transfer
    in flight while the test breaks something."""
    half = len(data) // 2
    yield data[:half]
    await gate.wait()
    yield data[half:]


async def resume(client: httpx.AsyncClient, path: str, part: Part) -> dict[str, Any]:
    """What the reference client does (client/bid/submit.py): GET the committed offset,
    PUT the rest; a busy lease, a restarting database or a full disk is waited out by
    its ``Retry-After``, a dropped connection retried. The complete upload."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        try:
            state = await client.get(path, headers=part.auth)
            if state.status_code == 200:
                body = state.json()
                if body["status"] == "complete":
                    return cast(dict[str, Any], body)
                assert body["status"] == "open", body
                offset = body["offset"]
                state = await client.put(
                    f"{path}?offset={offset}", content=part.data[offset:], headers=part.auth
                )
                if state.status_code == 200 and state.json()["status"] == "complete":
                    return cast(dict[str, Any], state.json())
            assert state.status_code in (409, 503), state.text
            wait = float(state.headers.get("retry-after", "1"))
        except httpx.TransportError:
            wait = 0.25
        await asyncio.sleep(min(wait, 1.0))  # polls: the condition is the answer
    raise AssertionError(f"{path} did not complete within {WAIT_SECONDS:.0f} s")


async def until(check: Callable[[], Awaitable[bool]], what: str) -> None:
    """Poll ``check`` until it holds (bounded by ``WAIT_SECONDS``)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"not within {WAIT_SECONDS:.0f} s: {what}")


async def lease_claimed(dsn: str, upload_path: str) -> bool:
    """Whether a writer holds the upload's lease (its PUT is streaming)."""
    conn = await asyncpg.connect(dsn)
    try:
        held: bool = await conn.fetchval(
            "SELECT writer_token IS NOT NULL FROM bid_uploads WHERE id = $1",
            UUID(upload_path.rsplit("/", 1)[1]),
        )
        return held
    finally:
        await conn.close()


async def postgres(pg_server: PgServer, action: str) -> None:
    """``stop`` (immediate: a crash, every backend killed) or ``start`` the session's
    cluster, as an operator or a failing machine would under a running server.

    The tests' cluster runs with ``fsync`` and ``synchronous_commit`` off (speed), so a
    crash could lose commits already acknowledged — which production's settings
    (both on, web/db/embedded.py) never do. A ``CHECKPOINT`` first makes the test
    cluster as durable as production at the moment of the crash.
    """
    cluster = pg_server.cluster
    assert cluster is not None, "the fault tests restart the tests' own embedded cluster"
    if action == "start":
        await asyncio.to_thread(cluster.start)
        return
    await pg_server.admin("CHECKPOINT")
    argv = [str(find_bindir() / "pg_ctl"), "stop", "-w", "-m", "immediate", "-D", str(cluster.data)]
    if os.geteuid() == 0:  # the cluster runs as postgres (web/db/embedded.py)
        argv = ["runuser", "-u", "postgres", "--", *argv]
    subprocess.run(argv, check=True, capture_output=True, cwd="/")
