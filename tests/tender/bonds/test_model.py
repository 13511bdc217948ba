"""The bank interest refunded with a bond (Reg. 57; docs/api-contracts.md)."""

from __future__ import annotations

import datetime as dt

from tender.bonds.model import BondKind, days_held, refund_interest

BEIJING = dt.timezone(dt.timedelta(hours=8))


def at(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, tzinfo=BEIJING).astimezone(dt.UTC)


def test_days_held_count_the_first_day_and_not_the_last() -> None:
    """算头不算尾, by Beijing dates; a same-day refund is 0 days."""
    assert days_held(at(1), at(31)) == 30
    assert days_held(at(1, 23), at(2, 1)) == 1
    assert days_held(at(5), at(5, 18)) == 0
    assert days_held(at(5), at(4)) == 0


def test_interest_is_amount_times_rate_times_days_over_a_year_rounded_half_up() -> None:
    """800,000.00 CNY at 35 bp for 30 days: 80000000 × 35 × 30 / 3650000 = 23013.69… fen."""
    assert refund_interest(BondKind.TRANSFER, 80_000_000, 35, at(1), at(31)) == 23_014
    # 1 fen × 10000 bp × 73 days / 3650000 = 0.2 → 0; × 5 = exactly 1.0; 0.5 rounds up.
    assert refund_interest(BondKind.TRANSFER, 1, 10_000, at(1), at(1) + dt.timedelta(days=73)) == 0
    assert refund_interest(BondKind.TRANSFER, 5, 10_000, at(1), at(1) + dt.timedelta(days=73)) == 1
    # 5 fen × 5000 bp × 73 days / 3650000 = exactly 0.5 → 1.
    assert refund_interest(BondKind.TRANSFER, 5, 5_000, at(1), at(1) + dt.timedelta(days=73)) == 1


def test_a_guarantee_letter_earns_no_interest() -> None:
    """An electronic guarantee holds no money."""
    assert refund_interest(BondKind.GUARANTEE, 80_000_000, 35, at(1), at(31)) == 0
