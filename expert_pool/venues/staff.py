"""Venue staff: which centre staff users work at which venue (migration 0066).

DOMAIN.md, "Remote cross-city evaluation": a member's sign-in at an assisting venue (副场)
counts once that venue's staff confirm the member's identity — staff who are there, not
any centre staff anywhere (evaluation/sessions/attendance.py checks it). Centre staff of
the venue's region (their organisation's region is the venue's own or its city's) assign
and unassign them; every change is a log entry. An assignment is closed, never deleted:
who could confirm at a venue on a given day stays answerable.
"""

from __future__ import annotations

from uuid import UUID

import asyncpg

from accounts.errors import PermissionDenied, UserNotFound
from accounts.model import Actor, Role, UserStatus
from accounts.organisations import queries as organisations
from accounts.permissions import EXPERT_POOL, Action, require
from accounts.users import service as users
from expert_pool import journal
from expert_pool.errors import VenueNotFound, VenueStaffInvalid, VenueStaffNotFound
from expert_pool.events import PoolEvent
from expert_pool.regions import DEFAULT_REGIONS
from expert_pool.venues import queries
from expert_pool.venues.model import Venue, VenueStaff, manages_region


async def _venue(conn: asyncpg.Connection, venue_id: str) -> Venue:
    found = await queries.venue(conn, venue_id)
    if found is None:
        raise VenueNotFound("no such venue", details={"venue_id": venue_id})
    return found


async def require_regional_staff(
    conn: asyncpg.Connection, actor: Actor, venue: Venue, *, action: str = "manage_venue_staff"
) -> None:
    """Centre staff of the venue's region manage it and its staff (no one else, admins
    neither: which venues a centre runs and who confirms identities there is the running
    centre's call; docs/api-expert-pool.md, venues)."""
    org = await organisations.organisation(conn, actor.organisation_id)
    region = org.region if org is not None else ""
    city = DEFAULT_REGIONS.city_of(venue.region)
    if not actor.has_role(Role.CENTRE_STAFF) or not manages_region(region, venue.region, city):
        raise PermissionDenied(
            "a venue and its staff are managed by centre staff of the venue's region",
            details={"action": action, "resource": "expert_pool"},
        )


async def _require_centre_staff_user(conn: asyncpg.Connection, user_id: UUID) -> None:
    """Only an active centre staff user can work at a venue."""
    try:
        user = await users.get_user(conn, user_id)
    except UserNotFound:
        raise VenueStaffInvalid("no user has this id", details={"user_id": str(user_id)}) from None
    grants = await users.user_roles(conn, user_id)
    if user.status is not UserStatus.ACTIVE or all(g.role is not Role.CENTRE_STAFF for g in grants):
        raise VenueStaffInvalid(
            "only active centre staff users are assigned to venues",
            details={"user_id": str(user_id)},
        )


async def assign_staff(
    conn: asyncpg.Connection, actor: Actor, venue_id: str, user_id: UUID
) -> list[VenueStaff]:
    """Assign an active centre staff user to the venue (again: nothing changes); the
    venue's staff after it."""
    venue = await _venue(conn, venue_id)
    await require_regional_staff(conn, actor, venue)
    await _require_centre_staff_user(conn, user_id)
    async with conn.transaction():
        if await queries.assign_staff(conn, venue.id, user_id, actor.user_id):
            await _log(conn, actor, PoolEvent.VENUE_STAFF_ASSIGNED, venue, user_id)
        return await queries.staff(conn, venue.id)


async def unassign_staff(
    conn: asyncpg.Connection, actor: Actor, venue_id: str, user_id: UUID
) -> list[VenueStaff]:
    """Close the user's assignment to the venue; the venue's staff after it."""
    venue = await _venue(conn, venue_id)
    await require_regional_staff(conn, actor, venue)
    async with conn.transaction():
        if not await queries.unassign_staff(conn, venue.id, user_id, actor.user_id):
            raise VenueStaffNotFound(
                "the user is not assigned to this venue", details={"user_id": str(user_id)}
            )
        await _log(conn, actor, PoolEvent.VENUE_STAFF_UNASSIGNED, venue, user_id)
        return await queries.staff(conn, venue.id)


async def _log(
    conn: asyncpg.Connection, actor: Actor, kind: PoolEvent, venue: Venue, user_id: UUID
) -> None:
    await journal.append(conn, kind, actor=actor, role=Role.CENTRE_STAFF,
                         subject=("venue", venue.id), data={"user_id": str(user_id)})  # fmt: skip


async def list_staff(conn: asyncpg.Connection, actor: Actor, venue_id: str) -> list[VenueStaff]:
    """The venue's staff now (whoever reads the catalogue)."""
    require(actor, Action.VIEW_VENUES, EXPERT_POOL)
    await _venue(conn, venue_id)
    return await queries.staff(conn, venue_id)


async def is_venue_staff(conn: asyncpg.Connection, venue_id: str, user_id: UUID) -> bool:
    """Whether the user works at the venue now (the session's identity check)."""
    return await queries.is_staff(conn, venue_id, user_id)
