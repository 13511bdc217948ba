"""The format checks every model of a tender shares: printable text and amounts in fen.

Kept apart from model.py so that the evaluation method (method.py) and the tender
(model.py) both use them without importing each other; model.py re-exports them.
"""

from __future__ import annotations

import re
import unicodedata

from tender.errors import TenderInputInvalid

MAX_AMOUNT_FEN = 2**53 - 1  # JSON-safe integers (manifest fields use the same bound)


def check_text(value: str, *, name: str, limit: int, allow_empty: bool = False) -> str:
    """Printable text without surrounding spaces, at most ``limit`` characters."""
    if type(value) is not str:
        raise TenderInputInvalid(f"{name} is text")
    stripped = value.strip()
    printable = all(unicodedata.category(ch)[0] != "C" or ch in "\n\t" for ch in value)
    if value != stripped or not printable or len(value) > limit:
        raise TenderInputInvalid(f"{name} is printable text of at most {limit} characters")
    if not value and not allow_empty:
        raise TenderInputInvalid(f"{name} must not be empty")
    return value


def check_amount(value: int, *, name: str) -> int:
    """An amount in fen: a whole number from 0 to 2^53 − 1."""
    if type(value) is not int or not 0 <= value <= MAX_AMOUNT_FEN:
        raise TenderInputInvalid(f"{name} is a whole number of fen from 0 to 2^53 − 1")
    return value


# A yuan amount typed in a form: ASCII digits, optionally grouped by commas in threes,
# and at most two decimals after a '.'. Decimal's own spellings (``inf``, ``sNaN``,
# ``1e999999999``, ``1_000``, signs) are refused: ``inf`` answered 500 and ``1e999999999``
# asked for an integer of a billion digits (the outside tester's F3/F4). 16 digits
# bound 2^53 − 1 fen.
YUAN = re.compile(
    r"(?P<whole>[0-9]{1,16}|[0-9]{1,3}(?:,[0-9]{3}){1,4})(?:\.(?P<cents>[0-9]{1,2}))?"
)


def yuan_fen(raw: str, *, grouped: bool = True) -> int | None:
    """``1,234,567.89`` yuan as 123456789 fen; None for anything else (commas in threes
    only if ``grouped``), or beyond 2^53 − 1 fen."""
    found = YUAN.fullmatch(raw)
    if found is None or (not grouped and "," in raw):
        return None
    fen = int(found["whole"].replace(",", "") + (found["cents"] or "").ljust(2, "0"))
    return fen if fen <= MAX_AMOUNT_FEN else None
