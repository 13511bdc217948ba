"""Background job of the opening: settle lots whose decryption window has closed.

DESIGN.md, "Opening": once a stage's window closes, every part still without a key
fails (``window_closed``) and the record is published, whether or not the host is in
the hall. The job does what the hall's ``advance`` command does
(tender/opening/session.py) and tells the hall the same events. One process runs it at a
time (an advisory lock); each lot is settled under its tender's row lock
(tender.opening_progress.advance), and a lot already settled only has its record
read back, so a second run changes nothing. Which windows closed is decided by the
database clock. Interval: ``ETENDER_POLICY_OPENING_JOB_SECONDS`` (default 10).
"""

from __future__ import annotations

import datetime as dt
import logging
from uuid import UUID

import asyncpg
from starlette.applications import Starlette

from tender import queries
from tender.errors import TenderError
from tender.lifecycle import load
from tender.opening import queries as opening_queries
from tender.opening import session as live_opening
from tender.opening.lot import Opening
from tender.opening.progress import LotProgress, advance
from web.background import Job
from web.db.database import acquire
from web.services import services

log = logging.getLogger(__name__)


async def closed_lots(conn: asyncpg.Connection, limit: int = 50) -> list[tuple[UUID, str]]:
    """(tender, lot) of unsettled frozen lots whose current window has closed."""
    now = await queries.database_now(conn)
    found = []
    for row in await opening_queries.unsettled_frozen_lots(conn, limit):
        tender = await load(conn, row["tender_id"])
        start: dt.datetime | None = row["commercial_from"] or tender.deadline
        minutes = dt.timedelta(minutes=tender.content.schedule.decryption_minutes)
        if start is not None and now >= start + minutes:
            found.append((tender.id, str(row["number"])))
    return found


async def settle_lot(
    conn: asyncpg.Connection, tender_id: UUID, lot: str, opening: Opening
) -> LotProgress:
    """Advance one lot as the host would, and tell its hall (status, record once)."""
    done = await advance(conn, tender_id, lot, opening=opening)
    await live_opening.publish(conn, tender_id, lot, done)
    return done


async def settle_closed_windows(app: Starlette) -> None:
    """Settle every lot whose decryption window closed without the host advancing it."""
    async with acquire(services(app).pools.main) as conn:
        # A session lock, so each lot keeps its own short transaction (advance's).
        if not await opening_queries.try_settle_lock(conn):
            return
        try:
            due = await closed_lots(conn)
            # Built only when needed: a platform without a trust store has nothing to open.
            opening = services(app).opening() if due else None
            settled = [
                f"{tender_id}/{lot}"
                for tender_id, lot in due
                if opening is not None and await _settle_logged(conn, tender_id, lot, opening)
            ]
        finally:
            await opening_queries.release_settle_lock(conn)
        missed = await announce_missed(conn)
    if settled or missed:
        log.info("opening.settle_job", extra={"lots": settled, "announced": missed})


# A record is committed before its hall hears of it (a live event is its own
# transaction); if the process stops in between, the next run announces it (唱标).
ANNOUNCE_WINDOW_SECONDS = 3600.0


async def announce_missed(conn: asyncpg.Connection) -> list[str]:
    """Announce in their halls the records of the last hour that were not announced."""
    done = []
    for tender_id, lot, body in await opening_queries.recent_records(conn, ANNOUNCE_WINDOW_SECONDS):
        if await live_opening.announce_record(conn, tender_id, lot, body.decode()):
            done.append(f"{tender_id}/{lot}")
    return done


async def _settle_logged(
    conn: asyncpg.Connection, tender_id: UUID, lot: str, opening: Opening
) -> bool:
    # One lot refusing (a missing blob, a broken roster) must not hold the others back.
    try:
        done = await settle_lot(conn, tender_id, lot, opening)
    except TenderError:
        log.exception("opening.settle_failed", extra={"tender": str(tender_id), "lot": lot})
        return False
    return done.record is not None


JOBS = (Job("opening-settle", settle_closed_windows, lambda s: s.opening_job_seconds),)
