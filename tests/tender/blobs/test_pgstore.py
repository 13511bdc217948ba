"""The blob store in PostgreSQL beyond the shared behaviour tests (tests/tender/blobs/
test_store.py runs those on both backends): deletion by the same rules across nodes, a
blob installed on one node read as a checked file on another, the import of a local
store, and the race of a deletion with a writer of the same bytes (issue 17, item 7)."""

from __future__ import annotations

import asyncio
import hashlib
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import pytest

from tender.blobs import pg_queries
from tender.blobs import store as blobs
from tender.blobs.pgstore import PgBlobStore, name_content
from tender.blobs.store import LocalBlobStore
from tender.errors import BlobHashMismatch, BlobMissing
from tender.submission.cleanup import CleanupReport, CleanupRules, sweep_orphans
from tender.submission.uploads import create_upload
from tests.conftest import CloneDatabase
from tests.evaluation.servers import ROOT
from tests.tender.submission.kit import bidder, make_submission
from tests.tender.world import World, chunks, published_tender


async def _read(store: LocalBlobStore, sha256: str) -> bytes:
    return b"".join([chunk async for chunk in store.read(sha256)])


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


async def test_postgres_staged_writes_nobody_can_resume_are_swept_by_the_cleanup_job(
    conn: asyncpg.Connection, world: World, database: CloneDatabase, tmp_path: Path
) -> None:
    """upload.md §2.4 "orphaned staging", for ETENDER_BLOB_STORE=postgres: a staged write
    untouched for an hour (database clock) that no open upload names is deleted with its
    chunks by the cleanup job's sweep; a fresh one, an open upload's and committed blobs
    stay. They were never swept before."""
    sub = make_submission(world, tmp_path)
    tender = await published_tender(conn, world)
    named = await create_upload(
        conn, bidder(world, 0).actor, tender.id, "1", part="main", size=9,
        sha256="a" * 64, sub=sub,
    )  # fmt: skip
    store = PgBlobStore(tmp_path / "a", database.app_dsn)
    try:
        kept = await store.put(chunks(b"a committed blob"), max_size=100)
        writers = {}
        for name in ("orphan-of-a-crash-01", "document-being-written", named.staging_id):
            writers[name] = await store.writer(max_size=100, staging_id=name)
            await writers[name].write(b"staged bytes")
            await writers[name].suspend()
        await conn.execute(
            "UPDATE blob_staging SET touched_at = now() - interval '1 hour 1 second'"
            " WHERE staging_id <> 'document-being-written'"
        )
        orphan = await conn.fetchval(
            "SELECT content_id FROM blob_staging WHERE staging_id = 'orphan-of-a-crash-01'"
        )
        report = await sweep_orphans(conn, store, CleanupRules(), now=time.time())
        assert report == CleanupReport(orphans_deleted=1)
        left = await conn.fetch("SELECT staging_id FROM blob_staging ORDER BY staging_id")
        assert sorted(r["staging_id"] for r in left) == sorted(
            ["document-being-written", named.staging_id]
        )
        assert not await conn.fetchval(
            "SELECT count(*) FROM blob_chunks WHERE content_id = $1", orphan
        )
        assert await _read(store, kept.sha256) == b"a committed blob"
        again = await sweep_orphans(conn, store, CleanupRules(), now=time.time())
        assert again == CleanupReport()
    finally:
        await store.close()
