"""The demo's periods (web/demo/stages.py), with the time passed in: what makes each
stage visible at once whenever the demo is loaded."""

from __future__ import annotations

import datetime as dt

from web.demo.stages import BEIJING, bids_until, opening_today

UTC = dt.UTC


def test_a_tender_open_for_bids_closes_twenty_days_on_at_half_past_nine_beijing_time() -> None:
    now = dt.datetime(2026, 3, 2, 20, 0, tzinfo=UTC)  # 04:00 on the 3rd in Beijing
    assert bids_until(now) == dt.datetime(2026, 3, 23, 9, 30, tzinfo=BEIJING)


def test_the_opening_today_is_two_hours_on_in_the_day() -> None:
    now = dt.datetime(2026, 3, 2, 2, 10, 30, tzinfo=UTC)  # 10:10:30 Beijing time
    assert opening_today(now) == dt.datetime(2026, 3, 2, 4, 10, tzinfo=UTC)


def test_a_late_evening_demo_still_opens_before_midnight_beijing_time() -> None:
    now = dt.datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # 23:00 Beijing time
    at = opening_today(now)
    assert at == dt.datetime(2026, 3, 2, 23, 59, tzinfo=BEIJING)
    assert at.astimezone(BEIJING).date() == now.astimezone(BEIJING).date()


def test_in_the_days_last_minutes_the_opening_is_at_least_a_minute_on() -> None:
    """The bids go in before it: past midnight rather than a deadline seconds away."""
    day = dt.datetime(2026, 3, 2, tzinfo=UTC)
    for now, opens in (
        (day.replace(hour=15, minute=58, second=30), day.replace(hour=16)),
        (day.replace(hour=15, minute=59, second=59, microsecond=9), day.replace(hour=16, minute=1)),
    ):  # fmt: skip
        assert opening_today(now) == opens
        assert opening_today(now) - now >= dt.timedelta(minutes=1)
