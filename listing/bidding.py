"""The listing's view of the bidding engine (listing.auction), as PLAN.md's contract says.

The contract's values are the engine's own (listing.auction.model); the listing service
types its engine by the coroutines it calls, which ``AuctionService`` has (the app
factory passes it: web/services.py ``Services.listing_setup``). Everything runs in the
caller's transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

import asyncpg

from listing.auction.model import AuctionBidder, AuctionSpec, AuctionState
from listing.auction.model import Phase as AuctionPhase

__all__ = ["AuctionBidder", "AuctionPhase", "AuctionSpec", "AuctionState", "Bidding"]


class Bidding(Protocol):
    """The four calls of PLAN.md's contract, and the engine's clock."""

    async def clock(self, conn: asyncpg.Connection) -> datetime:
        """The database clock the engine judges bids by (docs/formats/auction.md §2)."""
        ...

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
