"""What each reader sees of a listing (issue 18: numbers only until the end).

The notice and, once decided, the result are public. Bidders appear by number only to
other bidders, the seller and the public until the decision; the centre (which checks
qualification) and supervisors see names throughout (listing/access.py). A bidder sees
its own registration in full. The reserve is shown only once opened at the decision.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from uuid import UUID

import asyncpg

from accounts.errors import PermissionDenied
from accounts.model import Actor
from listing import access, queries
from listing.errors import ListingBidderNotFound
from listing.model import Listing, Phase, Qualification, Registration
from listing.service import require


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class BidderView:
    """One bidder as a reader sees it: the number always, the organisation if entitled."""

    number: str | None
    organisation_id: UUID | None
    qualification: Qualification | None


async def listing(conn: asyncpg.Connection, listing_id: UUID) -> Listing:
    """A listing's public notice and result (``listing_not_found`` if none)."""
    return await require(conn, listing_id)


async def public(conn: asyncpg.Connection) -> list[Listing]:
    """Every published listing, newest first."""
    return await queries.public_listings(conn)


async def bidders(
    conn: asyncpg.Connection, actor: Actor | None, listing_id: UUID
) -> list[BidderView]:
    """The bidders of a listing as ``actor`` (None: the public) may see them."""
    found = await require(conn, listing_id)
    everyone = await queries.bidders(conn, found.id)
    if access.sees_names(actor, found):
        return [
            BidderView(number=b.number, organisation_id=b.organisation_id,
                       qualification=b.qualification)
            for b in everyone
        ]  # fmt: skip
    # Numbers only, and only of qualified bidders: a pending or refused registration
    # would otherwise reveal that some organisation applied.
    return sorted(
        (
            BidderView(number=b.number, organisation_id=None, qualification=None)
            for b in everyone
            if b.qualification is Qualification.QUALIFIED
        ),
        key=lambda v: v.number or "",
    )


async def own_registration(
    conn: asyncpg.Connection, actor: Actor, listing_id: UUID
) -> Registration:
    """The actor's organisation's own registration on a listing."""
    access.bidder(actor, "read_listing_registration")
    found = await require(conn, listing_id)
    mine = await queries.bidder_of(conn, found.id, actor.organisation_id)
    if mine is None:
        raise ListingBidderNotFound("your organisation has not registered for this listing")
    return mine


def reserve_shown(found: Listing) -> int | None:
    """The reserve once opened at the decision; never before."""
    return found.reserve_fen if found.decided_at is not None else None


async def registrations(
    conn: asyncpg.Connection, actor: Actor, listing_id: UUID
) -> list[Registration]:
    """Every registration with its organisation: the centre and supervisors only."""
    found = await require(conn, listing_id)
    if not access.names_reader(actor, found):
        access.centre(actor, found, "read_listing_registrations")  # raises permission_denied
    return await queries.bidders(conn, found.id)


async def winner_of(conn: asyncpg.Connection, found: Listing) -> UUID | None:
    """The winning organisation once decided (names are public after the end)."""
    if found.decided_at is None or found.winner_number is None:
        return None
    for registration in await queries.bidders(conn, found.id):
        if registration.number == found.winner_number:
            return registration.organisation_id
    return None


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class ReserveView:
    """What the seller's and the officials' clients need: the committee file, and the
    sealed reserve (the seller's own at any time; an official's once the listing ended)."""

    committee: bytes
    sealed: bytes | None


async def reserve_for(
    conn: asyncpg.Connection, actor: Actor, listing_id: UUID, *, now: datetime
) -> ReserveView:
    """The seller or an official of the listing's committee; anyone else is refused."""
    found = await require(conn, listing_id)
    try:
        access.seller(actor, found, "read_listing_reserve")
        ended = True  # the seller sealed it: it may read back what it sent
    except PermissionDenied:
        access.official_seat(actor, found, "read_listing_reserve")
        # An official unwraps its share at the end only (docs/api-listing.md, step 7).
        ended = found.phase(now) is Phase.ENDED
    sealed = await queries.reserve(conn, found.id) if ended else None
    return ReserveView(committee=found.committee, sealed=sealed)
