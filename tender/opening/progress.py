"""A lot's opening moving on: advance each stage, show its progress, open the commercial stage.

DESIGN.md, "Opening". ``advance`` is what every use case ends with and what the host
and the settle job call: under the tender's row lock it settles every part that can
be (tender/opening/decrypt.py) and publishes each stage's record once all its parts
have settled (tender/opening/publication.py). The hall sees each part's outcome and
cause, never a price until the record exists.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from uuid import UUID

import asyncpg

from accounts.model import Actor
from accounts.permissions import Action, require
from tender import access
from tender.lifecycle import load
from tender.opening import queries as opening_queries
from tender.opening.decrypt import settle_parts
from tender.opening.lot import (
    CommercialPartSealed,
    Opening,
    OpeningEvent,
    OpeningLot,
    current_stage,
    locked_lot,
    log_actor,
    queue_event,
    stage_of,
    stage_parts,
)
from tender.opening.model import MIN_BIDS_TO_OPEN, Cause, Outcome
from tender.opening.publication import publish_if_settled, published_record, stored_record
from tender.opening.queries import StoredResult
from tender.opening.record import SignedRecord

# The bids whose commercial parts open, as the evaluation announced them (issue 11, item 6).
PassedBids = Callable[[], Awaitable[frozenset[UUID]]]


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class PartStatus:
    """What the hall shows for one part: no price until the lot settles."""

    bid_id: UUID
    bidder: str
    part: str
    outcome: Outcome
    cause: Cause | None


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class LotProgress:
    """The state of a lot's opening after a use case."""

    statuses: tuple[PartStatus, ...]
    record: SignedRecord | None


async def advance(
    conn: asyncpg.Connection,
    tender_id: UUID,
    lot: str,
    *,
    opening: Opening,
) -> LotProgress:
    """Decide, decrypt and settle every part that can be; publish each stage's record
    when all its parts are settled. Returns the current stage's progress."""
    async with conn.transaction():
        found = await locked_lot(conn, tender_id, lot)
        results = await opening_queries.results(conn, found.lot_id)
        stages = [stage_of(found)] + (["commercial"] if found.commercial_from else [])
        for stage in stages:
            record = await _advance_stage(conn, opening, found, stage, results)
        return LotProgress(statuses=_statuses(found, stages[-1], results), record=record)


async def _advance_stage(
    conn: asyncpg.Connection,
    opening: Opening,
    found: OpeningLot,
    stage: str,
    results: dict[tuple[UUID, str], StoredResult],
) -> SignedRecord | None:
    """Settle what can be of ``stage`` (adding it to ``results``), then its record."""
    if len(found.frozen) >= MIN_BIDS_TO_OPEN and found.now >= found.committee.deadline:
        results.update(await settle_parts(conn, opening, found, stage, set(results)))
    return await publish_if_settled(conn, opening, found, stage, results)


def _statuses(
    lot: OpeningLot, stage: str, results: dict[tuple[UUID, str], StoredResult]
) -> tuple[PartStatus, ...]:
    out = []
    for entry in lot.frozen:
        for label, _ in stage_parts(lot, entry, stage):
            result = results.get((entry.bid_id, label))
            out.append(
                PartStatus(
                    bid_id=entry.bid_id,
                    bidder=entry.bidder_credit_code,
                    part=label,
                    outcome=Outcome(result.outcome) if result else Outcome.PENDING,
                    cause=Cause(result.cause) if result and result.cause else None,
                )
            )
    return tuple(out)


async def progress(
    conn: asyncpg.Connection, tender_id: UUID, lot: str, *, opening: Opening
) -> LotProgress:
    """The lot's statuses and record without deciding anything (for the hall and API)."""
    async with conn.transaction():
        found = await locked_lot(conn, tender_id, lot, lock=False)
        stage = current_stage(found)
        results = await opening_queries.results(conn, found.lot_id)
        record = await stored_record(conn, found, stage)
    return LotProgress(statuses=_statuses(found, stage, results), record=record)


async def frozen_bidders(conn: asyncpg.Connection, tender_id: UUID, lot: str) -> dict[UUID, UUID]:
    """Bid id → bidder organisation of the lot's freeze list (the hall's bond check)."""
    async with conn.transaction():
        found = await locked_lot(conn, tender_id, lot, lock=False)
    return {e.bid_id: e.bidder_id for e in found.frozen}


async def open_commercial_stage(
    conn: asyncpg.Connection,
    actor: Actor,
    tender_id: UUID,
    lot: str,
    *,
    opening: Opening,
    passed: PassedBids,
) -> LotProgress:
    """Two envelopes: the host opens the commercial parts of the bids that passed once
    the technical record is published and the evaluation has announced them (issue 11,
    item 6: the others stay sealed). ``passed`` asks the evaluation (tender does not
    import it; the web layer composes both) after the host, lot and stage are checked;
    a bid not in the lot's freeze list is refused."""
    require(actor, Action.HOST_OPENING, access.resource(await load(conn, tender_id)))
    async with conn.transaction():
        found = await locked_lot(conn, tender_id, lot)
        if stage_of(found) != "technical":
            raise CommercialPartSealed("only a two-envelope tender has a commercial stage")
        await published_record(conn, found, "technical")
        frozen = {e.bid_id for e in found.frozen}
        bids = await passed()
        if not bids or not bids <= frozen:
            raise CommercialPartSealed(
                "name the bids that passed the technical evaluation, from the lot's freeze list"
            )
        await opening_queries.open_commercial(
            conn, found.lot_id, tender_id, actor.user_id, found.now, bids
        )
        await queue_event(
            conn,
            OpeningEvent.COMMERCIAL_OPENED,
            found,
            actor=log_actor(actor, "centre_staff"),
            address=actor.address,
            data={"lot": lot, "bids": sorted(str(b) for b in bids)},
        )
    return await advance(conn, tender_id, lot, opening=opening)
