"""Use cases of sealed submission: resumable part uploads, submit, withdraw, receipts.

DESIGN.md, "Submission, receipt, freeze", and docs/formats/upload.md:

- a part is uploaded in chunks at exact offsets, streamed to the blob store's staging
  directory and hashed while written; the chunk that reaches the declared size makes
  it complete: fsync, size and SHA-256 checked, age header checked against the lot's
  committee, then moved under its hash — only a durable, checked part is ``complete``;
- a bid version is recorded by the bidder's CMS-signed submit statement naming
  complete parts; the database clock under the tender's row lock decides lateness,
  and the receipt (signed, with its log index) is stored in the same transaction;
- who bid stays secret until the deadline: the log names the bidder by a salted
  commitment and no user id or address (the freeze list reveals it).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import logging
import os
import secrets
from collections.abc import AsyncIterable, AsyncIterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import cast
from uuid import UUID

import asyncpg

from accounts import service as accounts
from accounts.errors import PermissionDenied
from accounts.model import Actor, Role
from accounts.permissions import Action, Resource, ResourceKind, require
from audit import queries as audit_queries
from audit import service as audit
from audit.entry import Actor as LogActor
from audit.entry import LogEntry, Subject, commit, new_salt
from signing.certs import cert_sha256, subject_credit_code, validate_credit_code
from signing.committee import Committee
from signing.errors import (
    BidHeaderCommitteeMismatch,
    BidHeaderMissingBidderStanza,
    BidHeaderUnexpectedStanza,
    ShareStanzaMalformed,
    SigningError,
)
from signing.sealed_bid import inspect_header
from signing.statements import SignedStatement, SubmitStatement, WithdrawStatement, verify_statement
from tender import bid_queries, committee, queries
from tender.bids import (
    DEFAULT_MAX_PART_BYTES,
    Bid,
    BidDeadlinePassed,
    BidDuplicate,
    BidEvent,
    BidNotFound,
    BidNotSubmitted,
    BidPart,
    BidStatus,
    BidVersion,
    BidVersionConflict,
    PartCommitteeMismatch,
    PartNotAge,
    PartNotUploaded,
    PartStanzasInvalid,
    SignerMismatch,
    StatementInvalid,
    StatementMismatch,
    SubmissionError,
    Upload,
    UploadBusy,
    UploadClosed,
    UploadHashMismatch,
    UploadInputInvalid,
    UploadNotFound,
    UploadOffsetWrong,
    UploadStatus,
    UploadTooLarge,
    VersionKind,
    check_hex64,
    check_part_label,
)
from tender.blobs import READ_SIZE, LocalBlobStore
from tender.errors import (
    LotNotFound,
    TenderNotOpenForBids,
    TenderSuspended,
    TrustStoreMissing,
)
from tender.model import Tender, TenderStatus
from tender.receipts import ReceiptSigner, receipt_bytes, receipt_json
from tender.service import Setup, load, lock_tender

log = logging.getLogger(__name__)

# The log must not say who bid before the deadline: no user id, no address.
HIDDEN_BIDDER = LogActor(user_id=None, role="bidder")
MAX_CONSORTIUM = 10


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Submission:
    """What the composition root hands the submission use cases."""

    setup: Setup
    store: LocalBlobStore
    signer: ReceiptSigner
    log_identity: audit.LogIdentity
    max_part_bytes: int = DEFAULT_MAX_PART_BYTES


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Receipt:
    """A version's signed receipt with the checkpoint covering its log entry and proof."""

    version: BidVersion
    checkpoint: str | None
    tree_size: int | None
    inclusion_proof: tuple[bytes, ...]
    entry: bytes  # the log entry's exact bytes (the leaf is SHA-256(0x00 ‖ entry))


@contextlib.asynccontextmanager
async def _acquire(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """A pooled connection, typed as the connection it proxies."""
    async with pool.acquire() as proxy:
        yield cast(asyncpg.Connection, proxy)


# --- who, where, when -------------------------------------------------------------------


def bidder_of(actor: Actor) -> UUID:
    """The one bidder organisation the actor acts for (its bids are that organisation's)."""
    orgs = actor.acting_for(Role.BIDDER)
    if len(orgs) != 1:
        raise PermissionDenied(
            "only a user acting for exactly one bidder organisation submits bids",
            details={"action": str(Action.SUBMIT_BID), "resource": "bid"},
        )
    org = next(iter(orgs))
    require(actor, Action.SUBMIT_BID, Resource(kind=ResourceKind.BID, owner_organisation_id=org))
    return org


def lot_id_of(tender: Tender, lot: str) -> UUID:
    """The lot's id, or ``tender_lot_not_found``."""
    lot_id = tender.lot_id(lot)
    if lot_id is None:
        raise LotNotFound(f"the tender has no lot {lot!r}")
    return lot_id


def require_open(tender: Tender, now: datetime) -> None:
    """Bids are taken while the tender is published, before its deadline (database clock)."""
    if tender.is_public and tender.deadline is not None and now >= tender.deadline:
        raise BidDeadlinePassed("the bid deadline has passed")
    if tender.status is TenderStatus.SUSPENDED:
        raise TenderSuspended("the tender is paused until its objections are answered")
    if tender.status is not TenderStatus.PUBLISHED or tender.deadline is None:
        raise TenderNotOpenForBids("the tender does not take bids")


# --- uploads ------------------------------------------------------------------------------


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
) -> Upload:
    """Open a resumable upload of one sealed part (nothing is a bid yet)."""
    org = bidder_of(actor)
    tender = await load(conn, tender_id)
    lot_id = lot_id_of(tender, lot)
    require_open(tender, await queries.database_now(conn))
    await committee.lot_committee(conn, tender_id, lot)  # refused unless approved
    check_part_label(part, tender.content.parts)
    check_hex64(sha256, name="sha256")
    if type(size) is not int or size < 1:
        raise UploadInputInvalid("size is a whole number of bytes ≥ 1")
    if size > sub.max_part_bytes:
        raise UploadTooLarge(f"a sealed part is at most {sub.max_part_bytes} bytes")
    staging_id = await _new_staging(sub.store)
    args = (tender_id, lot_id, org, actor.user_id, part, size, sha256, staging_id)
    return await bid_queries.insert_upload(conn, *args)


async def get_upload(conn: asyncpg.Connection, actor: Actor, upload_id: UUID) -> Upload:
    """The actor's organisation's upload (its committed offset tells where to resume)."""
    found = await bid_queries.upload(conn, upload_id, bidder_of(actor))
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
    starve light requests of connections.
    """
    async with _acquire(pool) as conn:
        found = await get_upload(conn, actor, upload_id)
        tender = await load(conn, found.tender_id)
        require_open(tender, await queries.database_now(conn))
        lot = next(n for n, i in tender.lot_ids.items() if i == found.lot_id)
        sealed_to = await committee.lot_committee(conn, found.tender_id, lot)
    return await _receive(pool, found, offset=offset, chunks=chunks, sub=sub, sealed_to=sealed_to)


# --- streaming into staging (docs/formats/upload.md, "Chunks") -------------------------------

HEADER_LIMIT = 64 * 1024  # an age header of 32 share stanzas is about 10 KiB
BATCH = 1 << 20  # bytes handed to the worker thread at once
_busy: set[UUID] = set()  # uploads being written by this process (one writer each)


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

    def write(self, data: bytes) -> None:
        self.hash.update(data)
        self.file.write(data)
        self.size += len(data)

    def sync_close(self) -> int:
        self.file.flush()
        os.fsync(self.file.fileno())
        self.file.close()
        return self.size


def _create_empty(path: Path) -> None:
    with path.open("xb"):
        pass


async def _new_staging(store: LocalBlobStore) -> str:
    staging_id = secrets.token_urlsafe(24)
    await asyncio.to_thread(_create_empty, store.staging_dir / staging_id)
    return staging_id


async def _pump(sink: _Staged, chunks: AsyncIterable[bytes], limit: int) -> None:
    pending: list[bytes] = []
    held = 0
    try:
        async for chunk in chunks:
            if sink.size + held + len(chunk) > limit:
                raise UploadTooLarge("more bytes than the declared size")
            pending.append(chunk)
            held += len(chunk)
            if held >= BATCH:
                data, pending, held = b"".join(pending), [], 0
                await asyncio.to_thread(sink.write, data)
    finally:
        if pending:  # what arrived before a dropped connection is kept for resuming
            await asyncio.to_thread(sink.write, b"".join(pending))


async def _receive(
    pool: asyncpg.Pool,
    upload: Upload,
    *,
    offset: int,
    chunks: AsyncIterable[bytes],
    sub: Submission,
    sealed_to: Committee,
) -> Upload:
    if upload.status is not UploadStatus.OPEN:
        raise UploadClosed(f"the upload is {upload.status}")
    if offset != upload.committed_offset:
        raise UploadOffsetWrong(
            f"the next chunk starts at {upload.committed_offset}, not {offset}",
            details={"offset": upload.committed_offset},
        )
    if upload.id in _busy:
        raise UploadBusy("another request is writing this upload")
    _busy.add(upload.id)
    try:
        return await _write_and_maybe_complete(pool, upload, offset, chunks, sub, sealed_to)
    finally:
        _busy.discard(upload.id)


async def _write_and_maybe_complete(
    pool: asyncpg.Pool,
    upload: Upload,
    offset: int,
    chunks: AsyncIterable[bytes],
    sub: Submission,
    sealed_to: Committee,
) -> Upload:
    path = sub.store.staging_dir / upload.staging_id
    if offset == upload.declared_size and not path.exists():
        return await _finish_installed(pool, upload, sub)  # a crash after the rename
    sink = await asyncio.to_thread(_Staged, path, offset)
    try:
        await _pump(sink, chunks, upload.declared_size)
    finally:
        size = await asyncio.shield(asyncio.to_thread(sink.sync_close))
        async with _acquire(pool) as conn:
            await bid_queries.set_offset(conn, upload.id, size)
    if size < upload.declared_size:
        return dataclasses.replace(upload, committed_offset=size)
    return await _complete(pool, upload, sink, sub, sealed_to)


async def _finish_installed(pool: asyncpg.Pool, upload: Upload, sub: Submission) -> Upload:
    if not sub.store.path_of(upload.declared_sha256).exists():
        raise UploadOffsetWrong("the staged bytes are gone: start a new upload")
    async with _acquire(pool) as conn:
        await bid_queries.complete_upload(conn, upload.id)
        done = await bid_queries.upload(conn, upload.id, upload.bidder_id)
    assert done is not None
    return done


def _read_head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(HEADER_LIMIT)


def _header_refusal(exc: SigningError) -> SubmissionError:
    if isinstance(exc, BidHeaderCommitteeMismatch | ShareStanzaMalformed):
        return PartCommitteeMismatch(f"the part is not sealed to this lot's committee: {exc}")
    if isinstance(exc, BidHeaderMissingBidderStanza | BidHeaderUnexpectedStanza):
        return PartStanzasInvalid(f"the part's stanzas are not the required ones: {exc}")
    return PartNotAge(f"the part is not an age v1 file: {exc}")


async def _complete(
    pool: asyncpg.Pool, upload: Upload, sink: _Staged, sub: Submission, sealed_to: Committee
) -> Upload:
    """Check hash and header of a fully received part; durable under its hash, or nothing."""
    digest = sink.hash.hexdigest()
    refusal: SubmissionError | None = None
    if digest != upload.declared_sha256:
        refusal = UploadHashMismatch("the bytes received do not have the declared SHA-256")
    else:
        try:
            inspect_header(await asyncio.to_thread(_read_head, sink.path), sealed_to)
        except SigningError as exc:
            refusal = _header_refusal(exc)
    if refusal is not None:
        await asyncio.to_thread(sink.path.unlink, missing_ok=True)
        async with _acquire(pool) as conn:
            await bid_queries.fail_upload(conn, upload.id, refusal.code)
        raise refusal
    await asyncio.to_thread(sub.store.install, sink.path, digest)
    return await _finish_installed(pool, upload, sub)


# --- statements -----------------------------------------------------------------------------


def _verified(
    signed: SignedStatement, sub: Submission, now: object, kind: type[SubmitStatement]
) -> tuple[SubmitStatement, str, str | None]:
    trust = sub.setup.trust
    if trust is None:
        raise TrustStoreMissing("the platform trusts no CA yet")
    try:
        verified = verify_statement(signed, trust, now, kind)  # type: ignore[arg-type]
    except SigningError as exc:
        raise StatementInvalid(f"the statement does not verify: {exc}", details=exc.code) from None
    certificate = verified.signer.certificate
    return verified.statement, cert_sha256(certificate), subject_credit_code(certificate)


def _verified_withdraw(
    signed: SignedStatement, sub: Submission, now: object
) -> tuple[WithdrawStatement, str, str | None]:
    return _verified(signed, sub, now, WithdrawStatement)  # type: ignore[arg-type,return-value]


def _check_names(
    tender: Tender, lot: str, bidder: str, stmt: object, signer_code: str | None
) -> None:
    if signer_code != bidder:
        raise SignerMismatch("the statement is signed by a certificate of another organisation")
    if (stmt.tender, stmt.lot, stmt.bidder) != (tender.code, lot, bidder):  # type: ignore[attr-defined]
        raise StatementMismatch("the statement names another tender, lot or bidder")


def check_consortium(tender: Tender, members: Sequence[str], bidder: str) -> tuple[str, ...]:
    """Consortium members' credit codes: only where allowed, distinct, not the lead."""
    if not members:
        return ()
    if not tender.content.consortia_allowed:
        raise StatementMismatch("this tender does not admit consortia")
    try:
        codes = tuple(validate_credit_code(m) for m in members)
    except SigningError as exc:
        raise UploadInputInvalid(f"a consortium member: {exc}") from None
    if len(set(codes)) != len(codes) or bidder in codes or len(codes) > MAX_CONSORTIUM:
        raise UploadInputInvalid("consortium members are distinct, not the lead, at most 10")
    return codes


async def _parts(
    conn: asyncpg.Connection, tender: Tender, lot_id: UUID, org: UUID, stmt: SubmitStatement
) -> tuple[list[BidPart], list[UUID]]:
    if sorted(p.label for p in stmt.parts) != sorted(tender.content.parts):
        raise StatementMismatch(f"a bid has the parts {', '.join(tender.content.parts)}")
    parts, ids = [], []
    for p in sorted(stmt.parts, key=lambda item: item.label):
        found = await bid_queries.complete_upload_for(conn, lot_id, org, p.label, p.sha256)
        if found is None:
            raise PartNotUploaded(f"no complete upload of part {p.label} has hash {p.sha256}")
        parts.append(BidPart(label=p.label, sha256=p.sha256, size=found.declared_size))
        ids.append(found.id)
    return parts, ids


async def _chain_head(conn: asyncpg.Connection, existing: Bid | None) -> str | None:
    if existing is None:
        return None
    return (await bid_queries.versions(conn, existing.id))[-1].statement_sha256


# --- submit and withdraw ---------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class _Recording:
    tender: Tender
    lot: str
    lot_id: UUID
    bidder_id: UUID
    bidder: str
    existing: Bid | None
    kind: VersionKind
    version: int
    signed: SignedStatement
    signer_sha256: str
    parts: tuple[BidPart, ...]
    upload_ids: tuple[UUID, ...]
    consortium: tuple[str, ...]


async def submit_bid(
    conn: asyncpg.Connection,
    actor: Actor,
    tender_id: UUID,
    lot: str,
    signed: SignedStatement,
    *,
    consortium: Sequence[str] = (),
    sub: Submission,
) -> Receipt:
    """Record a bid version from its signed submit statement; returns its receipt."""
    org = bidder_of(actor)
    bidder = (await accounts.get_organisation(conn, org)).credit_code
    tender = await load(conn, tender_id)
    lot_id = lot_id_of(tender, lot)
    now = await queries.database_now(conn)
    stmt, signer_sha256, signer_code = _verified(signed, sub, now, SubmitStatement)
    _check_names(tender, lot, bidder, stmt, signer_code)
    members = check_consortium(tender, consortium, bidder)
    parts, upload_ids = await _parts(conn, tender, lot_id, org, stmt)
    async with conn.transaction():
        locked = await lock_tender(conn, tender_id)
        require_open(locked.tender, locked.now)
        existing = await bid_queries.bid(conn, lot_id, org)
        if existing is not None and stmt.bid_version == 1:
            raise BidDuplicate("you already bid in this lot: submit the next version instead")
        expected = 1 if existing is None else existing.version + 1
        head = await _chain_head(conn, existing)
        if (stmt.bid_version, stmt.previous) != (expected, head):
            raise BidVersionConflict(f"the next version is {expected}, chained to {head}")
        await committee.freeze_committee(conn, tender_id, lot)
        rec = _Recording(
            tender=locked.tender, lot=lot, lot_id=lot_id, bidder_id=org, bidder=bidder,
            existing=existing,
            kind=VersionKind.SUBMIT, version=expected, signed=signed,
            signer_sha256=signer_sha256, parts=tuple(parts), upload_ids=tuple(upload_ids),
            consortium=members,
        )  # fmt: skip
        version = await _record(conn, actor, rec, locked.now, sub)
    log.info("bid.submitted", extra={"tender_id": str(tender_id), "lot": lot})
    return await receipt_for(conn, version, sub)


async def withdraw_bid(
    conn: asyncpg.Connection,
    actor: Actor,
    tender_id: UUID,
    lot: str,
    signed: SignedStatement,
    *,
    sub: Submission,
) -> Receipt:
    """Withdraw the standing version by a signed withdraw statement (kept as a version)."""
    org = bidder_of(actor)
    bidder = (await accounts.get_organisation(conn, org)).credit_code
    tender = await load(conn, tender_id)
    lot_id = lot_id_of(tender, lot)
    now = await queries.database_now(conn)
    stmt, signer_sha256, signer_code = _verified_withdraw(signed, sub, now)
    _check_names(tender, lot, bidder, stmt, signer_code)
    async with conn.transaction():
        locked = await lock_tender(conn, tender_id)
        require_open(locked.tender, locked.now)
        existing = await bid_queries.bid(conn, lot_id, org)
        if existing is None:
            raise BidNotFound("you have no bid in this lot")
        if existing.status is not BidStatus.SUBMITTED:
            raise BidNotSubmitted("the bid is already withdrawn")
        head = await _chain_head(conn, existing)
        if (stmt.bid_version, stmt.submit_sha256) != (existing.version, head):
            raise BidVersionConflict(f"the standing version is {existing.version} ({head})")
        rec = _Recording(
            tender=locked.tender, lot=lot, lot_id=lot_id, bidder_id=org, bidder=bidder,
            existing=existing,
            kind=VersionKind.WITHDRAW, version=existing.version + 1, signed=signed,
            signer_sha256=signer_sha256, parts=(), upload_ids=(),
            consortium=existing.consortium,
        )  # fmt: skip
        version = await _record(conn, actor, rec, locked.now, sub)
    return await receipt_for(conn, version, sub)


async def _record(
    conn: asyncpg.Connection, actor: Actor, rec: _Recording, now: object, sub: Submission
) -> BidVersion:
    status = BidStatus.SUBMITTED if rec.kind is VersionKind.SUBMIT else BidStatus.WITHDRAWN
    if rec.existing is None:
        bid = await bid_queries.insert_bid(
            conn,
            tender_id=rec.tender.id,
            lot_id=rec.lot_id,
            bidder_id=rec.bidder_id,
            consortium=rec.consortium,
            salt=new_salt(),
        )
    else:
        bid = rec.existing
        await bid_queries.update_bid(conn, bid.id, status, rec.version, rec.consortium)
    statement_sha256 = _sha256(rec.signed.body)
    data = {
        "lot": rec.lot,
        "version": rec.version,
        "statement_sha256": statement_sha256,
        "parts": [{"label": p.label, "sha256": p.sha256, "size": p.size} for p in rec.parts],
        "bidder": commit(rec.bidder, bid.bidder_salt),
    }
    kind = BidEvent.SUBMITTED if rec.kind is VersionKind.SUBMIT else BidEvent.WITHDRAWN
    entry = LogEntry(
        kind=kind,
        time=await queries.database_now(conn),
        actor=HIDDEN_BIDDER,
        subject=Subject(type="tender", id=str(rec.tender.id)),
        data=data,
        commitments=("bidder",),
    )
    index = await audit.append(conn, entry)
    assert rec.tender.code is not None
    fields = receipt_json(
        tender_code=rec.tender.code, tender_id=str(rec.tender.id), lot=rec.lot,
        bidder=rec.bidder, version=rec.version, kind=rec.kind, parts=rec.parts,
        statement_sha256=statement_sha256, received_at=now, log_index=index,  # type: ignore[arg-type]
    )  # fmt: skip
    body = receipt_bytes(fields)
    version = BidVersion(
        bid_id=bid.id, version=rec.version, kind=rec.kind, statement=rec.signed.body,
        signature=rec.signed.signature, statement_sha256=statement_sha256,
        received_at=now, log_index=index, receipt=body,  # type: ignore[arg-type]
        receipt_signature=sub.signer.sign(body), parts=rec.parts,
    )  # fmt: skip
    await bid_queries.insert_version(
        conn, version, signer_cert_sha256=rec.signer_sha256,
        submitted_by=actor.user_id, upload_ids=rec.upload_ids,
    )  # fmt: skip
    return version


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- receipts and reads -----------------------------------------------------------------------


async def receipt_for(conn: asyncpg.Connection, version: BidVersion, sub: Submission) -> Receipt:
    """The receipt with a checkpoint covering its entry (signed now if none does yet)."""
    latest = await audit_queries.latest_checkpoint(conn)
    if latest is None or latest.size <= version.log_index:
        async with conn.transaction():
            await audit.sign_new_checkpoint(conn, sub.log_identity)
        latest = await audit_queries.latest_checkpoint(conn)
    entry = (await audit.entries(conn, version.log_index, version.log_index + 1))[0][1]
    if latest is None or latest.size <= version.log_index:
        return Receipt(
            version=version, checkpoint=None, tree_size=None, inclusion_proof=(), entry=entry
        )
    proof = await audit.inclusion_proof(conn, version.log_index, latest.size)
    note = await audit.current_checkpoint(conn)
    return Receipt(
        version=version,
        checkpoint=note,
        tree_size=latest.size,
        inclusion_proof=tuple(proof),
        entry=entry,
    )


async def my_bid(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID, lot: str
) -> tuple[Bid, list[BidVersion]]:
    """The actor's organisation's bid in a lot with every version."""
    org = bidder_of(actor)
    lot_id = lot_id_of(await load(conn, tender_id), lot)
    found = await bid_queries.bid(conn, lot_id, org)
    if found is None:
        raise BidNotFound("you have no bid in this lot")
    return found, await bid_queries.versions(conn, found.id)


async def my_receipt(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID, lot: str, version: int, sub: Submission
) -> Receipt:
    """One version's receipt, with a current checkpoint and proof."""
    _, versions = await my_bid(conn, actor, tender_id, lot)
    chosen = next((v for v in versions if v.version == version), None)
    if chosen is None:
        raise BidNotFound(f"your bid has no version {version}")
    return await receipt_for(conn, chosen, sub)
