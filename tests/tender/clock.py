"""Time passing for one tender, without racing the wall clock (issue 9, item 19).

A test that needs a moment of a tender's schedule (the clarification cutoff, the bid
deadline) to pass publishes the tender with comfortable periods, does its work, and
then calls :func:`fast_forward`: the tender's whole schedule moves earlier by a whole
number of seconds, so that the chosen moment falls on the next whole second of the
database clock, which the helper then waits out (under a second). Everything the
real code decides — deadlines by the database clock under the tender's row lock
(DESIGN.md, "Time"), the freeze job, the opening — then sees exactly what it would
see had that much time passed: the schedule's moments keep their distances, and
whatever was committed before the call lies before the moment.

Test-only: it runs as the database owner, takes the same row lock as a submission
(``SELECT … FOR UPDATE``), and bypasses the trigger that keeps a published notice
frozen (``session_replication_role = replica``, superuser only), as a DBA fixture.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Literal
from uuid import UUID

import asyncpg

Moment = Literal["documents_until", "clarification_cutoff", "deadline"]

_LOCK = "SELECT {moment} FROM tenders WHERE id = $1 FOR UPDATE"
_TARGET = "SELECT date_trunc('second', clock_timestamp()) + interval '1 second'"
_SHIFT = """
UPDATE tenders SET documents_from = documents_from - $2::interval,
    documents_until = documents_until - $2::interval,
    clarification_cutoff = clarification_cutoff - $2::interval,
    deadline = deadline - $2::interval
WHERE id = $1
"""


async def fast_forward(
    owner: asyncpg.Connection,
    tender_id: UUID,
    moment: Moment,
    *,
    before: dt.timedelta = dt.timedelta(0),
) -> dt.datetime:
    """Move the tender's schedule so ``moment - before`` is just past; return the new
    ``moment - before`` (with ``before``, the moment itself is that far ahead)."""
    async with owner.transaction():
        at: dt.datetime = await owner.fetchval(_LOCK.format(moment=moment), tender_id)
        current = at - before
        target: dt.datetime = await owner.fetchval(_TARGET)
        assert current >= target, f"{moment} is already past"
        # Whole seconds, so the deadline stays on a whole second (migration 0020).
        shift = dt.timedelta(seconds=int((current - target).total_seconds()))
        await owner.execute("SET LOCAL session_replication_role = replica")
        await owner.execute(_SHIFT, tender_id, shift)
    moved = current - shift  # within a second after target
    now: dt.datetime = await owner.fetchval("SELECT clock_timestamp()")
    # At most a second: a wait with nothing to beat (nothing has to happen before it).
    await asyncio.sleep(max(0.0, (moved - now).total_seconds()) + 0.02)
    assert await owner.fetchval("SELECT clock_timestamp()") > moved
    return moved
