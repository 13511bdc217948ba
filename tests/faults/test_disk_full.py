"""The blob store's disk full under a running `etender serve` (docs/faults.md, "The blob
store's disk is full").

The node's blob store is a small tmpfs (its own mount namespace, tests/faults/nodes.py);
the test fills it with a ballast file. A part's PUT is then refused ``507
bid_upload_storage_full`` with ``Retry-After`` — never a 500 — and nothing of it is
kept: the committed offset is unchanged, the staging file holds no more than before,
no blob is stored, the writer lease is free (the same PUT is not refused as busy). Once
space returns (the ballast deleted) the same PUT completes the part, byte for byte.
"""

from __future__ import annotations

import errno
from pathlib import Path
from typing import BinaryIO

import asyncpg
import httpx
import pytest

from signing.demo_ca import DemoCA
from tests.conftest import CloneDatabase
from tests.evaluation.servers import Servers
from tests.faults.kit import LEASE_ENV, create_upload, sealed_parts
from tests.faults.nodes import small_disk
from tests.tender.world import World

pytestmark = pytest.mark.slow(wait=5)


def _fill(directory: Path) -> Path:
    """Write a ballast file until the file system has no byte left."""
    ballast = directory / "ballast"
    with ballast.open("wb", buffering=0) as handle:
        for block in (65536, 1):  # whole blocks, then the last partial one
            with pytest.raises(OSError, match="No space left") as full:
                _write_forever(handle, b"\0" * block)
            assert full.value.errno == errno.ENOSPC
    return ballast


def _write_forever(handle: BinaryIO, block: bytes) -> None:
    while True:
        handle.write(block)


async def test_a_full_blob_store_refuses_with_507_keeps_nothing_and_recovers(
    database: CloneDatabase, pool: asyncpg.Pool, world: World, ca: DemoCA, tmp_path: Path
) -> None:
    """Full: 507 bid_upload_storage_full, nothing kept, lease free. Freed: complete."""
    (part,) = await sealed_parts(pool, world)
    servers = Servers(database.app_dsn, tmp_path, count=1, ca=ca, env=LEASE_ENV)
    node = servers.nodes[0] = small_disk(servers[0], tmp_path / "seed" / "blobs", "1m")
    async with servers, httpx.AsyncClient(base_url=node.url, timeout=60) as client:
        blobs = node.inside(tmp_path / "seed" / "blobs")
        path = await create_upload(client, part)
        ballast = _fill(blobs)
        for _ in range(2):  # and again: the first refusal freed the writer lease
            full = await client.put(f"{path}?offset=0", content=part.data, headers=part.auth)
            assert full.status_code == 507, full.text
            assert full.json()["error"]["code"] == "bid_upload_storage_full"
            assert full.headers["retry-after"] == "60"
            state = (await client.get(path, headers=part.auth)).json()
            assert (state["status"], state["offset"]) == ("open", 0)
            assert [f.stat().st_size for f in (blobs / "staging").iterdir()] == [0]
            assert not any((blobs / "objects").iterdir())
        ballast.unlink()
        done = await client.put(f"{path}?offset=0", content=part.data, headers=part.auth)
        assert done.status_code == 200, done.text
        assert (done.json()["status"], done.json()["offset"]) == ("complete", len(part.data))
        stored = blobs / "objects" / part.sha256[:2] / part.sha256
        assert stored.read_bytes() == part.data
