"""Uploads staged in PostgreSQL resume on any node (issue 17 leftovers, item 3;
docs/formats/upload.md §2.3, docs/deployment.md §4): with ``ETENDER_BLOB_STORE=postgres``
a part's staged bytes are rows of its staging write, so a PUT that reaches another node
continues from the committed offset; what passed that offset is cut off first, as the
local store truncates its file. Two stores with their own data dirs stand for two
nodes (the two-process run: tests/multinode/test_two_nodes.py)."""

from __future__ import annotations

import dataclasses
import hashlib
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from tender.blobs import pgrows
from tender.blobs.pgstore import PgBlobStore
from tender.submission.context import Submission
from tender.submission.model import PartNotAge, UploadOffsetWrong, UploadStatus, UploadStorageFull
from tender.submission.uploads import create_upload, get_upload, write_chunk
from tests.conftest import CloneDatabase
from tests.tender.submission.kit import bidder, make_submission, seal_for, sealed_committee, stream
from tests.tender.world import World, published_tender
from web.db import faults as db_faults
from web.errors import DatabaseUnavailable


def _node(world: World, tmp_path: Path, database: CloneDatabase, name: str) -> Submission:
    sub = make_submission(world, tmp_path)  # one set of keys, as the nodes share
    return dataclasses.replace(sub, store=PgBlobStore(tmp_path / name, database.app_dsn))


async def _dropped(data: bytes, at: int) -> AsyncIterator[bytes]:
    yield data[:at]
    raise ConnectionResetError("the client went away")


async def _staged_rows(conn: asyncpg.Connection, staging_id: str) -> int:
    return int(
        await conn.fetchval(
            "SELECT count(*) FROM blob_chunks c JOIN blob_staging s USING (content_id)"
            " WHERE s.staging_id = $1",
            staging_id,
        )
    )


async def test_an_upload_staged_on_one_node_resumes_on_another_from_the_committed_offset(
    conn: asyncpg.Connection, pool: asyncpg.Pool, world: World, database: CloneDatabase,
    tmp_path: Path,
) -> None:  # fmt: skip
    """Created on A, the connection dropped after 700 bytes; resumed on B — a wrong
    offset told where it stands, bytes a crash left past the committed offset cut off —
    and completed there: the part is one blob every node reads, no staging left,
    nothing in either node's staging directory (it restarted at 0 before)."""
    a, b = _node(world, tmp_path, database, "a"), _node(world, tmp_path, database, "b")
    try:
        tender = await published_tender(conn, world)
        who = bidder(world, 0)
        data = seal_for(world, await sealed_committee(conn, tender), who)
        digest = hashlib.sha256(data).hexdigest()
        created = await create_upload(
            conn, who.actor, tender.id, "1", part="main", size=len(data), sha256=digest, sub=a
        )
        with pytest.raises(ConnectionResetError):  # the bidder's network drops on A
            await write_chunk(
                pool, who.actor, created.id, offset=0, chunks=_dropped(data, 700), sub=a
            )
        assert (await get_upload(conn, who.actor, created.id)).committed_offset == 700
        assert await _staged_rows(conn, created.staging_id) > 0
        # A crash after rows were written but before the writer recorded their offset.
        assert isinstance(a.store, PgBlobStore)
        content = await pgrows.content_of(a.store, created.staging_id)
        assert content is not None
        rows = await _staged_rows(conn, created.staging_id)
        await pgrows.append(a.store, content, rows, b"never acknowledged")
        assert (await get_upload(conn, who.actor, created.id)).committed_offset == 700
        with pytest.raises(UploadOffsetWrong) as told:
            await write_chunk(pool, who.actor, created.id, offset=0, chunks=stream(data), sub=b)
        assert told.value.details == {"offset": 700}
        done = await write_chunk(
            pool, who.actor, created.id, offset=700, chunks=stream(data[700:]), sub=b
        )
        assert (done.status, done.committed_offset) == (UploadStatus.COMPLETE, len(data))
        for node in (a, b):
            assert await node.store.size(digest) == len(data)
            assert list(node.store.staging_dir.iterdir()) == []
        read = b"".join([chunk async for chunk in a.store.read(digest)])
        assert read == data
        assert await conn.fetchval("SELECT count(*) FROM blob_staging") == 0
    finally:
        for node in (a, b):
            assert isinstance(node.store, PgBlobStore)
            await node.store.close()


async def test_a_part_refused_on_completion_leaves_no_staged_rows(
    conn: asyncpg.Connection, pool: asyncpg.Pool, world: World, database: CloneDatabase,
    tmp_path: Path,
) -> None:  # fmt: skip
    """upload.md §2.2: a refused part is deleted from staging — here its rows."""
    a = _node(world, tmp_path, database, "a")
    try:
        tender = await published_tender(conn, world)
        who = bidder(world, 0)
        data = b"PK\x03\x04 not an age file" * 40
        created = await create_upload(
            conn, who.actor, tender.id, "1", part="main", size=len(data),
            sha256=hashlib.sha256(data).hexdigest(), sub=a,
        )  # fmt: skip
        with pytest.raises(PartNotAge):
            await write_chunk(pool, who.actor, created.id, offset=0, chunks=stream(data), sub=a)
        assert await conn.fetchval("SELECT count(*) FROM blob_chunks") == 0
        assert await conn.fetchval("SELECT count(*) FROM blob_contents") == 0
    finally:
        assert isinstance(a.store, PgBlobStore)
        await a.store.close()


async def test_a_store_that_cannot_reach_the_database_says_database_unavailable(
    tmp_path: Path,
) -> None:
    """docs/faults.md: with staged rows every PUT writes to the database, so a refused
    connection of the store's own pool is the 503 every other call answers, not a 500
    (the web layer's connect, as for its pools)."""
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    store = PgBlobStore(
        tmp_path, f"postgresql://app@127.0.0.1:{port}/etender", connect=db_faults.connect
    )
    try:
        with pytest.raises(DatabaseUnavailable):
            await pgrows.content_of(store, "an-upload-staging-id")
    finally:
        await store.close()


async def test_the_databases_disk_full_mid_upload_is_507_and_the_same_put_works_later(
    conn: asyncpg.Connection, pool: asyncpg.Pool, world: World, database: CloneDatabase,
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """docs/faults.md, the blob store's disk full, for staged rows: PostgreSQL's
    disk_full (53100) on a row is bid_upload_storage_full; nothing unacknowledged is
    kept, the lease is freed, and the same PUT completes once space returns."""
    a = _node(world, tmp_path, database, "a")
    try:
        tender = await published_tender(conn, world)
        who = bidder(world, 0)
        data = seal_for(world, await sealed_committee(conn, tender), who)
        created = await create_upload(
            conn, who.actor, tender.id, "1", part="main", size=len(data),
            sha256=hashlib.sha256(data).hexdigest(), sub=a,
        )  # fmt: skip
        real = pgrows.append

        async def full(*_: object) -> int:
            raise asyncpg.DiskFullError("could not extend file: No space left on device")

        monkeypatch.setattr(pgrows, "append", full)
        with pytest.raises(UploadStorageFull):
            await write_chunk(pool, who.actor, created.id, offset=0, chunks=stream(data), sub=a)
        assert (await get_upload(conn, who.actor, created.id)).committed_offset == 0
        monkeypatch.setattr(pgrows, "append", real)
        done = await write_chunk(pool, who.actor, created.id, offset=0, chunks=stream(data), sub=a)
        assert done.status is UploadStatus.COMPLETE
    finally:
        assert isinstance(a.store, PgBlobStore)
        await a.store.close()
