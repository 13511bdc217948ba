"""After the tender's deadline the platform reveals each complaint's statement hashes.

A complaint's entries carry each signed statement's hash only as a commitment under the
complaint's salt (supervision/complaints/statements.py ``statement_commitment``), so a
log reader cannot hash each organisation's credit code into the statements and name the
complainant. Who complained may be named once the tender's deadline has passed: the
complainant is a party — a downloader or a bidder — and who downloaded or bid stays
secret until the deadline (DOMAIN.md, "Tender period"; docs/api-complaints.md "Log
entries"). Before it, the complaint's readers (the complainant, the department's
supervisors, centre staff) already read the complainant and the statements, and get the
salt with the complaint (GET /complaints/{id}), so they can check the entries at any
time. From the deadline on, ``complaint.statements_revealed`` (the platform) opens every
commitment a complaint's entries hold — the salt and each statement's hash, by its
``seq`` (0 the filing, n step n) — so witnesses and mirrors check each entry; a step
taken later is revealed by the next run (the ``complaints-reveal`` job).
"""

from __future__ import annotations

import logging
from datetime import datetime
from uuid import UUID

import asyncpg

from supervision.complaints import queries as db
from supervision.complaints.events import ComplaintEvent
from tender.lifecycle import PLATFORM, append, lock_tender

log = logging.getLogger(__name__)


async def reveal(conn: asyncpg.Connection, complaint_id: UUID, tender_id: UUID) -> int | None:
    """Reveal the complaint's statements logged since its last reveal, if the tender's
    deadline has passed; the entry's index, or None if there was nothing to reveal."""
    async with conn.transaction():
        # Every step takes the tender's row lock first: no statement is logged between
        # reading what is unrevealed and marking it revealed.
        locked = await lock_tender(conn, tender_id)
        deadline = locked.tender.deadline
        if deadline is None or locked.now < deadline:
            return None
        found = await db.unrevealed(conn, complaint_id)
        if found is None:
            return None
        salt, statements = found
        data = {
            "complaint_id": str(complaint_id),
            "salt": salt.hex(),
            "statements": [{"seq": seq, "statement_sha256": sha} for seq, sha in statements],
        }
        index = await append(
            conn, ComplaintEvent.STATEMENTS_REVEALED, tender_id, actor=PLATFORM, data=data
        )
        await db.mark_revealed(conn, complaint_id, statements[-1][0])
    return index


async def reveal_due(conn: asyncpg.Connection, now: datetime) -> int:
    """Reveal every complaint due at ``now`` (one entry each); how many were revealed.
    Safe in several processes at once: a reveal re-reads under the tender's lock."""
    revealed = 0
    for complaint_id, tender_id in await db.reveal_due(conn, now):
        revealed += await reveal(conn, complaint_id, tender_id) is not None
    if revealed:
        log.info("complaints.revealed", extra={"count": revealed})
    return revealed
