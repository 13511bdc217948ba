"""SQL of a complete evaluation draw's replacement round: the session replacements it
serves and the releases it records (0064_draw_releases.sql).

The evaluation session's tables are read here (expert_pool does not import evaluation:
evaluation builds on expert_pool), as expert_pool.draws.queries reads the tender's.
Every change runs under the draw's row lock (expert_pool.draws.queries.draw(lock=True)).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg


@dataclass(frozen=True, kw_only=True, slots=True)
class OpenReplacement:
    """A session seat's replacement not seated yet, and the holder who leaves."""

    session_id: UUID
    seat: int
    generation: int  # the leaving holder's
    user_id: UUID  # the leaving holder's account
    kind: str  # 'expert' or 'representative'
    approved_at: datetime | None
    released: bool  # its place is being refilled already


OPEN_REPLACEMENT = """
SELECT r.session_id, r.seat, r.generation, m.user_id, m.kind, r.approved_at,
       EXISTS (SELECT FROM draw_releases x WHERE x.session_id = r.session_id
               AND x.seat = r.seat AND x.generation = r.generation) AS released
FROM evaluation_replacements r
JOIN evaluation_sessions s ON s.id = r.session_id
JOIN evaluation_members m
  ON m.session_id = r.session_id AND m.seat = r.seat AND m.generation = r.generation
WHERE r.session_id = $1 AND r.seat = $2 AND s.draw_id = $3 AND r.seated_at IS NULL
"""


async def open_replacement(
    conn: asyncpg.Connection, session_id: UUID, seat: int, draw_id: str
) -> OpenReplacement | None:
    """The seat's unseated replacement in a session of this draw, if any."""
    row = await conn.fetchrow(OPEN_REPLACEMENT, session_id, seat, draw_id)
    return None if row is None else OpenReplacement(**dict(row))


DRAWN_EXPERT_OF_USER = """
SELECT m.expert_id FROM draw_members m JOIN experts e ON e.id = m.expert_id
WHERE m.draw_id = $1 AND e.user_id = $2 AND m.status = 'confirmed'
  AND NOT EXISTS (SELECT FROM draw_releases x WHERE x.draw_id = m.draw_id
                  AND x.expert_id = m.expert_id)
"""


async def confirmed_expert_of_user(
    conn: asyncpg.Connection, draw_id: str, user_id: UUID
) -> str | None:
    """The expert id of an account confirmed in the draw and not released from it."""
    found: str | None = await conn.fetchval(DRAWN_EXPERT_OF_USER, draw_id, user_id)
    return found


RELEASED_EXPERTS = "SELECT expert_id FROM draw_releases WHERE draw_id = $1"


async def released_experts(conn: asyncpg.Connection, draw_id: str) -> frozenset[str]:
    """The draw's experts released from its complete committee (docs/formats/draw.md §4.1)."""
    return frozenset(r["expert_id"] for r in await conn.fetch(RELEASED_EXPERTS, draw_id))


INSERT_RELEASE = """
INSERT INTO draw_releases (draw_id, expert_id, r, session_id, seat, generation, released_by,
                           log_index)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
"""


async def insert_release(
    conn: asyncpg.Connection,
    draw_id: str,
    expert_id: str,
    r: int,
    replacement: OpenReplacement,
    by: UUID,
    log_index: int,
) -> None:
    """Record that the expert left the committee for this replacement; round r refills."""
    rp = replacement
    await conn.execute(
        INSERT_RELEASE, draw_id, expert_id, r, rp.session_id, rp.seat, rp.generation, by,
        log_index,
    )  # fmt: skip


# The experts the refill round confirmed for this replacement: drawn in its round or a
# later one (a decline there is refilled again), under the released expert's label,
# confirmed, and not released themselves.
REPLACEMENT_CANDIDATES = """
SELECT e.user_id
FROM draw_releases rel
JOIN draws d ON d.id = rel.draw_id AND d.status = 'complete'
JOIN draw_members gone ON gone.draw_id = rel.draw_id AND gone.expert_id = rel.expert_id
JOIN draw_members m
  ON m.draw_id = rel.draw_id AND m.r >= rel.r AND m.label = gone.label
 AND m.status = 'confirmed'
JOIN experts e ON e.id = m.expert_id
WHERE rel.session_id = $1 AND rel.seat = $2 AND rel.generation = $3
  AND e.user_id IS NOT NULL
  AND NOT EXISTS (SELECT FROM draw_releases x WHERE x.draw_id = m.draw_id
                  AND x.expert_id = m.expert_id)
"""


async def replacement_candidates(
    conn: asyncpg.Connection, session_id: UUID, seat: int, generation: int
) -> frozenset[UUID]:
    """Accounts the draw's replacement round confirmed for this session replacement."""
    rows = await conn.fetch(REPLACEMENT_CANDIDATES, session_id, seat, generation)
    return frozenset(r["user_id"] for r in rows)


SEALED_SESSION = """
SELECT EXISTS (SELECT FROM evaluation_sessions WHERE draw_id = $1 AND phase = 'sealed')
"""


async def sat_in_sealed_session(conn: asyncpg.Connection, draw_id: str) -> bool:
    """Whether the draw's committee sat in an evaluation session sealed past the fault
    limits (DOMAIN.md: then a new committee is formed)."""
    found: bool = await conn.fetchval(SEALED_SESSION, draw_id)
    return found
