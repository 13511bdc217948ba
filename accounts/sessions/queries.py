"""All SQL of logins and sessions: login throttling (0053) and issued sessions.

The database clock decides throttling and expiry (DESIGN.md, "Time"): comparisons
run in SQL with clock_timestamp(). accounts/sessions/throttle.py decides from the
failures these queries return.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from accounts.model import User
from accounts.sessions.model import Session, SessionKind
from accounts.users.queries import user_from_row

# Serialises the check-and-record of every attempt from one address (a transaction
# lock, held for two short queries, never across scrypt): parallel guesses all count.
LOCK_LOGIN_ADDRESS = "SELECT pg_advisory_xact_lock(hashtextextended('etender.login:' || $1, 0))"


async def lock_login_address(conn: asyncpg.Connection, address: str) -> None:
    """Take the address's throttling lock until the transaction ends."""
    await conn.execute(LOCK_LOGIN_ADDRESS, address)


# The backoff is capped long before 64 failures, so more are never needed.
PAIR_FAILURES = """
SELECT at FROM login_attempts
WHERE name_sha256 = $1 AND address = $2 AND at > clock_timestamp() - make_interval(secs => $3)
ORDER BY at DESC LIMIT 64
"""


async def pair_failures(
    conn: asyncpg.Connection, name_sha256: bytes, address: str, *, seconds: int
) -> list[datetime]:
    """The remembered failed attempts of a (username, address) pair, newest first."""
    rows = await conn.fetch(PAIR_FAILURES, name_sha256, address, seconds)
    return [row["at"] for row in rows]


ADDRESS_FAILURES = """
SELECT at FROM login_attempts
WHERE address = $1 AND failed AND at > clock_timestamp() - make_interval(secs => $2)
ORDER BY at DESC LIMIT $3
"""


async def address_failures(
    conn: asyncpg.Connection, address: str, *, seconds: int, limit: int
) -> list[datetime]:
    """The newest ``limit`` failed attempts from an address within ``seconds`` (not pending)."""
    rows = await conn.fetch(ADDRESS_FAILURES, address, seconds, limit)
    return [row["at"] for row in rows]


RECORD_LOGIN_ATTEMPT = """
INSERT INTO login_attempts (name_sha256, address) VALUES ($1, $2) RETURNING id
"""
PURGE_LOGIN_ATTEMPTS = """
DELETE FROM login_attempts WHERE at < clock_timestamp() - make_interval(secs => $1)
"""


async def record_login_attempt(
    conn: asyncpg.Connection, name_sha256: bytes, address: str, *, memory_seconds: int
) -> int:
    """Count an attempt for its pair until it succeeds (its id); forget what is too old."""
    attempt_id: int = await conn.fetchval(RECORD_LOGIN_ATTEMPT, name_sha256, address)
    await conn.execute(PURGE_LOGIN_ATTEMPTS, memory_seconds)
    return attempt_id


MARK_LOGIN_FAILED = "UPDATE login_attempts SET failed = true WHERE id = $1"


async def mark_login_failed(conn: asyncpg.Connection, attempt_id: int) -> None:
    """The attempt's password was wrong: it now counts for its address too."""
    await conn.execute(MARK_LOGIN_FAILED, attempt_id)


FORGET_LOGIN_FAILURES = "DELETE FROM login_attempts WHERE name_sha256 = $1 AND address = $2"


async def forget_login_failures(conn: asyncpg.Connection, name_sha256: bytes, address: str) -> None:
    """A right password clears its pair's failures (this attempt's own row included)."""
    await conn.execute(FORGET_LOGIN_FAILURES, name_sha256, address)


# --- sessions -------------------------------------------------------------------------

INSERT_SESSION = """
INSERT INTO sessions (token_sha256, user_id, kind, expires_at, address)
VALUES ($1, $2, $3, clock_timestamp() + make_interval(secs => $4), $5)
RETURNING id, user_id, kind, expires_at
"""


def _session(row: asyncpg.Record) -> Session:
    return Session(
        id=row["id"],
        user_id=row["user_id"],
        kind=SessionKind(row["kind"]),
        expires_at=row["expires_at"],
    )


async def insert_session(
    conn: asyncpg.Connection,
    *,
    token_sha256: bytes,
    user_id: UUID,
    kind: SessionKind,
    ttl_seconds: int,
    address: str,
) -> Session:
    """Store a new session by its token's hash; it expires ``ttl_seconds`` from now."""
    row = await conn.fetchrow(
        INSERT_SESSION, token_sha256, user_id, kind, float(ttl_seconds), address[:64]
    )
    assert row is not None
    return _session(row)


SELECT_SESSION = """
SELECT s.id, s.user_id, s.kind, s.expires_at,
       s.revoked_at IS NOT NULL OR s.expires_at <= clock_timestamp() AS ended,
       -- s.user_id doubles as the user's id for user_from_row(row, prefix="user_").
       u.organisation_id AS user_organisation_id,
       u.username AS user_username, u.display_name AS user_display_name,
       u.status AS user_status, u.created_at AS user_created_at
FROM sessions s JOIN users u ON u.id = s.user_id
WHERE s.token_sha256 = $1
"""


async def session_by_token_hash(
    conn: asyncpg.Connection, token_sha256: bytes
) -> tuple[Session, User, bool] | None:
    """The session, its user, and whether it has ended (expired or revoked)."""
    row = await conn.fetchrow(SELECT_SESSION, token_sha256)
    if row is None:
        return None
    return _session(row), user_from_row(row, prefix="user_"), row["ended"]


REVOKE_SESSION = """
UPDATE sessions SET revoked_at = clock_timestamp()
WHERE id = $1 AND revoked_at IS NULL
RETURNING id
"""


async def revoke_session(conn: asyncpg.Connection, session_id: UUID) -> bool:
    """End a session now; returns whether it was still open."""
    return await conn.fetchval(REVOKE_SESSION, session_id) is not None
