"""SQL of the draw row: requests, status changes, the platform seed, approvals, the
tender a draw belongs to. Entropy and rounds are in `expert_pool.rounds.queries`, pools
in `expert_pool.pools.queries`, members in `expert_pool.answers.queries`.

Every change to a draw runs under ``SELECT … FOR UPDATE`` of its row (`draw(lock=True)`),
so answers, entropy and timeouts of one draw are serialised (STYLE.md point 6), and
deadlines are compared with ``clock_timestamp()`` under that lock (DESIGN.md, "Time").
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from uuid import UUID

import asyncpg

from expert_pool.draws.model import (
    DrawParties,
    DrawSpec,
    DrawStatus,
    Purpose,
    StoredDraw,
)
from expert_pool.errors import DrawExists
from expert_pool.policy import PoolPolicy, policy_from_json
from signing.draw.rules import ContributorRole
from signing.draw.transcript import Category, Transcript

# --- the draw row ---------------------------------------------------------------------


def _draw(row: asyncpg.Record) -> StoredDraw:
    parties = DrawParties(
        tender_id=row["tender_id"],
        lot=row["lot"],
        purpose=Purpose(row["purpose"]),
        project_id=row["project_id"],
        agency_id=row["agency_id"],
        department_id=row["department_id"],
        tenderer=row["tenderer"],
        agency_code=row["agency_code"],
        department_code=row["department_code"],
        bidders=tuple(row["bidders"]),
        bidder_principals=tuple(row["bidder_principals"]),
    )
    spec = DrawSpec(
        session_start=row["session_start"],
        session_end=row["session_end"],
        categories=tuple(Category(label=c[0], count=c[1]) for c in json.loads(row["categories"])),
        representatives=row["representatives"],
        entropy_roles=tuple(ContributorRole(r) for r in row["entropy_roles"]),
    )
    text = row["transcript"]
    return StoredDraw(
        id=row["id"],
        parties=parties,
        spec=spec,
        policy=policy_from_json(json.loads(row["policy"])),
        status=DrawStatus(row["status"]),
        attempt=row["attempt"],
        requested_by=row["requested_by"],
        requested_at=row["requested_at"],
        prepared_at=row["prepared_at"],
        commit_log_index=row["commit_log_index"],
        transcript=None if text is None else Transcript.from_json(text),
        seed_revealed_at=row["seed_revealed_at"],
        awarded_at=row["awarded_at"],
        cancelled_at=row["cancelled_at"],
        cancel_reason=row["cancel_reason"],
    )


COUNT_ATTEMPTS = """
SELECT count(*) FROM draws WHERE tender_id = $1 AND lot = $2 AND purpose = $3
"""


async def previous_attempts(conn: asyncpg.Connection, parties: DrawParties) -> int:
    """How many draws this committee already had (cancelled ones included)."""
    p = parties
    count: int = await conn.fetchval(COUNT_ATTEMPTS, p.tender_id, p.lot, str(p.purpose))
    return count


INSERT_DRAW = """
INSERT INTO draws (id, tender_id, lot, purpose, project_id, agency_id, department_id, tenderer,
                   agency_code, department_code, bidders, bidder_principals, session_start,
                   session_end, categories, representatives, entropy_roles, policy, attempt,
                   requested_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15::jsonb, $16, $17,
        $18::jsonb, $19, $20)
RETURNING id, tender_id, lot, purpose, project_id, agency_id, department_id, tenderer, agency_code,
          department_code, bidders, bidder_principals, session_start, session_end, categories,
          representatives, entropy_roles, policy, status, attempt, requested_by, requested_at,
          prepared_at, commit_log_index, transcript, seed_revealed_at, awarded_at, cancelled_at,
          cancel_reason
"""


async def insert_draw(
    conn: asyncpg.Connection,
    draw_id: str,
    parties: DrawParties,
    spec: DrawSpec,
    *,
    policy: PoolPolicy,
    attempt: int,
    requested_by: UUID,
) -> StoredDraw:
    """Store a request; a second live draw for the same committee raises DrawExists."""
    p, s = parties, spec
    categories = json.dumps([[c.label, c.count] for c in s.categories])
    try:
        row = await conn.fetchrow(
            INSERT_DRAW,
            draw_id,
            p.tender_id,
            p.lot,
            str(p.purpose),
            p.project_id,
            p.agency_id,
            p.department_id,
            p.tenderer,
            p.agency_code,
            p.department_code,
            list(p.bidders),
            list(p.bidder_principals),
            s.session_start,
            s.session_end,
            categories,
            s.representatives,
            [str(r) for r in s.entropy_roles],
            json.dumps(policy.to_json()),
            attempt,
            requested_by,
        )
    except asyncpg.UniqueViolationError:
        raise DrawExists(
            f"tender {p.tender_id} lot {p.lot} already has a {p.purpose} draw; "
            "cancel it (with a supervisor's approval) before drawing again"
        ) from None
    assert row is not None
    return _draw(row)


SELECT_DRAW = """
SELECT id, tender_id, lot, purpose, project_id, agency_id, department_id, tenderer, agency_code,
department_code, bidders, bidder_principals, session_start, session_end, categories,
representatives, entropy_roles, policy, status, attempt, requested_by, requested_at,
prepared_at, commit_log_index, transcript, seed_revealed_at, awarded_at, cancelled_at,
cancel_reason
FROM draws WHERE id = $1
"""
LOCK_DRAW = SELECT_DRAW + "FOR UPDATE\n"


async def draw(conn: asyncpg.Connection, draw_id: str, *, lock: bool = False) -> StoredDraw | None:
    """A draw; with `lock`, its row is locked until the transaction ends."""
    row = await conn.fetchrow(LOCK_DRAW if lock else SELECT_DRAW, draw_id)
    return None if row is None else _draw(row)


LIST_DRAWS = """
SELECT id, tender_id, lot, purpose, project_id, agency_id, department_id, tenderer, agency_code,
department_code, bidders, bidder_principals, session_start, session_end, categories,
representatives, entropy_roles, policy, status, attempt, requested_by, requested_at,
prepared_at, commit_log_index, transcript, seed_revealed_at, awarded_at, cancelled_at,
cancel_reason
FROM draws
WHERE $1 OR agency_id = ANY($2::uuid[]) OR department_id = ANY($3::uuid[])
   OR id = ANY($4::text[])
ORDER BY requested_at DESC, id
LIMIT $5
"""


async def list_draws(
    conn: asyncpg.Connection,
    *,
    every: bool,
    agencies: Sequence[UUID],
    departments: Sequence[UUID],
    ids: Sequence[str] = (),
    limit: int = 100,
) -> list[StoredDraw]:
    """The newest draws: all of them, or those of these agencies, departments or ids."""
    rows = await conn.fetch(LIST_DRAWS, every, list(agencies), list(departments), list(ids), limit)
    return [_draw(r) for r in rows]


SET_PREPARED = """
UPDATE draws SET status = 'prepared', prepared_at = clock_timestamp() WHERE id = $1
"""


async def set_prepared(conn: asyncpg.Connection, draw_id: str) -> None:
    """Mark the pools as (re)computed."""
    await conn.execute(SET_PREPARED, draw_id)


SET_COMMITTED = """
UPDATE draws SET status = 'committed', platform_seed = $2, transcript = $3, commit_log_index = $4
WHERE id = $1
"""


async def set_committed(
    conn: asyncpg.Connection, draw_id: str, seed: bytes, transcript: Transcript, log_index: int
) -> None:
    """Keep the secret seed and the first transcript of a committed draw."""
    await conn.execute(SET_COMMITTED, draw_id, seed, transcript.to_json(), log_index)


SAVE_TRANSCRIPT = "UPDATE draws SET transcript = $2, status = $3 WHERE id = $1"


async def save_transcript(
    conn: asyncpg.Connection, draw_id: str, transcript: Transcript, status: DrawStatus
) -> None:
    """Store the transcript after a step (its platform_seed stays null here)."""
    assert transcript.platform_seed is None, "the seed is kept in its own column"
    # Release rounds' own seeds too (expert_pool.rounds.release): shown only once revealed.
    assert all(rd.round_seed is None for rd in transcript.rounds), "round seeds are kept apart"
    await conn.execute(SAVE_TRANSCRIPT, draw_id, transcript.to_json(), str(status))


SELECT_SEED = "SELECT platform_seed FROM draws WHERE id = $1"


async def platform_seed(conn: asyncpg.Connection, draw_id: str) -> bytes:
    """The secret seed: for the draw steps and for supervisors once revealed."""
    seed: bytes = await conn.fetchval(SELECT_SEED, draw_id)
    return seed


SET_COMPLETE = """
UPDATE draws SET status = 'complete', seed_revealed_at = clock_timestamp() WHERE id = $1
"""


REVEAL_SEED = """
UPDATE draws SET seed_revealed_at = coalesce(seed_revealed_at, clock_timestamp()) WHERE id = $1
"""


async def reveal_seed(conn: asyncpg.Connection, draw_id: str) -> None:
    """Supervisors see the platform seed from now on (in the transcript)."""
    await conn.execute(REVEAL_SEED, draw_id)


async def set_complete(conn: asyncpg.Connection, draw_id: str) -> None:
    """The committee is complete: the seed is revealed to supervisors from now on."""
    await conn.execute(SET_COMPLETE, draw_id)


SET_AWARDED = "UPDATE draws SET awarded_at = clock_timestamp() WHERE id = $1"


async def set_awarded(conn: asyncpg.Connection, draw_id: str) -> None:
    """The tender was awarded: the draw is public where the policy says so."""
    await conn.execute(SET_AWARDED, draw_id)


SET_CANCELLED = """
UPDATE draws SET status = 'cancelled', cancelled_at = clock_timestamp(), cancel_reason = $2
WHERE id = $1
"""


async def set_cancelled(conn: asyncpg.Connection, draw_id: str, reason: str) -> None:
    """Cancel a draw (the committee may then be drawn again)."""
    await conn.execute(SET_CANCELLED, draw_id, reason)


# --- approvals -------------------------------------------------------------------------

INSERT_APPROVAL = """
INSERT INTO draw_approvals (draw_id, kind, reason, approved_by) VALUES ($1, $2, $3, $4)
RETURNING id
"""
UNUSED_APPROVAL = """
SELECT id FROM draw_approvals WHERE draw_id = $1 AND kind = $2 AND used_at IS NULL
ORDER BY approved_at LIMIT 1
"""
USE_APPROVAL = "UPDATE draw_approvals SET used_at = clock_timestamp() WHERE id = $1"
DROP_UNUSED = "DELETE FROM draw_approvals WHERE draw_id = $1 AND kind = $2 AND used_at IS NULL"


async def insert_approval(
    conn: asyncpg.Connection, draw_id: str, kind: str, reason: str, by: UUID
) -> UUID:
    """Record a supervisor's approval (`small_pool` or `redraw`)."""
    approval: UUID = await conn.fetchval(INSERT_APPROVAL, draw_id, kind, reason, by)
    return approval


async def unused_approval(conn: asyncpg.Connection, draw_id: str, kind: str) -> UUID | None:
    """The oldest approval of this kind not used yet."""
    found: UUID | None = await conn.fetchval(UNUSED_APPROVAL, draw_id, kind)
    return found


async def use_approval(conn: asyncpg.Connection, approval: UUID) -> None:
    """Spend an approval: each one allows one step."""
    await conn.execute(USE_APPROVAL, approval)


async def drop_unused_approvals(conn: asyncpg.Connection, draw_id: str, kind: str) -> None:
    """Forget approvals that no longer apply (pools recomputed after approval)."""
    await conn.execute(DROP_UNUSED, draw_id, kind)


# --- the tender a draw belongs to (issue 9, item 4) ------------------------------------------

# Read from the tender package's tables (expert_pool does not import tender: the layers
# are peers); a tender of another agency is not found, like one that does not exist.
TENDER_LOT_OF_AGENCY = """
SELECT t.department_id, o.credit_code AS tenderer_code
FROM tenders t
JOIN tender_lots l ON l.tender_id = t.id
JOIN organisations o ON o.id = t.tenderer_id
WHERE t.id::text = $1 AND l.number = $2 AND t.agency_id = $3
"""


async def tender_lot_parties(
    conn: asyncpg.Connection, tender_id: str, lot: str, agency_id: UUID
) -> tuple[UUID, str] | None:
    """The supervising department and the tenderer's credit code of the agency's tender
    lot; None if the agency has no such lot."""
    row = await conn.fetchrow(TENDER_LOT_OF_AGENCY, tender_id, lot, agency_id)
    return None if row is None else (row["department_id"], row["tenderer_code"])
