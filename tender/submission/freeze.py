"""Freeze lists at the deadline: each lot's standing bids fixed, logged and revealed.

DESIGN.md, "Submission, receipt, freeze": at the deadline each lot is frozen and the
log records the freeze list — each bidder's final part hashes. The bidder identities
that the submission entries hid behind salted commitments are revealed here with their
salts, so anyone can match them. From then on the database refuses any change to the
lot's bids (trigger ``bids_frozen``, migration 0030). The background job freezes
tenders whose deadline passed; the opening calls :func:`freeze_tender` too (idempotent).
The freeze raises the lot's collusion alerts (tender/submission/freeze_alerts.py).
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from accounts.model import Actor
from audit import service as audit
from signing.canonical import canonical_json
from signing.log.entry import LogEntry, Subject, commit, format_time
from tender.errors import LotNotFound
from tender.lifecycle import PLATFORM, change_status, load, lock_tender
from tender.model import Tender, TenderStatus
from tender.submission import freeze_alerts
from tender.submission import queries as bid_queries
from tender.submission.context import bidder_of
from tender.submission.model import BidEvent, FreezeEntry, FreezeList, FreezeTooEarly

log = logging.getLogger(__name__)
FREEZE_TYPE = "etender.freeze-list"


Salts = bid_queries.Salts  # (version, salt, statement sha256) of each version, oldest first


def freeze_json(
    tender: Tender, lot: str, frozen_at: datetime, bids: list[tuple[FreezeEntry, Salts]]
) -> dict[str, Any]:
    """The logged freeze list (docs/formats/upload.md §5, "Freeze list")."""
    return {
        "type": FREEZE_TYPE,
        "tender": tender.code,
        "tender_id": str(tender.id),
        "lot": lot,
        "frozen_at": format_time(frozen_at),
        "bids": [
            {
                "bidder": e.bidder_credit_code,
                "consortium": list(e.consortium),
                "version": e.version,
                "parts": [{"label": p.label, "sha256": p.sha256, "size": p.size} for p in e.parts],
                # The salts open the commitments the submission entries carried: each
                # version has its own (docs/audit-log.md §1.2), the final one first.
                **salt_fields(e.bidder_credit_code, e.version, salts),
            }
            for e, salts in bids
        ],
    }


def salt_fields(bidder: str, version: int, salts: Salts) -> dict[str, Any]:
    """``bidder_salt``/``bidder_commitment`` of the final version and ``version_salts`` of
    every version (docs/formats/upload.md §5), each with its statement's hash: the salt
    opens the entry's ``statement`` commitment to it too, so anyone can then check
    entry → statement hash → the signed statement."""
    final = next(salt for v, salt, _ in salts if v == version)
    return {
        "bidder_salt": final.hex(),
        "bidder_commitment": commit(bidder, final),
        "version_salts": [
            {
                "version": v,
                "bidder_salt": salt.hex(),
                "bidder_commitment": commit(bidder, salt),
                "statement_sha256": sha256,
            }
            for v, salt, sha256 in salts
        ],
    }


async def _freeze_lot(
    conn: asyncpg.Connection, tender: Tender, lot: str, lot_id: UUID, now: datetime
) -> None:
    bids = await bid_queries.submitted_bids(conn, lot_id)
    data = freeze_json(tender, lot, now, bids)
    entry = LogEntry(
        kind=BidEvent.FROZEN,
        time=now,
        actor=PLATFORM,
        subject=Subject(type="tender", id=str(tender.id)),
        data=data,
    )
    index = await audit.append(conn, entry)
    await bid_queries.insert_freeze_list(
        conn,
        tender_id=tender.id,
        lot_id=lot_id,
        frozen_at=now,
        log_index=index,
        list_sha256=hashlib.sha256(canonical_json(data)).hexdigest(),
        entries=[e for e, _ in bids],
    )
    # Collusion signs, now that who bid is revealed (Reg. 40, Reg. 37).
    await freeze_alerts.identical_part_alerts(conn, tender.id, lot, lot_id)
    await freeze_alerts.shared_organisation_alerts(conn, tender.id, lot, [e for e, _ in bids])


async def freeze_tender(conn: asyncpg.Connection, tender_id: UUID) -> list[FreezeList]:
    """Freeze every lot of a tender whose deadline has passed (database clock); idempotent.

    Runs under the tender's row lock, so no submission can commit in between: a
    submission that took the lock first is in the list (its log entry integrated before
    the freeze's), one that waited finds the deadline passed. A published tender becomes
    ``bidding_closed`` in the same transaction.
    """
    async with conn.transaction():
        locked = await lock_tender(conn, tender_id)
        tender = locked.tender
        if tender.deadline is None or locked.now < tender.deadline:
            raise FreezeTooEarly("the lot freezes at its deadline")
        # Entries queued for the sequencer (audit.service.queue) by changes that committed
        # before this lock was ours are integrated first, under the head lock the freeze's
        # own entry takes anyway: the freeze list follows every entry it closes off.
        await audit.integrate(conn)
        for lot, lot_id in sorted(tender.lot_ids.items()):
            if await bid_queries.frozen_at(conn, lot_id) is None:
                await _freeze_lot(conn, tender, lot, lot_id, locked.now)
        if tender.status is TenderStatus.PUBLISHED:
            await change_status(
                conn, tender_id, TenderStatus.BIDDING_CLOSED, reason="bid deadline reached"
            )
    log.info("bids.frozen", extra={"tender_id": str(tender_id)})
    return [await _read(conn, tender_id, lot) for lot in sorted(tender.lot_ids)]


async def _read(conn: asyncpg.Connection, tender_id: UUID, lot: str) -> FreezeList:
    found = await freeze_list(conn, tender_id, lot)
    assert found is not None
    return found


async def freeze_list(conn: asyncpg.Connection, tender_id: UUID, lot: str) -> FreezeList | None:
    """A lot's freeze list (None before the freeze). For the opening: no permission check."""
    tender = await load(conn, tender_id)
    lot_id = tender.lot_id(lot)
    if lot_id is None:
        raise LotNotFound(f"the tender has no lot {lot!r}")
    head, entries = await bid_queries.freeze_list(conn, lot_id)
    if head is None:
        return None
    return FreezeList(
        tender_id=tender_id,
        lot_id=lot_id,
        lot=lot,
        frozen_at=head["frozen_at"],
        log_index=head["log_index"],
        list_sha256=head["list_sha256"],
        entries=tuple(entries),
    )


async def my_freeze_entry(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID, lot: str
) -> tuple[FreezeList, FreezeEntry | None, Salts] | None:
    """The freeze list's facts and the actor's organisation's own entry (None if absent)
    with its versions' salts, as the logged list reveals them (upload.md §3.3, §5)."""
    org = bidder_of(actor)
    found = await freeze_list(conn, tender_id, lot)
    if found is None:
        return None
    mine = next((e for e in found.entries if e.bidder_id == org), None)
    if mine is None:
        return found, None, []
    return found, mine, await bid_queries.version_salts(conn, mine.bid_id, mine.version)


async def freeze_due(conn: asyncpg.Connection) -> int:
    """Freeze every tender whose deadline has passed (the background job); returns how many."""
    count = 0
    for tender_id in await bid_queries.due_tenders(conn):
        await freeze_tender(conn, tender_id)
        count += 1
    return count
