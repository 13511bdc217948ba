"""What the listing tests share: a stand-in for the bidding engine, the world's officials
with registered keys, a seller with a certificate, a published listing, and the reserve
sealed and released the way the seller's and the officials' clients do it.

The stand-in implements PLAN.md's contract (listing/bidding.py) in memory: the auction
lane's engine is built in parallel; the listing's own steps are what these tests prove.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import itertools
from types import MappingProxyType
from typing import Any
from uuid import UUID

import asyncpg

from accounts.keys import queries as key_queries
from accounts.model import Actor
from listing import service
from listing.bidding import AuctionBidder, AuctionPhase, AuctionSpec, AuctionState
from listing.model import (
    RESERVE_FIELD,
    RESERVE_LOT,
    RESERVE_PART,
    Listing,
    ListingInput,
    ListingKind,
)
from listing.policy import ListingPolicies
from listing.reserve import committee_of
from listing.service import ListingSetup
from signing.age import X25519Identity, parse_header
from signing.certs import Identity, cert_sha256
from signing.cms import sign_detached
from signing.manifest import BidInfo
from signing.sealed_bid import BidFile, seal_part
from signing.shares import SHARE_TYPE, unwrap_share
from signing.statements.recipient import RecipientStatement
from tender.calendar import HolidayCalendar, YearCalendar, load_calendar, period_end
from tests.accounts.factory import actor_for
from tests.tender.world import World, bidder_identity, register_certificate

# The shipped calendar plus a plain next year (weekends only): the shipped data stops at
# 2026 and a listing published in December runs into January.
_SHIPPED = load_calendar()
CALENDAR = HolidayCalendar(
    years=MappingProxyType(
        {**_SHIPPED.years,
         2027: YearCalendar(year=2027, source="test", holidays=frozenset(), workdays=frozenset())}
    )
)  # fmt: skip
POLICIES = ListingPolicies()


@dataclasses.dataclass
class StubBidding:
    """PLAN.md's engine in memory: the test sets the standing bid and ends it."""

    bidders: dict[int, list[AuctionBidder]] = dataclasses.field(default_factory=dict)
    states: dict[int, AuctionState] = dataclasses.field(default_factory=dict)
    went_on: dict[int, frozenset[str]] = dataclasses.field(default_factory=dict)
    _ids: itertools.count[int] = dataclasses.field(default_factory=lambda: itertools.count(1))

    async def create(self, conn: asyncpg.Connection, spec: AuctionSpec, *, now: dt.datetime) -> int:
        auction_id = next(self._ids)
        self.bidders[auction_id] = list(spec.bidders)
        self.states[auction_id] = AuctionState(
            phase=AuctionPhase.LISTING, standing_price_fen=None, standing_number=None,
            ends_at=spec.listing_ends_at, bids=0,
        )  # fmt: skip
        return auction_id

    async def add_bidder(
        self, conn: asyncpg.Connection, auction_id: int, bidder: AuctionBidder
    ) -> None:
        self.bidders[auction_id].append(bidder)

    async def go_on(
        self, conn: asyncpg.Connection, auction_id: int, numbers: frozenset[str], *,
        now: dt.datetime,
    ) -> AuctionState:  # fmt: skip
        self.went_on[auction_id] = numbers
        phase = AuctionPhase.COUNTDOWN if len(numbers) >= 2 else AuctionPhase.ENDED
        state = dataclasses.replace(self.states[auction_id], phase=phase)
        self.states[auction_id] = state
        return state

    async def state(self, conn: asyncpg.Connection, auction_id: int) -> AuctionState:
        return self.states[auction_id]

    def end(self, auction_id: int, number: str | None, price_fen: int | None) -> None:
        """The auction ended with this standing bid (None: nobody bid)."""
        self.states[auction_id] = dataclasses.replace(
            self.states[auction_id], phase=AuctionPhase.ENDED, standing_number=number,
            standing_price_fen=price_fen, bids=0 if number is None else 1,
        )  # fmt: skip


def make_setup(world: World, bidding: StubBidding) -> ListingSetup:
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
