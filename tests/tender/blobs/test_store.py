"""The content-addressed blob store: named by SHA-256, durable, streamed, resumable.

Every behaviour test runs on both backends (issue 17, item 7): the local directory and
PostgreSQL (tender/blobs/pgstore.py), through the one protocol; what is only the local
layout (file modes, the objects/ab/ directories) is checked for the local store alone.
"""

from __future__ import annotations

import hashlib
import os
import tracemalloc
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from tender.blobs import store as blobs
from tender.blobs.pgstore import PgBlobStore
from tender.blobs.store import LocalBlobStore
from tender.errors import (
    BlobHashMismatch,
    BlobMissing,
    BlobNameInvalid,
    BlobOffsetMismatch,
    BlobTooLarge,
)
from tender.submission.uploads import create_upload
from tests.conftest import CloneDatabase
from tests.tender.submission.kit import bidder, make_submission
from tests.tender.world import World, chunks, published_tender


async def _read(store: LocalBlobStore, sha256: str) -> bytes:
    return b"".join([chunk async for chunk in store.read(sha256)])


class Kit:
    """One backend under test and what it holds (staged writes, committed blobs)."""

    def __init__(self, store: LocalBlobStore, dsn: str | None) -> None:
        self.store = store
        self.dsn = dsn

    @property
    def local(self) -> bool:
        return self.dsn is None

    async def _count(self, table: str) -> int:
        assert self.dsn is not None
        conn = await asyncpg.connect(self.dsn)
        try:
            return int(await conn.fetchval(f"SELECT count(*) FROM {table}"))
        finally:
            await conn.close()

    async def staged(self) -> int:
        """Staged writes in progress (files, or staging rows and orphan contents)."""
        files = len(list(self.store.staging_dir.iterdir()))
        if self.local:
            return files
        contents = await self._count("blob_contents") - await self._count("blob_objects")
        return files + contents

    async def committed(self) -> int:
        """Committed blobs."""
        if self.local:
            return len([p for p in self.store.objects_dir.rglob("*") if p.is_file()])
        return await self._count("blob_objects")


@pytest.fixture(params=["local", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Kit:
    """Each test once per backend (the PostgreSQL one on the test's own database)."""
    if request.param == "local":
        return Kit(LocalBlobStore(tmp_path), None)
    database: CloneDatabase = request.getfixturevalue("database")
    return Kit(PgBlobStore(tmp_path, database.app_dsn), database.app_dsn)


@pytest.fixture
async def kit(backend: Kit) -> AsyncIterator[Kit]:
    """The backend, its pool closed after the test."""
    yield backend
    if isinstance(backend.store, PgBlobStore):
        await backend.store.close()


def small(kit: Kit) -> LocalBlobStore:
    """The kit's backend with 16-byte chunks (many chunks for a few bytes)."""
    if isinstance(kit.store, PgBlobStore):
        return PgBlobStore(kit.store.root, kit.store.dsn, chunk_size=16)
    return LocalBlobStore(kit.store.root, chunk_size=16)


async def test_a_blob_is_named_by_its_sha256_and_reads_back(kit: Kit) -> None:
    """put → the SHA-256 of the bytes, read back whole; locally the file at
    objects/ab/<hash>, read-only."""
    store = kit.store
    data = "招标文件 v1".encode() * 1000
    blob = await store.put(chunks(data, 1000), max_size=len(data))
    assert blob.sha256 == hashlib.sha256(data).hexdigest()
    assert blob.size == len(data)
    if kit.local:
        path = store.path_of(blob.sha256)
        assert path.parent.name == blob.sha256[:2]
        assert path.stat().st_mode & 0o222 == 0
    assert await _read(store, blob.sha256) == data
    assert await store.size(blob.sha256) == len(data)
    assert await kit.staged() == 0


async def test_the_same_bytes_twice_are_one_blob(kit: Kit) -> None:
    """Content addressing: a second put of the same bytes finds it durable already."""
    first = await kit.store.put(chunks(b"same"), max_size=10)
    second = await kit.store.put(chunks(b"same"), max_size=10)
    assert first == second
    assert await kit.committed() == 1
    assert await kit.staged() == 0


async def test_a_stream_over_the_limit_leaves_nothing(kit: Kit) -> None:
    """blob_too_large, and the staged bytes are gone."""
    with pytest.raises(BlobTooLarge):
        await kit.store.put(chunks(b"x" * 101, 10), max_size=100)
    assert await kit.staged() == 0
    assert await kit.committed() == 0


async def test_a_failing_stream_leaves_nothing(kit: Kit) -> None:
    """A client that drops mid-upload leaves no blob and no staged bytes."""

    async def broken() -> AsyncIterator[bytes]:
        yield b"partial"
        raise ConnectionResetError("client went away")

    with pytest.raises(ConnectionResetError):
        await small(kit).put(broken(), max_size=100)
    assert await kit.staged() == 0


@pytest.mark.parametrize("name", ["../../etc/passwd", "A" * 64, "ab", "0" * 63 + "/"])
async def test_names_that_are_not_hashes_are_refused(kit: Kit, name: str) -> None:
    """Path traversal and anything else but 64 lowercase hex digits."""
    with pytest.raises(BlobNameInvalid):
        kit.store.path_of(name)
    with pytest.raises(BlobNameInvalid):
        await kit.store.size(name)
    with pytest.raises(BlobNameInvalid):
        await kit.store.writer(max_size=1, staging_id="../escape")


async def test_a_missing_blob_is_reported(kit: Kit) -> None:
    """blob_not_found for an unknown hash."""
    with pytest.raises(BlobMissing):
        await _read(kit.store, "0" * 64)
    with pytest.raises(BlobMissing):
        await kit.store.size("0" * 64)


async def test_a_suspended_write_resumes_at_its_offset(kit: Kit) -> None:
    """The resumable upload: suspend, resume at the exact offset, commit the whole hash."""
    store = small(kit)
    writer = await store.writer(max_size=1000, staging_id="upload-0001")
    await writer.write(b"first half, ")
    await writer.suspend()
    with pytest.raises(BlobOffsetMismatch):
        await store.resume("upload-0001", max_size=1000, offset=5)
    resumed = await store.resume("upload-0001", max_size=1000, offset=12)
    await resumed.write(b"second half")
    blob = await resumed.commit()
    assert blob.sha256 == hashlib.sha256(b"first half, second half").hexdigest()
    assert await _read(store, blob.sha256) == b"first half, second half"
    with pytest.raises(BlobMissing):
        await store.resume("upload-0001", max_size=1000, offset=0)
    assert await kit.staged() == 0


async def test_a_staged_write_is_discarded_once(kit: Kit) -> None:
    """discard_staging drops the staged bytes; a second discard finds none."""
    writer = await kit.store.writer(max_size=100, staging_id="upload-0002")
    await writer.write(b"abandoned")
    await writer.suspend()
    assert await kit.store.discard_staging("upload-0002")
    assert not await kit.store.discard_staging("upload-0002")
    assert await kit.staged() == 0
    with pytest.raises(BlobMissing):
        await kit.store.resume("upload-0002", max_size=100, offset=9)


async def test_an_unexpected_hash_is_refused_and_dropped(kit: Kit) -> None:
    """commit(expected) refuses other bytes (a tampered chunk) and keeps nothing."""
    writer = await kit.store.writer(max_size=100)
    await writer.write(b"tampered")
    with pytest.raises(BlobHashMismatch):
        await writer.commit(hashlib.sha256(b"original").hexdigest())
    assert await kit.staged() == 0
    assert await kit.committed() == 0


async def test_memory_stays_flat_for_a_large_stream(kit: Kit) -> None:
    """64 MiB through a 1 MiB buffer, written and read back: the peak allocation stays
    far below the size."""
    block = os.urandom(256 * 1024)

    async def large() -> AsyncIterator[bytes]:
        for _ in range(256):
            yield block

    tracemalloc.start()
    try:
        blob = await kit.store.put(large(), max_size=1 << 30)
        read = 0
        async for chunk in kit.store.read(blob.sha256):
            read += len(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert blob.size == read == 64 * 1024 * 1024
    assert peak < 8 * 1024 * 1024


async def test_a_blob_set_aside_for_deletion_comes_back_when_an_upload_names_it_meanwhile(
    conn: asyncpg.Connection, world: World, tmp_path: Path
) -> None:
    """Content-addressed deletion races an upload of the same bytes: the upload's row
    appears between the two checks, so the blob is put back, not deleted."""
    sub = make_submission(world, tmp_path)
    tender = await published_tender(conn, world)
    data = b"a sealed part nobody names yet"
    stored = await sub.store.put(chunks(data), max_size=1024)
    aside = await blobs.set_aside_unreferenced(conn, sub.store, stored.sha256)
    assert aside is not None
    assert not sub.store.path_of(stored.sha256).exists()
    await create_upload(
        conn, bidder(world, 0).actor, tender.id, "1", part="main", size=len(data),
        sha256=stored.sha256, sub=sub,
    )  # fmt: skip
    assert not await blobs.settle_set_aside(conn, sub.store, aside, stored.sha256)
    assert sub.store.path_of(stored.sha256).read_bytes() == data
    assert not await blobs.delete_unreferenced(conn, sub.store, stored.sha256)
    async with conn.transaction():
        with pytest.raises(RuntimeError):
            await blobs.delete_unreferenced(conn, sub.store, stored.sha256)
