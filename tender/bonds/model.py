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
