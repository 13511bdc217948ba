"""A procurement project: a tender row with a method of its own (no I/O).

The tender's notice, documents, bonds, sealed bids, opening and evaluation session serve
every method unchanged (issue 18: built on what exists, not copied); what a method adds
is here and in its sub-package: the invited suppliers, the negotiating group, the
single source's reason, and the award the method decides itself.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from procurement.errors import ProcurementInputInvalid
from tender.checks import check_text, yuan_fen
from tender.errors import TenderInputInvalid

MAX_SUPPLIERS = 99
MAX_PRICE_FEN = 2**53 - 1  # a price a JSON reader holds exactly
REASON_LIMIT = 2000


class Method(enum.StrEnum):
    """How the government buys (Government Procurement Law Art. 26)."""

    PUBLIC_TENDERING = "public_tendering"  # 公开招标: the default, a tender without a project
    NEGOTIATION = "competitive_negotiation"  # 竞争性谈判
    QUOTATION = "request_for_quotations"  # 询价
    SINGLE_SOURCE = "single_source"  # 单一来源
    CONSULTATION = "competitive_consultation"  # 竞争性磋商


# The methods a project row names (public tendering is a tender without one).
PROJECT_METHODS = frozenset(Method) - {Method.PUBLIC_TENDERING}


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Group:
    """The negotiating group's make-up (Decree 74 Art. 7): members and experts among them."""

    members: int
    experts: int

    def __post_init__(self) -> None:
        for value in (self.members, self.experts):
            # type() and not isinstance(): True is an int to Python but never a count.
            if type(value) is not int or not 0 <= value <= 99:
                raise ProcurementInputInvalid("group members and experts are 0–99")
        if self.experts > self.members:
            raise ProcurementInputInvalid("a group's experts are among its members")


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Plan:
    """What the agency states of a project before publication."""

    method: Method
    suppliers: tuple[UUID, ...] = ()
    group: Group | None = None
    reason: str = ""

    def __post_init__(self) -> None:
        if self.method not in PROJECT_METHODS:
            raise ProcurementInputInvalid("the method is one of the four besides tendering")
        if len(self.suppliers) > MAX_SUPPLIERS or len(set(self.suppliers)) != len(self.suppliers):
            raise ProcurementInputInvalid(f"suppliers are unique, at most {MAX_SUPPLIERS}")
        if self.group is not None and self.method is not Method.NEGOTIATION:
            raise ProcurementInputInvalid("only competitive negotiation has a group")
        try:
            check_text(self.reason, name="the reason", limit=REASON_LIMIT, allow_empty=True)
        except TenderInputInvalid as exc:
            raise ProcurementInputInvalid(exc.message) from None


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Project:
    """A project as stored: its plan and publication facts."""

    tender_id: UUID
    plan: Plan
    policies: Mapping[str, Any] | None  # the snapshot taken at publication
    checked_at: datetime | None
    publicity_ends_at: datetime | None  # single source only
    created_at: datetime
    revealed_at: datetime | None = None  # procurement.suppliers_revealed (0132)

    @property
    def method(self) -> Method:
        """The project's method."""
        return self.plan.method


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Award:
    """The supplier the method chose and its price (fen)."""

    supplier_id: UUID
    price_fen: int
    awarded_at: datetime


def check_price(value: object, *, name: str = "price_fen") -> int:
    """A quoted or agreed price: whole fen from 1 to 2^53 − 1."""
    if type(value) is not int or not 1 <= value <= MAX_PRICE_FEN:
        raise ProcurementInputInvalid(f"{name} is a whole number of fen from 1 to 2^53 − 1")
    return value


# Breaker F3/F4: a price typed in yuan is plain ASCII digits with at most two decimals
# (tender.checks.yuan_fen, without grouping commas), lest a typo become a binding
# quotation.


def fen_from_yuan(raw: str, *, name: str = "price_yuan") -> int:
    """A form's yuan amount (``1234567.89``) as whole fen, checked as a price."""
    fen = yuan_fen(raw, grouped=False) or 0
    if not 1 <= fen <= MAX_PRICE_FEN:
        raise ProcurementInputInvalid(
            f"{name} is an amount in yuan from 0.01 to 90071992547409.91: digits, at most "
            "two decimals after a '.'",
            details={"field": name},
        )
    return fen


def check_reason(value: object, *, name: str, limit: int = 2000) -> str:
    """Non-empty printable text (an exclusion's reason, an objection, an answer)."""
    try:
        return check_text(value, name=name, limit=limit)  # type: ignore[arg-type]
    except TenderInputInvalid as exc:
        raise ProcurementInputInvalid(exc.message) from None
