"""Use cases of resumable part uploads: open, read, and stream chunks into staging.

DESIGN.md, "Submission, receipt, freeze", and docs/formats/upload.md §2: a part is
uploaded in chunks at exact offsets, streamed to the blob store's staging directory and
hashed while written, by one writer at a time (tender/submission/lease.py); the chunk that
reaches the declared size makes it complete: fsync, size and SHA-256 checked, age header
checked against the lot's committee, then moved under its hash — only a durable,
checked part is ``complete``. Nothing here is a bid yet (tender/submission/service.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import errno
import hashlib
import os
import re
import secrets
from collections.abc import AsyncIterable
from pathlib import Path
from uuid import UUID

import asyncpg

from accounts.model import Actor
from signing.committee import Committee
from signing.errors import (
    BidHeaderCommitteeMismatch,
    BidHeaderMissingBidderStanza,
    BidHeaderUnexpectedStanza,
    ShareStanzaMalformed,
    SigningError,
)
from signing.sealed_bid import inspect_header
from tender import queries
from tender.blobs.store import READ_SIZE, LocalBlobStore
from tender.committee import service as committee
from tender.lifecycle import load, log_address
from tender.submission import invited, upload_queries
from tender.submission.context import Submission, acquire, bidder_of, lot_id_of, require_open
from tender.submission.lease import Lease, refuse_closed
from tender.submission.limits import check_upload_limits
from tender.submission.model import (
    PartCommitteeMismatch,
    PartNotAge,
    PartStanzasInvalid,
    SubmissionError,
    Upload,
    UploadHashMismatch,
    UploadInputInvalid,
    UploadNotFound,
    UploadOffsetWrong,
    UploadStatus,
    UploadStorageFull,
    UploadTooLarge,
    check_hex64,
    check_part_label,
)

INSTALLATION = re.compile(r"[A-Za-z0-9_-]{16,64}")  # a client installation's random id
HEADER_LIMIT = 64 * 1024  # an age header of 32 share stanzas is about 10 KiB
# Bytes handed to the writing thread at once. Each open upload holds up to this much
# (a rush of 200 uploads: 200 × BATCH in one worker process), so it is small; the hop
# to the thread costs tens of microseconds, next to ~1 ms of hashing and writing.
BATCH = 256 << 10
STORAGE_FULL_RETRY_SECONDS = 60  # an operator frees space; the client's backoff is its own


async def create_upload(
    conn: asyncpg.Connection,
    actor: Actor,
    tender_id: UUID,
    lot: str,
    *,
    part: str,
    size: int,
    sha256: str,
    sub: Submission,
    installation: str | None = None,
) -> Upload:
    """Open a resumable upload of one sealed part (nothing is a bid yet).

    Where it comes from is recorded — the request's address and the client's
    installation id (docs/formats/upload.md §2.1) — for the Reg. 40 collusion
    indicators (supervision/monitoring): parts of different bidders sent from one
    machine. Neither is shown to other bidders.
    """
    org = bidder_of(actor)
    await invited.require_invited(conn, tender_id, org)  # procurement projects (issue 18)
    tender = await load(conn, tender_id)
    lot_id = lot_id_of(tender, lot)
    require_open(tender, await queries.database_now(conn))
    await committee.lot_committee(conn, tender_id, lot)  # refused unless approved
    check_part_label(part, tender.content.parts)
    check_hex64(sha256, name="sha256")
    if installation is not None and not INSTALLATION.fullmatch(installation):
        raise UploadInputInvalid("installation is 16 to 64 letters, digits, _ or -")
    if type(size) is not int or size < 1:
        raise UploadInputInvalid("size is a whole number of bytes ≥ 1")
    if size > sub.max_part_bytes:
        raise UploadTooLarge(f"a sealed part is at most {sub.max_part_bytes} bytes")
    async with conn.transaction():  # caps per bidder, under its row lock (§2.5)
        await upload_queries.lock_bidder(conn, org)
        await check_upload_limits(conn, sub.upload_limits, lot_id=lot_id, bidder_id=org, size=size)
        staging_id = await _new_staging(sub.store)
        args = (tender_id, lot_id, org, actor.user_id, part, size, sha256, staging_id)
        origin = (log_address(actor.address), installation)
        return await upload_queries.insert_upload(conn, *args, *origin)


async def get_upload(conn: asyncpg.Connection, actor: Actor, upload_id: UUID) -> Upload:
    """The actor's organisation's upload (its committed offset tells where to resume)."""
    found = await upload_queries.upload(conn, upload_id, bidder_of(actor))
    if found is None:
        raise UploadNotFound("no upload of your organisation has this id")
    return found


async def write_chunk(
    pool: asyncpg.Pool,
    actor: Actor,
    upload_id: UUID,
    *,
    offset: int,
    chunks: AsyncIterable[bytes],
    sub: Submission,
) -> Upload:
    """Append a chunk at ``offset``; the chunk reaching the declared size completes it.

    No database connection is held while bytes stream in, so a rush of uploads cannot
    starve light requests of connections; the writer lease takes one only briefly.
    """
    async with acquire(pool) as conn:
        found = await get_upload(conn, actor, upload_id)
        if found.status is UploadStatus.ABANDONED:  # its own code, even past the deadline
            refuse_closed(found)
        tender = await load(conn, found.tender_id)
        require_open(tender, await queries.database_now(conn))
        lot = next(n for n, i in tender.lot_ids.items() if i == found.lot_id)
        sealed_to = await committee.lot_committee(conn, found.tender_id, lot)
    refuse_closed(found)
    lease = await Lease.claim(pool, found, sub.lease_seconds)
    return await _receive(lease, offset=offset, chunks=chunks, sub=sub, sealed_to=sealed_to)


# --- streaming into staging (docs/formats/upload.md §2.2) -----------------------------------


class _Staged:
    """A staging file opened at an offset, hashing every byte written (worker thread)."""

    def __init__(self, path: Path, offset: int) -> None:
        self.path = path
        self.hash = hashlib.sha256()
        self.file = path.open("r+b")
        self.file.truncate(offset)  # bytes past the committed offset were never acknowledged
        while chunk := self.file.read(READ_SIZE):
            self.hash.update(chunk)
        self.size = self.file.tell()

    def write(self, pieces: list[bytes]) -> None:
        # Piece by piece as they arrived: no joined copy of the batch (issue 17 item 4).
        for data in pieces:
            self.hash.update(data)
            self.file.write(data)
            self.size += len(data)

    def sync_close(self) -> int:
        try:
            self.file.flush()
            os.fsync(self.file.fileno())
        finally:
            with contextlib.suppress(OSError):  # a failed flush (ENOSPC) still closes
                self.file.close()
        return self.size


def _create_empty(path: Path) -> None:
    with path.open("xb"):
        pass


async def _new_staging(store: LocalBlobStore) -> str:
    staging_id = secrets.token_urlsafe(24)
    try:
        await asyncio.to_thread(_create_empty, store.staging_dir / staging_id)
    except OSError as exc:
        if exc.errno not in NO_SPACE:
            raise
        raise _storage_full(exc) from exc
    return staging_id


async def _pump(sink: _Staged, chunks: AsyncIterable[bytes], limit: int, lease: Lease) -> None:
    pending: list[bytes] = []
    held = 0
    try:
        async for chunk in chunks:
            if sink.size + held + len(chunk) > limit:
                raise UploadTooLarge("more bytes than the declared size")
            pending.append(chunk)
            held += len(chunk)
            if lease.due():  # per chunk, before any write: a slow sender renews too
                await lease.renew()
            if held >= BATCH:
                batch, pending, held = pending, [], 0
                await asyncio.to_thread(sink.write, batch)
    finally:
        # What arrived before a dropped connection is kept for resuming, by the holder only.
        if pending and await lease.still_held():
            await asyncio.to_thread(sink.write, pending)


NO_SPACE = (errno.ENOSPC, errno.EDQUOT)


def _storage_full(exc: OSError) -> UploadStorageFull:
    return UploadStorageFull(
        "the platform's storage is full: send the rest again later from the committed "
        "offset (GET the upload)",
        details={"retry_after_seconds": STORAGE_FULL_RETRY_SECONDS},
    )


async def _receive(
    lease: Lease,
    *,
    offset: int,
    chunks: AsyncIterable[bytes],
    sub: Submission,
    sealed_to: Committee,
) -> Upload:
    """Stream, then complete; a full disk keeps nothing unacknowledged (docs/faults.md):
    the staged file goes back to the committed offset and the lease is freed, so the
    same PUT works again once space returns."""
    try:
        return await _stream(lease, offset=offset, chunks=chunks, sub=sub, sealed_to=sealed_to)
    except OSError as exc:
        if exc.errno not in NO_SPACE:
            raise
        if not lease.lost:  # else what was fsynced is recorded already, or not ours
            path = sub.store.staging_dir / lease.upload.staging_id
            committed = lease.upload.committed_offset
            await asyncio.shield(asyncio.to_thread(_cut_back, path, committed))
            await asyncio.shield(lease.release(committed))
        raise _storage_full(exc) from exc


def _cut_back(path: Path, offset: int) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.truncate(path, offset)  # frees what this request wrote; nothing was committed


async def _stream(
    lease: Lease,
    *,
    offset: int,
    chunks: AsyncIterable[bytes],
    sub: Submission,
    sealed_to: Committee,
) -> Upload:
    upload = lease.upload  # as claimed: its committed offset is current
    if offset != upload.committed_offset:
        await lease.release(upload.committed_offset)
        raise UploadOffsetWrong(
            f"the next chunk starts at {upload.committed_offset}, not {offset}",
            details={"offset": upload.committed_offset},
        )
    path = sub.store.staging_dir / upload.staging_id
    if not path.exists() and sub.store.path_of(upload.declared_sha256).exists():
        # A writer that crashed after moving the checked part into the blob store and
        # before marking it complete: the committed offset is recorded only when a
        # writer releases its lease, so it may be anything up to the size. The staged
        # file is gone only by that move (or the cleanup, which abandons the upload
        # first), and the blob is the declared bytes by its name (upload.md §2.3).
        return await _finish_installed(lease, sub)
    try:
        sink = await asyncio.to_thread(_Staged, path, offset)
    except FileNotFoundError:
        await lease.release(upload.committed_offset)
        raise UploadOffsetWrong("the staged bytes are gone: start a new upload") from None
    received = False
    try:
        await _pump(sink, chunks, upload.declared_size, lease)
        received = True
    finally:
        size = await asyncio.shield(asyncio.to_thread(sink.sync_close))
        if not received or size < upload.declared_size:
            await asyncio.shield(lease.release(size))
    if size < upload.declared_size:
        return dataclasses.replace(upload, committed_offset=size)
    return await _complete(lease, sink, sub, sealed_to)


async def _finish_installed(lease: Lease, sub: Submission) -> Upload:
    if not sub.store.path_of(lease.upload.declared_sha256).exists():
        await lease.release(lease.upload.committed_offset)
        raise UploadOffsetWrong("the staged bytes are gone: start a new upload")
    return await lease.complete()


def _read_head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(HEADER_LIMIT)


def _header_refusal(exc: SigningError) -> SubmissionError:
    if isinstance(exc, BidHeaderCommitteeMismatch | ShareStanzaMalformed):
        return PartCommitteeMismatch(f"the part is not sealed to this lot's committee: {exc}")
    if isinstance(exc, BidHeaderMissingBidderStanza | BidHeaderUnexpectedStanza):
        return PartStanzasInvalid(f"the part's stanzas are not the required ones: {exc}")
    return PartNotAge(f"the part is not an age v1 file: {exc}")


async def _refusal(
    sink: _Staged, declared_sha256: str, sealed_to: Committee
) -> SubmissionError | None:
    if sink.hash.hexdigest() != declared_sha256:
        return UploadHashMismatch("the bytes received do not have the declared SHA-256")
    try:
        inspect_header(await asyncio.to_thread(_read_head, sink.path), sealed_to)
    except SigningError as exc:
        return _header_refusal(exc)
    return None


async def _complete(lease: Lease, sink: _Staged, sub: Submission, sealed_to: Committee) -> Upload:
    """Check hash and header of a fully received part; durable under its hash, or nothing."""
    refusal = await _refusal(sink, lease.upload.declared_sha256, sealed_to)
    await lease.renew()  # still ours: nobody else renames or deletes the staged file
    if refusal is not None:
        await asyncio.to_thread(sink.path.unlink, missing_ok=True)
        await lease.fail(refusal.code)
        raise refusal
    await asyncio.to_thread(sub.store.install, sink.path, sink.hash.hexdigest())
    return await _finish_installed(lease, sub)
