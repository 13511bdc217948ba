"""A listing's OCDS release names the seller as docs/api-listing.md ("OCDS") says: the
``buyer`` and the ``procuringEntity``, its party carrying both roles (OCDS 1.1: a party
referenced from a release carries the role of every place it is referenced from; the
outside tester's finding 13). Pure: no database."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

from listing.model import Listing, ListingKind, Outcome, Status
from listing.ocds import release
from tests.tender.disclosure import ocds_schema

AT = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
SELLER, WINNER = uuid.uuid4(), uuid.uuid4()
NAMES = {SELLER: "宣城市自然资源和规划局", WINNER: "安徽某置业有限公司"}


def _listing(**changes: object) -> Listing:
    found = Listing(
        id=uuid.uuid4(), serial=1, code="XC-GP-2026-0001", kind=ListingKind.LAND_USE,
        title="宣州区 2026-18 号地块", seller_id=SELLER, agency_id=uuid.uuid4(),
        published_at=AT, starts_at=AT + dt.timedelta(days=21),
        ends_at=AT + dt.timedelta(days=40), start_price_fen=100_00, increment_fen=1_00,
        deposit_fen=10_00, countdown_seconds=300, has_reserve=False, committee_k=2,
        officials=(), committee=b"", policies={}, status=Status.OPEN, auction_id=1,
        reserve_sha256=None, reserve_fen=None, outcome=None, winner_number=None,
        price_fen=None, decided_at=None, concluded_at=None,
    )  # fmt: skip
    return dataclasses.replace(found, **changes)  # type: ignore[arg-type]


def test_the_seller_is_buyer_and_procuring_entity_before_and_after_the_decision() -> None:
    seller = {"id": str(SELLER), "name": NAMES[SELLER]}
    sold = _listing(
        status=Status.DECIDED, outcome=Outcome.SOLD, winner_number="482913", price_fen=101_00,
        decided_at=AT + dt.timedelta(days=41),
    )  # fmt: skip
    for found, winner in ((_listing(), None), (sold, WINNER)):
        body = release(
            found, names=NAMES, winner=winner, ocid_prefix="ocds-x", base_url="https://x"
        )
        assert body["buyer"] == body["tender"]["procuringEntity"] == seller
        assert body["parties"][0] == {**seller, "roles": ["buyer", "procuringEntity"]}
        roles = {p["id"]: p["roles"] for p in body["parties"]}
        assert len(roles) == len(body["parties"])  # one party per organisation
        assert ocds_schema.errors(body, "release-schema.json") == []
    assert roles[str(WINNER)] == ["tenderer", "supplier"]
