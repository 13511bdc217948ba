"""The format checks every model of a tender shares: printable text and amounts in fen.

Kept apart from model.py so that the evaluation method (method.py) and the tender
(model.py) both use them without importing each other; model.py re-exports them.
"""

from __future__ import annotations

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
