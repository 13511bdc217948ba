"""The content-addressed blob store: named by SHA-256, durable, streamed, resumable.

Every behaviour test runs on both backends (issue 17, item 7): the local directory and
PostgreSQL (tender/blobs/pgstore.py), through the one protocol; what is only the local
layout (file modes, the objects/ab/ directories) is checked for the local store alone.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import subprocess
import sys
import tracemalloc
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from tender.blobs import pg_queries
from tender.blobs import store as blobs
from tender.blobs.pgstore import PgBlobStore, name_content
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
from tests.evaluation.servers import ROOT
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


async def test_postgres_deletes_only_an_unnamed_blob(
    conn: asyncpg.Connection, world: World, database: CloneDatabase, tmp_path: Path
) -> None:
    """The PostgreSQL store deletes as the local one: only when no row names the blob,
    never inside a transaction; a deleted blob is gone from every node's reads."""
    sub = make_submission(world, tmp_path)
    tender = await published_tender(conn, world)
    store = PgBlobStore(tmp_path / "a", database.app_dsn)
    other = PgBlobStore(tmp_path / "b", database.app_dsn)
    try:
        named = await store.put(chunks(b"a part an upload names"), max_size=1024)
        orphan = await store.put(chunks(b"a part nobody names"), max_size=1024)
        other.path_of(orphan.sha256)  # node b has it cached too
        await create_upload(
            conn, bidder(world, 0).actor, tender.id, "1", part="main", size=22,
            sha256=named.sha256, sub=sub,
        )  # fmt: skip
        assert not await blobs.delete_unreferenced(conn, store, named.sha256)
        assert await blobs.delete_unreferenced(conn, store, orphan.sha256)
        assert not await blobs.delete_unreferenced(conn, store, orphan.sha256)
        for node in (store, other):
            with pytest.raises(BlobMissing):
                await _read(node, orphan.sha256)
        assert await _read(other, named.sha256) == b"a part an upload names"
        async with conn.transaction():
            with pytest.raises(RuntimeError):
                await blobs.delete_unreferenced(conn, store, named.sha256)
    finally:
        await store.close()
        await other.close()


async def test_postgres_a_blob_installed_on_one_node_is_a_checked_file_on_another(
    database: CloneDatabase, tmp_path: Path
) -> None:
    """The upload routes' path (a staging file installed) writes the bytes into the
    database before it returns; another node's path_of fetches them into its cache,
    and refuses bytes whose hash is not their name."""
    a = PgBlobStore(tmp_path / "a", database.app_dsn, chunk_size=16)
    b = PgBlobStore(tmp_path / "b", database.app_dsn)
    data = "密封投标文件".encode() * 50
    digest = hashlib.sha256(data).hexdigest()
    staged = a.staging_dir / "upload-staged-0001"
    staged.write_bytes(data)
    try:
        await asyncio.to_thread(a.install, staged, digest)
        assert not staged.exists()
        assert a.local_path(digest).read_bytes() == data  # the node's own copy
        assert not b.local_path(digest).exists()
        assert await b.size(digest) == len(data)
        assert await _read(b, digest) == data
        assert b.path_of(digest).read_bytes() == data
        assert list(b.staging_dir.iterdir()) == []
        conn = await asyncpg.connect(database.owner_dsn)
        try:  # a damaged row: the cache never holds bytes under another name
            await conn.execute(
                "UPDATE blob_chunks SET data = 'x' WHERE seq = 0 AND content_id ="
                " (SELECT content_id FROM blob_objects WHERE sha256 = $1)", digest,
            )  # fmt: skip
        finally:
            await conn.close()
        c = PgBlobStore(tmp_path / "c", database.app_dsn)
        with pytest.raises(BlobHashMismatch):
            c.path_of(digest)
        assert not c.local_path(digest).exists()
        assert list(c.staging_dir.iterdir()) == []
    finally:
        await a.close()
        await b.close()


async def test_a_local_store_is_imported_into_postgres_once(
    database: CloneDatabase, tmp_path: Path
) -> None:
    """scripts/ops/import_blobs.py (switching a platform to the PostgreSQL store): every
    blob of a node's directory reaches the database; a file not named by its hash is
    refused; a second run changes nothing."""
    local = LocalBlobStore(tmp_path / "blobs")
    blobs_in = [await local.put(chunks(data), max_size=100) for data in (b"one", b"two")]
    forged = local.local_path("f" * 64)
    forged.parent.mkdir(parents=True, exist_ok=True)
    forged.write_bytes(b"not what the name says")
    argv = [sys.executable, str(ROOT / "scripts" / "ops" / "import_blobs.py"),
            "--database-url", database.app_dsn, "--data-dir", str(tmp_path)]  # fmt: skip
    for _ in range(2):
        done = await asyncio.to_thread(subprocess.run, argv, capture_output=True, text=True)
        assert done.returncode == 1
        assert "2 blob(s) in the database; 1 damaged" in done.stdout
    other = PgBlobStore(tmp_path / "other", database.app_dsn)
    try:
        for blob in blobs_in:
            assert await other.size(blob.sha256) == blob.size
        with pytest.raises(BlobMissing):
            await other.size("f" * 64)
    finally:
        await other.close()


async def test_postgres_a_deletion_and_a_writer_of_the_same_bytes_never_lose_the_blob(
    conn: asyncpg.Connection, world: World, database: CloneDatabase, tmp_path: Path
) -> None:
    """The race of deletion with an upload of the same bytes, both orders forced with
    row locks: a deleter that locked first deletes and the writer then names its own
    copy; a writer that locked first makes the deleter wait, and the deleter then sees
    the upload's row (created before the bytes, uploads.py) and keeps the blob."""
    sub = make_submission(world, tmp_path)
    tender = await published_tender(conn, world)
    store = PgBlobStore(tmp_path / "a", database.app_dsn)
    data = b"the same sealed bytes, twice"
    digest = hashlib.sha256(data).hexdigest()
    deleter = await asyncpg.connect(database.app_dsn)
    writer = await asyncpg.connect(database.app_dsn)
    try:
        await store.put(chunks(data), max_size=100)
        # 1. The deleter holds the blob (FOR UPDATE) when the writer comes.
        async with deleter.transaction():
            content = await deleter.fetchval(pg_queries.LOCK_OBJECT_FOR_DELETE, digest)
            async with writer.transaction():
                mine = await writer.fetchval(pg_queries.NEW_CONTENT)
                await writer.execute(pg_queries.APPEND_CHUNK, mine, 0, data)
            naming = asyncio.create_task(_name_in_transaction(writer, digest, mine, len(data)))
            await _waiting_on_a_lock(conn, naming)
            await deleter.execute(pg_queries.DELETE_OBJECT, digest)
            await deleter.execute(pg_queries.DROP_CONTENT, content)
        assert await naming  # the writer named its own copy after the deletion
        assert await _read(store, digest) == data
        # 2. The writer holds the blob (FOR KEY SHARE) while its upload's row commits.
        async with writer.transaction():
            assert await writer.fetchval(pg_queries.LOCK_OBJECT, digest)
            deleting = asyncio.create_task(store.delete_if_unreferenced(deleter, digest))
            await _waiting_on_a_lock(conn, deleting)
            await create_upload(
                conn, bidder(world, 0).actor, tender.id, "1", part="main", size=len(data),
                sha256=digest, sub=sub,
            )  # fmt: skip
        assert not await deleting
        assert await _read(store, digest) == data
    finally:
        await deleter.close()
        await writer.close()
        await store.close()


async def _name_in_transaction(
    conn: asyncpg.Connection, sha256: str, content: int, size: int
) -> bool:
    async with conn.transaction():
        return await name_content(conn, sha256, content, size)


async def _waiting_on_a_lock(conn: asyncpg.Connection, task: asyncio.Task[bool]) -> None:
    """Until a session of this database waits on a lock (bounded); the task still runs."""
    async with asyncio.timeout(30):
        while not await conn.fetchval(
            "SELECT EXISTS (SELECT FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock')"
        ):
            assert not task.done(), task
            await asyncio.sleep(0.02)
