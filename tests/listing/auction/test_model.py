"""The auction's rules without I/O (docs/formats/auction.md §5, §7)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

import pytest

from listing.auction.errors import (
    AuctionAlreadyLeading,
    AuctionBidderNotInCountdown,
    AuctionBidOutOfOrder,
    AuctionBidReplayed,
    AuctionBidStale,
    AuctionBidTooLow,
    AuctionEnded,
    AuctionNotStarted,
    AuctionPhaseInvalid,
    AuctionSpecInvalid,
)
from listing.auction.model import (
    Auction,
    AuctionBidder,
    AuctionSpec,
    BidderRow,
    BidRequest,
    Phase,
    bid_form,
    check_spec,
    countdown_start,
    decide_bid,
    refuse_if_stale,
)

END = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)
AUCTION = Auction(
    id=7, subject_kind="listing", subject_id=1, start_price_fen=100_000, increment_fen=1_000,
    listing_starts_at=END - dt.timedelta(days=1), listing_ends_at=END - dt.timedelta(minutes=5),
    countdown_seconds=60, phase=Phase.COUNTDOWN, ends_at=END, standing_price_fen=None,
    standing_number=None, bids=0, live_session_id=uuid.UUID(int=1),
)  # fmt: skip
BIDDER = BidderRow(
    number="A001", account_id=uuid.UUID(int=2), org_id=uuid.UUID(int=3), in_countdown=True,
    bids=0,
)  # fmt: skip


ONE_BID = dataclasses.replace(BIDDER, bids=1)
OUTSIDE = dataclasses.replace(BIDDER, in_countdown=False)


NONCE = "000102030405060708090a0b0c0d0e0f"


def _bid(price: int, standing: int | None = None, seq: int = 1) -> BidRequest:
    return BidRequest(
        number="A001",
        seq=seq,
        price_fen=price,
        standing_fen=standing,
        nonce=NONCE,
        signature=b"s",
    )


def test_a_bid_in_the_last_microsecond_restarts_the_countdown_from_its_own_time() -> None:
    """§5.2: before the end, accepted; the new end is the bid's time plus the countdown."""
    now = END - dt.timedelta(microseconds=1)
    decision = decide_bid(AUCTION, BIDDER, _bid(100_000), now)
    assert (decision.n, decision.ends_at) == (1, now + dt.timedelta(seconds=60))


def test_a_bid_at_the_end_is_refused_naming_the_end() -> None:
    """§5.2: at or after the end, auction_ended with the end in the details."""
    with pytest.raises(AuctionEnded) as refused:
        decide_bid(AUCTION, BIDDER, _bid(100_000), END)
    assert refused.value.details == {
        "ends_at": "2026-12-07T02:00:00.000000Z", "now": "2026-12-07T02:00:00.000000Z",
    }  # fmt: skip


def test_a_listing_period_bid_keeps_the_fixed_end() -> None:
    """§2: the listing period ends at its fixed time, whatever is bid."""
    listing = dataclasses.replace(AUCTION, phase=Phase.LISTING, ends_at=AUCTION.listing_ends_at)
    decision = decide_bid(listing, BIDDER, _bid(100_000), END - dt.timedelta(hours=1))
    assert decision.ends_at == listing.listing_ends_at


@pytest.mark.parametrize(
    ("standing", "leader", "request_", "bidder", "error"),
    [
        (None, None, _bid(99_999), BIDDER, AuctionBidTooLow),
        (100_000, "A002", _bid(100_999, 100_000), BIDDER, AuctionBidTooLow),
        (100_000, "A002", _bid(101_000, None), BIDDER, AuctionBidStale),
        (100_000, "A001", _bid(101_000, 100_000, seq=2), ONE_BID, AuctionAlreadyLeading),
        (None, None, _bid(100_000, seq=1), ONE_BID, AuctionBidReplayed),
        (None, None, _bid(100_000, seq=3), ONE_BID, AuctionBidOutOfOrder),
        (None, None, _bid(100_000), OUTSIDE, AuctionBidderNotInCountdown),
    ],
)  # fmt: skip
def test_each_rule_of_a_bid_is_refused_with_its_error(
    standing: int | None, leader: str | None, request_: BidRequest, bidder: BidderRow,
    error: type[Exception],
) -> None:  # fmt: skip
    """§5.3–§5.4: the start price, the increment, the standing price signed against, the
    leader raising itself, replays and gaps, the countdown's bidders."""
    auction = dataclasses.replace(
        AUCTION, standing_price_fen=standing, standing_number=leader, bids=int(standing is not None)
    )
    with pytest.raises(error):
        decide_bid(auction, bidder, request_, END - dt.timedelta(seconds=1))


def test_the_signed_form_is_canonical_json_of_the_terms() -> None:
    """§3: RFC 8785 bytes, keys sorted, no spaces, null for no standing price."""
    assert bid_form(7, _bid(100_000)) == (
        b'{"auction":7,"format":1,"nonce":"000102030405060708090a0b0c0d0e0f","number":"A001",'
        b'"price_fen":100000,"seq":1,"standing_fen":null,"type":"etender.auction-bid"}'
    )


def test_go_on_needs_the_listing_over_and_two_bidders_for_a_countdown() -> None:
    """§2: before the listing's end, refused; fewer than two going on, it ends."""
    listing = dataclasses.replace(AUCTION, phase=Phase.LISTING)
    two = frozenset({"A001", "A002"})
    with pytest.raises(AuctionPhaseInvalid):
        countdown_start(listing, two, listing.listing_ends_at - dt.timedelta(seconds=1))
    assert countdown_start(listing, two, listing.listing_ends_at) is Phase.COUNTDOWN
    assert countdown_start(listing, frozenset({"A001"}), listing.listing_ends_at) is Phase.ENDED
    with pytest.raises(AuctionPhaseInvalid):
        countdown_start(AUCTION, two, END)


def test_terms_that_break_a_rule_are_refused() -> None:
    """A price or increment not positive, a countdown out of range, a number twice."""
    good = AuctionSpec(
        subject_kind="listing", subject_id=1, start_price_fen=1, increment_fen=1,
        listing_starts_at=END - dt.timedelta(days=1), listing_ends_at=END, countdown_seconds=60,
    )  # fmt: skip
    bidder = AuctionBidder(number="A001", account_id=uuid.UUID(int=1), org_id=uuid.UUID(int=2))
    check_spec(good)
    for bad in (
        dataclasses.replace(good, start_price_fen=0),
        dataclasses.replace(good, increment_fen=0),
        dataclasses.replace(good, countdown_seconds=0),
        dataclasses.replace(good, bidders=(bidder, bidder)),
        dataclasses.replace(good, bidders=(dataclasses.replace(bidder, number="A 1"),)),
        dataclasses.replace(good, listing_starts_at=END),
    ):
        with pytest.raises(AuctionSpecInvalid):
            check_spec(bad)


def test_a_bid_before_the_listing_period_s_start_is_refused_with_the_start() -> None:
    """§5, rule 5: a bidder registered in the notice period bids from the start, not before;
    from the start on the bid is judged as any other."""
    listing = dataclasses.replace(AUCTION, phase=Phase.LISTING, ends_at=AUCTION.listing_ends_at)
    starts = listing.listing_starts_at
    early = starts - dt.timedelta(microseconds=1)
    with pytest.raises(AuctionNotStarted) as refused:
        decide_bid(listing, OUTSIDE, _bid(100_000), early)
    assert refused.value.details == {
        "starts_at": "2026-12-06T02:00:00.000000Z",
        "now": "2026-12-06T01:59:59.999999Z",
    }
    assert decide_bid(listing, OUTSIDE, _bid(100_000), starts).phase is Phase.LISTING


def test_a_bid_signed_below_the_standing_price_read_is_stale_before_the_lock() -> None:
    """§5, rule 10's fast path: the standing price only rises; equal is for the lock to judge."""
    seen = dataclasses.replace(AUCTION, standing_price_fen=101_000, standing_number="A002")
    for standing in (None, 100_000):
        with pytest.raises(AuctionBidStale):
            refuse_if_stale(seen, _bid(102_000, standing))
    refuse_if_stale(seen, _bid(102_000, 101_000))
    refuse_if_stale(AUCTION, _bid(100_000))
