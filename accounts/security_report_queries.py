"""SQL of the security administrator's reading: counted refusals (0001 security_events),
account-changing entries of the transparency log (log_entries, decoded here) and
sign-ins (0001 sessions, never their token hashes)."""

from __future__ import annotations

import asyncpg

from accounts.security_report import (
    EXPIRED,
    LOGGED_OUT,
    AccountChange,
    RefusalCount,
    SecurityFilter,
    SignIn,
)
from signing.log.entry import LogEntry

SELECT_REFUSALS = """
SELECT bucket, kind, address, subject, count, summarised FROM security_events
WHERE kind = ANY($1::text[]) AND ($2::text IS NULL OR address = $2)
    AND ($3::timestamptz IS NULL OR bucket >= $3) AND ($4::timestamptz IS NULL OR bucket < $4)
ORDER BY bucket DESC, kind, address, subject
LIMIT $5
"""


async def refusals(
    conn: asyncpg.Connection, wanted: SecurityFilter, kinds: list[str]
) -> list[RefusalCount]:
    """The counted refusals the filter asks for, newest minute first."""
    rows = await conn.fetch(
        SELECT_REFUSALS, kinds, wanted.address, wanted.since, wanted.until, wanted.limit
    )
    return [
        RefusalCount(
            minute=row["bucket"],
            kind=row["kind"],
            address=row["address"],
            subject=row["subject"],
            count=row["count"],
            summarised=row["summarised"],
        )
        for row in rows
    ]


SUM_REFUSALS = """
SELECT kind, sum(count)::bigint AS total FROM security_events
WHERE kind = ANY($1::text[]) AND ($2::text IS NULL OR address = $2)
    AND ($3::timestamptz IS NULL OR bucket >= $3) AND ($4::timestamptz IS NULL OR bucket < $4)
GROUP BY kind
"""


async def refusal_totals(
    conn: asyncpg.Connection, wanted: SecurityFilter, kinds: list[str]
) -> dict[str, int]:
    """How many refusals of each kind the filter covers (beyond the rows shown)."""
    rows = await conn.fetch(SUM_REFUSALS, kinds, wanted.address, wanted.since, wanted.until)
    return {row["kind"]: row["total"] for row in rows}


# The entry's own address is inside its canonical JSON bytes (docs/audit-log.md §1).
SELECT_ACCOUNT_CHANGES = """
SELECT idx, entry FROM log_entries
WHERE kind = ANY($1::text[])
    AND ($2::text IS NULL OR convert_from(entry, 'UTF8')::jsonb ->> 'address' = $2)
    AND ($3::timestamptz IS NULL OR created_at >= $3)
    AND ($4::timestamptz IS NULL OR created_at < $4)
ORDER BY idx DESC
LIMIT $5
"""


def _change(index: int, raw: bytes) -> AccountChange:
    entry = LogEntry.from_bytes(raw)
    return AccountChange(
        index=index,
        time=entry.time,
        kind=entry.kind,
        actor_user_id=entry.actor.user_id,
        actor_role=entry.actor.role,
        address=entry.address,
        subject_type=entry.subject.type if entry.subject else None,
        subject_id=entry.subject.id if entry.subject else None,
        data=entry.data,
    )


async def account_changes(
    conn: asyncpg.Connection, wanted: SecurityFilter, kinds: list[str]
) -> list[AccountChange]:
    """The account-changing log entries the filter asks for, newest first."""
    rows = await conn.fetch(
        SELECT_ACCOUNT_CHANGES, kinds, wanted.address, wanted.since, wanted.until, wanted.limit
    )
    return [_change(row["idx"], bytes(row["entry"])) for row in rows]


# The token's hash is not selected: what the page shows could never serve as a session.
SELECT_SIGN_INS = """
SELECT s.created_at, s.kind, s.address, u.username, u.display_name,
       o.name AS organisation_name,
       CASE WHEN s.revoked_at IS NOT NULL THEN $5
            WHEN s.expires_at <= clock_timestamp() THEN $6 END AS ended
FROM sessions s JOIN users u ON u.id = s.user_id
    JOIN organisations o ON o.id = u.organisation_id
WHERE ($1::text IS NULL OR s.address = $1)
    AND ($2::timestamptz IS NULL OR s.created_at >= $2)
    AND ($3::timestamptz IS NULL OR s.created_at < $3)
ORDER BY s.created_at DESC, s.id
LIMIT $4
"""


async def sign_ins(conn: asyncpg.Connection, wanted: SecurityFilter) -> list[SignIn]:
    """The sessions issued within the filter's address and time range, newest first."""
    rows = await conn.fetch(
        SELECT_SIGN_INS, wanted.address, wanted.since, wanted.until, wanted.limit,
        LOGGED_OUT, EXPIRED,
    )  # fmt: skip
    return [
        SignIn(
            time=row["created_at"],
            username=row["username"],
            display_name=row["display_name"],
            organisation_name=row["organisation_name"],
            kind=row["kind"],
            address=row["address"],
            ended=row["ended"],
        )
        for row in rows
    ]
