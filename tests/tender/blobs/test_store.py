"""The content-addressed blob store: named by SHA-256, durable, streamed, resumable."""

from __future__ import annotations

import hashlib
import os
import tracemalloc
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from tender.blobs import store as blobs
from tender.blobs.store import LocalBlobStore
from tender.errors import (
    BlobHashMismatch,
    BlobMissing,
    BlobNameInvalid,
    BlobOffsetMismatch,
    BlobTooLarge,
)
from tender.submission.uploads import create_upload
from tests.tender.submission.kit import bidder, make_submission
from tests.tender.world import World, chunks, published_tender


async def _read(store: LocalBlobStore, sha256: str) -> bytes:
    return b"".join([chunk async for chunk in store.read(sha256)])


async def test_a_blob_is_named_by_its_sha256_and_reads_back(tmp_path: Path) -> None:
    """put → the SHA-256 of the bytes, the file at objects/ab/<hash>, read-only."""
    store = LocalBlobStore(tmp_path)
    data = "招标文件 v1".encode() * 1000
    blob = await store.put(chunks(data, 1000), max_size=len(data))
    assert blob.sha256 == hashlib.sha256(data).hexdigest()
    assert blob.size == len(data)
    path = store.path_of(blob.sha256)
    assert path.parent.name == blob.sha256[:2]
    assert path.stat().st_mode & 0o222 == 0
    assert await _read(store, blob.sha256) == data
    assert await store.size(blob.sha256) == len(data)
    assert list((tmp_path / "staging").iterdir()) == []


async def test_the_same_bytes_twice_are_one_blob(tmp_path: Path) -> None:
    """Content addressing: a second put of the same bytes finds it durable already."""
    store = LocalBlobStore(tmp_path)
    first = await store.put(chunks(b"same"), max_size=10)
    second = await store.put(chunks(b"same"), max_size=10)
    assert first == second
    assert len(list((tmp_path / "objects").rglob("*" + first.sha256))) == 1


async def test_a_stream_over_the_limit_leaves_nothing(tmp_path: Path) -> None:
    """blob_too_large, and the staging file is gone."""
    store = LocalBlobStore(tmp_path)
    with pytest.raises(BlobTooLarge):
        await store.put(chunks(b"x" * 101, 10), max_size=100)
    assert list((tmp_path / "staging").iterdir()) == []
    assert list((tmp_path / "objects").rglob("*")) == []


async def test_a_failing_stream_leaves_nothing(tmp_path: Path) -> None:
    """A client that drops mid-upload leaves no blob and no staging file."""

    async def broken() -> AsyncIterator[bytes]:
        yield b"partial"
        raise ConnectionResetError("client went away")

    store = LocalBlobStore(tmp_path)
    with pytest.raises(ConnectionResetError):
        await store.put(broken(), max_size=100)
    assert list((tmp_path / "staging").iterdir()) == []


@pytest.mark.parametrize("name", ["../../etc/passwd", "A" * 64, "ab", "0" * 63 + "/"])
async def test_names_that_are_not_hashes_are_refused(tmp_path: Path, name: str) -> None:
    """Path traversal and anything else but 64 lowercase hex digits."""
    store = LocalBlobStore(tmp_path)
    with pytest.raises(BlobNameInvalid):
        store.path_of(name)
    with pytest.raises(BlobNameInvalid):
        await store.writer(max_size=1, staging_id="../escape")


async def test_a_missing_blob_is_reported(tmp_path: Path) -> None:
    """blob_not_found for an unknown hash."""
    store = LocalBlobStore(tmp_path)
    with pytest.raises(BlobMissing):
        await _read(store, "0" * 64)
    with pytest.raises(BlobMissing):
        await store.size("0" * 64)


async def test_a_suspended_write_resumes_at_its_offset(tmp_path: Path) -> None:
    """The resumable upload: suspend, resume at the exact offset, commit the whole hash."""
    store = LocalBlobStore(tmp_path, chunk_size=16)
    writer = await store.writer(max_size=1000, staging_id="upload-0001")
    await writer.write(b"first half, ")
    await writer.suspend()
    with pytest.raises(BlobOffsetMismatch):
        await store.resume("upload-0001", max_size=1000, offset=5)
    resumed = await store.resume("upload-0001", max_size=1000, offset=12)
    await resumed.write(b"second half")
    blob = await resumed.commit()
    assert blob.sha256 == hashlib.sha256(b"first half, second half").hexdigest()
    with pytest.raises(BlobMissing):
        await store.resume("upload-0001", max_size=1000, offset=0)


async def test_an_unexpected_hash_is_refused_and_dropped(tmp_path: Path) -> None:
    """commit(expected) refuses other bytes (a tampered chunk) and keeps nothing."""
    store = LocalBlobStore(tmp_path)
    writer = await store.writer(max_size=100)
    await writer.write(b"tampered")
    with pytest.raises(BlobHashMismatch):
        await writer.commit(hashlib.sha256(b"original").hexdigest())
    assert list((tmp_path / "staging").iterdir()) == []
    assert list((tmp_path / "objects").rglob("*")) == []


async def test_memory_stays_flat_for_a_large_stream(tmp_path: Path) -> None:
    """64 MiB through a 1 MiB buffer: the peak allocation stays far below the size."""
    block = os.urandom(256 * 1024)

    async def large() -> AsyncIterator[bytes]:
        for _ in range(256):
            yield block

    store = LocalBlobStore(tmp_path)
    tracemalloc.start()
    try:
        blob = await store.put(large(), max_size=1 << 30)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert blob.size == 64 * 1024 * 1024
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
