"""Listings as records and their rules (no I/O): kinds, phases, inputs, the decision.

DOMAIN.md, "Other transaction types". A listing is published with its notice; bidders
register (竞买人) until it ends, each qualified only with its deposit held, and act under
a bidder number (竞买号). The phase follows the clock: ``notice`` before ``starts_at``,
``listing`` until ``ends_at``, then ``ended``; the stored status follows the steps after.
"""

from __future__ import annotations

import dataclasses
import enum
import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from accounts.model import is_one_line_text
from listing.errors import (
    ListingAgreementTooLow,
    ListingDepositPaidAtInvalid,
    ListingInputInvalid,
    ListingNoticeTooShort,
    ListingPeriodTooShort,
)
from listing.policy import ListingPolicies
from signing.canonical import canonical_json
from tender.bonds.model import BondKind, normalise_account
from tender.calendar import HolidayCalendar, local_date, period_end, require_utc
from tender.errors import CalendarNotCovered, TenderInputInvalid
from tender.policy import Period, PeriodUnit

MAX_FEN = 10**15  # 10 trillion CNY: far above any listing, far below 2^53 (I-JSON)
NUMBER = re.compile(r"[0-9]{6}")  # a bidder number: six digits, drawn at random
REASON_MAX = 2000
# How far past the server's clock a deposit's paid_at may lie: a bank slip's time is read
# off another clock, to the minute; more than this is a typo, not a payment.
PAID_AT_SKEW = timedelta(minutes=5)


class ListingKind(enum.StrEnum):
    """What is sold (DOMAIN.md, "Other transaction types")."""

    LAND_USE = "land_use"  # 国有建设用地使用权 (MLR Decree 39)
    MINING = "mining"  # 采矿权 (MLR Decree 39)
    STATE_PROPERTY = "state_property"  # 企业国有资产 (SASAC/MOF Decree 32)


class Phase(enum.StrEnum):
    """Where the clock stands for a listing."""

    NOTICE = "notice"
    LISTING = "listing"
    ENDED = "ended"


class Status(enum.StrEnum):
    """The steps after the listing period."""

    OPEN = "open"  # notice and listing period (the phase says which)
    AUCTION = "auction"  # the timed auction runs among those who went on
    AGREEMENT = "agreement"  # state property, exactly one qualified buyer
    DECIDED = "decided"  # sale or no sale decided; a sale awaits both signatures
    CONCLUDED = "concluded"  # the deal is confirmed by both sides, or no sale


class Outcome(enum.StrEnum):
    """How a listing ends."""

    SOLD = "sold"
    NO_BIDS = "no_bids"  # 流拍: nobody bid
    BELOW_RESERVE = "below_reserve"  # 流拍: the highest bid is under the reserve


class Qualification(enum.StrEnum):
    """The centre's check of a registration."""

    PENDING = "pending"
    QUALIFIED = "qualified"
    REFUSED = "refused"


class DepositStatus(enum.StrEnum):
    """Where a bidder's deposit (竞买保证金) stands."""

    NONE = "none"
    HELD = "held"
    APPLIED = "applied"  # the winner's, applied to the price
    REFUND_DUE = "refund_due"
    REFUNDED = "refunded"


class Side(enum.StrEnum):
    """The two signatures of the confirmation of the deal (成交确认书)."""

    SELLER = "seller"
    BUYER = "buyer"


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class ListingInput:
    """A listing as the agency (or centre) publishes it; money in fen."""

    kind: ListingKind
    title: str
    seller_id: UUID
    starts_at: datetime
    ends_at: datetime
    start_price_fen: int
    increment_fen: int
    deposit_fen: int
    countdown_seconds: int
    has_reserve: bool
    committee_k: int
    officials: tuple[UUID, ...]


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Listing:
    """A listing as stored."""

    id: UUID
    serial: int  # what the bidding engine knows it by (auctions.subject_id)
    code: str
    kind: ListingKind
    title: str
    seller_id: UUID
    agency_id: UUID
    published_at: datetime
    starts_at: datetime
    ends_at: datetime
    start_price_fen: int
    increment_fen: int
    deposit_fen: int
    countdown_seconds: int
    has_reserve: bool
    committee_k: int
    officials: tuple[UUID, ...]
    committee: bytes  # the committee file (signing.committee.dump_committee)
    policies: Mapping[str, Any]
    status: Status
    auction_id: int | None
    reserve_sha256: str | None
    reserve_fen: int | None
    outcome: Outcome | None
    winner_number: str | None
    price_fen: int | None
    decided_at: datetime | None
    concluded_at: datetime | None
    # The centre running the listing and the city centre above it (migration 0142): their
    # staff act on it, as on a tender its hosting centre's (the outside tester's F6).
    centres: frozenset[UUID] = frozenset()

    def phase(self, now: datetime) -> Phase:
        """Notice, listing period or ended, by ``now``."""
        now = require_utc(now)
        if now < self.starts_at:
            return Phase.NOTICE
        return Phase.LISTING if now < self.ends_at else Phase.ENDED


RESERVE_PART = "reserve"
RESERVE_LOT = "reserve"
RESERVE_FIELD = "reserve_fen"


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Registration:
    """One organisation's registration as a bidder (竞买人) on a listing."""

    id: UUID
    listing_id: UUID
    organisation_id: UUID
    user_id: UUID
    number: str | None  # assigned when qualified
    qualification: Qualification
    reason: str | None
    deposit: DepositStatus
    deposit_kind: BondKind | None
    deposit_fen: int | None
    paid_at: datetime | None
    paying_account: str | None
    guarantee_no: str | None
    refund_reference: str | None
    wants_to_go_on: bool
    registered_at: datetime
    # How many corrections the deposit record has had: a correction names the version it
    # replaces, so a stale one is refused, never silently overwrites another (F8).
    deposit_version: int = 0


def check_text(value: str, *, field: str, most: int, least: int = 1) -> str:
    """Text of ``least``–``most`` characters, not only white space (a blank reason says
    nothing: the outside tester's F7), without NUL or other control characters."""
    if not isinstance(value, str) or not least <= len(value) <= most:
        raise ListingInputInvalid(f"{field} is {least}–{most} characters", details={"field": field})
    if least > 0 and not value.strip():
        raise ListingInputInvalid(f"{field} is not only white space", details={"field": field})
    if any((ord(c) < 32 and c not in "\n\t") or c == "\x7f" for c in value):
        raise ListingInputInvalid(f"{field} holds control characters", details={"field": field})
    return value


def check_fen(value: int, *, field: str, least: int = 0) -> int:
    """A whole amount of fen within [least, MAX_FEN]."""
    if type(value) is not int or not least <= value <= MAX_FEN:
        raise ListingInputInvalid(
            f"{field} is a whole number of fen from {least} to {MAX_FEN}",
            details={"field": field},
        )
    return value


def check_input(
    data: ListingInput, *, now: datetime, policies: ListingPolicies, calendar: HolidayCalendar
) -> ListingInput:
    """Every field's format, then the periods (refused with the earliest allowed time)."""
    check_text(data.title, field="title", most=200)
    check_fen(data.start_price_fen, field="start_price_fen", least=1)
    check_fen(data.increment_fen, field="increment_fen", least=1)
    check_fen(data.deposit_fen, field="deposit_fen", least=1)
    seconds = data.countdown_seconds
    if type(seconds) is not int or not (
        policies.countdown_seconds_min <= seconds <= policies.countdown_seconds_max
    ):
        raise ListingInputInvalid(
            f"countdown_seconds is {policies.countdown_seconds_min}–"
            f"{policies.countdown_seconds_max}",
            details={"field": "countdown_seconds"},
        )
    starts, ends = require_utc(data.starts_at), require_utc(data.ends_at)
    earliest_start = period_end(require_utc(now), policies.notice_period, calendar, extend=False)
    if starts < earliest_start:
        raise ListingNoticeTooShort(
            f"the notice is published at least {policies.notice_period} before the start",
            details={"earliest_starts_at": earliest_start.isoformat()},
        )
    period = (
        policies.state_property_period
        if data.kind is ListingKind.STATE_PROPERTY
        else policies.listing_period
    )
    try:
        earliest: datetime | None = period_end(starts, period, calendar, extend=False)
    except CalendarNotCovered:
        # The earliest end lies in a year without data; the answer is still known when
        # the days up to ``ends`` are covered and too few (the outside tester's finding 5).
        if not short_on_covered_days(starts, ends, period, calendar):
            raise
        earliest = None
    if earliest is None or ends < earliest:
        raise ListingPeriodTooShort(
            f"a {data.kind} listing runs at least {period}",
            details={"earliest_ends_at": None if earliest is None else earliest.isoformat(),
                     "period": str(period)},
        )  # fmt: skip
    return dataclasses.replace(data, starts_at=starts, ends_at=ends)


def short_on_covered_days(
    starts: datetime, ends: datetime, period: Period, calendar: HolidayCalendar
) -> bool:
    """Whether a working-day period from ``starts`` is certainly not over by ``ends``,
    counting only days the calendar covers (False: not short, or not knowable).

    ``ends`` is before the period's end (24:00 of its last working day, Civil Code Art.
    203) exactly when the days after the start day and before ``ends``'s day hold fewer
    than ``period.count`` working days."""
    if period.unit is not PeriodUnit.WORKING_DAYS:
        return False
    day, last = local_date(starts), local_date(ends) - timedelta(days=1)
    counted = 0
    while day < last and counted < period.count:
        day += timedelta(days=1)
        if not calendar.covers(day.year):
            return False
        counted += calendar.is_working_day(day)
    return counted < period.count


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class DepositInput:
    """A deposit as the centre's finance staff record it (tender/bonds' two kinds)."""

    kind: BondKind
    amount_fen: int
    paid_at: datetime
    paying_account: str | None = None
    guarantee_no: str | None = None

    def checked(self, required_fen: int, *, published_at: datetime, now: datetime) -> DepositInput:
        """A transfer names its account; a guarantee letter its number; the full amount;
        paid between the listing's publication and now (:data:`PAID_AT_SKEW` allowed)."""
        check_fen(self.amount_fen, field="amount_fen", least=1)
        paid, latest = require_utc(self.paid_at), require_utc(now) + PAID_AT_SKEW
        if not require_utc(published_at) <= paid <= latest:
            raise ListingDepositPaidAtInvalid(
                "paid_at must lie between the listing's publication and the server's clock"
                f" plus {PAID_AT_SKEW.seconds // 60} minutes (details.earliest, details.latest)",
                details={"field": "paid_at", "earliest": published_at.isoformat(),
                         "latest": latest.isoformat()},
            )  # fmt: skip
        if self.amount_fen < required_fen:
            raise ListingInputInvalid(
                f"the deposit is at least {required_fen} fen", details={"field": "amount_fen"}
            )
        if self.kind is BondKind.TRANSFER:
            if self.paying_account is None or self.guarantee_no is not None:
                raise ListingInputInvalid(
                    "a transfer has a paying account only", details={"field": "paying_account"}
                )
            try:
                account = normalise_account(self.paying_account)
            except TenderInputInvalid as exc:  # tender/bonds' rule, with this package's code
                raise ListingInputInvalid(
                    "a paying account number is 8–34 digits", details={"field": "paying_account"}
                ) from exc
            return dataclasses.replace(self, paying_account=account)
        if self.paying_account is not None or self.guarantee_no is None:
            raise ListingInputInvalid(
                "a guarantee letter has a number only", details={"field": "guarantee_no"}
            )
        # A number is one line of visible characters without surrounding white space (the
        # platform's rule for one-line names, accounts.model.is_one_line_text): no newline,
        # zero-width or bidi character, not only NBSP — each would make a record that reads
        # the same as another (the outside tester's F16).
        if not is_one_line_text(self.guarantee_no, 64):
            raise ListingInputInvalid(
                "a guarantee number is 1–64 printable characters without surrounding spaces",
                details={"field": "guarantee_no"},
            )
        return self


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Decision:
    """Sale or no sale, from the auction's end and the opened reserve."""

    outcome: Outcome
    number: str | None
    price_fen: int | None


def decide(
    *, standing_number: str | None, standing_price_fen: int | None, reserve_fen: int | None
) -> Decision:
    """The last valid bid wins unless it is under the reserve (流拍)."""
    if standing_number is None or standing_price_fen is None:
        return Decision(outcome=Outcome.NO_BIDS, number=None, price_fen=None)
    if reserve_fen is not None and standing_price_fen < reserve_fen:
        return Decision(outcome=Outcome.BELOW_RESERVE, number=None, price_fen=standing_price_fen)
    return Decision(outcome=Outcome.SOLD, number=standing_number, price_fen=standing_price_fen)


def check_agreement(price_fen: int, listing: Listing) -> int:
    """SASAC/MOF Decree 32: with one qualified buyer, no less than the listed price."""
    check_fen(price_fen, field="price_fen", least=1)
    if price_fen < listing.start_price_fen:
        raise ListingAgreementTooLow(
            "the agreed price is no less than the listed price",
            details={"start_price_fen": listing.start_price_fen},
        )
    return price_fen


DEAL_FORMAT = "etender-listing-deal-v1"


def deal_statement(
    *, listing: Listing, seller: str, buyer: str, number: str, price_fen: int
) -> bytes:
    """The confirmation of the deal (成交确认书) both sides sign, RFC 8785 JSON: the listing's
    code, the seller's and buyer's credit codes, the winning number and the price."""
    return canonical_json(
        {
            "format": DEAL_FORMAT,
            "listing": listing.code,
            "title": listing.title,
            "seller": seller,
            "buyer": buyer,
            "number": number,
            "price_fen": price_fen,
        }
    )
