"""Opened files: a derived, verifiable copy, re-derived when missing or damaged.

Issue 17, item 1; DESIGN.md "Opening"; docs/formats/opening.md §5. The durable truth of
an opened part is its frozen ciphertext (the blob store, named by the SHA-256 the
freeze list logged) and the file key that opened it (``opening_results.file_key``,
stored in the transaction that settled the part; the log holds only its SHA-256). The
files the opening writes under ``<output root>/<tender>/<lot>/<bid>/<part>/`` are
derived from these two and are not fsynced before the results commit: whoever reads
them checks them against the manifest (its SHA-256 as stored, then each file's size
and SHA-256 in it), and a missing or damaged part is decrypted again here. Any node
sharing the database and the blob store can thus rebuild its own copy.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import os
import secrets
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, BinaryIO
from uuid import UUID

import asyncpg

from signing.canonical import sha256_hex
from signing.errors import SigningError
from signing.sealed_bid import open_part
from tender.blobs.store import BlobStore
from tender.errors import BlobError
from tender.opening import key_queries

HASH_READ = 1024 * 1024


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class DerivedPart:
    """One opened part: where its files go and the hashes that vouch for them."""

    bid_id: UUID
    part: str
    directory: tuple[str, ...]  # path components below the output root
    ciphertext_sha256: str  # the frozen part (freeze list)
    manifest_sha256: str  # opening_results.manifest_sha256, verified with the signature


# Files already hashed, by (device, inode) → (size, mtime, ctime, SHA-256) when they
# matched: a file no write has touched since (any write moves its ctime) is not hashed
# again, so the periodic metadata scan (supervision/monitoring) costs no full re-hash.
# Serving a file to a person hashes it again as it streams (evaluation/bid_files).
_VERIFIED: dict[tuple[int, int], tuple[int, int, int, str]] = {}
_VERIFIED_MAX = 100_000


def file_matches(file: BinaryIO, size: int, sha256: str) -> bool:
    """Whether an open file has ``size`` bytes hashing to ``sha256``; rewound after."""
    status = os.fstat(file.fileno())
    inode = (status.st_dev, status.st_ino)
    stamp = (status.st_size, status.st_mtime_ns, status.st_ctime_ns, sha256)
    if status.st_size == size and _VERIFIED.get(inode) == stamp:
        return True
    digest, total = hashlib.sha256(), 0
    while block := file.read(HASH_READ):
        digest.update(block)  # releases the GIL: other requests go on meanwhile
        total += len(block)
    file.seek(0)
    matches = total == size and digest.hexdigest() == sha256
    if matches:
        if len(_VERIFIED) >= _VERIFIED_MAX:
            _VERIFIED.clear()
        _VERIFIED[inode] = stamp
    return matches


def rederive(root: Path, part: DerivedPart, file_key: bytes, ciphertext: Any) -> bool:
    """Decrypt ``ciphertext`` with ``file_key`` into the part's directory, replacing what
    is there; False (nothing replaced) unless it gives the frozen ciphertext's hash and
    the stored manifest. Safe against a concurrent re-derivation: the last rename wins
    and both copies are the same bytes."""
    target = root.joinpath(*part.directory)
    if not _real_directories(root, part.directory[:-1]):
        return False  # a link planted above the part: never write plaintext through it
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    staging = target.parent / f".{target.name}.rederive-{secrets.token_hex(8)}"
    try:
        # committee=None and no signature check: the manifest's hash below is the one
        # the opening stored after it checked the committee and the signature.
        opened = open_part(
            ciphertext,
            committee=None,
            part=part.part,
            verify=lambda data, signature: None,
            file_key=file_key,
            output=staging,
            durable=False,
        )
    except (SigningError, OSError, BlobError):
        shutil.rmtree(staging, ignore_errors=True)
        return False
    if (opened.ciphertext_sha256, sha256_hex(opened.manifest_bytes)) != (
        part.ciphertext_sha256,
        part.manifest_sha256,
    ):
        shutil.rmtree(staging, ignore_errors=True)
        return False
    _replace(target, staging)
    return True


def _real_directories(root: Path, components: tuple[str, ...]) -> bool:
    """Whether each existing component below ``root`` is a real directory, not a link
    (the readers open with O_NOFOLLOW at every step: evaluation/bid_files/disk.py)."""
    path = root
    for name in components:
        path = path / name
        if path.is_symlink() or (path.exists() and not path.is_dir()):
            return False
    return True


def _replace(target: Path, staging: Path) -> None:
    aside = target.parent / f".{target.name}.damaged-{secrets.token_hex(8)}"
    with contextlib.suppress(FileNotFoundError):
        os.rename(target, aside)  # a link is moved, never followed
    try:
        os.rename(staging, target)
    except OSError:  # another reader's re-derivation got there first: the same bytes
        shutil.rmtree(staging, ignore_errors=True)
    if aside.is_symlink() or aside.is_file():
        aside.unlink()
    else:
        shutil.rmtree(aside, ignore_errors=True)


class _BlobReader:
    """A blocking reader over the async BlobStore, for the decrypting worker thread.

    ``readinto`` copies each stored chunk once, straight into the decryption's buffer
    (signing.agestream.fill prefers it): re-deriving a part costs one copy per byte
    here, not a buffer append, a slice, a bytes copy and a shift per read."""

    def __init__(self, chunks: AsyncIterator[bytes], loop: asyncio.AbstractEventLoop) -> None:
        self._chunks = chunks
        self._loop = loop
        self._chunk = memoryview(b"")
        self._done = False

    async def _next(self) -> bytes:
        return await anext(self._chunks, b"")

    def _more(self) -> bool:
        """Whether bytes are left, fetching the next chunk when this one is used up."""
        while not self._chunk and not self._done:
            chunk = asyncio.run_coroutine_threadsafe(self._next(), self._loop).result()
            self._done = not chunk
            self._chunk = memoryview(chunk)
        return bool(self._chunk)

    def readinto(self, buffer: memoryview, /) -> int:
        filled = 0
        while filled < len(buffer) and self._more():
            count = min(len(self._chunk), len(buffer) - filled)
            buffer[filled : filled + count] = self._chunk[:count]
            self._chunk = self._chunk[count:]
            filled += count
        return filled

    def read(self, size: int = -1, /) -> bytes:
        parts = []
        while size != 0 and self._more():
            count = len(self._chunk) if size < 0 else min(size, len(self._chunk))
            parts.append(self._chunk[:count].tobytes())
            self._chunk = self._chunk[count:]
            size = size if size < 0 else size - count
        return b"".join(parts)


async def rederive_part(
    conn: asyncpg.Connection, store: BlobStore, root: Path, part: DerivedPart
) -> bool:
    """Re-derive a missing or damaged part from its ciphertext and stored key.

    False when it cannot be (no stored key: opened before migration 0101; the blob is
    gone or altered): the reader then reports the part's files as broken.
    """
    file_key = await key_queries.file_key(conn, part.bid_id, part.part)
    if file_key is None:
        return False
    chunks = store.read(part.ciphertext_sha256)
    reader = _BlobReader(chunks, asyncio.get_running_loop())
    try:
        return await asyncio.to_thread(rederive, root, part, file_key, reader)
    finally:
        close = getattr(chunks, "aclose", None)
        if close is not None:
            await close()
