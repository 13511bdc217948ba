"""Refusals counted in the security-events table: their kinds, and how one is recorded.

Refusals — failed and throttled logins, forged tokens, denied permissions, refused
CSRF tokens — are not log entries: they are counted in the security-events table, in
a transaction of their own that commits although the request fails (DESIGN.md,
"Architecture").
"""

from __future__ import annotations

import asyncpg

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
