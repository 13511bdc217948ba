"""An upload's staged bytes as rows of the PostgreSQL blob store, resumable on any node.

docs/formats/upload.md §2.3 and docs/deployment.md §4 (issue 17 leftovers, item 3): the
upload routes stage a part in the staging write of its upload (``blob_staging``,
migration 0098) instead of a node's own file, so a PUT that reaches another node
continues from the committed offset. Each row is committed as it is written; what
passed the committed offset (a crash before the writer recorded it) is cut off when the
next writer opens the rows, exactly as the local store truncates its staging file.
Used by tender/submission/staging.py; the SQL is tender/blobs/pg_queries.py's.
"""

from __future__ import annotations

import asyncio
import hashlib
from typing import cast

import asyncpg

from tender.blobs import pg_queries as q
from tender.blobs.pgstore import PgBlobStore, name_content


async def stage(conn: asyncpg.Connection, staging_id: str) -> None:
    """Create the empty staging write of a new upload, in the caller's transaction."""
    content_id = await conn.fetchval(q.NEW_CONTENT)
    if not await conn.fetchval(q.STAGE, staging_id, content_id):
        raise FileExistsError(f"a staged write {staging_id} exists")


async def content_of(store: PgBlobStore, staging_id: str) -> int | None:
    """The content holding a staging write's rows (None: installed, discarded or swept)."""
    found: int | None = await (await store.pool()).fetchval(q.STAGED_CONTENT, staging_id)
    return found


async def cut(
    store: PgBlobStore, content_id: int, offset: int, hasher: hashlib._Hash | None
) -> int | None:
    """Keep the first ``offset`` bytes (hashed into ``hasher``, if given: read once) and
    delete the rest; the next row's number, or None if fewer bytes were staged.

    Idempotent: a crash between shortening a row and deleting the later ones leaves a
    prefix the next cut finds again.
    """
    pool = await store.pool()
    kept, following = 0, 0
    for row in await pool.fetch(q.CHUNK_SIZES, content_id):
        if kept >= offset:
            break
        seq, length = row["seq"], row["length"]
        if seq != following:
            return None  # a row missing: never, rows are appended in order
        take = min(length, offset - kept)
        if hasher is not None:
            data = await pool.fetchval(q.CHUNK, content_id, seq)
            await asyncio.to_thread(hasher.update, data[:take])
        if take < length:
            await pool.execute(q.CUT_CHUNK, content_id, seq, take)
        kept, following = kept + take, seq + 1
    if kept < offset:
        return None
    await pool.execute(q.DROP_CHUNKS_FROM, content_id, following)
    return following


async def append(store: PgBlobStore, content_id: int, seq: int, data: bytes) -> int:
    """Append ``data`` as rows of at most the store's chunk size, each committed (and
    the staging write touched); the next row's number."""
    pool = await store.pool()
    step = store.chunk_size
    for start in range(0, len(data), step):
        await pool.execute(q.APPEND_CHUNK, content_id, seq, data[start : start + step])
        seq += 1
    return seq


async def head(store: PgBlobStore, content_id: int, limit: int) -> bytes:
    """The first ``limit`` bytes staged (the age header's check)."""
    pool = await store.pool()
    found, seq = bytearray(), 0
    while len(found) < limit and (data := await pool.fetchval(q.CHUNK, content_id, seq)):
        found += data
        seq += 1
    return bytes(found[:limit])


async def commit(store: PgBlobStore, content_id: int, sha256: str, size: int) -> None:
    """Name the staged rows by their hash and end the staging write, in one transaction:
    durable when this returns (the same bytes named already: these rows are dropped)."""
    pool = await store.pool()
    async with pool.acquire() as proxy, proxy.transaction():
        conn = cast(asyncpg.Connection, proxy)
        await conn.execute(q.UNSTAGE, content_id)
        await name_content(conn, sha256, content_id, size)


async def drop(store: PgBlobStore, content_id: int) -> None:
    """Delete the staged rows (a refused part: nothing is kept)."""
    await (await store.pool()).execute(q.DROP_CONTENT, content_id)
