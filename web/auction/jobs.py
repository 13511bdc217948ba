"""Background job of the auction: end the countdowns that ran out and tell their rooms.

docs/formats/auction.md §2 and §6.1: a countdown whose end has passed is ``ended`` for
every reader from that instant, whether or not anything was written; this job writes it
and appends ``auction.ended`` to the room, so a room where nobody bids any more still
hears the end. Each auction is ended under its row lock by the database clock
(listing.auction.service.end_if_due), once, however many processes run the job.
Interval: ``ETENDER_POLICY_AUCTION_JOB_SECONDS`` (default 1).
"""

from __future__ import annotations

import logging

from starlette.applications import Starlette

from listing.auction.service import end_due
from web.background import Job
from web.db.database import acquire
from web.services import services

log = logging.getLogger(__name__)


async def end_countdowns(app: Starlette) -> None:
    """End every countdown past its end and tell its room (``auction.ended``)."""
    async with acquire(services(app).pools.main) as conn:
        ended = await end_due(conn)
    if ended:
        log.info("auction.end_job", extra={"auctions": ended})


JOBS = (Job("auction-end", end_countdowns, lambda s: s.auction_job_seconds),)
