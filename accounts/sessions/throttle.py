"""Login throttling without lockout: pure decisions, the time passed in (no I/O).

Issue 9, item 8: five wrong passwords used to lock an account for 15 minutes from
everywhere, so anyone could keep a competitor out of the platform around a deadline,
and only existing usernames ever locked. Two rules replace the lockout, both decided
from the failed attempts the database remembers and the database clock's ``now``
(DESIGN.md, "Time"):

1. **Backoff per (username, address).** After ``free_failures`` failures of one
   username from one address, the next attempt of that pair must wait
   ``backoff_base_seconds · 2^(n − free_failures)`` seconds (at most
   ``backoff_max_seconds``) after the last failure. Nothing else is slowed: the right
   password from another address still signs in at once.
2. **Per-address limit.** An address with ``address_failures`` failures within
   ``address_window_seconds``, whatever the usernames, is refused until the oldest of
   them ages out of the window.

Usernames are throttled alike whether or not they exist (the key is the name as
typed), so a refusal says nothing about who has an account. A refusal carries the
whole seconds to wait (HTTP ``Retry-After``, RFC 9110 §10.2.3); the server never sleeps.
"""

from __future__ import annotations

import dataclasses
import enum
import math
from collections.abc import Sequence
from datetime import datetime, timedelta

from accounts.errors import NaiveDatetimeRefused


def require_aware(value: datetime) -> datetime:
    """Refuse naive datetimes (STYLE.md 3)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveDatetimeRefused("datetimes must be timezone-aware")
    return value


class Scope(enum.StrEnum):
    """Which rule refused: the (username, address) pair's backoff or the address limit."""

    PAIR = "username_address"
    ADDRESS = "address"


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class ThrottlePolicy:
    """The numbers of docs/api-auth.md, "Throttling" (tests shorten none: they move rows)."""

    free_failures: int = 3
    backoff_base_seconds: int = 1
    backoff_max_seconds: int = 15 * 60
    # Failures older than this are forgotten (and purged).
    memory_seconds: int = 24 * 3600
    address_failures: int = 20
    address_window_seconds: int = 120


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Refusal:
    """An attempt refused before its password is checked, and how long to wait."""

    scope: Scope
    retry_after_seconds: int


def backoff(failures: int, policy: ThrottlePolicy) -> timedelta:
    """The wait after ``failures`` failures of one pair: none, then doubling up to the cap."""
    if failures < policy.free_failures:
        return timedelta(0)
    exponent = min(failures - policy.free_failures, 32)  # 2^32 s is past any cap
    seconds = min(policy.backoff_base_seconds * 2**exponent, policy.backoff_max_seconds)
    return timedelta(seconds=seconds)


def _wait(now: datetime, allowed_at: datetime) -> int | None:
    """Whole seconds until ``allowed_at`` (at least 1), or None if it has come."""
    if now >= allowed_at:
        return None
    return max(1, math.ceil((allowed_at - now).total_seconds()))


def check_pair(
    now: datetime, failures: Sequence[datetime], policy: ThrottlePolicy
) -> Refusal | None:
    """Rule 1 for a pair's remembered failures (any order)."""
    require_aware(now)
    if not failures:
        return None
    wait = _wait(now, max(failures) + backoff(len(failures), policy))
    return None if wait is None else Refusal(scope=Scope.PAIR, retry_after_seconds=wait)


def check_address(
    now: datetime, failures: Sequence[datetime], policy: ThrottlePolicy
) -> Refusal | None:
    """Rule 2 for an address's failures within its window (any order)."""
    require_aware(now)
    window = timedelta(seconds=policy.address_window_seconds)
    recent = sorted((at for at in failures if at > now - window), reverse=True)
    if len(recent) < policy.address_failures:
        return None
    # Allowed again once fewer than the limit remain: when the limit-th newest ages out.
    wait = _wait(now, recent[policy.address_failures - 1] + window)
    return None if wait is None else Refusal(scope=Scope.ADDRESS, retry_after_seconds=wait)


def decide(
    now: datetime,
    *,
    pair: Sequence[datetime],
    address: Sequence[datetime],
    policy: ThrottlePolicy,
) -> Refusal | None:
    """The address limit first (it covers every name), then the pair's backoff."""
    return check_address(now, address, policy) or check_pair(now, pair, policy)
