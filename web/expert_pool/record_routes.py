"""JSON API of what the pool keeps beside the roster: experts' yearly records and their
export, the venue catalogue, alerts, and the draw policy (docs/api-expert-pool.md)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from expert_pool import service
from expert_pool.model import (
    validate_id,
)
from expert_pool.records import service as service_records
from expert_pool.venues import service as service_venues
from expert_pool.venues.model import Venue
from web.auth import signed_in
from web.expert_pool.bodies import (
    AlertBody,
    AlertList,
    PolicyBody,
    VenueBody,
    VenueList,
    YearBody,
)
from web.http import json_response, query_int, read_json, struct_from


def _year(request: Request) -> int:
    return query_int(request, "year", minimum=2000)


def year_body(view: service_records.YearView) -> YearBody:
    r = view.record.record
    return YearBody(
        expert_id=r.expert_id,
        name=view.record.name,
        year=r.year,
        points=r.points,
        counts={str(o): n for o, n in r.counts.items()},
        accepted=r.accepted,
        attended=r.attended,
        sanctions=[str(s) for s in view.record.sanctions],
        incidents=[(str(i.offence), i.occurred_at, i.session_id) for i in view.incidents],
    )


async def my_record(request: Request) -> YearBody:
    year = _year(request)
    async with signed_in(request) as (conn, actor):
        return year_body(await service_records.year_view(conn, actor, year))


async def expert_record(request: Request) -> YearBody:
    year, expert_id = _year(request), validate_id(request.path_params["id"])
    async with signed_in(request) as (conn, actor):
        return year_body(await service_records.year_view(conn, actor, year, expert_id))


async def export_records(request: Request) -> Response:
    year = _year(request)
    async with signed_in(request) as (conn, actor):
        text = await service_records.export_year_records(conn, actor, year)
    headers = {"Content-Disposition": f'attachment; filename="expert-records-{year}.csv"'}
    return Response("\ufeff" + text, media_type="text/csv; charset=utf-8", headers=headers)


async def create_venue(request: Request) -> Response:
    body = await read_json(request, VenueBody)
    venue = Venue(**{f: getattr(body, f) for f in VenueBody.__struct_fields__})
    async with signed_in(request) as (conn, actor):
        await service_venues.add_venue(conn, actor, venue)
    return json_response(body, 201)


async def list_venues(request: Request) -> VenueList:
    async with signed_in(request) as (conn, actor):
        items = await service_venues.list_venues(conn, actor)
    return VenueList(items=[struct_from(VenueBody, v) for v in items])


async def list_alerts(request: Request) -> AlertList:
    async with signed_in(request) as (conn, actor):
        items = await service.list_alerts(conn, actor)
    return AlertList(
        items=[
            AlertBody(
                id=a.id,
                kind=str(a.kind),
                draw_id=a.draw_id,
                expert_id=a.expert_id,
                data=a.data,
                created_at=a.created_at,
            )
            for a in items
        ]
    )


async def get_policy(request: Request) -> PolicyBody:
    async with signed_in(request) as (conn, _actor):
        policy = await service.load_policy(conn)
    return PolicyBody(policy=policy.to_json())


async def put_policy(request: Request) -> PolicyBody:
    body = await read_json(request, PolicyBody)
    async with signed_in(request) as (conn, actor):
        policy = await service.set_policy(conn, actor, body.policy)
    return PolicyBody(policy=policy.to_json())
