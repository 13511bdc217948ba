"""Rules over a lot's bids, as pure functions (tender/submission/model.py): Reg. 37 and Reg. 40."""

from __future__ import annotations

from uuid import UUID, uuid4

from tender.submission.model import (
    BidPart,
    FreezeEntry,
    identical_hashes,
    organisations_in_two_bids,
)

A, B, C, D = "91A", "91B", "91C", "91D"


def _entry(bidder: str, *members: str) -> FreezeEntry:
    return FreezeEntry(
        bid_id=uuid4(),
        bidder_id=uuid4(),
        bidder_credit_code=bidder,
        version=1,
        parts=(BidPart(label="main", sha256="a" * 64, size=1),),
        consortium=members,
    )


def test_an_organisation_leading_one_bid_and_member_of_another_invalidates_both() -> None:
    """Reg. 37: C leads a bid and is A's member; both bids are named, B's is not."""
    a, b, c = _entry(A, C), _entry(B), _entry(C)
    assert organisations_in_two_bids([a, b, c]) == {a.bid_id: (C,), c.bid_id: (C,)}


def test_a_member_of_two_consortia_invalidates_both_and_disjoint_bids_stand() -> None:
    """Reg. 37: D is a member of two consortia; distinct organisations are fine."""
    a, b, c = _entry(A, D), _entry(B, D), _entry(C)
    assert organisations_in_two_bids([a, b, c]) == {a.bid_id: (D,), b.bid_id: (D,)}
    assert organisations_in_two_bids([_entry(A, B), _entry(C)]) == {}


def test_identical_part_hashes_of_two_bidders_are_found_and_one_bidders_repeats_are_not() -> None:
    """Reg. 40: a hash two bidders hold is reported with both; a bidder re-uploading
    its own part is not collusion."""
    one, two = UUID(int=1), UUID(int=2)
    named = [("a" * 64, one), ("a" * 64, two), ("b" * 64, one), ("b" * 64, one)]
    assert identical_hashes(named) == {"a" * 64: (one, two)}
