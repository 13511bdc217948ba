"""tender/checks.py: a yuan amount typed in a form is digits, commas in threes and two
decimals, nothing Decimal would also read (breaker F3/F4)."""

from __future__ import annotations

import pytest

from tender.checks import MAX_AMOUNT_FEN, yuan_fen


@pytest.mark.parametrize(
    ("typed", "fen"),
    [("0", 0), ("1", 100), ("0.5", 50), ("1234567.89", 123456789), ("1,234,567.89", 123456789),
     ("90071992547409.91", MAX_AMOUNT_FEN)],
)  # fmt: skip
def test_an_amount_in_yuan_is_read_as_fen(typed: str, fen: int) -> None:
    assert yuan_fen(typed) == fen


@pytest.mark.parametrize(
    "typed",
    ["", "inf", "Infinity", "sNaN", "NaN", "1e3", "1e999999999", "1_000", "-1", "+1", "1.005",
     "1.", ".5", "1,23", "12,34,567", "1,234.5.6", "１０", "١٠", " 1", "1 ", "0x10",
     "90071992547409.92", "99999999999999999"],
)  # fmt: skip
def test_anything_else_is_no_amount(typed: str) -> None:
    assert yuan_fen(typed) is None


def test_without_grouping_a_comma_is_no_amount() -> None:
    assert (yuan_fen("1,000"), yuan_fen("1,000", grouped=False)) == (100000, None)
