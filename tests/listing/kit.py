"""What the listing tests share: the platform's bidding engine (listing.auction) on the
test's database, signed bids placed through it, its database clock set past a countdown's
end (migration 0110's ``auction_clock``), the world's officials with registered keys, a
seller with a certificate, a published listing, and the reserve sealed and released the
way the seller's and the officials' clients do it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import secrets
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any
from uuid import UUID

import asyncpg
import pytest

from accounts.keys import queries as key_queries
from accounts.model import Actor
from audit.service import LogIdentity
from listing import service
from listing.auction.model import Bid, BidRequest, bid_form
from listing.auction.service import AuctionService, place_bid, verify_bid
from listing.model import (
    RESERVE_FIELD,
    RESERVE_LOT,
    RESERVE_PART,
    DepositInput,
    Listing,
    ListingInput,
    ListingKind,
    Qualification,
)
from listing.policy import ListingPolicies
from listing.reserve import committee_of
from listing.service import ListingSetup
from signing.age import X25519Identity, parse_header
from signing.certs import Identity, cert_sha256
from signing.cms import sign_detached
from signing.log.checkpoint import generate_private_key
from signing.log.note import Ed25519Signer
from signing.manifest import BidInfo
from signing.sealed_bid import BidFile, seal_part
from signing.shares import SHARE_TYPE, unwrap_share
from signing.statements.recipient import RecipientStatement
from tender.bonds.model import BondKind
from tender.calendar import HolidayCalendar, load_calendar, parse_year, period_end
from tender.submission.receipts import load_or_create
from tests.accounts.factory import actor_for
from tests.tender.calendar_kit import synthetic_year
from tests.tender.world import World, bidder_identity, register_certificate

# The shipped calendar plus a SYNTHETIC next year (tests/tender/calendar_kit.py, as the
# HTTP tests' data directory holds it): the shipped data stops at 2026 and a listing
# published in December runs into January.
_SHIPPED = load_calendar()
_NEXT = parse_year(json.dumps(synthetic_year(2027)).encode(), need_url=True)
CALENDAR = HolidayCalendar(years=MappingProxyType({**_SHIPPED.years, 2027: _NEXT}))
POLICIES = ListingPolicies()


# The log's checkpoint signer of these tests (the app has its own identity).
_LOG_SIGNER = Ed25519Signer(name="etender.test/listing-log", private_key=generate_private_key())
TEST_LOG = LogIdentity(origin=_LOG_SIGNER.name, signer=_LOG_SIGNER)


def engine(platform_dir: Path) -> AuctionService:
    """The platform's bidding engine (listing.auction), its receipts signed by a platform
    identity in ``platform_dir``."""
    return AuctionService(signer=load_or_create(platform_dir), log_identity=TEST_LOG)


async def set_clock(owner: asyncpg.Connection, at: dt.datetime | None) -> None:
    """The auction's database clock fixed at ``at`` (None: the database's own again), as
    migration 0110 allows a test to (never a sleep on the wall clock)."""
    body = "SELECT clock_timestamp()" if at is None else f"SELECT '{at.isoformat()}'::timestamptz"
    await owner.execute(
        "CREATE OR REPLACE FUNCTION auction_clock() RETURNS timestamptz "
        f"LANGUAGE sql VOLATILE AS $$ {body} $$"
    )


@pytest.fixture
async def clock(owner_conn: asyncpg.Connection) -> AsyncIterator[asyncpg.Connection]:
    """The owner's connection for set_clock; the auction's clock is put back after the
    test (the database's catalogs are the template's again: tests/dbreset.py reuses it)."""
    try:
        yield owner_conn
    finally:
        await set_clock(owner_conn, None)


async def bid(
    conn: asyncpg.Connection, world: World, auction_id: int, *, bidder: int, number: str,
    price_fen: int,
) -> Bid:  # fmt: skip
    """World bidder ``bidder`` (0-based) places a signed bid in-process, as the room's
    ``bid`` command does (verify, then lock, clock, decide, log; in one transaction)."""
    actor, identity = world.bidders[bidder], world.bidder_identities[bidder]
    seq = 1 + await conn.fetchval(
        "SELECT bids FROM auction_bidders WHERE auction_id = $1 AND number = $2",
        auction_id, number,
    )  # fmt: skip
    standing = await conn.fetchval(
        "SELECT standing_price_fen FROM auctions WHERE id = $1", auction_id
    )
    request = BidRequest(
        number=number,
        seq=seq,
        price_fen=price_fen,
        standing_fen=standing,
        nonce=secrets.token_hex(16),
        signature=b"",
    )
    form = bid_form(auction_id, request)
    signature = sign_detached(form, identity.certificate, identity.key, chain=identity.chain)
    request = dataclasses.replace(request, signature=signature)
    async with conn.transaction():
        signed = await verify_bid(
            conn, actor, auction_id, request, world.ca.trust_store(), dt.datetime.now(dt.UTC)
        )
        placed, _ = await place_bid(conn, actor, auction_id, request, signed)
    return placed


async def listing_bid(
    conn: asyncpg.Connection, owner: asyncpg.Connection, world: World, listing: Listing, *,
    bidder: int, number: str, price_fen: int,
) -> Bid:  # fmt: skip
    """A bid in the listing period (挂牌期): the database clock an hour after its start."""
    assert listing.auction_id is not None
    await set_clock(owner, listing.starts_at + dt.timedelta(hours=1))
    return await bid(
        conn, world, listing.auction_id, bidder=bidder, number=number, price_fen=price_fen
    )


async def going_on(conn: asyncpg.Connection, listing: Listing) -> frozenset[str]:
    """The numbers the engine let into the timed auction."""
    rows = await conn.fetch(
        "SELECT number FROM auction_bidders WHERE auction_id = $1 AND in_countdown",
        listing.auction_id,
    )
    return frozenset(r["number"] for r in rows)


async def end_with(
    conn: asyncpg.Connection, owner: asyncpg.Connection, world: World, listing: Listing,
    bids: Sequence[tuple[int, str, int]],
) -> None:  # fmt: skip
    """The listing's auction, after ``close``, runs its countdown with these bids (world
    bidder, number, price) and ends: the database clock set inside the countdown for the
    bids, then past its end."""
    assert listing.auction_id is not None
    ends_at = await conn.fetchval("SELECT ends_at FROM auctions WHERE id = $1", listing.auction_id)
    await set_clock(owner, ends_at - dt.timedelta(seconds=1))
    for bidder, number, price in bids:
        await bid(conn, world, listing.auction_id, bidder=bidder, number=number, price_fen=price)
    ends_at = await conn.fetchval("SELECT ends_at FROM auctions WHERE id = $1", listing.auction_id)
    await set_clock(owner, ends_at)


def make_setup(world: World, bidding: AuctionService) -> ListingSetup:
    """The listing use cases' setup: default policies, the calendar, the world's CA."""
    return ListingSetup(
        policies=POLICIES, calendar=CALENDAR, trust=world.ca.trust_store(), bidding=bidding
    )


async def register_official_keys(conn: asyncpg.Connection, world: World) -> None:
    """Each official registers its certificate and age recipient (accounts/keys)."""
    now = dt.datetime.now(dt.UTC)
    for official in world.officials:
        person = official.identity
        await register_certificate(conn, official.user.id, person)
        recipient = official.age.recipient().encode()
        signed = RecipientStatement.for_certificate(recipient, person.certificate, now).sign(
            person.certificate, person.key, chain=person.chain
        )
        await key_queries.replace_recipient(
            conn, official.user.id, recipient=recipient,
            cert_sha256=cert_sha256(person.certificate),
            statement=signed.body, signature=signed.signature,
        )  # fmt: skip


async def seller_identity(conn: asyncpg.Connection, world: World) -> Identity:
    """The seller's (the tenderer organisation's) signing certificate, registered."""
    identity = bidder_identity(world.ca, world.tenderer_org, "出让人")
    await register_certificate(conn, world.tenderer.user_id, identity)
    return identity


def times(
    now: dt.datetime, kind: ListingKind = ListingKind.LAND_USE
) -> tuple[dt.datetime, dt.datetime]:
    """The earliest start and end the rules allow for a listing published at ``now``."""
    starts = period_end(now, POLICIES.notice_period, CALENDAR, extend=False)
    period = (
        POLICIES.state_property_period
        if kind is ListingKind.STATE_PROPERTY
        else POLICIES.listing_period
    )
    return starts, period_end(starts, period, CALENDAR, extend=False)


def listing_input(
    world: World, now: dt.datetime, *, kind: ListingKind = ListingKind.LAND_USE,
    has_reserve: bool = True, **changes: object,
) -> ListingInput:  # fmt: skip
    """A land-use listing as short as the rules allow, reserve sealed to all 3 officials (k=2)."""
    starts, ends = times(now, kind)
    data = ListingInput(
        kind=kind, title="宣城市宣州区 2026-18 号地块国有建设用地使用权",
        seller_id=world.tenderer_org.id,
        starts_at=starts, ends_at=ends, start_price_fen=10_000_000_00, increment_fen=100_000_00,
        deposit_fen=2_000_000_00, countdown_seconds=300, has_reserve=has_reserve, committee_k=2,
        officials=tuple(o.user.id for o in world.officials),
    )  # fmt: skip
    return dataclasses.replace(data, **changes)  # type: ignore[arg-type]


def seal_reserve_bytes(
    world: World, listing: Listing, seller: Identity, reserve_fen: object, at: dt.datetime
) -> bytes:
    """What the seller's client seals: the reserve in the manifest's info, one small file."""
    out = io.BytesIO()
    note = b"reserve"
    seal_part(
        out, committee=committee_of(listing), trust=world.ca.trust_store(), at=at,
        bidder_recipient=X25519Identity.generate().recipient(),
        info=BidInfo(tender=listing.code, lot=RESERVE_LOT, part=RESERVE_PART,
                     bidder=world.tenderer_org.credit_code, fields={RESERVE_FIELD: reserve_fen}),  # type: ignore[dict-item]
        files=[BidFile(name="reserve.txt", size=len(note), source=io.BytesIO(note))],
        sign=lambda data: sign_detached(data, seller.certificate, seller.key, chain=seller.chain),
    )  # fmt: skip
    return out.getvalue()


def share_of(world: World, listing: Listing, sealed: bytes, x: int) -> bytes:
    """What official x's client releases: its share of the reserve."""
    committee = committee_of(listing)
    stanza = parse_header(sealed).stanzas_of_type(SHARE_TYPE)[x - 1]
    return unwrap_share(
        world.officials[x - 1].age, stanza, committee.fingerprint, RESERVE_PART
    ).value


async def official_actor(conn: asyncpg.Connection, world: World, x: int) -> Actor:
    return await actor_for(conn, world.officials[x - 1].user)


async def published(
    conn: asyncpg.Connection, world: World, setup: ListingSetup, now: dt.datetime, **changes: Any
) -> Listing:
    """A listing published at ``now`` by the world's agency."""
    return await service.publish(
        conn, world.agency, listing_input(world, now, **changes), setup, now=now
    )


def ids(listing: Listing) -> UUID:
    return listing.id


def deposit(listing: Listing, now: dt.datetime, account: str = "6222020200112233") -> DepositInput:
    return DepositInput(
        kind=BondKind.TRANSFER, amount_fen=listing.deposit_fen, paid_at=now,
        paying_account=account,
    )  # fmt: skip


async def qualified_bidders(
    conn: asyncpg.Connection, world: World, listing: Listing, setup: ListingSetup,
    now: dt.datetime, count: int,
) -> list[str]:  # fmt: skip
    """``count`` of the world's bidders registered, paid and qualified; their numbers."""
    numbers = []
    for i, bidder in enumerate(world.bidders[:count]):
        reg = await service.register(conn, bidder, listing.id, now=now)
        await service.record_deposit(
            conn, world.staff, listing.id, reg.id, deposit(listing, now, f"62220202001122{i:02d}"),
            now=now,
        )  # fmt: skip
        done = await service.qualify(
            conn, world.staff, listing.id, reg.id, qualified=True, reason=None, setup=setup, now=now
        )
        assert done.qualification is Qualification.QUALIFIED
        assert done.number is not None
        numbers.append(done.number)
    return numbers
