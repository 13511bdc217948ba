"""A content-addressed blob store: files named by their SHA-256, durable before use.

Tender documents now, bid ciphertexts later (DESIGN.md, "Architecture"): a blob is
written to a staging file while it is hashed, fsync'd, renamed to its hash, and the
directory fsync'd — only then does :meth:`BlobWriter.commit` return, so a receipt or a
record that names a blob never names bytes that a crash could lose. Memory stays flat
whatever the size: data passes through a buffer of at most ``chunk_size`` bytes, and
hashing and writing run in a worker thread (hashlib releases the GIL).

Committed blobs are shared: two rows may name one blob (a bidder's copy of another's
sealed part is the same file). :func:`delete_unreferenced` is the only way a committed
blob is deleted, and only when no row names it (tender/blobs/queries.py).

A staged write can be suspended and resumed later by its staging id — the resumable
upload of a bid: the staged bytes are re-hashed on resume, so no hash state is kept in
memory between requests.

Layout of the local backend::

    ROOT/objects/ab/abcdef…(64 hex)      committed blobs, read-only
    ROOT/staging/<staging id>            writes in progress
    ROOT/trash/<64 hex>.<random>         a blob being deleted (see delete_unreferenced)
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import os
import re
import secrets
from collections.abc import AsyncIterable, AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO, Protocol

import asyncpg

from tender.blobs import queries as blob_queries
from tender.errors import (
    BlobHashMismatch,
    BlobMissing,
    BlobNameInvalid,
    BlobOffsetMismatch,
    BlobTooLarge,
)

_SHA256 = re.compile(r"[0-9a-f]{64}")
_STAGING = re.compile(r"[A-Za-z0-9_-]{8,64}")
CHUNK_SIZE = 1 << 20
READ_SIZE = 256 * 1024


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class StoredBlob:
    """A committed blob: its hash (its name) and size."""

    sha256: str
    size: int


class BlobStore(Protocol):
    """What the platform needs from blob storage (a local directory now)."""

    async def writer(self, *, max_size: int, staging_id: str | None = None) -> BlobWriter:
        """Start a staged write (a new staging id if none is given)."""
        ...

    async def resume(self, staging_id: str, *, max_size: int, offset: int) -> BlobWriter:
        """Continue a suspended write that holds exactly ``offset`` bytes."""
        ...

    async def put(self, chunks: AsyncIterable[bytes], *, max_size: int) -> StoredBlob:
        """Write a whole stream and commit it."""
        ...

    def read(self, sha256: str) -> AsyncIterator[bytes]:
        """The blob's bytes, in chunks."""
        ...

    async def size(self, sha256: str) -> int:
        """The blob's size; ``blob_not_found`` if there is none."""
        ...

    async def discard_staging(self, staging_id: str) -> bool:
        """Delete a staged write's bytes; False if there were none (idempotent)."""
        ...


def check_sha256(name: str) -> str:
    """A blob name is 64 lowercase hex digits (never a path)."""
    if not _SHA256.fullmatch(name):
        raise BlobNameInvalid("a blob is named by 64 lowercase hex digits")
    return name


def _fsync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class BlobWriter:
    """One staged write: hash while writing, then commit (fsync + rename) or abort."""

    def __init__(self, store: LocalBlobStore, staging_id: str, file: BinaryIO, max_size: int):
        self.store = store
        self.staging_id = staging_id
        self._file = file
        self._hash = hashlib.sha256()
        self._buffer = bytearray()
        self._max_size = max_size
        self.size = 0

    @property
    def path(self) -> Path:
        """The staging file."""
        return self.store.staging_dir / self.staging_id

    async def write(self, data: bytes) -> None:
        """Append ``data``; more than ``max_size`` in total is refused (blob_too_large)."""
        if self.size + len(data) > self._max_size:
            raise BlobTooLarge(f"the blob is larger than {self._max_size} bytes")
        self.size += len(data)
        self._buffer += data
        if len(self._buffer) >= self.store.chunk_size:
            await self._flush()

    async def _flush(self) -> None:
        if not self._buffer:
            return
        data, self._buffer = bytes(self._buffer), bytearray()
        await asyncio.to_thread(self._write_through, data)

    def _write_through(self, data: bytes) -> None:
        self._hash.update(data)
        self._file.write(data)

    async def suspend(self) -> None:
        """Make the staged bytes durable and close, keeping them for :meth:`resume`."""
        await self._flush()
        await asyncio.to_thread(self._sync_and_close)

    def _sync_and_close(self) -> None:
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()

    async def commit(self, expected_sha256: str | None = None) -> StoredBlob:
        """fsync, check the hash, rename to it, fsync the directories; then it is durable."""
        await self.suspend()
        digest = self._hash.hexdigest()
        if expected_sha256 is not None and expected_sha256 != digest:
            await self.abort()
            raise BlobHashMismatch("the bytes written do not have the expected SHA-256")
        await asyncio.to_thread(self.store.install, self.path, digest)
        return StoredBlob(sha256=digest, size=self.size)

    async def abort(self) -> None:
        """Drop the staged bytes."""
        await asyncio.to_thread(self._discard)

    def _discard(self) -> None:
        if not self._file.closed:
            self._file.close()
        self.path.unlink(missing_ok=True)


class LocalBlobStore:
    """The blob store in a local directory (one node; see the module docstring)."""

    def __init__(self, root: Path, *, chunk_size: int = CHUNK_SIZE) -> None:
        self.root = root
        self.objects_dir = root / "objects"
        self.staging_dir = root / "staging"
        self.trash_dir = root / "trash"
        self.chunk_size = chunk_size
        for directory in (self.objects_dir, self.staging_dir, self.trash_dir):
            directory.mkdir(parents=True, exist_ok=True)

    def path_of(self, sha256: str) -> Path:
        """Where a committed blob lives."""
        return self.local_path(sha256)

    def local_path(self, sha256: str) -> Path:
        """Where a committed blob lives in this directory (never fetched from elsewhere)."""
        name = check_sha256(sha256)
        return self.objects_dir / name[:2] / name

    def _staging_path(self, staging_id: str) -> Path:
        if not _STAGING.fullmatch(staging_id):
            raise BlobNameInvalid("a staging id is 8–64 characters of A–Z a–z 0–9 _ -")
        return self.staging_dir / staging_id

    async def writer(self, *, max_size: int, staging_id: str | None = None) -> BlobWriter:
        """Start a staged write (a new staging id if none is given)."""
        staging_id = staging_id or secrets.token_urlsafe(24)
        path = self._staging_path(staging_id)
        file = await asyncio.to_thread(path.open, "xb")
        return BlobWriter(self, staging_id, file, max_size)

    async def resume(self, staging_id: str, *, max_size: int, offset: int) -> BlobWriter:
        """Reopen a suspended write holding exactly ``offset`` bytes (re-hashed now)."""
        path = self._staging_path(staging_id)
        if not path.exists():
            raise BlobMissing("no staged write has this id")
        writer = BlobWriter(self, staging_id, await asyncio.to_thread(path.open, "r+b"), max_size)
        size = await asyncio.to_thread(self._rehash, writer)
        if size != offset:
            await asyncio.to_thread(writer._file.close)
            raise BlobOffsetMismatch(f"the staged write holds {size} bytes, not {offset}")
        writer.size = size
        return writer

    def _rehash(self, writer: BlobWriter) -> int:
        size = 0
        while chunk := writer._file.read(READ_SIZE):
            writer._hash.update(chunk)
            size += len(chunk)
        return size

    async def put(self, chunks: AsyncIterable[bytes], *, max_size: int) -> StoredBlob:
        """Write a whole stream and commit it; any failure leaves nothing behind."""
        writer = await self.writer(max_size=max_size)
        try:
            async for chunk in chunks:
                await writer.write(chunk)
        except BaseException:
            await asyncio.shield(writer.abort())
            raise
        return await writer.commit()

    async def discard_staging(self, staging_id: str) -> bool:
        """Delete a staged write's bytes; False if there were none (idempotent).

        Only the staging directory is touched: committed blobs are content-addressed and
        may back bid versions, so they are never deleted here.
        """
        path = self._staging_path(staging_id)
        try:
            await asyncio.to_thread(path.unlink)
        except FileNotFoundError:
            return False
        return True

    def install(self, staged: Path, sha256: str) -> None:
        """Rename a synced staging file to its hash and sync both directories."""
        target = self.local_path(sha256)
        target.parent.mkdir(exist_ok=True)
        if target.exists():  # content-addressed: the same bytes are already durable
            staged.unlink()
        else:
            os.chmod(staged, 0o444)
            os.replace(staged, target)
        _fsync_directory(target.parent)
        _fsync_directory(self.objects_dir)
        _fsync_directory(self.staging_dir)

    async def read(self, sha256: str) -> AsyncIterator[bytes]:
        """The blob's bytes in chunks of at most 256 KiB."""
        path = self.local_path(sha256)
        try:
            file = await asyncio.to_thread(path.open, "rb")
        except FileNotFoundError:
            raise BlobMissing(f"no blob {sha256}") from None
        try:
            while chunk := await asyncio.to_thread(file.read, READ_SIZE):
                yield chunk
        finally:
            file.close()

    async def size(self, sha256: str) -> int:
        """The blob's size; ``blob_not_found`` if there is none."""
        try:
            return (await asyncio.to_thread(self.local_path(sha256).stat)).st_size
        except FileNotFoundError:
            raise BlobMissing(f"no blob {sha256}") from None

    async def sweep_staged_rows(
        self, conn: asyncpg.Connection, older_than: timedelta, limit: int
    ) -> int:
        """Staged writes kept as database rows that nobody can resume: none here (this
        store stages files, swept by their age; PgBlobStore overrides)."""
        return 0

    async def delete_if_unreferenced(self, conn: asyncpg.Connection, sha256: str) -> bool:
        """:func:`delete_unreferenced` for this directory (set aside, check again)."""
        aside = await set_aside_unreferenced(conn, self, sha256)
        return aside is not None and await settle_set_aside(conn, self, aside, sha256)


def _to_trash(store: LocalBlobStore, sha256: str) -> Path | None:
    target = store.local_path(sha256)
    trashed = store.trash_dir / f"{sha256}.{secrets.token_hex(8)}"
    try:
        os.rename(target, trashed)
    except FileNotFoundError:
        return None
    return trashed


def _restore(store: LocalBlobStore, trashed: Path, sha256: str) -> None:
    target = store.local_path(sha256)
    if target.exists():  # installed again meanwhile: the same bytes
        trashed.unlink()
    else:
        os.replace(trashed, target)
    _fsync_directory(target.parent)


async def delete_unreferenced(conn: asyncpg.Connection, store: LocalBlobStore, sha256: str) -> bool:
    """Delete a committed blob only if no row names it; True if it was deleted.

    The blob is moved aside first and the rows are checked again after the move, outside
    any transaction's snapshot: an upload of the same bytes creates its row before it
    installs them (tender/submission/uploads.py), so either the second check sees that row
    and the blob is put back, or the upload finds no blob and installs its own copy.
    """
    return await store.delete_if_unreferenced(conn, sha256)


async def set_aside_unreferenced(
    conn: asyncpg.Connection, store: LocalBlobStore, sha256: str
) -> Path | None:
    """Step 1: if no row names the blob, move it into the trash; where it went (or None)."""
    check_sha256(sha256)
    if conn.is_in_transaction():
        raise RuntimeError("blobs are deleted outside a transaction (a fresh snapshot)")
    if await blob_queries.blob_named(conn, sha256):
        return None
    return await asyncio.to_thread(_to_trash, store, sha256)


async def settle_set_aside(
    conn: asyncpg.Connection, store: LocalBlobStore, aside: Path, sha256: str
) -> bool:
    """Step 2: check again; put the blob back if a row names it now, else delete it."""
    if await blob_queries.blob_named(conn, sha256):
        await asyncio.to_thread(_restore, store, aside, sha256)
        return False
    await asyncio.to_thread(aside.unlink)
    return True
