"""SQL of the venue catalogue (where a committee sits; drawn like experts)."""

from __future__ import annotations

import asyncpg

from expert_pool.errors import VenueExists
from expert_pool.venues.model import Venue

INSERT_VENUE = """
INSERT INTO venues (id, name, region, address, seats, active) VALUES ($1, $2, $3, $4, $5, $6)
"""


async def insert_venue(conn: asyncpg.Connection, venue: Venue) -> None:
    """Add a venue to the catalogue."""
    v = venue
    try:
        await conn.execute(INSERT_VENUE, v.id, v.name, v.region, v.address, v.seats, v.active)
    except asyncpg.UniqueViolationError:
        raise VenueExists(f"a venue with the id {v.id!r} exists") from None


SELECT_VENUES = """
SELECT id, name, region, address, seats, active FROM venues ORDER BY id
"""


async def venues(conn: asyncpg.Connection) -> list[Venue]:
    """The whole catalogue in id order."""
    return [Venue(**dict(r)) for r in await conn.fetch(SELECT_VENUES)]
