"""A node killed (``kill -9``) in the deadline rush, with uploads on it in every state
(docs/faults.md, "A node is killed"): two `etender serve` nodes on one database and one
blob store (tests/evaluation/servers.py).

Nothing acknowledged is lost: a part the dead node answered ``complete`` is complete on
the other; a part whose first half it acknowledged resumes from exactly that offset;
a transfer cut mid-stream resumes from its committed offset once the dead writer's
lease lapses (``Retry-After`` says when; ``ETENDER_POLICY_UPLOAD_LEASE_PERIOD``, 3 s
here, 30 s by default). Every part ends complete on the other node, byte for byte, and
the killed node, started again, serves its uploads too.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import asyncpg
import httpx
import pytest

from signing.demo_ca import DemoCA
from tests.conftest import CloneDatabase
from tests.evaluation.servers import Servers
from tests.faults.kit import (
    LEASE_ENV,
    Part,
    create_upload,
    held_body,
    lease_claimed,
    resume,
    sealed_parts,
    until,
)
from tests.tender.world import World

pytestmark = pytest.mark.slow(wait=20)


async def test_uploads_on_a_killed_node_resume_on_the_other_with_nothing_acknowledged_lost(
    database: CloneDatabase, pool: asyncpg.Pool, world: World, ca: DemoCA, tmp_path: Path
) -> None:
    """complete / half acknowledged / in flight on node 0; kill -9; all complete on 1."""
    done, half, flying = await sealed_parts(pool, world, count=3)
    gate = asyncio.Event()  # set once the node is dead: the rest meets a closed socket
    async with (
        Servers(database.app_dsn, tmp_path, count=2, ca=ca, env=LEASE_ENV) as (a, b),
        httpx.AsyncClient(base_url=a.url, timeout=60) as on_a,
        httpx.AsyncClient(base_url=b.url, timeout=60) as on_b,
    ):
        paths = [await create_upload(on_a, part) for part in (done, half, flying)]
        put = await on_a.put(f"{paths[0]}?offset=0", content=done.data, headers=done.auth)
        assert put.json()["status"] == "complete", put.text
        middle = len(half.data) // 2
        put = await on_a.put(f"{paths[1]}?offset=0", content=half.data[:middle], headers=half.auth)
        assert put.json()["offset"] == middle, put.text
        in_flight = [
            asyncio.create_task(_put(on_a, f"{path}?offset={start}", part, start, gate))
            for path, part, start in ((paths[1], half, middle), (paths[2], flying, 0))
        ]
        for path in paths[1:]:
            await until(lambda p=path: lease_claimed(database.app_dsn, p), "transfers on node 0")
        a.kill()
        gate.set()
        for task in in_flight:
            with contextlib.suppress(httpx.TransportError):
                await task  # cut: the client sees a dropped connection
        seen = [(await on_b.get(path, headers=part.auth)).json() for path, part in
                zip(paths, (done, half, flying), strict=True)]  # fmt: skip
        assert [(s["status"], s["offset"]) for s in seen] == [
            ("complete", len(done.data)), ("open", middle), ("open", 0)
        ]  # fmt: skip
        finished = [await resume(on_b, path, part) for path, part in
                    zip(paths[1:], (half, flying), strict=True)]  # fmt: skip
        assert [f["status"] for f in finished] == ["complete", "complete"]
        await a.start()  # the killed node, restarted, serves the same uploads
        again = await on_a.get(paths[2], headers=flying.auth)
        assert again.json()["status"] == "complete", again.text
    objects = tmp_path / "seed" / "blobs" / "objects"
    for part in (done, half, flying):
        assert (objects / part.sha256[:2] / part.sha256).read_bytes() == part.data


async def _put(
    client: httpx.AsyncClient, url: str, part: Part, start: int, gate: asyncio.Event
) -> httpx.Response:
    """A PUT of the part from ``start`` whose second half waits for ``gate``."""
    return await client.put(url, content=held_body(part.data[start:], gate), headers=part.auth)
