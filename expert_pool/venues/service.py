"""Use cases of the venue catalogue: centre staff add venues, the pool's staff list them."""

from __future__ import annotations

import asyncpg

from accounts.model import Actor
from accounts.permissions import EXPERT_POOL, Action, require, require_role
from expert_pool import journal
from expert_pool.events import PoolEvent
from expert_pool.regions import DEFAULT_REGIONS
from expert_pool.venues import queries, staff
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


async def add_venue(conn: asyncpg.Connection, actor: Actor, venue: Venue) -> Venue:
    """A venue added by a person (the page and the API): only centre staff of the
    venue's region — the rule of its staff (staff.py) — so a county sub-centre adds no
    venue in another county, a city centre none in another city, an administrator none.
    :func:`create_venue` stays for the platform's own setup (the demo's catalogue)."""
    DEFAULT_REGIONS.validate(venue.region)
    await staff.require_regional_staff(conn, actor, venue, action="manage_venues")
    return await create_venue(conn, actor, venue)


async def list_venues(conn: asyncpg.Connection, actor: Actor) -> list[Venue]:
    """The venue catalogue."""
    require(actor, Action.VIEW_VENUES, EXPERT_POOL)
    return await queries.venues(conn)
