"""The auction's rules as values, no I/O (docs/formats/auction.md; issue 18, item 2).

Time is an argument (STYLE.md 3): ``now`` is the database clock read under the
auction's row lock (queries.lock_auction), so two bids are decided in the order they
commit and the end is the same for every node. Nothing here reads a clock.
"""

from __future__ import annotations

import dataclasses
import enum
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from listing.auction.errors import (
    AuctionAlreadyLeading,
    AuctionBidderNotInCountdown,
    AuctionBidderUnknown,
    AuctionBidOutOfOrder,
    AuctionBidReplayed,
    AuctionBidStale,
    AuctionBidTooLow,
    AuctionEnded,
    AuctionError,
    AuctionNotFound,
    AuctionNotStarted,
    AuctionPhaseInvalid,
    AuctionSpecInvalid,
)
from signing.canonical import canonical_json
from signing.log.entry import format_time

FORM_TYPE = "etender.auction-bid"
FORM_FORMAT = 1
NUMBER = re.compile(r"[A-Za-z0-9-]{1,16}")
# §3: a bid's form carries 128 random bits chosen by the bidder. The log publishes the
# form's SHA-256 (§8); every other field of the form is public or guessable (a few bidder
# numbers, a small seq, prices in the log), so without them the hash named the bidder of
# every bid (an outside tester's finding).
NONCE = re.compile(r"[0-9a-f]{32}")
MAX_PRICE_FEN = 10**15  # ten trillion yuan: above any lot, and exact in a JS number
MAX_COUNTDOWN_SECONDS = 3600


class Phase(enum.StrEnum):
    """§2: bids until a fixed end, then a countdown among those who go on, then ended."""

    LISTING = "listing"
    COUNTDOWN = "countdown"
    ENDED = "ended"


class Standing(enum.StrEnum):
    """A bidder's own status, told to that bidder alone (§6)."""

    NONE = "none"  # no bid of yours yet
    LEADING = "leading"
    OUTBID = "outbid"


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class AuctionBidder:
    """A registered bidder: the number (竞买号) the listing lane gave, and who bids under it."""

    number: str
    account_id: UUID
    org_id: UUID


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class AuctionSpec:
    """An auction's terms, as the listing lane creates it (PLAN.md, the contract)."""

    subject_kind: str
    subject_id: int
    start_price_fen: int
    increment_fen: int
    listing_starts_at: datetime  # bids are taken from here (a bidder may be added before)
    listing_ends_at: datetime
    countdown_seconds: int
    bidders: tuple[AuctionBidder, ...] = ()


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class AuctionState:
    """What the listing lane reads; ``phase`` is as of the database clock of the read."""

    phase: Phase
    standing_price_fen: int | None
    standing_number: str | None
    ends_at: datetime
    bids: int


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Auction:
    """An auctions row."""

    id: int
    subject_kind: str
    subject_id: int
    start_price_fen: int
    increment_fen: int
    listing_starts_at: datetime
    listing_ends_at: datetime
    countdown_seconds: int
    phase: Phase
    ends_at: datetime
    standing_price_fen: int | None
    standing_number: str | None
    bids: int
    live_session_id: UUID

    def phase_at(self, now: datetime) -> Phase:
        """The phase as of ``now``: a countdown whose end has come is over (§2), even
        before anyone wrote so; a listing period over waits for go_on."""
        if self.phase is Phase.COUNTDOWN and now >= self.ends_at:
            return Phase.ENDED
        return self.phase

    def minimum_fen(self) -> int:
        """§5, rule 12: the first bid at least the start price, each later one the standing
        price plus the increment."""
        if self.standing_price_fen is None:
            return self.start_price_fen
        return self.standing_price_fen + self.increment_fen

    def state(self, now: datetime) -> AuctionState:
        return AuctionState(
            phase=self.phase_at(now),
            standing_price_fen=self.standing_price_fen,
            standing_number=self.standing_number,
            ends_at=self.ends_at,
            bids=self.bids,
        )


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class BidderRow:
    """An auction_bidders row: the bidder and how many signed bids it has placed."""

    number: str
    account_id: UUID
    org_id: UUID
    in_countdown: bool
    bids: int


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class BidRequest:
    """A ``bid`` command's data (§4.1), its signature checked separately."""

    number: str
    seq: int
    price_fen: int
    standing_fen: int | None
    nonce: str  # §3: 128 random bits of the bidder's, so the logged form hash names no one
    signature: bytes


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Decision:
    """An accepted bid: its number in the auction, phase, and the auction's new end."""

    n: int
    phase: Phase
    ends_at: datetime
    previous_number: str | None


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Bid:
    """An auction_bids row."""

    auction_id: int
    n: int
    number: str
    bidder_seq: int
    phase: Phase
    price_fen: int
    placed_at: datetime
    ends_at: datetime
    form: bytes
    signature: bytes
    signer_cert_sha256: str
    log_queued: int


def check_spec(spec: AuctionSpec) -> None:
    """Refuse terms the table would refuse too, with a clear message (STYLE.md 7)."""
    if not 0 < spec.start_price_fen <= MAX_PRICE_FEN or spec.increment_fen <= 0:
        raise AuctionSpecInvalid("the start price and the increment must be positive")
    if not 1 <= spec.countdown_seconds <= MAX_COUNTDOWN_SECONDS:
        raise AuctionSpecInvalid(f"a countdown is 1 to {MAX_COUNTDOWN_SECONDS} seconds")
    if spec.listing_ends_at.tzinfo is None or spec.listing_starts_at.tzinfo is None:
        raise AuctionSpecInvalid("the listing's start and end must be timezone-aware")
    if spec.listing_starts_at >= spec.listing_ends_at:
        raise AuctionSpecInvalid("the listing period must start before it ends")
    numbers = [b.number for b in spec.bidders]
    if len(set(numbers)) != len(numbers) or not all(map(NUMBER.fullmatch, numbers)):
        raise AuctionSpecInvalid("bidder numbers are 1–16 of A-Z a-z 0-9 -, each once")


def bid_form(auction_id: int, request: BidRequest) -> bytes:
    """§3: the exact bytes a bidder signs — RFC 8785 JSON of the bid's terms."""
    return canonical_json(form_fields(auction_id, request))


def form_fields(auction_id: int, request: BidRequest) -> dict[str, Any]:
    return {
        "type": FORM_TYPE,
        "format": FORM_FORMAT,
        "auction": auction_id,
        "number": request.number,
        "seq": request.seq,
        "price_fen": request.price_fen,
        "standing_fen": request.standing_fen,
        "nonce": request.nonce,
    }


def decide_bid(auction: Auction, bidder: BidderRow, request: BidRequest, now: datetime) -> Decision:
    """Accept a bid or raise the rule it breaks (§5, checked in this order).

    The rules as values: the server judges a bid in one statement under the row lock
    (migration 0125, ``auction_place_bid``), which answers as this does (tests/listing/
    auction/test_statement.py). The start and the end first: outside them nothing else
    matters, and the error names the instant (§5, rules 5 and 6). A bid committed before
    the end of a countdown restarts it from its own time.
    """
    phase = auction.phase_at(now)
    if phase is Phase.LISTING and now < auction.listing_starts_at:
        # A bidder qualified in the notice period (公告期) is registered already, but the
        # listing period has not begun: no bid is taken yet (§2).
        starts = format_time(auction.listing_starts_at)
        raise refusal("auction_not_started", {"starts_at": starts, "now": format_time(now)})
    if phase is Phase.ENDED or now >= auction.ends_at:
        ends = format_time(auction.ends_at)
        raise refusal("auction_ended", {"ends_at": ends, "now": format_time(now)})
    if phase is Phase.COUNTDOWN and not bidder.in_countdown:
        raise refusal("auction_bidder_not_in_countdown")
    expected = bidder.bids + 1  # §5, rules 8–9: the k-th signed bid of a bidder carries seq k
    if request.seq != expected:
        code = "auction_bid_replayed" if request.seq < expected else "auction_bid_out_of_order"
        raise refusal(code, {"next_seq": expected})
    if request.standing_fen != auction.standing_price_fen:
        raise refusal("auction_bid_stale", {"standing_fen": auction.standing_price_fen})
    if auction.standing_number == bidder.number:
        raise refusal("auction_already_leading")
    minimum = auction.minimum_fen()
    if not minimum <= request.price_fen <= MAX_PRICE_FEN:
        raise refusal(
            "auction_bid_too_low",
            {"minimum_fen": minimum, "standing_fen": auction.standing_price_fen},
        )
    ends_at = auction.ends_at
    if phase is Phase.COUNTDOWN:
        ends_at = now + timedelta(seconds=auction.countdown_seconds)
    return Decision(
        n=auction.bids + 1, phase=phase, ends_at=ends_at, previous_number=auction.standing_number
    )


_REFUSALS: dict[str, tuple[Callable[..., AuctionError], str]] = {
    "auction_not_found": (AuctionNotFound, "no such auction"),
    "auction_bidder_unknown": (
        AuctionBidderUnknown,
        "you are not a registered bidder of this auction under that number",
    ),
    "auction_not_started": (AuctionNotStarted, "bids are taken from {starts_at}"),
    "auction_ended": (AuctionEnded, "the auction ended at {ends_at}"),
    "auction_bidder_not_in_countdown": (
        AuctionBidderNotInCountdown,
        "only the bidders who went on may bid in the countdown",
    ),
    "auction_bid_replayed": (
        AuctionBidReplayed,
        "your bid was placed before: a signed bid counts once (your next is {next_seq})",
    ),
    "auction_bid_out_of_order": (AuctionBidOutOfOrder, "your next bid is number {next_seq}"),
    "auction_bid_stale": (
        AuctionBidStale,
        "the standing price changed since this bid was signed: sign again against it",
    ),
    "auction_already_leading": (AuctionAlreadyLeading, "the standing price is your own bid"),
    "auction_bid_too_low": (AuctionBidTooLow, "a bid must be at least {minimum_fen} fen"),
}


def refusal(code: str, details: dict[str, Any] | None = None) -> AuctionError:
    """The error of a broken rule of §5 by its code, with its details — as decide_bid
    raises it and as the one statement under the lock answers it (migration 0125)."""
    made, message = _REFUSALS[code]
    if details is None:
        return made(message)
    return made(message.format(**details), details=details)


def refuse_if_stale(seen: Auction, request: BidRequest) -> None:
    """§5, rule 10 before the lock: ``seen`` is the auction as read without it. The standing
    price never falls (each bid raises it), so one below what was read is stale now too."""
    if seen.standing_price_fen is not None and (
        request.standing_fen is None or request.standing_fen < seen.standing_price_fen
    ):
        raise AuctionBidStale(
            "the standing price changed since this bid was signed: sign again against it",
            details={"standing_fen": seen.standing_price_fen},
        )


def countdown_start(auction: Auction, numbers: frozenset[str], now: datetime) -> Phase:
    """§2: after the listing period, a countdown among those going on — two at least;
    with fewer there is no one to compete and the auction ends at the standing bid."""
    if auction.phase is not Phase.LISTING:
        raise AuctionPhaseInvalid(f"the auction is already in its {auction.phase} phase")
    if now < auction.listing_ends_at:
        raise AuctionPhaseInvalid(
            "the listing period is not over yet",
            details={"listing_ends_at": format_time(auction.listing_ends_at)},
        )
    return Phase.COUNTDOWN if len(numbers) >= 2 else Phase.ENDED


def standing_of(auction: Auction, bidder: BidderRow) -> Standing:
    """A bidder's own status: leading, outbid, or no bid yet."""
    if bidder.bids == 0:
        return Standing.NONE
    return Standing.LEADING if auction.standing_number == bidder.number else Standing.OUTBID
