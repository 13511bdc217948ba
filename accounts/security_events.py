"""Refusals counted in the security-events table: their kinds, and how one is recorded.

Refusals — failed and throttled logins, forged tokens, denied permissions, refused
CSRF tokens — are not log entries: they are counted in the security-events table, in
a transaction of their own that commits although the request fails (DESIGN.md,
"Architecture"). The security and audit administrators read them, with the account
changes of the log and the sign-ins of the session table, through
:func:`read_refusals`, :func:`read_account_changes` and :func:`read_sign_ins`
(accounts/security_report.py).
"""

from __future__ import annotations

import asyncpg

from accounts import security_report_queries as report_queries
from accounts.model import Actor
from accounts.permissions import PLATFORM, Action, require
from accounts.security_report import (
    ACCOUNT_CHANGE_KINDS,
    REFUSAL_KINDS,
    AccountChange,
    RefusalCount,
    SecurityFilter,
    SignIn,
)
from audit import service as audit

# Security-event kinds (0001: ^[a-z_.]{1,64}$).
LOGIN_FAILED = "auth.login_failed"
LOGIN_THROTTLED = "auth.login_throttled"
LOGIN_RATE_LIMITED = "auth.login_rate_limited"
FORGED_SESSION = "auth.token_invalid"
PERMISSION_DENIED = "auth.permission_denied"
CSRF_REFUSED = "auth.csrf_refused"


async def record_refusal(
    conn: asyncpg.Connection, *, kind: str, address: str | None, subject: str = ""
) -> int:
    """Count a refusal in the security events; commits on its own (DESIGN.md)."""
    async with conn.transaction():
        return await audit.record_security_event(
            conn, kind=kind, address=address or "", subject=subject
        )


async def read_refusals(
    conn: asyncpg.Connection, by: Actor, wanted: SecurityFilter
) -> tuple[list[RefusalCount], dict[str, int]]:
    """The counted refusals and their totals by kind (security or audit administrator)."""
    require(by, Action.READ_SECURITY_EVENTS, PLATFORM)
    kinds = wanted.kinds(REFUSAL_KINDS)
    return (
        await report_queries.refusals(conn, wanted, kinds),
        await report_queries.refusal_totals(conn, wanted, kinds),
    )


async def read_account_changes(
    conn: asyncpg.Connection, by: Actor, wanted: SecurityFilter
) -> list[AccountChange]:
    """Role, account and key changes from the log (security or audit administrator)."""
    require(by, Action.READ_SECURITY_EVENTS, PLATFORM)
    # The account changes are queued (docs/audit-log.md §2.2) and a reader sees integrated
    # entries only: integrate what is queued first, as the freeze does, so a grant that
    # committed before this request is listed (the head lock serialises integrators).
    await audit.integrate(conn)
    return await report_queries.account_changes(conn, wanted, wanted.kinds(ACCOUNT_CHANGE_KINDS))


async def read_sign_ins(
    conn: asyncpg.Connection, by: Actor, wanted: SecurityFilter
) -> list[SignIn]:
    """Who signed in from where (security or audit administrator): the session table,
    which names the accounts the log leaves unnamed (docs/audit-log.md §1.3)."""
    require(by, Action.READ_SECURITY_EVENTS, PLATFORM)
    return await report_queries.sign_ins(conn, wanted)
