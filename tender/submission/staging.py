"""Where an upload's bytes wait until the part is complete: a file, or rows any node reads.

docs/formats/upload.md §2.2–2.3. The upload routes (tender/submission/uploads.py) write
a part through a *sink* opened at the upload's committed offset: bytes past that offset
were never acknowledged and are cut off first, and the bytes kept are hashed again.

- :class:`FileSink` — the local store: a staging file in ``<data dir>/blobs/staging``,
  fsynced when the writer lets go; complete, it is renamed under its hash. An upload
  resumed on another node finds no file there (docs/deployment.md §4).
- :class:`RowSink` — the store in PostgreSQL (``ETENDER_BLOB_STORE=postgres``): the
  staged bytes are the rows of the staging write (``blob_staging``, ``blob_chunks``,
  migration 0098), each committed as it is written, so whatever node a resumed PUT
  reaches continues from the committed offset; complete, the rows are named by their
  hash in one transaction (no bytes copied).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import hashlib
import os
import secrets
from pathlib import Path
from typing import Protocol

import asyncpg

from tender.blobs import pgrows as rows
from tender.blobs.pgstore import PgBlobStore
from tender.blobs.store import READ_SIZE, LocalBlobStore
from tender.errors import BlobMissing

NO_SPACE = (errno.ENOSPC, errno.EDQUOT)


class Sink(Protocol):
    """An upload's staged bytes, opened at its committed offset by its lease holder."""

    hash: hashlib._Hash
    size: int

    async def write(self, pieces: list[bytes]) -> None: ...
    async def close(self) -> int: ...  # durable now; the size kept
    async def cut_back(self, offset: int) -> None: ...  # drop what passed ``offset``
    async def head(self, limit: int) -> bytes: ...
    async def install(self, store: LocalBlobStore, sha256: str) -> None: ...
    async def discard(self) -> None: ...


async def new_staging(conn: asyncpg.Connection, store: LocalBlobStore) -> str:
    """A staging id for a new upload: its empty file, or its staging row written in the
    caller's transaction (so no row outlives a refused creation)."""
    staging_id = secrets.token_urlsafe(24)
    if isinstance(store, PgBlobStore):
        await rows.stage(conn, staging_id)
    else:
        await asyncio.to_thread(_create_empty, store.staging_dir / staging_id)
    return staging_id


def _create_empty(path: Path) -> None:
    with path.open("xb"):
        pass


async def open_sink(store: LocalBlobStore, staging_id: str, offset: int) -> Sink:
    """The upload's staged bytes cut back to ``offset``; FileNotFoundError if they are
    gone (or, as rows, hold fewer bytes: never, each is durable before its offset counts)."""
    if isinstance(store, PgBlobStore):
        return await RowSink.open(store, staging_id, offset)
    return await asyncio.to_thread(FileSink, store.staging_dir / staging_id, offset)


async def staged(store: LocalBlobStore, staging_id: str) -> bool:
    """Whether the upload's staged bytes exist (installed or discarded: not)."""
    if isinstance(store, PgBlobStore):
        return await rows.content_of(store, staging_id) is not None
    return await asyncio.to_thread((store.staging_dir / staging_id).exists)


async def holds(store: LocalBlobStore, sha256: str) -> bool:
    """Whether the store holds the blob (for PostgreSQL: its rows, never fetched here)."""
    if isinstance(store, PgBlobStore):
        try:
            await store.size(sha256)
        except BlobMissing:
            return False
        return True
    return await asyncio.to_thread(lambda: store.path_of(sha256).exists())


class FileSink:
    """A staging file opened at an offset, hashing every byte written (worker thread)."""

    def __init__(self, path: Path, offset: int) -> None:
        self.path = path
        self.hash = hashlib.sha256()
        self.file = path.open("r+b")
        self.file.truncate(offset)  # bytes past the committed offset were never acknowledged
        while chunk := self.file.read(READ_SIZE):
            self.hash.update(chunk)
        self.size = self.file.tell()

    async def write(self, pieces: list[bytes]) -> None:
        await asyncio.to_thread(self._write, pieces)

    def _write(self, pieces: list[bytes]) -> None:
        # Piece by piece as they arrived: no joined copy of the batch (issue 17 item 4).
        for data in pieces:
            self.hash.update(data)
            self.file.write(data)
            self.size += len(data)

    async def close(self) -> int:
        return await asyncio.to_thread(self._sync_close)

    def _sync_close(self) -> int:
        try:
            self.file.flush()
            os.fsync(self.file.fileno())
        finally:
            with contextlib.suppress(OSError):  # a failed flush (ENOSPC) still closes
                self.file.close()
        return self.size

    async def cut_back(self, offset: int) -> None:
        with contextlib.suppress(FileNotFoundError):  # frees what this request wrote
            await asyncio.to_thread(os.truncate, self.path, offset)

    async def head(self, limit: int) -> bytes:
        return await asyncio.to_thread(self._head, limit)

    def _head(self, limit: int) -> bytes:
        with self.path.open("rb") as handle:
            return handle.read(limit)

    async def install(self, store: LocalBlobStore, sha256: str) -> None:
        await asyncio.to_thread(store.install, self.path, sha256)

    async def discard(self) -> None:
        await asyncio.to_thread(self.path.unlink, missing_ok=True)


class RowSink:
    """The staged rows of an upload in PostgreSQL, opened at an offset (module doc)."""

    def __init__(self, store: PgBlobStore, content_id: int, seq: int, size: int) -> None:
        self.store = store
        self.content_id = content_id
        self.hash = hashlib.sha256()
        self.seq = seq
        self.size = size

    @classmethod
    async def open(cls, store: PgBlobStore, staging_id: str, offset: int) -> RowSink:
        content_id = await rows.content_of(store, staging_id)
        if content_id is None:
            raise FileNotFoundError("no staged rows have this id")
        sink = cls(store, content_id, 0, 0)
        seq = await rows.cut(store, content_id, offset, sink.hash)
        if seq is None:
            raise FileNotFoundError(f"the staged rows hold fewer than {offset} bytes")
        sink.seq, sink.size = seq, offset
        return sink

    async def write(self, pieces: list[bytes]) -> None:
        data = b"".join(pieces)  # one row per batch (≤ 1 MiB each): a resume counts rows
        await asyncio.to_thread(self.hash.update, data)
        try:
            self.seq = await rows.append(self.store, self.content_id, self.seq, data)
        except asyncpg.DiskFullError as exc:  # the database's disk: the same clear status
            raise OSError(errno.ENOSPC, "the database's disk is full") from exc
        self.size += len(data)

    async def close(self) -> int:
        return self.size  # every row was committed as it was written

    async def cut_back(self, offset: int) -> None:
        await rows.cut(self.store, self.content_id, offset, hashlib.sha256())

    async def head(self, limit: int) -> bytes:
        return await rows.head(self.store, self.content_id, limit)

    async def install(self, store: LocalBlobStore, sha256: str) -> None:
        await rows.commit(self.store, self.content_id, sha256, self.size)

    async def discard(self) -> None:
        await rows.drop(self.store, self.content_id)
