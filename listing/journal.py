"""Appending listings' entries to the transparency log, in the caller's transaction.

DESIGN.md, "Architecture": a change and its log entry commit together or not at all.
The entry's time is the database clock (DESIGN.md, "Time"). Bidders appear by number
only until the decision (issue 18: nobody sees who bids until the end); the names behind
the numbers are logged once, in ``listing.decided``. docs/audit-log.md lists the kinds.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

import asyncpg

from accounts.model import Actor
from audit import service as audit
from signing.log.entry import Actor as LogActor
from signing.log.entry import LogEntry, Subject
from tender.lifecycle import PLATFORM, log_address
from tender.queries import database_now


class ListingEvent(enum.StrEnum):
    """Log entry kinds of listings (docs/audit-log.md, "Listings")."""

    PUBLISHED = "listing.published"
    REGISTERED = "listing.bidder_registered"
    DEPOSIT_RECORDED = "listing.deposit_recorded"
    DEPOSIT_CORRECTED = "listing.deposit_corrected"
    QUALIFIED = "listing.bidder_qualified"
    REFUSED = "listing.bidder_refused"
    RESERVE_SEALED = "listing.reserve_sealed"
    GO_ON = "listing.go_on_requested"
    CLOSED = "listing.closed"
    SHARE_RELEASED = "listing.reserve_share_released"
    DECIDED = "listing.decided"
    CONFIRMED = "listing.confirmation_signed"
    CONCLUDED = "listing.concluded"
    DEPOSIT_REFUNDED = "listing.deposit_refunded"


async def append(
    conn: asyncpg.Connection,
    kind: ListingEvent,
    *,
    actor: Actor | None,
    role: object,
    listing_id: object,
    data: Mapping[str, Any],
    bidder_hidden: bool = False,
) -> int:
    """Build and append one entry about a listing; returns its index.

    ``bidder_hidden``: a bidder's own act before the decision (registering, going on) is
    logged with actor ``{"user_id": null, "role": "bidder"}`` and no address, as a drawn
    expert's is (docs/audit-log.md §1.3): the user id, through ``account.user_created``,
    names the organisation, and next to a registration or a number it told a log reader
    who bids (an outside tester's finding). ``listing.decided`` names them all."""
    if bidder_hidden:
        who, address = LogActor(user_id=None, role="bidder"), None
    else:
        who = PLATFORM if actor is None else LogActor(user_id=str(actor.user_id), role=str(role))
        address = log_address(actor.address if actor else None)
    entry = LogEntry(
        kind=str(kind),
        time=await database_now(conn),
        actor=who,
        address=address,
        subject=Subject(type="listing", id=str(listing_id)),
        data=data,
        commitments=(),
    )
    return await audit.append(conn, entry)
