"""Use cases of the venue catalogue: centre staff add venues, the pool's staff list them."""

from __future__ import annotations

import asyncpg

from accounts.model import Actor
from accounts.permissions import EXPERT_POOL, Action, require, require_role
from expert_pool import journal
from expert_pool.events import PoolEvent
from expert_pool.regions import DEFAULT_REGIONS
from expert_pool.venues import queries
from expert_pool.venues.model import Venue


async def create_venue(conn: asyncpg.Connection, actor: Actor, venue: Venue) -> Venue:
    """Add a venue to the catalogue (centre staff run venues)."""
    role = require_role(actor, Action.MANAGE_VENUES, EXPERT_POOL)
    DEFAULT_REGIONS.validate(venue.region)
    async with conn.transaction():
        await queries.insert_venue(conn, venue)
        await journal.append(
            conn,
            PoolEvent.VENUE_CREATED,
            actor=actor,
            role=role,
            subject=("venue", venue.id),
            data={"name": venue.name, "region": venue.region, "seats": venue.seats},
        )
    return venue


async def list_venues(conn: asyncpg.Connection, actor: Actor) -> list[Venue]:
    """The venue catalogue."""
    require(actor, Action.VIEW_VENUES, EXPERT_POOL)
    return await queries.venues(conn)
