"""docs/formats/auction.md says what the code does: the signed form's bytes, the rules'
codes and statuses, the events the room may emit (issue 18, item 2: "exact")."""

from __future__ import annotations

import re
from pathlib import Path

from listing.auction import errors
from listing.auction.model import BidRequest, bid_form
from listing.auction.room import BID_KEYS, EVENTS

DOC = (Path(__file__).resolve().parents[2] / "docs" / "formats" / "auction.md").read_text()


def test_the_signed_form_example_is_the_code_s_bytes() -> None:
    """§3: the example line is exactly what a bidder signs for those terms."""
    example = re.search(r"```json\n(\{\"auction\".*?)\n```", DOC, re.S)
    assert example is not None
    request = BidRequest(
        number="A001", seq=1, price_fen=100000, standing_fen=None,
        nonce="000102030405060708090a0b0c0d0e0f", signature=b"",
    )  # fmt: skip
    assert example.group(1).encode() == bid_form(7, request)


def test_every_rule_s_code_and_status_is_the_error_class_s() -> None:
    """§5: each row's code has the HTTP status its class declares, and every class is there."""
    rows = re.findall(r"^\| \d+ \| .*? \| `(auction_\w+)`.*?\| (\d{3}) \|$", DOC, re.M)
    classes = {
        cls.code: cls.status for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, errors.AuctionError)
    }  # fmt: skip
    assert {code: int(status) for code, status in rows} == {c: classes[c] for c, _ in rows}
    assert set(classes) - {code for code, _ in rows} == {
        "auction_error", "auction_not_found", "auction_bid_not_found", "auction_phase_invalid",
        "auction_spec_invalid",
    }  # fmt: skip
    for code in set(classes) - {code for code, _ in rows} - {"auction_error"}:
        assert f"`{code}`" in DOC


def test_the_events_and_command_fields_are_the_room_s() -> None:
    """§4.1 and §6.1: the bid's six keys and every event the room declares."""
    listed = set(re.findall(r"^\| `([a-z]+\.[a-z]+)` \| ", DOC, re.M))
    assert listed == EVENTS - {"auction.snapshot"}
    assert "`auction.snapshot`" in DOC
    for key in BID_KEYS:
        assert f'"{key}"' in DOC
