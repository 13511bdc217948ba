"""The opening record of a lot's stage: assembled once every part settled, signed, published.

DESIGN.md, "Opening": no price before every bid of the lot has opened or failed; the
record then lists each bid's parts, outcome, cause and opened fields, is signed by
the platform (tender/opening/record.py holds its bytes) and its hash is logged in
the transaction that stores it. Once published it is public and never changes.
"""

from __future__ import annotations

from uuid import UUID

import asyncpg

from accounts.organisations import service as organisations
from audit import service as audit
from tender.errors import LotNotFound
from tender.lifecycle import PLATFORM, load
from tender.opening import queries as opening_queries
from tender.opening.lot import Opening, OpeningEvent, OpeningLot, log_event, stage_parts
from tender.opening.model import (
    MIN_BIDS_TO_OPEN,
    Cause,
    LotBelowMinimumBids,
    OpeningError,
    Outcome,
    lot_settled,
)
from tender.opening.queries import StoredResult
from tender.opening.record import OpeningRecord, RecordEntry, SignedRecord, sign_record
from tender.submission import queries as bid_queries
from tender.submission.model import FreezeEntry


class OpeningRecordNotFound(OpeningError):
    """No record is published for this lot yet."""

    code = "opening_record_not_found"
    status = 404


async def stored_record(
    conn: asyncpg.Connection, lot: OpeningLot, stage: str
) -> SignedRecord | None:
    """The lot's published record of ``stage``, if there is one."""
    found = await opening_queries.record(conn, lot.tender.id, lot.lot_id, stage)
    return None if found is None else SignedRecord(body=found[0], signature=found[1])


async def published_record(conn: asyncpg.Connection, lot: OpeningLot, stage: str) -> SignedRecord:
    """The lot's published record of ``stage`` (refused while there is none)."""
    found = await stored_record(conn, lot, stage)
    if found is None:
        raise OpeningRecordNotFound(f"lot {lot.lot} has no published opening record yet")
    return found


async def opening_record(
    conn: asyncpg.Connection, tender_id: UUID, lot: str, stage: str = "main"
) -> SignedRecord:
    """The published record of a lot (public once published)."""
    tender = await load(conn, tender_id)
    lot_id = tender.lot_id(lot)
    if lot_id is None:
        raise LotNotFound(f"the tender has no lot {lot!r}")
    found = await opening_queries.record(conn, tender_id, lot_id, stage)
    if found is None:
        raise OpeningRecordNotFound(f"lot {lot} has no published opening record yet")
    return SignedRecord(body=found[0], signature=found[1])


async def publish_if_settled(
    conn: asyncpg.Connection,
    opening: Opening,
    lot: OpeningLot,
    stage: str,
    results: dict[tuple[UUID, str], StoredResult],
) -> SignedRecord | None:
    """The stage's record: read back if published, else signed, logged and stored
    once every part has settled (None while some part is pending)."""
    existing = await stored_record(conn, lot, stage)
    if existing is not None:
        return existing
    record = await _build_record(conn, lot, stage, results)
    return None if record is None else await _publish(conn, opening, lot, record)


async def _publish(
    conn: asyncpg.Connection, opening: Opening, lot: OpeningLot, record: OpeningRecord
) -> SignedRecord:
    """Sign the record, log its hash and store it, in the caller's transaction."""
    stage = record.part
    signed = sign_record(record, opening.signer)
    # The record speaks for the stage's queued entries (releases, settled parts): they
    # are integrated first, in this transaction under the lot's lock, so the record's
    # entry follows every one of them, as the freeze follows its bids (audit-log.md §2.2).
    await audit.integrate(conn)
    index = await log_event(
        conn,
        OpeningEvent.RECORD_PUBLISHED,
        lot,
        actor=PLATFORM,
        data={"lot": lot.lot, "part": stage, "record_sha256": signed.sha256},
    )
    await opening_queries.insert_record(
        conn,
        lot.lot_id,
        lot.tender.id,
        stage,
        signed.body,
        signed.signature,
        signed.sha256,
        index,
        lot.now,
    )
    return signed


async def _build_record(
    conn: asyncpg.Connection,
    lot: OpeningLot,
    stage: str,
    results: dict[tuple[UUID, str], StoredResult],
) -> OpeningRecord | None:
    keys = [(e, label) for e in lot.frozen for label, _ in stage_parts(lot, e, stage)]
    enough = len(lot.frozen) >= MIN_BIDS_TO_OPEN
    outcomes = [
        Outcome(results[(e.bid_id, p)].outcome) if (e.bid_id, p) in results else Outcome.PENDING
        for e, p in keys
    ]
    if enough and not lot_settled(outcomes):
        return None  # DESIGN.md "Opening": no price before every bid has opened or failed
    entries = (
        [await _entry_for_record(conn, e, results[(e.bid_id, p)]) for e, p in keys]
        if enough
        else []
    )
    releases = await opening_queries.releases(conn, lot.lot_id)
    assert lot.tender.code is not None
    return OpeningRecord(
        tender_id=str(lot.tender.id),
        tender_code=lot.tender.code,
        title=lot.tender.content.title,
        lot=lot.lot,
        part=stage,
        deadline=lot.committee.deadline,
        settled_at=lot.now,
        policy=str(lot.tender.content.opening_policy),
        committee_fingerprint=lot.committee.fingerprint_hex,
        freeze_list_sha256=lot.freeze_sha256,
        officials_released=tuple(sorted({r.x for r in releases if r.part == stage})),
        entries=tuple(entries),
        not_opened_reason=None if enough else LotBelowMinimumBids.code,
    )


async def _entry_for_record(
    conn: asyncpg.Connection, entry: FreezeEntry, result: StoredResult
) -> RecordEntry:
    organisation = await organisations.get_organisation(conn, entry.bidder_id)
    versions = await bid_queries.versions(conn, entry.bid_id)
    received = next(v.received_at for v in versions if v.version == entry.version)
    return RecordEntry(
        bidder=entry.bidder_credit_code,
        bidder_name=organisation.name,
        consortium=entry.consortium,
        version=entry.version,
        received_at=received,
        parts={p.label: p.sha256 for p in entry.parts},
        outcome=Outcome(result.outcome),
        cause=Cause(result.cause) if result.cause else None,
        opened_by=result.opened_by or "",
        fields=result.fields,
    )
