"""Keys to the frozen parts: officials release their shares, bidders self-decrypt.

DESIGN.md, "Opening"; EBM 23–27. After the deadline and within the stage's
decryption window, each official of the lot's committee releases its share of every
frozen part (checked against the share's commitment in the part's header), and a
bidder may instead send its own file key (checked on the header MAC). Each release
or key is stored and logged in the transaction that checks it; the lot then
advances (tender/opening/progress.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from uuid import UUID

import asyncpg

from accounts.model import Actor
from accounts.permissions import Action, Resource, ResourceKind, require
from signing.committee import Committee
from tender.opening import queries as opening_queries
from tender.opening.lot import (
    Opening,
    OpeningEvent,
    OpeningLot,
    PartNotFrozen,
    check_time,
    claimed_share,
    frozen_sha256,
    locked_lot,
    log_actor,
    own_entry,
    part_header,
    queue_event,
    stage_of,
)
from tender.opening.model import (
    ShareReleaseInvalid,
    check_lot_opens,
    check_released_share,
    check_self_key,
)
from tender.opening.progress import LotProgress, advance
from tender.opening.queries import Release
from tender.submission.model import FreezeEntry


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True, repr=False)
class ShareRelease:
    """One part's release as the official's client sends it."""

    bid_id: UUID
    part: str
    share: bytes | None = None
    revealed_secret: bytes | None = None
    x: int | None = None  # the client's idea of its seat; must match the roster


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class ReleaseBatch:
    """What an official's client needs for one lot: committee, freeze list, parts."""

    tender_code: str
    lot: str
    committee: Committee
    entries: tuple[FreezeEntry, ...]
    commercial_open: bool = False
    commercial_bids: frozenset[UUID] | None = None  # None: every bid's (see OpeningLot)


def _seat_x(lot: OpeningLot, actor: Actor) -> int:
    """The actor's x on the lot's committee (accounts.permissions, OPENING_COMMITTEE)."""
    require(
        actor,
        Action.RELEASE_SHARE,
        Resource(kind=ResourceKind.OPENING, opening_committee=lot.roster.user_ids),
    )
    return next(s.x for s in lot.roster.seats if s.user_id == actor.user_id)


async def release_shares(
    conn: asyncpg.Connection,
    actor: Actor,
    tender_id: UUID,
    lot: str,
    releases: Sequence[ShareRelease],
    *,
    opening: Opening,
) -> LotProgress:
    """An official releases its shares of the lot's frozen parts (after the deadline)."""
    async with conn.transaction():
        found = await locked_lot(conn, tender_id, lot)
        for stage in {r.part for r in releases} or {stage_of(found)}:
            check_time(found, stage)
        x = _seat_x(found, actor)
        check_lot_opens(len(found.frozen))
        for item in releases:
            await _store_release(conn, opening, found, actor, x, item)
        await queue_event(
            conn,
            OpeningEvent.SHARES_RELEASED,
            found,
            actor=log_actor(actor, "opening_official"),
            address=actor.address,
            data={"lot": lot, "x": x, "parts": [f"{r.bid_id}/{r.part}" for r in releases]},
        )
    return await advance(conn, tender_id, lot, opening=opening)


async def _store_release(
    conn: asyncpg.Connection,
    opening: Opening,
    found: OpeningLot,
    actor: Actor,
    x: int,
    item: ShareRelease,
) -> None:
    """Check one release against its part's header and store it."""
    if item.x not in (None, x):
        raise ShareReleaseInvalid(f"your seat is x={x}, the release says x={item.x}")
    header = await part_header(opening.store, frozen_sha256(found, item.bid_id, item.part))
    claimed = claimed_share(x, item.share, item.revealed_secret)
    check_released_share(  # a share for another x or of the wrong size: refused
        header, claimed, fingerprint=found.committee.fingerprint, part=item.part
    )
    stored = Release(
        bid_id=item.bid_id,
        part=item.part,
        x=x,
        share=item.share,
        revealed_secret=item.revealed_secret,
    )
    await opening_queries.insert_release(conn, stored, actor.user_id, found.now)


async def submit_self_key(
    conn: asyncpg.Connection,
    actor: Actor,
    tender_id: UUID,
    lot: str,
    part: str,
    file_key: bytes,
    *,
    opening: Opening,
) -> LotProgress:
    """A bidder self-decrypts within the window: its key, checked on the header MAC."""
    async with conn.transaction():
        found = await locked_lot(conn, tender_id, lot)
        check_time(found, part)
        entry = own_entry(found, actor)
        sha256 = frozen_sha256(found, entry.bid_id, part)
        check_self_key(await part_header(opening.store, sha256), file_key)
        await opening_queries.insert_self_key(
            conn, entry.bid_id, part, file_key, actor.user_id, found.now
        )
        await queue_event(
            conn,
            OpeningEvent.KEY_SUBMITTED,
            found,
            actor=log_actor(actor, "bidder"),
            data={"lot": lot, "bid_id": str(entry.bid_id), "part": part},
        )
    return await advance(conn, tender_id, lot, opening=opening)


async def release_batch(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID, lot: str
) -> ReleaseBatch:
    """The frozen lot for an official of its committee (the client checks it again)."""
    async with conn.transaction():
        found = await locked_lot(conn, tender_id, lot)
        _seat_x(found, actor)
    assert found.tender.code is not None
    return ReleaseBatch(
        tender_code=found.tender.code,
        lot=lot,
        committee=found.committee,
        entries=found.frozen,
        commercial_open=found.commercial_from is not None,
        commercial_bids=found.commercial_bids,
    )


async def frozen_part_sha256(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID, lot: str, bid_id: UUID, part: str
) -> str:
    """The ciphertext of a frozen part, for an official of the lot's committee only."""
    batch = await release_batch(conn, actor, tender_id, lot)
    for entry in batch.entries:
        for p in entry.parts:
            if (entry.bid_id, p.label) == (bid_id, part):
                return p.sha256
    raise PartNotFrozen(f"bid {bid_id} part {part!r} is not in lot {lot}'s freeze list")
