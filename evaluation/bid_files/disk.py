"""The disk half of reading opened bid files: no link followed, every byte checked.

Files are opened component by component below the output root without following any
link (``O_NOFOLLOW`` at every step), must be regular files of the manifest's size and
SHA-256, and the manifest itself must hash to what the opening stored in
``opening_results``. Opened files are a derived copy (tender/opening/opened.py): a part
found missing or damaged is re-derived from its frozen ciphertext and stored file key,
then read again; what still does not check is ``bid_file_integrity_broken``.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import stat
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO, TypeVar

import asyncpg

from evaluation.bid_files.model import PartLocation
from evaluation.errors import BidFileIntegrityBroken
from signing.errors import SigningError
from signing.manifest import Manifest, ManifestFile, parse_manifest
from tender.blobs.store import BlobStore
from tender.opening.opened import DerivedPart, file_matches, rederive_part

T = TypeVar("T")
MAX_MANIFEST = 16 * 1024 * 1024  # signing/bidopen.py: the opening refuses larger ones
_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# O_NONBLOCK: a FIFO planted in the output must not hang the open (it is refused after).
_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK


def _open_below(root: Path, components: Sequence[str]) -> BinaryIO:
    """Open the regular file at ``components`` below ``root``; no link is ever followed."""
    try:
        directory = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        raise BidFileIntegrityBroken("the opened bids' directory is missing") from exc
    try:
        for name in components[:-1]:
            inner = os.open(name, _DIRECTORY, dir_fd=directory)
            os.close(directory)
            directory = inner
        fd = os.open(components[-1], _FILE, dir_fd=directory)
    except OSError as exc:  # ELOOP (a link), ENOENT, ENOTDIR, ...
        raise BidFileIntegrityBroken(
            "the file is not where the opening left it, or is a link",
            details={"path": "/".join(components[4:])},
        ) from exc
    finally:
        os.close(directory)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise BidFileIntegrityBroken("the opened file is not a regular file")
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def read_manifest(root: Path, location: PartLocation, sha256: str) -> Manifest:
    """The part's manifest.json, if it still hashes to what the opening stored."""
    with _open_below(root, location.manifest()) as source:
        data = source.read(MAX_MANIFEST + 1)
    if hashlib.sha256(data).hexdigest() != sha256:
        raise BidFileIntegrityBroken(
            "the part's manifest differs from the one the opening verified",
            details={"bid_id": str(location.bid_id), "part": location.part},
        )
    try:
        return parse_manifest(data)
    except SigningError as exc:  # cannot happen for the bytes the opening verified
        raise BidFileIntegrityBroken("the part's manifest does not parse") from exc


def open_listed(root: Path, location: PartLocation, listed: ManifestFile) -> BinaryIO:
    """Open a file the manifest lists; refused unless it has the manifest's size and
    SHA-256 (opened files are a derived copy, checked when read: tender/opening/opened.py)."""
    opened = _open_below(root, location.file(listed.name))
    if os.fstat(opened.fileno()).st_size != listed.size or not file_matches(
        opened, listed.size, listed.sha256
    ):
        opened.close()
        raise BidFileIntegrityBroken(
            "the file differs from the manifest", details={"path": listed.name}
        )
    return opened


def platform_files(
    root: Path, location: PartLocation, manifest_sha256: str
) -> Iterator[tuple[ManifestFile, BinaryIO]]:
    """The platform's own read of an opened part's files, with the same checks (manifest
    hash, no links, sizes, hashes): early warning reads their metadata
    (supervision/monitoring, Reg. 40). No person reads, so no read entry is logged; the
    caller closes nothing. Run ``ensure_part`` first to re-derive a damaged part."""
    for listed in read_manifest(root, location, manifest_sha256).files:
        with open_listed(root, location, listed) as opened:
            yield listed, opened


def _check_part(root: Path, location: PartLocation, manifest_sha256: str) -> None:
    for _ in platform_files(root, location, manifest_sha256):
        pass


async def _rederived(
    conn: asyncpg.Connection,
    blobs: BlobStore | None,
    root: Path,
    location: PartLocation,
    ciphertext_sha256: str,
    manifest_sha256: str,
) -> bool:
    """Rebuild a missing or damaged part from its frozen ciphertext and stored key."""
    if blobs is None:
        return False
    part = DerivedPart(
        bid_id=location.bid_id,
        part=location.part,
        directory=location.components(),
        ciphertext_sha256=ciphertext_sha256,
        manifest_sha256=manifest_sha256,
    )
    return await rederive_part(conn, blobs, root, part)


async def checked(
    conn: asyncpg.Connection,
    blobs: BlobStore | None,
    root: Path,
    location: PartLocation,
    hashes: tuple[str, str],
    read: Callable[[], T],
) -> T:
    """``read`` (which checks what it reads against the manifest), once more after a
    re-derivation if it found the part missing or damaged (tender/opening/opened.py)."""
    try:
        return await asyncio.to_thread(read)
    except BidFileIntegrityBroken:
        if not await _rederived(conn, blobs, root, location, *hashes):
            raise
    return await asyncio.to_thread(read)


async def ensure_part(
    conn: asyncpg.Connection,
    blobs: BlobStore | None,
    root: Path,
    location: PartLocation,
    hashes: tuple[str, str],
) -> None:
    """Check every file of an opened part against its manifest; re-derive the part if
    one is missing or damaged. ``hashes``: (frozen ciphertext, manifest) SHA-256."""
    await checked(
        conn, blobs, root, location, hashes, lambda: _check_part(root, location, hashes[1])
    )
