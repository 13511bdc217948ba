"""What the security administrator reads (issue 15, item 3), as data (no I/O): the
counted refusals of the security-events table, and the account changes of the
transparency log — role grants and their two-person proposals, accounts opened,
disabled or enabled, passwords changed, certificates, recipients and the log's
witnesses registered.

Refusals are counted per minute, kind, address and subject (0001_foundation.sql), never
one row per attempt, so a flood cannot stall anything; there is no lockout to show
(docs/api-auth.md, "Throttling (no lockout)"): throttled and rate-limited logins are
what a lockout would have been. Account changes are log entries, shown decoded as the
log holds them — ids and roles, never a name or a password (docs/audit-log.md §1.3).

Sign-ins come from the session table, not the log: the log names no bidder, expert or
tenderer in its own logins (docs/audit-log.md §1.3), so the session table is where
the security administrator sees who signed in from where. A session's token and its
hash are never read here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime
from typing import Any

# The refusals counted in the security events (accounts/security_events.py).
REFUSAL_KINDS: tuple[str, ...] = (
    "auth.login_failed",
    "auth.login_throttled",
    "auth.login_rate_limited",
    "auth.token_invalid",
    "auth.permission_denied",
    "auth.csrf_refused",
)
# The log entries that change who may do what, or which keys the platform trusts
# (docs/api-auth.md, "What is logged"; docs/audit-log.md, witnesses).
ACCOUNT_CHANGE_KINDS: tuple[str, ...] = (
    "auth.role_granted",
    "auth.role_revoked",
    "auth.role_change_proposed",
    "auth.role_change_approved",
    "auth.role_change_rejected",
    "account.user_created",
    "account.user_disabled",
    "account.user_enabled",
    "account.password_changed",
    "account.certificate_registered",
    "account.recipient_registered",
    "log.witness_added",
)
MAX_ROWS = 200


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class SecurityFilter:
    """Which events to show: a kind, an address, a time range [since, until)."""

    kind: str | None = None
    address: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = MAX_ROWS

    def __post_init__(self) -> None:
        for moment in (self.since, self.until):
            if moment is not None and moment.tzinfo is None:
                raise ValueError("a filter's times are timezone-aware")
        if self.kind is not None and self.kind not in REFUSAL_KINDS + ACCOUNT_CHANGE_KINDS:
            raise ValueError(f"unknown security event kind {self.kind!r}")

    def kinds(self, of: tuple[str, ...]) -> list[str]:
        """The kinds of ``of`` this filter asks for (none: another family's kind)."""
        return [k for k in of if self.kind in (None, k)]


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class RefusalCount:
    """The refusals of one kind from one address about one subject in one minute."""

    minute: datetime
    kind: str
    address: str
    subject: str
    count: int
    summarised: bool


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class AccountChange:
    """One account-changing log entry, decoded as the log holds it."""

    index: int
    time: datetime
    kind: str
    actor_user_id: str | None
    actor_role: str
    address: str | None
    subject_type: str | None
    subject_id: str | None
    data: Mapping[str, Any]


# Why a session ended (SELECT_SIGN_INS decides by the database clock): still open is None.
LOGGED_OUT, EXPIRED = "logged_out", "expired"


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class SignIn:
    """One session as it was issued: who, of which organisation, how, from where; no token."""

    time: datetime
    username: str
    display_name: str
    organisation_name: str
    kind: str
    address: str
    ended: str | None
