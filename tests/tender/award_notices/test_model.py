"""Who is told what at the award (Law 45), as pure rules."""

from __future__ import annotations

from uuid import UUID

from tender.award_notices.model import NoticeKind, OpenedBid, addressees


def _bid(n: int, code: str) -> OpenedBid:
    return OpenedBid(
        bid_id=UUID(int=n), organisation_id=UUID(int=100 + n), name=f"公司{n}",
        credit_code=code, fields={"price": n},
    )  # fmt: skip


def test_the_winner_gets_the_award_notice_every_other_opened_bid_the_result() -> None:
    """One award notice, a result notice to each other bidder, ordered by credit code."""
    bids = [_bid(1, "C"), _bid(2, "A"), _bid(3, "B")]
    told = addressees(UUID(int=3), bids)
    assert [(b.credit_code, kind) for b, kind in told] == [
        ("A", NoticeKind.RESULT),
        ("B", NoticeKind.AWARD),
        ("C", NoticeKind.RESULT),
    ]


def test_a_lone_opened_bid_is_told_only_that_it_won() -> None:
    """No result notice when nobody else's bid was opened."""
    assert addressees(UUID(int=1), [_bid(1, "A")]) == [(_bid(1, "A"), NoticeKind.AWARD)]
