"""The per-socket token bucket of live sessions: pure, the time passed in."""

from __future__ import annotations

import math

import pytest

from live.limits import LiveLimits, rate_limited


def test_a_bucket_spends_its_burst_then_refills_at_its_rate() -> None:
    """Burst frames pass at once; then one per 1/rate seconds; refusals say how long."""
    bucket = LiveLimits(burst=3, per_second=2.0, close_after_refused=2).bucket(now=100.0)
    assert [bucket.take(100.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.take(100.0) == pytest.approx(0.5)
    assert bucket.take(100.25) == pytest.approx(0.25)
    assert bucket.exhausted  # two refusals in a row
    assert bucket.take(100.5) == 0.0
    assert not bucket.exhausted  # an accepted frame resets the count
    assert bucket.take(1000.0) == 0.0  # refilled, but never beyond the burst
    assert [bucket.take(1000.0) for _ in range(3)][-1] > 0


def test_a_bucket_without_refill_never_says_when() -> None:
    """A rate of zero: the refusal carries no retry time."""
    bucket = LiveLimits(burst=1, per_second=0.0).bucket(now=0.0)
    assert bucket.take(0.0) == 0.0
    assert math.isinf(bucket.take(10.0))


def test_a_refusal_says_when_to_retry_in_whole_milliseconds() -> None:
    """A quarter second is 250 ms; a bucket that never refills says nothing."""
    assert rate_limited(0.25).details == {"retry_after_ms": 250}
    assert rate_limited(0.0001).details == {"retry_after_ms": 1}
    assert rate_limited(math.inf).details == {"retry_after_ms": None}
    assert rate_limited(1.0).code == "live_rate_limited"
