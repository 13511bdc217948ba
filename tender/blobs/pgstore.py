"""The blob store in PostgreSQL: every node reads every blob; one backup holds them all.

Issue 17, item 7 (several nodes, PostgreSQL the only shared engine; selected by
``ETENDER_BLOB_STORE=postgres``, web/settings.py). The same store as the local directory
(tender/blobs/store.py) by every rule of its protocol: a blob is named by the SHA-256
of its bytes, durable before :meth:`PgBlobWriter.commit` returns (the commit of the
transaction that names it), read and written a chunk (≤ 1 MiB) at a time, never whole
in memory; a staged write is resumable by its staging id (its chunks so far are rows,
re-hashed on resume); a committed blob is deleted only when no row names it.
Tables: web/db/migrations/0098_blob_store.sql; SQL: tender/blobs/pg_queries.py.

The node's directory (``<data dir>/blobs``) stays as two things only:

- a cache of committed blobs, for the code that still opens a blob as a file
  (:meth:`PgBlobStore.path_of`: fetched on a miss, its hash checked before it is
  installed — the opening's reads, until they read the protocol's stream);
- the staging of the bid upload routes, which write their own staging file and then
  :meth:`PgBlobStore.install` it (tender/submission/uploads.py): the install writes the
  bytes into PostgreSQL before it returns, so the upload is acknowledged only once the
  database holds the part. A resumed upload must reach the node that staged it until
  those routes stage through :meth:`PgBlobStore.writer` (docs/deployment.md).

The database is the truth: :meth:`read` and :meth:`size` ask it first, so a blob
deleted on another node is gone here too, even if this node's cache still has a copy.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import os
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar, cast

import asyncpg

from tender.blobs import pg_queries as q
from tender.blobs.queries import blob_named
from tender.blobs.store import (
    CHUNK_SIZE,
    READ_SIZE,
    BlobWriter,
    LocalBlobStore,
    StoredBlob,
    check_sha256,
)
from tender.errors import BlobHashMismatch, BlobMissing, BlobOffsetMismatch, BlobTooLarge

T = TypeVar("T")
Connect = Callable[..., Awaitable[asyncpg.Connection]]
# Connections the store holds at once per process: chunk writes are short statements,
# and the upload routes' own pool bounds how many uploads run (web/services.py).
POOL_SIZE = 4


class PgBlobWriter(BlobWriter):
    """A staged write whose bytes are rows: hash while writing, commit names it."""

    def __init__(
        self,
        store: PgBlobStore,
        staging_id: str,
        content_id: int,
        max_size: int,
        *,
        hasher: hashlib._Hash | None = None,
        size: int = 0,
        seq: int = 0,
    ) -> None:
        # Not BlobWriter.__init__: there is no staging file (the protocol is the same).
        self.store = store
        self.pg = store
        self.staging_id = staging_id
        self.content_id = content_id
        self._hash = hasher or hashlib.sha256()
        self._buffer = bytearray()
        self._max_size = max_size
        self.size = size
        self._seq = seq

    @property
    def path(self) -> Path:
        raise RuntimeError("a staged write in PostgreSQL has no file")

    async def _flush(self) -> None:
        if not self._buffer:
            return
        data, self._buffer = bytes(self._buffer), bytearray()
        await asyncio.to_thread(self._hash.update, data)
        pool = await self.pg.pool()
        step = self.store.chunk_size
        for start in range(0, len(data), step):
            # One row per statement, each committed: what a resume finds is durable.
            await pool.execute(
                q.APPEND_CHUNK, self.content_id, self._seq, data[start : start + step]
            )
            self._seq += 1

    async def suspend(self) -> None:
        """Write what is buffered; the rows are durable (each insert committed)."""
        await self._flush()

    async def commit(self, expected_sha256: str | None = None) -> StoredBlob:
        """Check the hash, then name the content by it in one transaction."""
        await self._flush()
        digest = self._hash.hexdigest()
        if expected_sha256 is not None and expected_sha256 != digest:
            await self.abort()
            raise BlobHashMismatch("the bytes written do not have the expected SHA-256")
        pool = await self.pg.pool()
        async with pool.acquire() as proxy, proxy.transaction():
            conn = cast(asyncpg.Connection, proxy)
            await conn.execute(q.UNSTAGE, self.content_id)
            await name_content(conn, digest, self.content_id, self.size)
        return StoredBlob(sha256=digest, size=self.size)

    async def abort(self) -> None:
        """Drop the staged rows (the content, its chunks and its staging row)."""
        await (await self.pg.pool()).execute(q.DROP_CONTENT, self.content_id)


async def name_content(conn: asyncpg.Connection, sha256: str, content_id: int, size: int) -> bool:
    """Name a content by its hash (in the caller's transaction); False if the same bytes
    were already named (the content is dropped: the blob is the same by its name).

    An existing blob is locked FOR KEY SHARE until the caller commits: a deletion locks
    it FOR UPDATE before it checks the naming rows (:meth:`PgBlobStore.delete_if_unreferenced`),
    so it either waits for this commit and then sees the row that names the blob (an
    upload creates it first), or deleted it before and this inserts its own copy.
    """
    while True:
        if await conn.fetchval(q.LOCK_OBJECT, sha256):
            await conn.execute(q.DROP_CONTENT, content_id)
            return False
        if await conn.fetchval(q.NAME_CONTENT, sha256, content_id, size):
            return True
        # Another writer named the same bytes between the two statements: lock theirs.


class PgBlobStore(LocalBlobStore):
    """The blob store in PostgreSQL, with ``root`` as this node's cache (module docstring)."""

    def __init__(
        self, root: Path, dsn: str, *, chunk_size: int = CHUNK_SIZE, connect: Connect | None = None
    ) -> None:
        super().__init__(root, chunk_size=min(chunk_size, CHUNK_SIZE))
        self.dsn = dsn
        # How the pool connects: the web layer's turns a refused connection (a bare
        # OSError) into its 503 database_unavailable (web/db/faults.py, docs/faults.md).
        self._connect = connect
        self._pool: asyncpg.Pool | None = None
        self._pool_loop: asyncio.AbstractEventLoop | None = None
        self._pool_lock: asyncio.Lock | None = None

    async def pool(self) -> asyncpg.Pool:
        """The store's own small pool, opened on first use in the running loop."""
        loop = asyncio.get_running_loop()
        if self._pool is not None and self._pool_loop is loop:
            return self._pool
        if self._pool_lock is None or self._pool_loop is not loop:
            self._pool_lock, self._pool_loop, self._pool = asyncio.Lock(), loop, None
        async with self._pool_lock:
            if self._pool is None:
                self._pool = await asyncpg.create_pool(
                    self.dsn, min_size=0, max_size=POOL_SIZE, connect=cast(Any, self._connect)
                )
        return self._pool

    async def close(self) -> None:
        """Close the pool (the application's lifespan, a test)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.close()

    # --- staged writes ----------------------------------------------------------------

    async def writer(self, *, max_size: int, staging_id: str | None = None) -> BlobWriter:
        """Start a staged write (a new staging id if none is given)."""
        staging_id = staging_id or secrets.token_urlsafe(24)
        self._staging_path(staging_id)  # the same names as the local store
        pool = await self.pool()
        async with pool.acquire() as conn, conn.transaction():
            content_id = await conn.fetchval(q.NEW_CONTENT)
            if not await conn.fetchval(q.STAGE, staging_id, content_id):
                raise FileExistsError(f"a staged write {staging_id} exists")
        return PgBlobWriter(self, staging_id, content_id, max_size)

    async def resume(self, staging_id: str, *, max_size: int, offset: int) -> BlobWriter:
        """Reopen a suspended write holding exactly ``offset`` bytes (re-hashed now)."""
        self._staging_path(staging_id)
        pool = await self.pool()
        content_id = await pool.fetchval(q.STAGED_CONTENT, staging_id)
        if content_id is None:
            raise BlobMissing("no staged write has this id")
        hasher, size, seq = hashlib.sha256(), 0, 0
        async for chunk in self._chunks(pool, content_id):
            await asyncio.to_thread(hasher.update, chunk)
            size, seq = size + len(chunk), seq + 1
        if size != offset:
            raise BlobOffsetMismatch(f"the staged write holds {size} bytes, not {offset}")
        if size > max_size:
            raise BlobTooLarge(f"the blob is larger than {max_size} bytes")
        return PgBlobWriter(
            self, staging_id, content_id, max_size, hasher=hasher, size=size, seq=seq
        )

    async def discard_staging(self, staging_id: str) -> bool:
        """Delete a staged write's rows (and a local staging file of the upload routes)."""
        local = await super().discard_staging(staging_id)
        dropped = await (await self.pool()).fetchval(q.DROP_STAGED, staging_id)
        return local or dropped is not None

    async def sweep_staged_rows(
        self, conn: asyncpg.Connection, older_than: timedelta, limit: int
    ) -> int:
        """Delete up to ``limit`` staged writes untouched for ``older_than`` (database
        clock) that no open upload names, with their chunks; how many."""
        return len(await conn.fetch(q.SWEEP_STAGED, older_than, limit))

    # --- committed blobs ----------------------------------------------------------------

    async def _chunks(self, pool: asyncpg.Pool, content_id: int) -> AsyncIterator[bytes]:
        """A content's chunks in order, one row per query (never the whole blob)."""
        seq = 0
        while (data := await pool.fetchval(q.CHUNK, content_id, seq)) is not None:
            yield data
            seq += 1

    async def read(self, sha256: str) -> AsyncIterator[bytes]:
        """The blob's bytes in chunks of at most 256 KiB (this node's cache if it has them)."""
        pool = await self.pool()
        found = await pool.fetchrow(q.OBJECT, check_sha256(sha256))
        if found is None:
            raise BlobMissing(f"no blob {sha256}")
        if self.local_path(sha256).exists():
            async for chunk in super().read(sha256):
                yield chunk
            return
        async for data in self._chunks(pool, found["content_id"]):
            for start in range(0, len(data), READ_SIZE):
                yield data[start : start + READ_SIZE]

    async def size(self, sha256: str) -> int:
        """The blob's size; ``blob_not_found`` if there is none."""
        found = await (await self.pool()).fetchrow(q.OBJECT, check_sha256(sha256))
        if found is None:
            raise BlobMissing(f"no blob {sha256}")
        return int(found["size"])

    def path_of(self, sha256: str) -> Path:
        """A committed blob as a file of this node's cache, fetched first if missing.

        Blocking (the callers open the file at once); a blob the database does not hold
        either is the path of no file, as with the local store.
        """
        target = self.local_path(sha256)
        if not target.exists():
            self._blocking(lambda conn: self._fetch(conn, sha256, target))
        return target

    async def _fetch(self, conn: asyncpg.Connection, sha256: str, target: Path) -> None:
        found = await conn.fetchrow(q.OBJECT, sha256)
        if found is None:
            return
        staged = self.staging_dir / f"fetch-{secrets.token_hex(12)}"
        hasher = hashlib.sha256()
        try:
            with staged.open("xb") as out:
                seq = 0
                while (data := await conn.fetchval(q.CHUNK, found["content_id"], seq)) is not None:
                    hasher.update(data)
                    out.write(data)
                    seq += 1
                out.flush()
                os.fsync(out.fileno())
            if hasher.hexdigest() != sha256:  # the cache holds only what its name says
                raise BlobHashMismatch(f"the database's bytes of {sha256} have another hash")
            super().install(staged, sha256)
        finally:
            staged.unlink(missing_ok=True)

    def install(self, staged: Path, sha256: str) -> None:
        """Write a synced staging file into PostgreSQL (committed before this returns),
        then keep it as this node's cached copy (blocking: called from a worker thread)."""
        self.push_file(staged, sha256)
        super().install(staged, sha256)

    def push_file(self, path: Path, sha256: str) -> None:
        """Write a file whose SHA-256 is ``sha256`` into the database unless the blob is
        there already; committed when this returns (blocking; scripts/ops/import_blobs.py)."""
        self._blocking(lambda conn: self._push(conn, path, check_sha256(sha256)))

    async def _push(self, conn: asyncpg.Connection, staged: Path, sha256: str) -> None:
        async with conn.transaction():
            if await conn.fetchval(q.LOCK_OBJECT, sha256):
                return  # content-addressed: the same bytes are already durable
            content_id = await conn.fetchval(q.NEW_CONTENT)
            size, seq = 0, 0
            with staged.open("rb") as source:
                while data := source.read(self.chunk_size):
                    await conn.execute(q.APPEND_CHUNK, content_id, seq, data)
                    size, seq = size + len(data), seq + 1
            await name_content(conn, sha256, content_id, size)

    def _blocking(self, work: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
        """Run database work to its end from synchronous code, on a connection of its own:
        in this thread when it runs no event loop (a worker thread), else in a helper
        thread (the caller's loop waits: the legacy file readers, module docstring)."""

        async def run() -> T:
            conn = await asyncpg.connect(self.dsn)
            try:
                return await work(conn)
            finally:
                await conn.close()

        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(run())
        with concurrent.futures.ThreadPoolExecutor(1) as helper:
            return helper.submit(asyncio.run, run()).result()

    async def delete_if_unreferenced(self, conn: asyncpg.Connection, sha256: str) -> bool:
        """Delete the blob if no row names it: lock it, check the rows in a snapshot taken
        after the lock, delete (see :func:`name_content` for the race with an upload)."""
        check_sha256(sha256)
        if conn.is_in_transaction():
            raise RuntimeError("blobs are deleted outside a transaction (a fresh snapshot)")
        async with conn.transaction():
            content_id = await conn.fetchval(q.LOCK_OBJECT_FOR_DELETE, sha256)
            if content_id is None or await blob_named(conn, sha256):
                return False
            await conn.execute(q.DELETE_OBJECT, sha256)
            await conn.execute(q.DROP_CONTENT, content_id)
        await asyncio.to_thread(self.local_path(sha256).unlink, missing_ok=True)
        return True
