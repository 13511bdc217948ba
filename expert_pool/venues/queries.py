"""SQL of the venue catalogue (where a committee sits; drawn like experts)."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from expert_pool.errors import VenueExists
from expert_pool.venues.model import Venue, VenueStaff

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


SELECT_VENUE = """
SELECT id, name, region, address, seats, active FROM venues WHERE id = $1
"""


async def venue(conn: asyncpg.Connection, venue_id: str) -> Venue | None:
    """One venue of the catalogue, if any."""
    row = await conn.fetchrow(SELECT_VENUE, venue_id)
    return None if row is None else Venue(**dict(row))


# --- venue staff (0066) ---

INSERT_STAFF = """
INSERT INTO venue_staff (venue_id, user_id, assigned_by) VALUES ($1, $2, $3)
ON CONFLICT (venue_id, user_id) WHERE unassigned_at IS NULL DO NOTHING
RETURNING id
"""


async def assign_staff(conn: asyncpg.Connection, venue_id: str, user_id: UUID, by: UUID) -> bool:
    """Open an assignment; False if the user is assigned to the venue already."""
    return await conn.fetchval(INSERT_STAFF, venue_id, user_id, by) is not None


UNASSIGN_STAFF = """
UPDATE venue_staff SET unassigned_by = $3, unassigned_at = clock_timestamp()
WHERE venue_id = $1 AND user_id = $2 AND unassigned_at IS NULL
RETURNING id
"""


async def unassign_staff(conn: asyncpg.Connection, venue_id: str, user_id: UUID, by: UUID) -> bool:
    """Close the open assignment; False if there is none."""
    return await conn.fetchval(UNASSIGN_STAFF, venue_id, user_id, by) is not None


SELECT_STAFF = """
SELECT s.venue_id, s.user_id, u.username, u.display_name, s.assigned_by, s.assigned_at
FROM venue_staff s JOIN users u ON u.id = s.user_id
WHERE s.venue_id = $1 AND s.unassigned_at IS NULL
ORDER BY s.assigned_at, u.username
"""


async def staff(conn: asyncpg.Connection, venue_id: str) -> list[VenueStaff]:
    """The venue's staff now, first assigned first."""
    return [VenueStaff(**dict(r)) for r in await conn.fetch(SELECT_STAFF, venue_id)]


IS_STAFF = """
SELECT EXISTS (SELECT 1 FROM venue_staff
               WHERE venue_id = $1 AND user_id = $2 AND unassigned_at IS NULL)
"""


async def is_staff(conn: asyncpg.Connection, venue_id: str, user_id: UUID) -> bool:
    """Whether the user is assigned to the venue now."""
    return bool(await conn.fetchval(IS_STAFF, venue_id, user_id))
