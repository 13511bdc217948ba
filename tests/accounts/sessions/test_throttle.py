"""Login throttling decisions with the time passed in: the documented numbers, exactly."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.errors import NaiveDatetimeRefused
from accounts.sessions.throttle import Refusal, Scope, ThrottlePolicy, backoff, check_pair, decide

NOW = dt.datetime(2026, 3, 2, 8, 30, tzinfo=dt.UTC)
POLICY = ThrottlePolicy()


def _ago(*seconds: float) -> list[dt.datetime]:
    return [NOW - dt.timedelta(seconds=s) for s in seconds]


def test_three_failures_are_free_then_the_wait_doubles_up_to_fifteen_minutes() -> None:
    """0, 0, 0, then 1, 2, 4, … seconds, never more than 900."""
    waits = [backoff(n, POLICY).total_seconds() for n in range(15)]
    assert waits == [0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]
    assert backoff(10_000, POLICY).total_seconds() == 900


def test_a_pair_waits_from_its_last_failure() -> None:
    """Four failures, the last 0.5 s ago: 2 s from it, so 2 whole seconds (rounded up)."""
    refusal = check_pair(NOW, _ago(30, 20, 10, 0.5), POLICY)
    assert refusal == Refusal(scope=Scope.PAIR, retry_after_seconds=2)
    assert check_pair(NOW, _ago(30, 20, 10, 2), POLICY) is None


def test_an_address_is_refused_until_its_twentieth_newest_failure_ages_out() -> None:
    """20 failures in the last 2 minutes from many names: wait until the oldest is 120 s old."""
    failures = _ago(*range(100, 0, -5))  # 20 failures, the oldest 100 s ago
    refusal = decide(NOW, pair=[], address=failures, policy=POLICY)
    assert refusal == Refusal(scope=Scope.ADDRESS, retry_after_seconds=20)
    assert decide(NOW, pair=[], address=failures[1:], policy=POLICY) is None
    older = _ago(*range(125, 25, -5))  # the same 20, the oldest now out of the window
    assert decide(NOW, pair=[], address=older, policy=POLICY) is None


def test_the_address_limit_is_decided_before_the_pair() -> None:
    """Both apply: the address refusal is the one reported (it covers every username)."""
    refusal = decide(NOW, pair=_ago(3, 2, 1), address=_ago(*range(20)), policy=POLICY)
    assert refusal is not None
    assert refusal.scope is Scope.ADDRESS


def test_naive_times_are_refused() -> None:
    """Time is timezone-aware UTC (STYLE.md 3)."""
    with pytest.raises(NaiveDatetimeRefused):
        check_pair(NOW.replace(tzinfo=None), [], POLICY)
