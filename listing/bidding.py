"""The listing's view of the bidding engine (listing.auction), as PLAN.md's contract says.

The auction lane builds ``listing.auction`` in parallel; until it is wired, the listing
service is handed any object with these four coroutines (the app factory passes the
``AuctionService``; tests pass a stand-in). Everything runs in the caller's transaction.
As the auction lane builds it: accounts and organisations are UUIDs (as everywhere in the
platform), the subject a whole number (``listings.serial``). Once ``listing.auction`` is
merged these dataclasses are its own (listing.auction.model), imported here instead.
"""

from __future__ import annotations

import dataclasses
import enum
from datetime import datetime
from typing import Protocol
from uuid import UUID

import asyncpg

from listing.errors import ListingBiddingUnavailable


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class AuctionBidder:
    """A qualified bidder as the engine knows it: the number, who may bid under it."""

    number: str  # 竞买号, assigned by the listing at qualification
    account_id: UUID
    org_id: UUID


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class AuctionSpec:
    """What the engine needs to run a listing's bidding."""

    subject_kind: str  # "listing"
    subject_id: int  # listings.serial (the engine's subject ids are whole numbers)
    start_price_fen: int
    increment_fen: int
    listing_ends_at: datetime
    countdown_seconds: int
    bidders: tuple[AuctionBidder, ...]


class AuctionPhase(enum.StrEnum):
    """The engine's phases."""

    LISTING = "listing"
    COUNTDOWN = "countdown"
    ENDED = "ended"


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class AuctionState:
    """Where the bidding stands: the winner is ``standing_number`` once ended."""

    phase: AuctionPhase
    standing_price_fen: int | None
    standing_number: str | None
    ends_at: datetime
    bids: int


class Bidding(Protocol):
    """The four calls of PLAN.md's contract."""

    async def create(self, conn: asyncpg.Connection, spec: AuctionSpec, *, now: datetime) -> int:
        """A new auction for a listing; its id."""
        ...

    async def add_bidder(
        self, conn: asyncpg.Connection, auction_id: int, bidder: AuctionBidder
    ) -> None:
        """A bidder qualified during the notice or listing period."""
        ...

    async def go_on(
        self, conn: asyncpg.Connection, auction_id: int, numbers: frozenset[str], *, now: datetime
    ) -> AuctionState:
        """The listing period is over: the timed auction among ``numbers`` (or the end)."""
        ...

    async def state(self, conn: asyncpg.Connection, auction_id: int) -> AuctionState:
        """Where the bidding stands."""
        ...


class Unwired:
    """The engine before the app factory wires ``listing.auction``: every call refuses."""

    async def create(self, conn: asyncpg.Connection, spec: AuctionSpec, *, now: datetime) -> int:
        raise ListingBiddingUnavailable("the bidding engine is not wired into this platform")

    async def add_bidder(
        self, conn: asyncpg.Connection, auction_id: int, bidder: AuctionBidder
    ) -> None:
        raise ListingBiddingUnavailable("the bidding engine is not wired into this platform")

    async def go_on(
        self, conn: asyncpg.Connection, auction_id: int, numbers: frozenset[str], *, now: datetime
    ) -> AuctionState:
        raise ListingBiddingUnavailable("the bidding engine is not wired into this platform")

    async def state(self, conn: asyncpg.Connection, auction_id: int) -> AuctionState:
        raise ListingBiddingUnavailable("the bidding engine is not wired into this platform")
