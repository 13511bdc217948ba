"""Bid bonds (保证金) and the alerts raised about them, as records (no I/O).

A bond is either a bank transfer or an electronic guarantee letter (电子保函).
"""

from __future__ import annotations

import dataclasses
import enum
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from tender.calendar import local_date
from tender.errors import TenderInputInvalid

_ACCOUNT = re.compile(r"[0-9]{8,34}")


class BondKind(enum.StrEnum):
    """How a bid bond (保证金) is given."""

    TRANSFER = "transfer"  # a bank transfer from the bidder's account
    GUARANTEE = "guarantee"  # an electronic guarantee letter (电子保函)


class BondStatus(enum.StrEnum):
    """Where a bond stands."""

    HELD = "held"
    REFUNDED = "refunded"


def normalise_account(account: str) -> str:
    """A bank account number with spaces and dashes removed: 8–34 digits."""
    digits = account.replace(" ", "").replace("-", "")
    if not _ACCOUNT.fullmatch(digits):
        raise TenderInputInvalid("a paying account number is 8–34 digits")
    return digits


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Bond:
    """A bidder's bond for one lot: a transfer or a guarantee letter."""

    id: UUID
    tender_id: UUID
    lot: str
    bidder_id: UUID
    kind: BondKind
    amount_fen: int
    paid_at: datetime
    paying_account: str | None
    guarantee_no: str | None
    issuer: str | None
    status: BondStatus
    recorded_at: datetime
    refund_due: datetime | None = None
    refunded_at: datetime | None = None
    refund_reference: str | None = None
    refund_interest_fen: int | None = None
    refund_clock_from: datetime | None = None  # when the 5-day clock started (Reg. 57)


DAYS_PER_YEAR = 365  # the banks' convention for a deposit's daily interest (actual/365)


def days_held(paid_at: datetime, refunded_at: datetime) -> int:
    """Whole days a transfer was held: Beijing calendar dates, the first day counted and
    the last not (算头不算尾, the banks' rule); never negative."""
    return max((local_date(refunded_at) - local_date(paid_at)).days, 0)


def refund_interest(
    kind: BondKind, amount_fen: int, basis_points: int, paid_at: datetime, refunded_at: datetime
) -> int:
    """Reg. 57: the bank interest refunded with a bond, in whole fen.

    ``amount_fen × basis_points × days / (10000 × 365)``, rounded half up to the fen
    (docs/api-contracts.md, "Bond interest"). A guarantee letter holds no money: 0.
    """
    if kind is BondKind.GUARANTEE:
        return 0
    numerator = amount_fen * basis_points * days_held(paid_at, refunded_at)
    denominator = 10_000 * DAYS_PER_YEAR
    return (2 * numerator + denominator) // (2 * denominator)


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class BondCheck:
    """The opening's verdict on one bidder's bond for one lot."""

    ok: bool
    reason: str  # "ok", "not_required", "missing", "insufficient", "late", "refunded"
    bond: Bond | None = None


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Alert:
    """A monitoring alert (DOMAIN.md, "Monitoring and supervision")."""

    id: UUID
    tender_id: UUID
    kind: str
    data: Mapping[str, Any]
    raised_at: datetime
