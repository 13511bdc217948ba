"""PostgreSQL restarted (crashed: ``pg_ctl stop -m immediate``, then started) under a
running `etender serve` (docs/faults.md, "PostgreSQL restarts").

Mid-upload: while PostgreSQL is down the upload's state is answered ``503
database_unavailable`` with ``Retry-After`` — never a 500; the transfer in flight either
completes once it is back or ends with that status, and resuming from the committed
offset completes the part, its bytes exactly the sealed ones. Mid-session: a command
sent while it is down gets an ``error`` frame ``database_unavailable``; once back, the
same id is applied once, and its event reaches the open socket — the node listens again
(live/hub.py re-listens when its LISTEN connection dies) — and a client that reconnects
replays every acknowledged event, none lost, none doubled.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any, cast

import asyncpg
import httpx
import pytest
import websockets
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from live import queries
from signing.demo_ca import DemoCA
from tests.conftest import CloneDatabase, PgServer
from tests.evaluation.servers import (
    FRAME_SECONDS,
    Servers,
    auth_header,
    bearer_token,
    command,
    join,
    next_frame,
)
from tests.faults.kit import (
    LEASE_ENV,
    create_upload,
    held_body,
    lease_claimed,
    postgres,
    resume,
    sealed_parts,
    until,
)
from tests.tender.world import World, published_tender

pytestmark = pytest.mark.slow(wait=10)


async def test_an_upload_and_a_live_session_survive_a_postgres_restart(
    database: CloneDatabase, pg_server: PgServer, pool: asyncpg.Pool, world: World,
    ca: DemoCA, tmp_path: Path,
) -> None:  # fmt: skip
    """Down: 503 database_unavailable with Retry-After over HTTP; an error frame with that
    code on the open socket, 4503 for a new one. Back: the upload resumed, complete and
    exact; the retried command applied once, fanned out to the open socket; a reconnect
    replays exactly what was acknowledged."""
    (part,) = await sealed_parts(pool, world)
    async with pool.acquire() as proxy:
        conn = cast(asyncpg.Connection, proxy)
        tender = await published_tender(conn, world, setup=world.setup())
        session = (await queries.open_session(conn, "opening", f"{tender.id}/1")).id
        token = await bearer_token(conn, world.agency.user_id)
    async with (
        Servers(database.app_dsn, tmp_path, count=1, ca=ca, env=LEASE_ENV) as (node,),
        httpx.AsyncClient(base_url=node.url, timeout=60) as client,
    ):
        ws = await join(node, session, token)
        first, _ = await _applied(ws, "ask-1")
        path = await create_upload(client, part)
        gate = asyncio.Event()
        put = asyncio.create_task(
            client.put(f"{path}?offset=0", content=held_body(part.data, gate), headers=part.auth)
        )
        await until(lambda: lease_claimed(database.app_dsn, path), "the PUT holds the lease")

        await postgres(pg_server, "stop")
        try:
            down = await client.get(path, headers=part.auth)
            created = await client.post(
                f"/api/v1/tenders/{part.tender_id}/lots/1/uploads",
                json={"part": "main", "size": len(part.data), "sha256": part.sha256},
                headers=part.auth,
            )
            refused = await command(ws, "ask-2", "status")
            closed = await _closed_at_once(node.live_url(session), token)
        finally:
            await postgres(pg_server, "start")

        for answer in (down, created):
            assert answer.status_code == 503, answer.text
            assert answer.json()["error"]["code"] == "database_unavailable"
            assert answer.headers["retry-after"] == "1"
        assert refused["type"] == "error", refused
        assert refused["error"]["code"] == "database_unavailable"
        assert refused["error"]["details"] == {"retry_after_seconds": 1}
        assert closed == 4503

        gate.set()
        ended = await put  # complete, or 503 if it needed the database while it was down
        assert ended.status_code in (200, 503), ended.text
        done = await resume(client, path, part)
        assert (done["status"], done["sha256"], done["offset"]) == (
            "complete", part.sha256, len(part.data)
        )  # fmt: skip

        again, fanned_out = await _applied(ws, "ask-2")
        assert fanned_out == again["seq"] > first["seq"]  # the node listens again
        await ws.close()
        async with await join(node, session, token, after=0) as back:
            replayed = [(await next_frame(back, "event"))["seq"] for _ in range(2)]
            twice = await command(back, "ask-2", "status")
    stored = tmp_path / "seed" / "blobs" / "objects" / part.sha256[:2] / part.sha256
    assert stored.read_bytes() == part.data
    assert replayed == [first["seq"], again["seq"]]
    assert twice["seq"] == again["seq"]  # answered from the first time, not applied again
    async with pool.acquire() as proxy:
        events = await queries.events_after(cast(asyncpg.Connection, proxy), session, 0)
    assert [e.seq for e in events] == replayed


async def _closed_at_once(url: str, token: str) -> int | None:
    """The close code of a socket opened now (no hello expected)."""
    async with websockets.connect(
        url, additional_headers=auth_header(token), open_timeout=FRAME_SECONDS
    ) as ws:
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(ws.recv(), FRAME_SECONDS)
        return ws.close_code


async def _applied(ws: ClientConnection, msg_id: str) -> tuple[dict[str, Any], int]:
    """Send ``msg_id`` until acked — PostgreSQL may still be recovering: the client
    retries ``database_unavailable`` like a dropped connection — and read on until its
    event has come too (before or after the ack: docs/live-sessions.md). The ack, and
    the seq of the event that reached this socket."""
    for _ in range(100):
        await ws.send(json.dumps({"id": msg_id, "type": "status", "data": {}}))
        seen: set[int] = set()
        while True:
            frame = json.loads(await asyncio.wait_for(ws.recv(), FRAME_SECONDS))
            if frame["type"] == "event":
                seen.add(frame["seq"])
            elif frame["type"] == "error":
                assert frame["error"]["code"] == "database_unavailable", frame
                break
            elif frame["type"] == "ack":
                while frame["seq"] not in seen:  # the fan-out: the node listens again
                    event = json.loads(await asyncio.wait_for(ws.recv(), FRAME_SECONDS))
                    if event["type"] == "event":
                        seen.add(event["seq"])
                return frame, frame["seq"]
        await asyncio.sleep(0.2)
    raise AssertionError(f"{msg_id} was not applied after PostgreSQL came back")
