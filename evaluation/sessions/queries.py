"""All SQL of evaluation sessions: the session row, its bids, members, declarations,
votes and replacements (migration 0057).

Every command runs under the session's row lock (``session(..., lock=True)``), so
the checks a handler makes before writing hold until it commits.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

import asyncpg

from evaluation.model import BidRef, Phase
from evaluation.sessions.errors import EvaluationSessionExists
from evaluation.sessions.model import StoredSession, policy_from_json

# --- the session ---------------------------------------------------------------------


def _session(row: asyncpg.Record) -> StoredSession:
    return StoredSession(
        id=row["id"],
        tender_id=row["tender_id"],
        lot=row["lot"],
        attempt=row["attempt"],
        draw_id=row["draw_id"],
        department_id=row["department_id"],
        main_venue_id=row["main_venue_id"],
        starts_at=row["starts_at"],
        policy=policy_from_json(json.loads(row["policy"])),
        phase=Phase(row["phase"]),
        phase_deadline=row["phase_deadline"],
        paused_at=row["paused_at"],
        pause_reason=row["pause_reason"],
        started_at=row["started_at"],
        chair_seat=row["chair_seat"],
        sealed_at=row["sealed_at"],
        closed_at=row["closed_at"],
    )


INSERT_SESSION = """
INSERT INTO evaluation_sessions (id, tender_id, lot, attempt, draw_id, department_id,
    main_venue_id, starts_at, policy, scheduled_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10)
"""


async def insert_session(
    conn: asyncpg.Connection,
    session: StoredSession,
    policy: dict[str, int],
    scheduled_by: UUID,
) -> None:
    """Store a scheduled session (the lot's running one is refused: one at a time)."""
    s = session
    try:
        await conn.execute(
            INSERT_SESSION, s.id, s.tender_id, s.lot, s.attempt, s.draw_id, s.department_id,
            s.main_venue_id, s.starts_at, json.dumps(policy), scheduled_by,
        )  # fmt: skip
    except asyncpg.UniqueViolationError:
        raise EvaluationSessionExists(
            f"lot {s.lot} already has an evaluation session that is not sealed"
        ) from None


SELECT_SESSION = """
SELECT id, tender_id, lot, attempt, draw_id, department_id, main_venue_id, starts_at,
policy::text AS policy, phase, phase_deadline, paused_at, pause_reason, started_at,
chair_seat, sealed_at, closed_at
FROM evaluation_sessions WHERE id = $1
"""
LOCK_SESSION = SELECT_SESSION + "FOR UPDATE\n"


async def session(
    conn: asyncpg.Connection, session_id: UUID, *, lock: bool = False
) -> StoredSession | None:
    """A session's row; with ``lock``, held until the transaction ends."""
    row = await conn.fetchrow(LOCK_SESSION if lock else SELECT_SESSION, session_id)
    return None if row is None else _session(row)


SESSIONS_OF_TENDER = """
SELECT id, tender_id, lot, attempt, draw_id, department_id, main_venue_id, starts_at,
policy::text AS policy, phase, phase_deadline, paused_at, pause_reason, started_at,
chair_seat, sealed_at, closed_at
FROM evaluation_sessions WHERE tender_id = $1 ORDER BY lot, attempt
"""


async def sessions_of_tender(conn: asyncpg.Connection, tender_id: UUID) -> list[StoredSession]:
    """Every session of a tender, by lot and attempt."""
    return [_session(r) for r in await conn.fetch(SESSIONS_OF_TENDER, tender_id)]


SESSIONS_OF_USER = """
SELECT id, tender_id, lot, attempt, draw_id, department_id, main_venue_id, starts_at,
policy::text AS policy, phase, phase_deadline, paused_at, pause_reason, started_at,
chair_seat, sealed_at, closed_at
FROM evaluation_sessions
WHERE id IN (SELECT session_id FROM evaluation_members WHERE user_id = $1 AND status = 'seated')
ORDER BY starts_at DESC, id
"""


async def sessions_of_user(conn: asyncpg.Connection, user_id: UUID) -> list[StoredSession]:
    """The sessions in which the user holds a seat now, newest start first."""
    return [_session(r) for r in await conn.fetch(SESSIONS_OF_USER, user_id)]


RECENT_SESSIONS = """
SELECT id, tender_id, lot, attempt, draw_id, department_id, main_venue_id, starts_at,
policy::text AS policy, phase, phase_deadline, paused_at, pause_reason, started_at,
chair_seat, sealed_at, closed_at
FROM evaluation_sessions
WHERE department_id = ANY($1::uuid[]) OR $2
ORDER BY (phase IN ('closed', 'sealed')), starts_at DESC, id
LIMIT $3
"""


async def recent_sessions(
    conn: asyncpg.Connection, departments: Sequence[UUID] | None, limit: int
) -> list[StoredSession]:
    """Sessions of these departments (``None``: of every department), open ones first,
    then the newest start first; at most ``limit``."""
    rows = await conn.fetch(RECENT_SESSIONS, list(departments or ()), departments is None, limit)
    return [_session(r) for r in rows]


LOT_DRAWS = "SELECT DISTINCT draw_id FROM evaluation_sessions WHERE tender_id = $1 AND lot = $2"


async def lot_draws(conn: asyncpg.Connection, tender_id: UUID, lot: str) -> set[str]:
    """The draws whose committees sat for the lot already."""
    return {r["draw_id"] for r in await conn.fetch(LOT_DRAWS, tender_id, lot)}


LOT_ATTEMPTS = """
SELECT coalesce(max(attempt), 0) AS last, coalesce(bool_or(phase <> 'sealed'), false) AS busy
FROM evaluation_sessions WHERE tender_id = $1 AND lot = $2
"""


async def lot_attempts(conn: asyncpg.Connection, tender_id: UUID, lot: str) -> tuple[int, bool]:
    """The lot's last attempt number and whether a session of it is not sealed."""
    row = await conn.fetchrow(LOT_ATTEMPTS, tender_id, lot)
    assert row is not None
    return row["last"], row["busy"]


SET_PHASE = """
UPDATE evaluation_sessions
SET phase = $2, phase_deadline = $3, started_at = coalesce(started_at, $4), closed_at = $5
WHERE id = $1
"""


async def set_phase(
    conn: asyncpg.Connection,
    session_id: UUID,
    phase: Phase,
    deadline: datetime | None,
    *,
    started_at: datetime | None,
    closed_at: datetime | None,
) -> None:
    """Enter a phase (its deadline; the start time once, the close time at the end)."""
    await conn.execute(SET_PHASE, session_id, str(phase), deadline, started_at, closed_at)


SET_PAUSED = "UPDATE evaluation_sessions SET paused_at = $2, pause_reason = $3 WHERE id = $1"
SET_RESUMED = """
UPDATE evaluation_sessions SET paused_at = NULL, pause_reason = NULL, phase_deadline = $2
WHERE id = $1
"""
SET_SEALED = "UPDATE evaluation_sessions SET phase = 'sealed', sealed_at = $2 WHERE id = $1"
SET_CHAIR = "UPDATE evaluation_sessions SET chair_seat = $2 WHERE id = $1"
SET_DEADLINE = "UPDATE evaluation_sessions SET phase_deadline = $2 WHERE id = $1"


async def set_paused(conn: asyncpg.Connection, session_id: UUID, at: datetime, reason: str) -> None:
    """Pause on a fault."""
    await conn.execute(SET_PAUSED, session_id, at, reason)


async def set_resumed(
    conn: asyncpg.Connection, session_id: UUID, deadline: datetime | None
) -> None:
    """Resume, the phase's deadline moved by the pause."""
    await conn.execute(SET_RESUMED, session_id, deadline)


async def set_sealed(conn: asyncpg.Connection, session_id: UUID, at: datetime) -> None:
    """Seal: terminal, a new committee is formed (the pause, if any, stays recorded)."""
    await conn.execute(SET_SEALED, session_id, at)


async def set_chair(conn: asyncpg.Connection, session_id: UUID, seat: int | None) -> None:
    """The elected chair's seat (None: the chair's holder left; a new election)."""
    await conn.execute(SET_CHAIR, session_id, seat)


async def set_deadline(conn: asyncpg.Connection, session_id: UUID, deadline: datetime) -> None:
    """Extend the phase (Reg. 48)."""
    await conn.execute(SET_DEADLINE, session_id, deadline)


# --- bids ------------------------------------------------------------------------------

INSERT_BIDS = """
INSERT INTO evaluation_bids (session_id, position, bid_id, bidder, name, price_fen)
SELECT $1, p, b, c, n, f
FROM unnest($2::int[], $3::uuid[], $4::text[], $5::text[], $6::bigint[]) AS t(p, b, c, n, f)
"""
SELECT_BIDS = """
SELECT bid_id, bidder, name, price_fen FROM evaluation_bids WHERE session_id = $1 ORDER BY position
"""


async def insert_bids(conn: asyncpg.Connection, session_id: UUID, bids: Sequence[BidRef]) -> None:
    """The bids the committee evaluates, in record order."""
    await conn.execute(
        INSERT_BIDS, session_id, list(range(1, len(bids) + 1)), [b.bid_id for b in bids],
        [b.bidder for b in bids], [b.name for b in bids], [b.price_fen for b in bids],
    )  # fmt: skip


async def bids(conn: asyncpg.Connection, session_id: UUID) -> list[BidRef]:
    """The session's bids with the prices known when it was scheduled."""
    rows = await conn.fetch(SELECT_BIDS, session_id)
    return [
        BidRef(bid_id=r["bid_id"], bidder=r["bidder"], name=r["name"], price_fen=r["price_fen"])
        for r in rows
    ]


# --- the draw, until expert_pool offers it -----------------------------------------------

# expert_pool has no query for "the lot's evaluation draw" yet (its views find draws by
# id): this is the one read of its table here, to move to expert_pool when it has one.
COMPLETE_DRAW = """
SELECT id FROM draws
WHERE tender_id = $1 AND lot = $2 AND purpose = 'evaluation' AND status = 'complete'
"""


async def complete_draw_id(conn: asyncpg.Connection, tender_id: UUID, lot: str) -> str | None:
    """The id of the lot's complete evaluation draw, if there is one."""
    found: str | None = await conn.fetchval(COMPLETE_DRAW, str(tender_id), lot)
    return found
