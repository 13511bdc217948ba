"""Use cases of resumable part uploads: open, read, and stream chunks into staging.

DESIGN.md, "Submission, receipt, freeze", and docs/formats/upload.md §2: a part is
uploaded in chunks at exact offsets, streamed to the blob store's staging (a node's file,
or rows in PostgreSQL that any node resumes: tender/submission/staging.py) and
hashed while written, by one writer at a time (tender/submission/lease.py); the chunk that
reaches the declared size makes it complete: fsync, size and SHA-256 checked, age header
checked against the lot's committee, then moved under its hash — only a durable,
checked part is ``complete``. Nothing here is a bid yet (tender/submission/service.py).
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections.abc import AsyncIterable
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
from tender.blobs.store import LocalBlobStore
from tender.committee import service as committee
from tender.lifecycle import load, log_address
from tender.submission import invited, staging, upload_queries
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
from tender.submission.staging import NO_SPACE, Sink

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
        staging_id = await _new_staging(conn, sub.store)
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


async def _new_staging(conn: asyncpg.Connection, store: LocalBlobStore) -> str:
    try:
        return await staging.new_staging(conn, store)
    except OSError as exc:
        if exc.errno not in NO_SPACE:
            raise
        raise _storage_full(exc) from exc


async def _pump(sink: Sink, chunks: AsyncIterable[bytes], limit: int, lease: Lease) -> None:
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
                await sink.write(batch)
    finally:
        # What arrived before a dropped connection is kept for resuming, by the holder only.
        if pending and await lease.still_held():
            await sink.write(pending)


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
    opened: list[Sink] = []
    try:
        return await _stream(
            lease, offset=offset, chunks=chunks, sub=sub, sealed_to=sealed_to, opened=opened
        )
    except OSError as exc:
        if exc.errno not in NO_SPACE:
            raise
        if not lease.lost:  # else what was kept is recorded already, or not ours
            committed = lease.upload.committed_offset
            if opened:  # frees what this request wrote; nothing of it was committed
                await asyncio.shield(opened[0].cut_back(committed))
            await asyncio.shield(lease.release(committed))
        raise _storage_full(exc) from exc


async def _stream(
    lease: Lease,
    *,
    offset: int,
    chunks: AsyncIterable[bytes],
    sub: Submission,
    sealed_to: Committee,
    opened: list[Sink],
) -> Upload:
    upload = lease.upload  # as claimed: its committed offset is current
    if offset != upload.committed_offset:
        await lease.release(upload.committed_offset)
        raise UploadOffsetWrong(
            f"the next chunk starts at {upload.committed_offset}, not {offset}",
            details={"offset": upload.committed_offset},
        )
    store = sub.store
    if not await staging.staged(store, upload.staging_id) and await staging.holds(
        store, upload.declared_sha256
    ):
        # A writer that crashed after moving the checked part into the blob store and
        # before marking it complete: the committed offset is recorded only when a
        # writer releases its lease, so it may be anything up to the size. The staged
        # bytes are gone only by that move (or the cleanup, which abandons the upload
        # first), and the blob is the declared bytes by its name (upload.md §2.3).
        return await _finish_installed(lease, sub)
    try:
        sink = await staging.open_sink(store, upload.staging_id, offset)
    except FileNotFoundError:
        await lease.release(upload.committed_offset)
        raise UploadOffsetWrong("the staged bytes are gone: start a new upload") from None
    opened.append(sink)
    received = False
    try:
        await _pump(sink, chunks, upload.declared_size, lease)
        received = True
    finally:
        size = await asyncio.shield(sink.close())
        if not received or size < upload.declared_size:
            await asyncio.shield(lease.release(size))
    if size < upload.declared_size:
        return dataclasses.replace(upload, committed_offset=size)
    return await _complete(lease, sink, sub, sealed_to)


async def _finish_installed(lease: Lease, sub: Submission) -> Upload:
    if not await staging.holds(sub.store, lease.upload.declared_sha256):
        await lease.release(lease.upload.committed_offset)
        raise UploadOffsetWrong("the staged bytes are gone: start a new upload")
    return await lease.complete()


def _header_refusal(exc: SigningError) -> SubmissionError:
    if isinstance(exc, BidHeaderCommitteeMismatch | ShareStanzaMalformed):
        return PartCommitteeMismatch(f"the part is not sealed to this lot's committee: {exc}")
    if isinstance(exc, BidHeaderMissingBidderStanza | BidHeaderUnexpectedStanza):
        return PartStanzasInvalid(f"the part's stanzas are not the required ones: {exc}")
    return PartNotAge(f"the part is not an age v1 file: {exc}")


async def _refusal(
    sink: Sink, declared_sha256: str, sealed_to: Committee
) -> SubmissionError | None:
    if sink.hash.hexdigest() != declared_sha256:
        return UploadHashMismatch("the bytes received do not have the declared SHA-256")
    try:
        inspect_header(await sink.head(HEADER_LIMIT), sealed_to)
    except SigningError as exc:
        return _header_refusal(exc)
    return None


async def _complete(lease: Lease, sink: Sink, sub: Submission, sealed_to: Committee) -> Upload:
    """Check hash and header of a fully received part; durable under its hash, or nothing."""
    refusal = await _refusal(sink, lease.upload.declared_sha256, sealed_to)
    await lease.renew()  # still ours: nobody else installs or deletes the staged bytes
    if refusal is not None:
        await sink.discard()
        await lease.fail(refusal.code)
        raise refusal
    await sink.install(sub.store, sink.hash.hexdigest())
    return await _finish_installed(lease, sub)
