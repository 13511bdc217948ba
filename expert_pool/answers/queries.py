"""SQL of a draw's members: seats, signed answers, timeouts, venues picked, service history.

Called under the draw's row lock (expert_pool.draws.queries.draw(lock=True)); answer
deadlines are compared with ``clock_timestamp()`` in the same statement (DESIGN.md, "Time").
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from uuid import UUID

import asyncpg

from expert_pool.draws.model import Member, MemberStatus, Purpose, StoredDraw

# --- members --------------------------------------------------------------------------

INSERT_MEMBERS = """
INSERT INTO draw_members (draw_id, expert_id, label, r, i, salt, deadline)
SELECT $1, x, l, $2, i, s, clock_timestamp() + make_interval(secs => $3)
FROM unnest($4::text[], $5::text[], $6::int[], $7::bytea[]) AS t(x, l, i, s)
"""


async def insert_members(
    conn: asyncpg.Connection,
    draw_id: str,
    r: int,
    picks: Sequence[tuple[str, str, int, bytes]],
    confirm_seconds: int,
) -> None:
    """Seat a round's expert picks (id, label, i, salt); the deadline is the DB clock's."""
    await conn.execute(
        INSERT_MEMBERS,
        draw_id,
        r,
        float(confirm_seconds),
        [p[0] for p in picks],
        [p[1] for p in picks],
        [p[2] for p in picks],
        [p[3] for p in picks],
    )


def _member(row: asyncpg.Record) -> Member:
    return Member(
        expert_id=row["expert_id"],
        label=row["label"],
        r=row["r"],
        i=row["i"],
        status=MemberStatus(row["status"]),
        deadline=row["deadline"],
        responded_at=row["responded_at"],
    )


SELECT_MEMBERS = """
SELECT expert_id, label, r, i, status, deadline, responded_at
FROM draw_members WHERE draw_id = $1 ORDER BY r, i
"""
SELECT_MEMBER = """
SELECT expert_id, label, r, i, status, deadline, responded_at
FROM draw_members WHERE draw_id = $1 AND expert_id = $2
"""


async def members(conn: asyncpg.Connection, draw_id: str) -> list[Member]:
    """Every drawn expert in draw order."""
    return [_member(r) for r in await conn.fetch(SELECT_MEMBERS, draw_id)]


async def member(conn: asyncpg.Connection, draw_id: str, expert_id: str) -> Member | None:
    """One drawn expert, if drawn."""
    row = await conn.fetchrow(SELECT_MEMBER, draw_id, expert_id)
    return None if row is None else _member(row)


SELECT_MEMBER_SALTS = "SELECT expert_id, salt FROM draw_members WHERE draw_id = $1 ORDER BY r, i"


async def member_salts(conn: asyncpg.Connection, draw_id: str) -> dict[str, bytes]:
    """Expert → the salt of the commitments that name it in the log."""
    rows = await conn.fetch(SELECT_MEMBER_SALTS, draw_id)
    return {r["expert_id"]: r["salt"] for r in rows}


# The deadline is checked here, against the database clock, under the draw's lock.
ANSWER_MEMBER = """
UPDATE draw_members SET status = $3, statement = $4, signature = $5,
       responded_at = clock_timestamp()
WHERE draw_id = $1 AND expert_id = $2 AND status = 'notified' AND deadline >= clock_timestamp()
RETURNING responded_at
"""


async def answer_member(
    conn: asyncpg.Connection,
    draw_id: str,
    expert_id: str,
    status: MemberStatus,
    statement: bytes,
    signature: bytes,
) -> datetime | None:
    """Record a signed answer; None when the member is not waiting or the deadline passed."""
    answered: datetime | None = await conn.fetchval(
        ANSWER_MEMBER, draw_id, expert_id, str(status), statement, signature
    )
    return answered


SELECT_ANSWER = """
SELECT statement, signature FROM draw_members WHERE draw_id = $1 AND expert_id = $2
"""


async def answer(conn: asyncpg.Connection, draw_id: str, expert_id: str) -> tuple[bytes, bytes]:
    """The signed statement and signature of a member's answer."""
    row = await conn.fetchrow(SELECT_ANSWER, draw_id, expert_id)
    assert row is not None
    assert row["statement"] is not None
    return bytes(row["statement"]), bytes(row["signature"])


TIME_OUT_MEMBER = """
UPDATE draw_members SET status = 'timed_out', responded_at = clock_timestamp(),
       timeout_delivery_id = $3
WHERE draw_id = $1 AND expert_id = $2 AND status = 'notified' AND deadline < clock_timestamp()
RETURNING expert_id
"""


async def time_out_member(
    conn: asyncpg.Connection, draw_id: str, expert_id: str, delivery_id: int | None
) -> bool:
    """Mark a member who did not answer in time, keeping the delivery record relied on."""
    return await conn.fetchval(TIME_OUT_MEMBER, draw_id, expert_id, delivery_id) is not None


EXPIRED_DRAWS = """
SELECT DISTINCT m.draw_id FROM draw_members m JOIN draws d ON d.id = m.draw_id
WHERE m.status = 'notified' AND m.deadline < clock_timestamp() AND d.awarded_at IS NULL
  AND d.status IN ('drawing', 'complete')
LIMIT $1
"""
EXPIRED_MEMBERS = """
SELECT expert_id FROM draw_members
WHERE draw_id = $1 AND status = 'notified' AND deadline < clock_timestamp() ORDER BY r, i
"""


async def draws_with_expired_members(conn: asyncpg.Connection, limit: int = 50) -> list[str]:
    """Draws in progress (or a complete one's replacement round) with a member whose
    deadline passed unanswered."""
    return [r["draw_id"] for r in await conn.fetch(EXPIRED_DRAWS, limit)]


async def expired_members(conn: asyncpg.Connection, draw_id: str) -> list[str]:
    """Members of a draw whose deadline passed unanswered (call under the draw's lock)."""
    return [r["expert_id"] for r in await conn.fetch(EXPIRED_MEMBERS, draw_id)]


INSERT_VENUE_PICKS = """
INSERT INTO draw_venues (draw_id, venue_id, label, r, i)
SELECT $1, v, l, $2, i FROM unnest($3::text[], $4::text[], $5::int[]) AS t(v, l, i)
"""
SELECT_VENUE_PICKS = """
SELECT v.id, v.name, v.region, d.label FROM draw_venues d JOIN venues v ON v.id = d.venue_id
WHERE d.draw_id = $1 ORDER BY d.r, d.i
"""


async def insert_venue_picks(
    conn: asyncpg.Connection, draw_id: str, r: int, picks: Sequence[tuple[str, str, int]]
) -> None:
    """Record the venues a round picked (id, label, i)."""
    await conn.execute(
        INSERT_VENUE_PICKS,
        draw_id,
        r,
        [p[0] for p in picks],
        [p[1] for p in picks],
        [p[2] for p in picks],
    )


async def venue_picks(conn: asyncpg.Connection, draw_id: str) -> list[tuple[str, str, str, str]]:
    """(venue id, name, region, label) of the picked assisting venues."""
    rows = await conn.fetch(SELECT_VENUE_PICKS, draw_id)
    return [(r["id"], r["name"], r["region"], r["label"]) for r in rows]


SELECT_NAMES = "SELECT id, name FROM experts WHERE id = ANY($1::text[])"


async def expert_names(conn: asyncpg.Connection, ids: Sequence[str]) -> dict[str, str]:
    """Expert id → name."""
    return {r["id"]: r["name"] for r in await conn.fetch(SELECT_NAMES, list(ids))}


# --- service history -----------------------------------------------------------------

INSERT_SERVICE = """
INSERT INTO expert_services (expert_id, draw_id, tenderer, served_on) VALUES ($1, $2, $3, $4)
"""
INSERT_PREQUALIFICATION = """
INSERT INTO expert_prequalifications (expert_id, project_id, draw_id) VALUES ($1, $2, $3)
"""


async def record_service(
    conn: asyncpg.Connection, expert_id: str, draw: StoredDraw, served_on: date
) -> None:
    """An accepted draw enters the service history (cool-off, monthly cap, prequal)."""
    await conn.execute(INSERT_SERVICE, expert_id, draw.id, draw.parties.tenderer, served_on)
    if draw.parties.purpose is Purpose.PREQUALIFICATION:
        await conn.execute(INSERT_PREQUALIFICATION, expert_id, draw.parties.project_id, draw.id)


# --- committees, for those who work with them (evaluation) ----------------------------

# draws_one_per_committee_idx: at most one live draw per (tender, lot, purpose), so a
# cancelled draw's members never count, nor a draw still waiting for answers.
COMMITTEE_USERS = """
SELECT e.user_id
FROM draws d
JOIN draw_members m ON m.draw_id = d.id
JOIN experts e ON e.id = m.expert_id
WHERE d.tender_id = $1 AND d.lot = $2 AND d.purpose = $3
  AND d.status = 'complete' AND m.status = 'confirmed' AND e.user_id IS NOT NULL
  AND NOT EXISTS (SELECT FROM draw_releases x WHERE x.draw_id = m.draw_id
                  AND x.expert_id = m.expert_id)
"""


async def committee_users(
    conn: asyncpg.Connection, tender_id: str, lot: str, purpose: Purpose
) -> frozenset[UUID]:
    """Accounts of the experts who confirmed a seat in the lot's completed draw and were
    not released from it (an evaluation replacement, expert_pool.requests.reopen)."""
    rows = await conn.fetch(COMMITTEE_USERS, tender_id, lot, str(purpose))
    return frozenset(row["user_id"] for row in rows)


COMMITTEE_MEMBER_SALT = """
SELECT m.salt
FROM draws d
JOIN draw_members m ON m.draw_id = d.id
JOIN experts e ON e.id = m.expert_id
WHERE d.tender_id = $1 AND d.lot = $2 AND d.purpose = $3
  AND d.status = 'complete' AND m.status = 'confirmed' AND e.user_id = $4
  AND NOT EXISTS (SELECT FROM draw_releases x WHERE x.draw_id = m.draw_id
                  AND x.expert_id = m.expert_id)
"""


async def committee_member_salt(
    conn: asyncpg.Connection, tender_id: str, lot: str, purpose: Purpose, user_id: UUID
) -> bytes | None:
    """The member salt of a user seated in the lot's completed draw (None: not seated)."""
    salt: bytes | None = await conn.fetchval(
        COMMITTEE_MEMBER_SALT, tender_id, lot, str(purpose), user_id
    )
    return salt


SELECT_MEMBER_USERS = """
SELECT m.expert_id, e.user_id
FROM draw_members m JOIN experts e ON e.id = m.expert_id
WHERE m.draw_id = $1 AND e.user_id IS NOT NULL ORDER BY m.r, m.i
"""


async def member_users(conn: asyncpg.Connection, draw_id: str) -> dict[str, UUID]:
    """Expert → its account, for the drawn members that have one."""
    rows = await conn.fetch(SELECT_MEMBER_USERS, draw_id)
    return {r["expert_id"]: r["user_id"] for r in rows}
