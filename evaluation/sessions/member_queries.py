"""SQL of a session's members and their acts: seats, sign-ins, declarations, chair and
"time is too short" votes, replacements (migration 0057). Called under the session's
row lock, like everything a command does.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from evaluation.model import Member, MemberKind, MemberStatus
from evaluation.sessions.model import Replacement

# --- members ---------------------------------------------------------------------------

INSERT_MEMBER = """
INSERT INTO evaluation_members (session_id, seat, generation, user_id, kind, salt)
VALUES ($1, $2, $3, $4, $5, $6)
"""
SELECT_MEMBERS = """
SELECT seat, generation, user_id, kind, status, venue_id, signed_in_at, identity_confirmed_at
FROM evaluation_members WHERE session_id = $1 ORDER BY seat, generation
"""
SELECT_SALT = "SELECT salt FROM evaluation_members WHERE session_id = $1 AND user_id = $2"
SIGN_IN = """
UPDATE evaluation_members SET venue_id = $4, signed_in_at = $5
WHERE session_id = $1 AND seat = $2 AND generation = $3
"""
CONFIRM_IDENTITY = """
UPDATE evaluation_members SET identity_confirmed_by = $4, identity_confirmed_at = $5
WHERE session_id = $1 AND seat = $2 AND generation = $3
"""
# A holder who leaves (recused, absent, replaced) has every sheet voided in the same
# statement (DOMAIN.md, "Evaluation": a replaced member's findings are void): whatever
# path a member leaves by, its rows are flagged in the record, not only left out of
# what is read. The count is the holders that left (1, or 0 if not seated).
LEAVE = """
WITH gone AS (
    UPDATE evaluation_members SET status = $4, left_at = $5, left_reason = $6
    WHERE session_id = $1 AND seat = $2 AND generation = $3 AND status = 'seated'
    RETURNING session_id, seat, generation
), voided AS (
    UPDATE evaluation_sheets s SET void = true
    FROM gone
    WHERE s.session_id = gone.session_id AND s.seat = gone.seat
      AND s.generation = gone.generation AND NOT s.void
    RETURNING s.version
)
SELECT count(*) FROM gone
"""


async def insert_member(
    conn: asyncpg.Connection,
    session_id: UUID,
    member: Member,
    salt: bytes,
) -> None:
    """Seat a holder (a seat's first, or its replacement as the next generation)."""
    await conn.execute(
        INSERT_MEMBER, session_id, member.seat, member.generation, member.user_id,
        str(member.kind), salt,
    )  # fmt: skip


async def members(conn: asyncpg.Connection, session_id: UUID) -> list[Member]:
    """Every holder of every seat, by seat and generation."""
    return [
        Member(
            seat=r["seat"],
            generation=r["generation"],
            user_id=r["user_id"],
            kind=MemberKind(r["kind"]),
            status=MemberStatus(r["status"]),
            venue_id=r["venue_id"],
            signed_in_at=r["signed_in_at"],
            identity_confirmed_at=r["identity_confirmed_at"],
        )
        for r in await conn.fetch(SELECT_MEMBERS, session_id)
    ]


async def member_salt(conn: asyncpg.Connection, session_id: UUID, user_id: UUID) -> bytes | None:
    """The salt of the commitment that names a member in the log."""
    salt: bytes | None = await conn.fetchval(SELECT_SALT, session_id, user_id)
    return salt


async def sign_in(
    conn: asyncpg.Connection, session_id: UUID, member: Member, venue: str, at: datetime
) -> None:
    """The member signed in at a venue."""
    await conn.execute(SIGN_IN, session_id, member.seat, member.generation, venue, at)


async def confirm_identity(
    conn: asyncpg.Connection, session_id: UUID, member: Member, by: UUID, at: datetime
) -> None:
    """Venue staff confirmed the member's identity: the sign-in counts."""
    await conn.execute(CONFIRM_IDENTITY, session_id, member.seat, member.generation, by, at)


async def leave(
    conn: asyncpg.Connection,
    session_id: UUID,
    member: Member,
    status: MemberStatus,
    at: datetime,
    reason: str,
) -> bool:
    """A seated holder leaves its seat (recused, absent, replaced) and its sheets are
    void; False if not seated."""
    left: int = await conn.fetchval(
        LEAVE, session_id, member.seat, member.generation, str(status), at, reason
    )
    return left == 1


# --- declarations and votes ---------------------------------------------------------------

INSERT_DECLARATION = """
INSERT INTO evaluation_declarations (session_id, seat, generation, conflict, explanation,
    declared_at)
VALUES ($1, $2, $3, $4, $5, $6)
"""
SELECT_DECLARATIONS = """
SELECT seat, generation, conflict FROM evaluation_declarations WHERE session_id = $1
"""


async def insert_declaration(
    conn: asyncpg.Connection,
    session_id: UUID,
    member: Member,
    conflict: bool,
    explanation: str | None,
    at: datetime,
) -> None:
    """A holder's conflict declaration (回避)."""
    await conn.execute(
        INSERT_DECLARATION, session_id, member.seat, member.generation, conflict, explanation, at
    )


async def declarations(conn: asyncpg.Connection, session_id: UUID) -> dict[tuple[int, int], bool]:
    """(seat, generation) → declared a conflict."""
    rows = await conn.fetch(SELECT_DECLARATIONS, session_id)
    return {(r["seat"], r["generation"]): r["conflict"] for r in rows}


INSERT_CHAIR_VOTE = """
INSERT INTO evaluation_chair_votes (session_id, round, seat, generation, candidate_seat, cast_at)
VALUES ($1, $2, $3, $4, $5, $6)
"""
LAST_CHAIR_ROUND = """
SELECT coalesce(max(round), 0) FROM evaluation_chair_votes WHERE session_id = $1
"""
SELECT_CHAIR_VOTES = """
SELECT seat, generation, candidate_seat FROM evaluation_chair_votes
WHERE session_id = $1 AND round = $2
"""


async def insert_chair_vote(
    conn: asyncpg.Connection, session_id: UUID, r: int, member: Member, candidate: int, at: datetime
) -> None:
    """One member's vote in a round of the chair election."""
    await conn.execute(
        INSERT_CHAIR_VOTE, session_id, r, member.seat, member.generation, candidate, at
    )


async def last_chair_round(conn: asyncpg.Connection, session_id: UUID) -> int:
    """The latest round anyone voted in (0: none yet)."""
    found: int = await conn.fetchval(LAST_CHAIR_ROUND, session_id)
    return found


async def chair_votes(
    conn: asyncpg.Connection, session_id: UUID, r: int
) -> dict[tuple[int, int], int]:
    """(voter seat, generation) → candidate seat, in one round."""
    rows = await conn.fetch(SELECT_CHAIR_VOTES, session_id, r)
    return {(row["seat"], row["generation"]): row["candidate_seat"] for row in rows}


INSERT_TIME_VOTE = """
INSERT INTO evaluation_time_votes (session_id, deadline, seat, generation, cast_at)
VALUES ($1, $2, $3, $4, $5)
"""
SELECT_TIME_VOTES = """
SELECT seat, generation FROM evaluation_time_votes WHERE session_id = $1 AND deadline = $2
"""


async def insert_time_vote(
    conn: asyncpg.Connection, session_id: UUID, deadline: datetime, member: Member, at: datetime
) -> None:
    """One member's "the time is too short" for the current deadline (Reg. 48)."""
    await conn.execute(INSERT_TIME_VOTE, session_id, deadline, member.seat, member.generation, at)


async def time_votes(
    conn: asyncpg.Connection, session_id: UUID, deadline: datetime
) -> set[tuple[int, int]]:
    """(seat, generation) of the holders who said the time before ``deadline`` is too short."""
    rows = await conn.fetch(SELECT_TIME_VOTES, session_id, deadline)
    return {(r["seat"], r["generation"]) for r in rows}


# --- replacements ---------------------------------------------------------------------------

INSERT_REPLACEMENT = """
INSERT INTO evaluation_replacements (session_id, seat, generation, cause, reason, requested_by,
    requested_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
"""
SELECT_REPLACEMENTS = """
SELECT seat, generation, cause, reason, requested_at, approved_at, seated_at
FROM evaluation_replacements WHERE session_id = $1 ORDER BY requested_at, seat
"""
APPROVE_REPLACEMENT = """
UPDATE evaluation_replacements SET approved_by = $4, approved_at = $5
WHERE session_id = $1 AND seat = $2 AND generation = $3 AND approved_at IS NULL
"""
SEAT_REPLACEMENT = """
UPDATE evaluation_replacements SET seated_at = $4
WHERE session_id = $1 AND seat = $2 AND generation = $3 AND approved_at IS NOT NULL
  AND seated_at IS NULL
"""


async def insert_replacement(
    conn: asyncpg.Connection,
    session_id: UUID,
    member: Member,
    *,
    cause: str,
    reason: str,
    by: UUID,
    at: datetime,
) -> None:
    """A replacement of the seat's holder is requested."""
    await conn.execute(
        INSERT_REPLACEMENT, session_id, member.seat, member.generation, cause, reason, by, at
    )


async def replacements(conn: asyncpg.Connection, session_id: UUID) -> list[Replacement]:
    """Every replacement of the session, oldest first."""
    return [
        Replacement(
            seat=r["seat"],
            generation=r["generation"],
            cause=r["cause"],
            reason=r["reason"],
            requested_at=r["requested_at"],
            approved_at=r["approved_at"],
            seated_at=r["seated_at"],
        )
        for r in await conn.fetch(SELECT_REPLACEMENTS, session_id)
    ]


async def approve_replacement(
    conn: asyncpg.Connection, session_id: UUID, found: Replacement, by: UUID, at: datetime
) -> None:
    """A supervisor approved the replacement."""
    await conn.execute(APPROVE_REPLACEMENT, session_id, found.seat, found.generation, by, at)


async def replacement_seated(
    conn: asyncpg.Connection, session_id: UUID, found: Replacement, at: datetime
) -> None:
    """The replacement took the seat."""
    await conn.execute(SEAT_REPLACEMENT, session_id, found.seat, found.generation, at)
