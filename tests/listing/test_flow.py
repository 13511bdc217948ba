"""One listing from notice to deal, and the ways it ends without one (issue 18, items 1, 3).

DOMAIN.md, "Other transaction types": notice ≥ 20 days before the start, listing ≥ 10
working days, bidders with deposits and numbers, a reserve sealed before the start to a
committee of k of n and opened at the end without the seller, below it no sale (流拍), the
confirmation signed by both sides, deposits applied or refunded. The bidding engine is
the platform's (listing.auction) on the test's database: real signed bids, its clock set
past the countdown's end (migration 0110's ``auction_clock``).
"""

from __future__ import annotations

import datetime as dt

import asyncpg
import pytest

from listing import conclusion, queries, service
from listing.errors import (
    ListingReserveLocked,
    ListingReserveUnopened,
    ListingShareInvalid,
    ListingSignatureInvalid,
    ListingStateConflict,
)
from listing.model import (
    DepositStatus,
    ListingKind,
    Outcome,
    Status,
)
from listing.service import ListingSetup
from signing.certs import Identity
from signing.cms import sign_detached
from tests.listing.kit import (
    end_with,
    going_on,
    listing_bid,
    official_actor,
    published,
    qualified_bidders,
    seal_reserve_bytes,
    set_clock,
    share_of,
)
from tests.tender.world import World, entries

HOUR = dt.timedelta(hours=1)


async def test_a_listing_goes_from_notice_to_deal_with_the_reserve_opened_by_k_officials(
    conn: asyncpg.Connection, world: World, seller: Identity, setup: ListingSetup,
    clock: asyncpg.Connection, now: dt.datetime,
) -> None:  # fmt: skip
    listing = await published(conn, world, setup, now)
    assert listing.code.startswith("XC-GP-")
    assert listing.status is Status.OPEN
    sealed = seal_reserve_bytes(world, listing, seller, 12_000_000_00, now)
    await service.seal_reserve(conn, world.tenderer, listing.id, sealed, now=now)
    numbers = await qualified_bidders(conn, world, listing, setup, now, 3)
    assert len(set(numbers)) == 3
    assert all(len(n) == 6 for n in numbers)
    during = listing.starts_at + HOUR
    # Rule: once the listing has started the seller cannot replace or withdraw the reserve.
    with pytest.raises(ListingReserveLocked):
        await service.seal_reserve(conn, world.tenderer, listing.id, sealed, now=during)
    for bidder in world.bidders[:2]:
        await service.go_on(conn, bidder, listing.id, now=during)
    after = listing.ends_at + HOUR
    await set_clock(clock, after)  # the engine judges by the database clock
    closed = await conclusion.close(conn, world.agency, listing.id, setup, now=after)
    assert closed.status is Status.AUCTION
    assert await going_on(conn, closed) == frozenset(numbers[:2])
    # The reserve opens at the end without the seller: any k = 2 of the 3 officials.
    for x in (1, 3):
        official = await official_actor(conn, world, x)
        await conclusion.release_share(
            conn, official, listing.id, share_of(world, listing, sealed, x), now=after
        )
    await end_with(
        conn, clock, world, closed, [(0, numbers[0], 12_400_000_00), (1, numbers[1], 12_500_000_00)]
    )
    decided = await conclusion.decide_result(conn, world.agency, listing.id, setup, now=after)
    assert (decided.outcome, decided.winner_number, decided.price_fen) == (
        Outcome.SOLD,
        numbers[1],
        12_500_000_00,
    )
    assert decided.reserve_fen == 12_000_000_00
    assert decided.status is Status.DECIDED
    deposits = {b.number: b.deposit for b in await queries.bidders(conn, listing.id)}
    assert deposits == {numbers[0]: DepositStatus.REFUND_DUE, numbers[1]: DepositStatus.APPLIED,
                        numbers[2]: DepositStatus.REFUND_DUE}  # fmt: skip
    # The confirmation of the deal, signed by both sides with registered certificates.
    body = await conclusion.deal(conn, decided)
    buyer = world.bidder_identities[1]
    await conclusion.sign_deal(
        conn, world.tenderer, listing.id,
        sign_detached(body, seller.certificate, seller.key, chain=seller.chain), setup, now=after,
    )  # fmt: skip
    done = await conclusion.sign_deal(
        conn, world.bidders[1], listing.id,
        sign_detached(body, buyer.certificate, buyer.key, chain=buyer.chain), setup, now=after,
    )  # fmt: skip
    assert done.status is Status.CONCLUDED
    kinds = [e.kind for e in await entries(conn, "listing.decided")]
    assert kinds == ["listing.decided"]
    # A bidder's own acts name no user and no address in the log before the decision:
    # a user id names its organisation (the outside tester's finding; api-listing.md).
    own = [
        *await entries(conn, "listing.bidder_registered"),
        *await entries(conn, "listing.go_on_requested"),
    ]
    assert len(own) == 5  # three registrations, two who went on
    assert {(e.actor.user_id, e.actor.role, e.address) for e in own} == {(None, "bidder", None)}
    reg = await queries.bidder_of(conn, listing.id, world.bidder_orgs[0].id)
    assert reg is not None
    refunded = await conclusion.refund_deposit(
        conn, world.staff, listing.id, reg.id, "BK20270101", now=after
    )
    assert refunded.deposit is DepositStatus.REFUNDED


async def test_a_highest_bid_under_the_reserve_ends_without_a_sale(
    conn: asyncpg.Connection, world: World, seller: Identity, setup: ListingSetup,
    clock: asyncpg.Connection, now: dt.datetime,
) -> None:  # fmt: skip
    listing = await published(conn, world, setup, now)
    sealed = seal_reserve_bytes(world, listing, seller, 12_000_000_00, now)
    await service.seal_reserve(conn, world.tenderer, listing.id, sealed, now=now)
    numbers = await qualified_bidders(conn, world, listing, setup, now, 2)
    await listing_bid(
        conn, clock, world, listing, bidder=0, number=numbers[0], price_fen=11_999_999_99
    )
    after = listing.ends_at + HOUR
    await set_clock(clock, after)  # the engine judges by the database clock
    await conclusion.close(conn, world.staff, listing.id, setup, now=after)
    for x in (1, 2):
        official = await official_actor(conn, world, x)
        await conclusion.release_share(
            conn, official, listing.id, share_of(world, listing, sealed, x), now=after
        )
    decided = await conclusion.decide_result(conn, world.staff, listing.id, setup, now=after)
    assert (decided.outcome, decided.winner_number, decided.status) == (
        Outcome.BELOW_RESERVE,
        None,
        Status.CONCLUDED,
    )
    assert {b.deposit for b in await queries.bidders(conn, listing.id)} == {
        DepositStatus.REFUND_DUE
    }
    with pytest.raises(ListingStateConflict):
        await conclusion.deal(conn, decided)


async def test_a_reserve_that_does_not_open_is_refused_and_nothing_is_decided(
    conn: asyncpg.Connection, world: World, seller: Identity, setup: ListingSetup,
    clock: asyncpg.Connection, now: dt.datetime,
) -> None:  # fmt: skip
    listing = await published(conn, world, setup, now)
    sealed = seal_reserve_bytes(world, listing, seller, 12_000_000_00, now)
    await service.seal_reserve(conn, world.tenderer, listing.id, sealed, now=now)
    numbers = await qualified_bidders(conn, world, listing, setup, now, 2)
    await listing_bid(
        conn, clock, world, listing, bidder=0, number=numbers[0], price_fen=13_000_000_00
    )
    after = listing.ends_at + HOUR
    await set_clock(clock, after)  # the engine judges by the database clock
    await conclusion.close(conn, world.staff, listing.id, setup, now=after)
    official = await official_actor(conn, world, 1)
    # A share that is not official 1's is refused and not stored.
    with pytest.raises(ListingShareInvalid):
        await conclusion.release_share(
            conn, official, listing.id, share_of(world, listing, sealed, 2), now=after
        )
    await conclusion.release_share(
        conn, official, listing.id, share_of(world, listing, sealed, 1), now=after
    )
    with pytest.raises(ListingReserveUnopened) as refused:
        await conclusion.decide_result(conn, world.staff, listing.id, setup, now=after)
    assert refused.value.details == {"released": 1, "k": 2}
    unchanged = await service.require(conn, listing.id)
    assert (unchanged.status, unchanged.outcome, unchanged.decided_at) == (
        Status.AUCTION,
        None,
        None,
    )
    assert {b.deposit for b in await queries.bidders(conn, listing.id)} == {DepositStatus.HELD}


async def test_state_property_with_one_buyer_is_agreed_at_no_less_than_the_listed_price(
    conn: asyncpg.Connection, world: World, setup: ListingSetup, now: dt.datetime,
) -> None:  # fmt: skip
    listing = await published(
        conn, world, setup, now, kind=ListingKind.STATE_PROPERTY, has_reserve=False
    )
    numbers = await qualified_bidders(conn, world, listing, setup, now, 1)
    after = listing.ends_at + HOUR
    closed = await conclusion.close(conn, world.staff, listing.id, setup, now=after)
    assert closed.status is Status.AGREEMENT
    assert (
        await conn.fetchval("SELECT phase FROM auctions WHERE id = $1", listing.auction_id)
        == "listing"
    )
    from listing.errors import ListingAgreementTooLow

    with pytest.raises(ListingAgreementTooLow):
        await conclusion.agree(
            conn, world.staff, listing.id, listing.start_price_fen - 1, setup, now=after
        )
    agreed = await conclusion.agree(
        conn, world.staff, listing.id, listing.start_price_fen, setup, now=after
    )
    assert (agreed.outcome, agreed.winner_number) == (Outcome.SOLD, numbers[0])


async def test_state_property_with_two_buyers_goes_to_the_timed_auction(
    conn: asyncpg.Connection, world: World, setup: ListingSetup, clock: asyncpg.Connection,
    now: dt.datetime,
) -> None:  # fmt: skip
    listing = await published(
        conn, world, setup, now, kind=ListingKind.STATE_PROPERTY, has_reserve=False
    )
    numbers = await qualified_bidders(conn, world, listing, setup, now, 2)
    after = listing.ends_at + HOUR
    await set_clock(clock, after)  # the engine judges by the database clock
    closed = await conclusion.close(conn, world.staff, listing.id, setup, now=after)
    # Decree 32: every qualified buyer competes, whether or not it asked to go on.
    assert closed.status is Status.AUCTION
    assert await going_on(conn, closed) == frozenset(numbers)


async def test_a_signature_by_another_certificate_is_refused(
    conn: asyncpg.Connection, world: World, seller: Identity, setup: ListingSetup,
    clock: asyncpg.Connection, now: dt.datetime,
) -> None:  # fmt: skip
    listing = await published(conn, world, setup, now, has_reserve=False)
    numbers = await qualified_bidders(conn, world, listing, setup, now, 2)
    await listing_bid(
        conn, clock, world, listing, bidder=0, number=numbers[0], price_fen=listing.start_price_fen
    )
    after = listing.ends_at + HOUR
    await set_clock(clock, after)  # the engine judges by the database clock
    await conclusion.close(conn, world.staff, listing.id, setup, now=after)
    decided = await conclusion.decide_result(conn, world.staff, listing.id, setup, now=after)
    body = await conclusion.deal(conn, decided)
    other = world.bidder_identities[1]  # another bidder's certificate, not the seller's
    with pytest.raises(ListingSignatureInvalid):
        await conclusion.sign_deal(
            conn, world.tenderer, listing.id,
            sign_detached(body, other.certificate, other.key, chain=other.chain), setup, now=after,
        )  # fmt: skip
    assert await queries.confirmations(conn, listing.id) == {}


async def test_a_reserve_signed_by_another_than_the_seller_does_not_open(
    conn: asyncpg.Connection, world: World, seller: Identity, setup: ListingSetup,
    clock: asyncpg.Connection, now: dt.datetime,
) -> None:  # fmt: skip
    listing = await published(conn, world, setup, now)
    impostor = world.bidder_identities[0]  # a certificate of a bidder, not of the seller
    sealed = seal_reserve_bytes(world, listing, impostor, 1, now)
    await service.seal_reserve(conn, world.tenderer, listing.id, sealed, now=now)
    numbers = await qualified_bidders(conn, world, listing, setup, now, 2)
    await listing_bid(
        conn, clock, world, listing, bidder=0, number=numbers[0], price_fen=listing.start_price_fen
    )
    after = listing.ends_at + HOUR
    await set_clock(clock, after)  # the engine judges by the database clock
    await conclusion.close(conn, world.staff, listing.id, setup, now=after)
    for x in (2, 3):
        official = await official_actor(conn, world, x)
        share = share_of(world, listing, sealed, x)
        await conclusion.release_share(conn, official, listing.id, share, now=after)
    with pytest.raises(ListingReserveUnopened) as refused:
        await conclusion.decide_result(conn, world.staff, listing.id, setup, now=after)
    assert refused.value.details == {"cause": "not_sellers"}
    assert (await service.require(conn, listing.id)).decided_at is None
