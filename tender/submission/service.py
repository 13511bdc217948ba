"""Use cases of a bid version: submit, withdraw, receipts and the bidder's reads.

DESIGN.md, "Submission, receipt, freeze", and docs/formats/upload.md §3–§4: a bid
version is recorded by the bidder's CMS-signed statement naming complete parts; the
database clock under the tender's row lock decides lateness; its log entry is queued in
the same transaction, and the receipt (signed, with the log index the entry gets when
the log integrates it) is issued right after (receipting.py). Who bid stays secret until the
deadline: the log names the bidder by a salted commitment and no user id or address
(the freeze list reveals it).
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

import asyncpg

from accounts.model import Actor
from accounts.organisations import service as organisations
from audit import service as audit
from signing.log.entry import Actor as LogActor
from signing.log.entry import LogEntry, Subject, commit, new_salt
from signing.statements.base import SignedStatement
from signing.statements.bid import SubmitStatement, WithdrawStatement, statement_commitment
from tender import queries
from tender.committee import service as committee
from tender.lifecycle import load, lock_tender
from tender.model import Tender
from tender.submission import invited, receipting, upload_queries
from tender.submission import queries as bid_queries
from tender.submission.context import Receipt, Submission, bidder_of, lot_id_of, require_open
from tender.submission.model import (
    Bid,
    BidDuplicate,
    BidEvent,
    BidNotFound,
    BidNotSubmitted,
    BidPart,
    BidStatus,
    BidVersion,
    BidVersionConflict,
    PartNotUploaded,
    StatementMismatch,
    VersionKind,
)
from tender.submission.receipting import receipt_for
from tender.submission.receipts import PendingVersion
from tender.submission.signers import check_consortium, check_countersignatures, verify_signed

log = logging.getLogger(__name__)

# The log must not say who bid before the deadline: no user id, no address.
HIDDEN_BIDDER = LogActor(user_id=None, role="bidder")
# The data format of a version's entry (docs/formats/upload.md §5): 2 commits to the
# statement's hash (`statement`); entries logged before carry no `format` and the plain
# hash (`statement_sha256`), and stay as they are (the log is append-only).
ENTRY_FORMAT = 2


# --- statements (who may sign: tender/submission/signers.py) -------------------------------------


def _check_names(
    tender: Tender, lot: str, bidder: str, stmt: SubmitStatement | WithdrawStatement
) -> None:
    if (stmt.tender, stmt.lot, stmt.bidder) != (tender.code, lot, bidder):
        raise StatementMismatch("the statement names another tender, lot or bidder")


async def _parts(
    conn: asyncpg.Connection, tender: Tender, lot_id: UUID, org: UUID, stmt: SubmitStatement
) -> tuple[list[BidPart], list[UUID]]:
    if sorted(p.label for p in stmt.parts) != sorted(tender.content.parts):
        raise StatementMismatch(f"a bid has the parts {', '.join(tender.content.parts)}")
    parts, ids = [], []
    for p in sorted(stmt.parts, key=lambda item: item.label):
        found = await upload_queries.complete_upload_for(conn, lot_id, org, p.label, p.sha256)
        if found is None:
            raise PartNotUploaded(f"no complete upload of part {p.label} has hash {p.sha256}")
        parts.append(BidPart(label=p.label, sha256=p.sha256, size=found.declared_size))
        ids.append(found.id)
    return parts, ids


async def _chain_head(conn: asyncpg.Connection, existing: Bid | None) -> str | None:
    if existing is None:
        return None
    return await bid_queries.chain_head(conn, existing.id)


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


async def _who_and_where(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID, lot: str
) -> tuple[UUID, str, Tender, UUID, datetime]:
    """The bidder (id, credit code), the tender and lot, and the database clock now."""
    org = bidder_of(actor)
    bidder = (await organisations.get_organisation(conn, org)).credit_code
    tender = await load(conn, tender_id)
    return org, bidder, tender, lot_id_of(tender, lot), await queries.database_now(conn)


async def submit_bid(
    conn: asyncpg.Connection,
    actor: Actor,
    tender_id: UUID,
    lot: str,
    signed: SignedStatement,
    *,
    consortium: Sequence[str] | None = None,
    countersignatures: Sequence[bytes] = (),
    sub: Submission,
) -> Receipt:
    """Record a bid version from its signed submit statement and the consortium members'
    countersignatures over it; returns its receipt.

    ``consortium`` (the request body's old unsigned field) may only repeat what the
    statement names; the signed statement decides.
    """
    org, bidder, tender, lot_id, now = await _who_and_where(conn, actor, tender_id, lot)
    await invited.require_invited(conn, tender_id, org)  # procurement projects (issue 18)
    trust = sub.setup.trust
    stmt, signer_sha256 = await verify_signed(conn, signed, trust, now, SubmitStatement, bidder)
    _check_names(tender, lot, bidder, stmt)
    members = check_consortium(tender, stmt.consortium, bidder)
    if consortium is not None and sorted(consortium) != list(stmt.consortium):
        raise StatementMismatch("the consortium differs from the one the statement names")
    await check_countersignatures(conn, stmt, signed.body, countersignatures, trust, now)
    parts, upload_ids = await _parts(conn, tender, lot_id, org, stmt)
    async with conn.transaction():
        locked = await lock_tender(conn, tender_id)
        require_open(locked.tender, locked.now)
        existing, expected = await _next_version(conn, lot_id, org, stmt)
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
    return await _receipt_after_integration(conn, version, sub)


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
    org, bidder, tender, lot_id, now = await _who_and_where(conn, actor, tender_id, lot)
    trust = sub.setup.trust
    stmt, signer_sha256 = await verify_signed(conn, signed, trust, now, WithdrawStatement, bidder)
    _check_names(tender, lot, bidder, stmt)
    async with conn.transaction():
        locked = await lock_tender(conn, tender_id)
        require_open(locked.tender, locked.now)
        existing = await _standing(conn, lot_id, org, stmt)
        rec = _Recording(
            tender=locked.tender, lot=lot, lot_id=lot_id, bidder_id=org, bidder=bidder,
            existing=existing,
            kind=VersionKind.WITHDRAW, version=existing.version + 1, signed=signed,
            signer_sha256=signer_sha256, parts=(), upload_ids=(),
            consortium=existing.consortium,
        )  # fmt: skip
        version = await _record(conn, actor, rec, locked.now, sub)
    return await _receipt_after_integration(conn, version, sub)


async def _next_version(
    conn: asyncpg.Connection, lot_id: UUID, org: UUID, stmt: SubmitStatement
) -> tuple[Bid | None, int]:
    """The bid (if any) and the version a submit statement must carry (under the lock)."""
    existing = await bid_queries.bid(conn, lot_id, org)
    if existing is not None and stmt.bid_version == 1:
        raise BidDuplicate("you already bid in this lot: submit the next version instead")
    expected = 1 if existing is None else existing.version + 1
    head = await _chain_head(conn, existing)
    if (stmt.bid_version, stmt.previous) != (expected, head):
        raise BidVersionConflict(f"the next version is {expected}, chained to {head}")
    return existing, expected


async def _standing(
    conn: asyncpg.Connection, lot_id: UUID, org: UUID, stmt: WithdrawStatement
) -> Bid:
    """The submitted bid a withdraw statement names by its version and hash (under the lock)."""
    existing = await bid_queries.bid(conn, lot_id, org)
    if existing is None:
        raise BidNotFound("you have no bid in this lot")
    if existing.status is not BidStatus.SUBMITTED:
        raise BidNotSubmitted("the bid is already withdrawn")
    head = await _chain_head(conn, existing)
    if (stmt.bid_version, stmt.submit_sha256) != (existing.version, head):
        raise BidVersionConflict(f"the standing version is {existing.version} ({head})")
    return existing


async def _record(
    conn: asyncpg.Connection, actor: Actor, rec: _Recording, now: datetime, sub: Submission
) -> PendingVersion:
    bid = await _store_bid(conn, rec)
    statement_sha256 = _sha256(rec.signed.body)
    # A fresh salt for this version's commitment (docs/audit-log.md §1.2): the log does
    # not tell which versions are one bidder's before the freeze reveals them (§5).
    salt = new_salt()
    version = PendingVersion(
        bid_id=bid.id, version=rec.version, kind=rec.kind, statement=rec.signed.body,
        signature=rec.signed.signature, statement_sha256=statement_sha256, received_at=now,
        log_queued=await _log(conn, rec, salt, statement_sha256), parts=rec.parts,
        bidder_salt=salt,
    )  # fmt: skip
    await bid_queries.insert_version(
        conn, version, signer_cert_sha256=rec.signer_sha256,
        submitted_by=actor.user_id, upload_ids=rec.upload_ids,
    )  # fmt: skip
    return version


async def _receipt_after_integration(
    conn: asyncpg.Connection, version: PendingVersion, sub: Submission
) -> Receipt:
    """Wait for the version's entry to be integrated, then sign its receipt (receipting.py)."""
    await receipting.issue_pending(conn, sub, bid_id=version.bid_id)
    return await receipt_for(
        conn, await receipting.issued(conn, version.bid_id, version.version), sub
    )


async def _store_bid(conn: asyncpg.Connection, rec: _Recording) -> Bid:
    if rec.existing is None:
        return await bid_queries.insert_bid(
            conn,
            tender_id=rec.tender.id,
            lot_id=rec.lot_id,
            bidder_id=rec.bidder_id,
            consortium=rec.consortium,
            salt=new_salt(),
        )
    status = BidStatus.SUBMITTED if rec.kind is VersionKind.SUBMIT else BidStatus.WITHDRAWN
    await bid_queries.update_bid(conn, rec.existing.id, status, rec.version, rec.consortium)
    return rec.existing


async def _log(
    conn: asyncpg.Connection, rec: _Recording, salt: bytes, statement_sha256: str
) -> int:
    """Queue the version's log entry (its queue id): the bidder and the statement's hash
    only as salted commitments (§5), under the version's own salt.

    Not the statement's plain hash: every field of the statement but the bidder is in
    the entry or public, and credit codes can be listed, so a reader could hash each
    candidate and name the bidder (the outside tester's finding 1, session 15). The
    freeze list reveals the salt and the hash together (upload.md §5).
    """
    data = {
        "format": ENTRY_FORMAT,
        "lot": rec.lot,
        "version": rec.version,
        "statement": statement_commitment(statement_sha256, salt),
        "parts": [{"label": p.label, "sha256": p.sha256, "size": p.size} for p in rec.parts],
        "bidder": commit(rec.bidder, salt),
    }
    entry = LogEntry(
        kind=BidEvent.SUBMITTED if rec.kind is VersionKind.SUBMIT else BidEvent.WITHDRAWN,
        time=await queries.database_now(conn),
        actor=HIDDEN_BIDDER,
        subject=Subject(type="tender", id=str(rec.tender.id)),
        data=data,
        commitments=("bidder", "statement"),
    )
    return await audit.queue(conn, entry)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- receipts and reads -----------------------------------------------------------------------


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


async def my_issued_bid(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID, lot: str, sub: Submission
) -> tuple[Bid, list[BidVersion]]:
    """``my_bid`` after issuing any receipt still waiting for its entry's integration."""
    found, _ = await my_bid(conn, actor, tender_id, lot)
    await receipting.issue_pending(conn, sub, bid_id=found.id)
    return found, await bid_queries.versions(conn, found.id)


async def my_receipt(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID, lot: str, version: int, sub: Submission
) -> Receipt:
    """One version's receipt, with a current checkpoint and proof."""
    _, versions = await my_issued_bid(conn, actor, tender_id, lot, sub)
    chosen = next((v for v in versions if v.version == version), None)
    if chosen is None:
        raise BidNotFound(f"your bid has no version {version}")
    return await receipt_for(conn, chosen, sub)
