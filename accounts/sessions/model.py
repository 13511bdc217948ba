"""Sessions and bearer tokens, and the login policy that issues them (no I/O).

A browser session travels in a cookie (and needs CSRF tokens), an API token in the
``Authorization: Bearer`` header; only a token's SHA-256 is stored, and the database
clock decides expiry (DESIGN.md, "Time").
"""

from __future__ import annotations

import dataclasses
import enum
from datetime import datetime
from uuid import UUID

from accounts.sessions.throttle import ThrottlePolicy


class SessionKind(enum.StrEnum):
    """A browser session (cookie, needs CSRF tokens) or an API bearer token."""

    COOKIE = "cookie"
    BEARER = "bearer"


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Session:
    """An issued session or bearer token (the token itself is never stored)."""

    id: UUID
    user_id: UUID
    kind: SessionKind
    expires_at: datetime


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class IssuedToken:
    """A fresh token, shown to its owner once; only its SHA-256 is stored."""

    token: str = dataclasses.field(repr=False)
    session: Session


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class LoginPolicy:
    """Login throttling and lifetimes of sessions (tests shorten them, STYLE.md 3)."""

    throttle: ThrottlePolicy = dataclasses.field(default_factory=ThrottlePolicy)
    session_ttl_seconds: int = 8 * 3600
    token_ttl_seconds: int = 24 * 3600

    def ttl_for(self, kind: SessionKind) -> int:
        """Lifetime of a new session of ``kind`` in seconds."""
        return self.session_ttl_seconds if kind is SessionKind.COOKIE else self.token_ttl_seconds
