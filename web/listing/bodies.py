"""Bodies of the listings API (docs/api-listing.md; msgspec, unknown fields refused)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec

from listing.model import Listing, Registration
from listing.reads import BidderView, reserve_shown
from web.tender.bodies import AwareTime, Model
from web.tender.results.bodies import Base64

Text200 = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Fen = Annotated[int, msgspec.Meta(ge=0, le=10**15)]


class ListingRequest(Model, frozen=True, kw_only=True):
    """A listing to publish (money in fen; times RFC 3339 with an offset)."""

    kind: str
    title: Text200
    seller_id: UUID
    starts_at: AwareTime
    ends_at: AwareTime
    start_price_fen: Fen
    increment_fen: Fen
    deposit_fen: Fen
    countdown_seconds: Annotated[int, msgspec.Meta(ge=0, le=86_400)]
    has_reserve: bool
    committee_k: Annotated[int, msgspec.Meta(ge=2, le=31)]
    officials: Annotated[list[UUID], msgspec.Meta(min_length=3, max_length=32)]


class DepositRequest(Model, frozen=True, kw_only=True):
    """A deposit as the centre's finance staff record it."""

    kind: str
    amount_fen: Fen
    paid_at: AwareTime
    paying_account: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    guarantee_no: Annotated[str, msgspec.Meta(max_length=64)] | None = None


class DepositCorrection(Model, frozen=True, kw_only=True):
    """A recorded deposit as it should have been recorded, and why (the log keeps both)."""

    deposit: DepositRequest
    # The record replaced, by its RegistrationBody.deposit_version (F8: no lost update).
    deposit_version: Annotated[int, msgspec.Meta(ge=0, le=1_000_000)]
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


class QualifyRequest(Model, frozen=True, kw_only=True):
    qualified: bool
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)] | None = None


class SealedRequest(Model, frozen=True, kw_only=True):
    sealed: Base64  # the age file of the sealed reserve, base64


class ShareRequest(Model, frozen=True, kw_only=True):
    share: Annotated[str, msgspec.Meta(max_length=200)]  # official x's share, base64


class AgreeRequest(Model, frozen=True, kw_only=True):
    price_fen: Fen


class SignatureRequest(Model, frozen=True, kw_only=True):
    signature: Base64  # CMS detached over the statement of GET …/deal, base64


class RefundRequest(Model, frozen=True, kw_only=True):
    reference: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]


class ListingBody(Model, frozen=True, kw_only=True):
    id: UUID
    code: str
    kind: str
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
    reserve_sealed: bool
    committee_k: int
    committee_n: int
    auction_id: int | None
    phase: str
    status: str
    outcome: str | None
    winner_number: str | None
    price_fen: int | None
    reserve_fen: int | None
    decided_at: datetime | None
    concluded_at: datetime | None


class ListingList(Model, frozen=True, kw_only=True):
    items: list[ListingBody]


class BidderBody(Model, frozen=True, kw_only=True):
    number: str | None
    organisation_id: UUID | None
    qualification: str | None


class BidderList(Model, frozen=True, kw_only=True):
    items: list[BidderBody]


class RegistrationBody(Model, frozen=True, kw_only=True):
    id: UUID
    listing_id: UUID
    organisation_id: UUID
    number: str | None
    qualification: str
    reason: str | None
    deposit: str
    deposit_fen: int | None
    wants_to_go_on: bool
    registered_at: datetime
    deposit_version: int


class DealBody(Model, frozen=True, kw_only=True):
    statement: str  # base64 of the exact bytes both sides sign
    signed: list[str]  # the sides that have signed: "seller", "buyer"


class ShareReceipt(Model, frozen=True, kw_only=True):
    x: int


class ReserveBody(Model, frozen=True, kw_only=True):
    """The reserve's committee file (docs/formats/sealed-bid.md) and the sealed part."""

    committee: dict[str, Any]
    sealed: str | None
    sha256: str | None


def listing_body(found: Listing, now: datetime) -> ListingBody:
    return ListingBody(
        id=found.id, code=found.code, kind=str(found.kind), title=found.title,
        seller_id=found.seller_id, agency_id=found.agency_id, published_at=found.published_at,
        starts_at=found.starts_at, ends_at=found.ends_at,
        start_price_fen=found.start_price_fen, increment_fen=found.increment_fen,
        deposit_fen=found.deposit_fen, countdown_seconds=found.countdown_seconds,
        has_reserve=found.has_reserve, reserve_sealed=found.reserve_sha256 is not None,
        committee_k=found.committee_k, committee_n=len(found.officials),
        auction_id=found.auction_id,
        phase=str(found.phase(now)), status=str(found.status),
        outcome=None if found.outcome is None else str(found.outcome),
        winner_number=found.winner_number, price_fen=found.price_fen,
        reserve_fen=reserve_shown(found), decided_at=found.decided_at,
        concluded_at=found.concluded_at,
    )  # fmt: skip


def bidder_body(view: BidderView) -> BidderBody:
    return BidderBody(
        number=view.number, organisation_id=view.organisation_id,
        qualification=None if view.qualification is None else str(view.qualification),
    )  # fmt: skip


def registration_body(found: Registration) -> RegistrationBody:
    return RegistrationBody(
        id=found.id, listing_id=found.listing_id, organisation_id=found.organisation_id,
        number=found.number, qualification=str(found.qualification), reason=found.reason,
        deposit=str(found.deposit), deposit_fen=found.deposit_fen,
        wants_to_go_on=found.wants_to_go_on, registered_at=found.registered_at,
        deposit_version=found.deposit_version,
    )  # fmt: skip
