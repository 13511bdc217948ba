"""JSON API of venue staff: which centre staff users confirm identities at a venue
(expert_pool/venues/staff.py; docs/api-expert-pool.md, "Venue staff")."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from starlette.requests import Request

from expert_pool.venues import staff as service_staff
from expert_pool.venues.model import VenueStaff
from web.auth import signed_in
from web.errors import RequestInvalid
from web.expert_pool.bodies import Model
from web.http import ApiRoute

TAG = "expert pool"


class VenueStaffBody(Model, frozen=True, kw_only=True):
    user_id: UUID
    username: str
    display_name: str
    assigned_by: UUID
    assigned_at: datetime


class VenueStaffList(Model, frozen=True, kw_only=True):
    venue_id: str
    items: list[VenueStaffBody]


def _list(venue_id: str, items: list[VenueStaff]) -> VenueStaffList:
    return VenueStaffList(
        venue_id=venue_id,
        items=[
            VenueStaffBody(user_id=s.user_id, username=s.username, display_name=s.display_name,
                           assigned_by=s.assigned_by, assigned_at=s.assigned_at)
            for s in items
        ],
    )  # fmt: skip


def _user_id(request: Request) -> UUID:
    try:
        return UUID(request.path_params["user_id"])
    except ValueError:
        raise RequestInvalid("user_id must be a UUID", details={"field": "user_id"}) from None


async def list_venue_staff(request: Request) -> VenueStaffList:
    venue_id = str(request.path_params["id"])
    async with signed_in(request) as (conn, actor):
        return _list(venue_id, await service_staff.list_staff(conn, actor, venue_id))


async def assign_venue_staff(request: Request) -> VenueStaffList:
    venue_id = str(request.path_params["id"])
    user_id = _user_id(request)
    async with signed_in(request) as (conn, actor):
        return _list(venue_id, await service_staff.assign_staff(conn, actor, venue_id, user_id))


async def unassign_venue_staff(request: Request) -> VenueStaffList:
    venue_id = str(request.path_params["id"])
    user_id = _user_id(request)
    async with signed_in(request) as (conn, actor):
        return _list(venue_id, await service_staff.unassign_staff(conn, actor, venue_id, user_id))


def _route(method: str, path: str, handler: Any, summary: str, **kw: Any) -> ApiRoute:
    return ApiRoute(method=method, path=path, handler=handler, summary=summary, tag=TAG, **kw)


_S = "/api/v1/venues/{id}/staff"
ROUTES = [
    _route("GET", _S, list_venue_staff, "A venue's staff (who confirm identities there)",
           response=VenueStaffList),
    _route("PUT", f"{_S}/{{user_id}}", assign_venue_staff,
           "Assign a centre staff user to the venue (centre staff of its region)",
           response=VenueStaffList),
    _route("DELETE", f"{_S}/{{user_id}}", unassign_venue_staff,
           "End a user's assignment to the venue (centre staff of its region)",
           response=VenueStaffList),
]  # fmt: skip
