"""The demo's listing loads whatever the date (web/demo/listing.py): its period is the
rule's 10 working days where the shipped calendar covers them and, DEMO ONLY, two calendar
weeks where they would reach a year without a State Council notice (from mid-December,
2027 not yet added) — the demo never guesses a year. Pure: no database."""

from __future__ import annotations

import datetime as dt

from tender.calendar import SHANGHAI, load_calendar
from web.demo.listing import DEMO_LISTING_POLICIES, demo_period

SHIPPED = load_calendar()  # 2025 and 2026


def test_the_rule_where_covered_two_weeks_where_not() -> None:
    november = dt.datetime(2026, 11, 2, 9, tzinfo=SHANGHAI)
    policies, ends = demo_period(november, SHIPPED)
    assert policies == DEMO_LISTING_POLICIES
    assert str(policies.listing_period) == "10wd"
    assert ends == dt.datetime(2026, 11, 17, tzinfo=SHANGHAI)
    december = dt.datetime(2026, 12, 18, 9, tzinfo=SHANGHAI)
    policies, ends = demo_period(december, SHIPPED)
    assert (str(policies.notice_period), str(policies.listing_period)) == ("1s", "14d")
    assert ends == dt.datetime(2027, 1, 2, tzinfo=SHANGHAI)
