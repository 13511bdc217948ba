"""The pure rules of notifications: bounded retries and what a message may show."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from accounts.notifications.model import (
    MAX_ATTEMPTS,
    Delivery,
    DeliveryStatus,
    bid_deadline_params,
    bid_deadline_text,
    masked,
    next_attempt,
    result_params,
    result_text,
)

NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
TRANSIENT = Delivery(status=DeliveryStatus.FAILED, retryable=True)


def test_a_transient_failure_is_retried_with_growing_waits_until_the_bound() -> None:
    waits = [next_attempt(n, TRANSIENT, NOW) for n in range(1, MAX_ATTEMPTS + 1)]
    assert waits[:-1] == [NOW + timedelta(seconds=s) for s in (60, 300, 900, 3600)]
    assert waits[-1] is None


def test_a_delivery_or_a_final_failure_is_never_retried() -> None:
    assert next_attempt(1, Delivery(status=DeliveryStatus.DELIVERED), NOW) is None
    assert next_attempt(1, Delivery(status=DeliveryStatus.FAILED), NOW) is None


def test_an_address_is_shown_by_its_last_four_characters_only() -> None:
    assert masked("13912345678") == "*******5678"
    assert masked("abc") == "abc"


def test_reminders_and_results_print_beijing_time_and_name_the_tender() -> None:
    params = bid_deadline_params(code="XC-2026-GC-000001", title="道路工程", deadline=NOW)
    assert params["deadline"] == "2026-12-07 16:00"
    assert "2026-12-07 16:00（北京时间）" in bid_deadline_text(params)
    won, lost = (
        result_params(code="C", lot="1", award=True),
        result_params(code="C", lot="1", award=False),
    )
    assert result_text(won).startswith("【中标通知书】")
    assert result_text(lost).startswith("【中标结果通知书】")
