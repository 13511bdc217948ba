"""JSON API of the pool: experts (import, search, records), venues, alerts, policy.

The draw's own endpoints are in web/draws/routes.py, the pages in
web/expert_pool/pages.py. Shapes: docs/api-expert-pool.md.

The identity-card matching key lives in the data directory beside the log key
(``keys/id_card.key``: 32 random bytes as hex, mode 0600, created at first start by
web/services.py). Every node of a deployment must share the file; losing it means
numbers can no longer be matched (they were never stored), not that anything leaks.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from starlette.requests import Request
from starlette.responses import Response

from expert_pool import service, service_records
from expert_pool.model import (
    ExpertStatus,
    Penalty,
    Relationship,
    validate_id,
)
from expert_pool.profiles import ExpertProfile, SearchFilter, Venue
from web.auth import signed_in
from web.errors import RequestInvalid
from web.expert_pool.bodies import (
    AccountLink,
    AlertBody,
    AlertList,
    CertificateBody,
    ExpertBody,
    ExpertCreate,
    ExpertPage,
    ExpertRow,
    ImportResult,
    MatchQuery,
    MatchResult,
    PenaltyBody,
    PolicyBody,
    RelationshipBody,
    StatusChange,
    UnavailableBody,
    VenueBody,
    VenueList,
    YearBody,
)
from web.http import ApiRoute, json_response, query_int, read_body, read_json, struct_from
from web.services import services

CSV_LIMIT = 8 << 20  # 8 MiB: about 40,000 experts per file
TAG = "expert pool"


# --- conversions -------------------------------------------------------------------------


def expert_body(p: ExpertProfile) -> ExpertBody:
    e = p.expert
    return ExpertBody(
        id=e.id,
        name=e.name,
        id_card_last4=e.id_card.last4,
        phone=e.phone,
        specialties=list(e.specialties),
        title=e.title,
        years_of_practice=e.years_of_practice,
        birth_date=e.birth_date,
        region=e.region,
        employer_credit_code=e.employer_credit_code,
        status=e.status,
        relationships=[
            RelationshipBody(kind=r.kind, credit_code=r.credit_code, person_name=r.person_name)
            for r in e.relationships
        ],
        penalties=[
            PenaltyBody(
                kind=x.kind, imposed_on=x.imposed_on, authority=x.authority, reference=x.reference
            )
            for x in e.penalties
        ],
        unavailable=[
            UnavailableBody(
                id=u.id, starts_at=u.interval.start, ends_at=u.interval.end, note=u.note
            )
            for u in p.unavailable
        ],
        user_id=p.user_id,
        cert_sha256=p.cert_sha256,
        age_recipient=p.age_recipient,
    )


def _fields(body: ExpertCreate) -> dict[str, str]:
    """The CSV columns as text: the same rules check both ways in (csv_import)."""
    return {
        "id": body.id,
        "name": body.name,
        "id_card": body.id_card,
        "phone": body.phone,
        "specialties": ";".join(body.specialties),
        "title": str(body.title),
        "years_of_practice": str(body.years_of_practice),
        "birth_date": body.birth_date.isoformat(),
        "region": body.region,
        "employer_credit_code": body.employer_credit_code,
        "status": str(body.status),
    }


# --- handlers -------------------------------------------------------------------------------


async def create_expert(request: Request) -> Response:
    body = await read_json(request, ExpertCreate)
    key = services(request).id_card_key
    async with signed_in(request) as (conn, actor):
        profile = await service.create_expert(
            conn, actor, _fields(body), id_card_key=key, user_id=body.user_id
        )
    return json_response(expert_body(profile), 201)


async def import_experts(request: Request) -> Response:
    data = await read_body(request, CSV_LIMIT)
    key = services(request).id_card_key
    async with signed_in(request) as (conn, actor):
        report = await service.import_experts(conn, actor, data, id_card_key=key)
    return json_response(ImportResult(imported=report.imported, ids=list(report.ids)), 201)


def _search(request: Request) -> SearchFilter:
    q = request.query_params
    status = q.get("status") or None
    if status is not None and status not in {s.value for s in ExpertStatus}:
        raise RequestInvalid("unknown status", details={"param": "status"})
    limit = query_int(request, "limit", minimum=1) if "limit" in q else 50
    return SearchFilter(
        specialty=q.get("specialty") or None,
        region=q.get("region") or None,
        status=None if status is None else ExpertStatus(status),
        name=q.get("name") or None,
        after=q.get("cursor") or None,
        limit=limit,
    )


async def search(request: Request) -> ExpertPage:
    search = _search(request)
    async with signed_in(request) as (conn, actor):
        rows = await service.search_experts(conn, actor, search)
    items = [struct_from(ExpertRow, r, specialties=list(r.specialties)) for r in rows]
    more = len(rows) == search.limit
    return ExpertPage(items=items, next_cursor=rows[-1].id if more and rows else None)


async def get_expert(request: Request) -> ExpertBody:
    async with signed_in(request) as (conn, actor):
        return expert_body(await service.get_expert(conn, actor, request.path_params["id"]))


async def change_status(request: Request) -> ExpertBody:
    body = await read_json(request, StatusChange)
    async with signed_in(request) as (conn, actor):
        profile = await service.change_status(
            conn, actor, request.path_params["id"], body.status, body.reason
        )
    return expert_body(profile)


async def add_penalty(request: Request) -> ExpertBody:
    body = await read_json(request, PenaltyBody)
    penalty = Penalty(
        kind=body.kind,
        imposed_on=body.imposed_on,
        authority=body.authority,
        reference=body.reference,
    )
    async with signed_in(request) as (conn, actor):
        return expert_body(
            await service.record_penalty(conn, actor, request.path_params["id"], penalty)
        )


def _relationship(body: RelationshipBody) -> Relationship:
    return Relationship(kind=body.kind, credit_code=body.credit_code, person_name=body.person_name)


async def add_relationship(request: Request) -> ExpertBody:
    body = await read_json(request, RelationshipBody)
    async with signed_in(request) as (conn, actor):
        profile = await service.declare_relationship(
            conn, actor, _relationship(body), request.path_params["id"]
        )
    return expert_body(profile)


async def add_own_relationship(request: Request) -> ExpertBody:
    body = await read_json(request, RelationshipBody)
    async with signed_in(request) as (conn, actor):
        return expert_body(await service.declare_relationship(conn, actor, _relationship(body)))


async def register_certificate(request: Request) -> ExpertBody:
    body = await read_json(request, CertificateBody)
    async with signed_in(request) as (conn, actor):
        profile = await service.register_certificate(
            conn,
            actor,
            request.path_params["id"],
            body.pem.encode(),
            age_recipient=body.age_recipient,
        )
    return expert_body(profile)


async def link_account(request: Request) -> ExpertBody:
    body = await read_json(request, AccountLink)
    async with signed_in(request) as (conn, actor):
        return expert_body(
            await service.link_account(conn, actor, request.path_params["id"], body.user_id)
        )


async def match(request: Request) -> MatchResult:
    body = await read_json(request, MatchQuery)
    key = services(request).id_card_key
    async with signed_in(request) as (conn, actor):
        found = await service.match_id_card(conn, actor, body.id_card, id_card_key=key)
    return MatchResult(expert_id=found)


async def me(request: Request) -> ExpertBody:
    async with signed_in(request) as (conn, actor):
        return expert_body(await service.my_profile(conn, actor))


async def add_unavailable(request: Request) -> Response:
    body = await read_json(request, UnavailableBody)
    if body.id is not None:
        raise RequestInvalid("'id' is assigned by the server", details={"field": "id"})
    async with signed_in(request) as (conn, actor):
        item = await service.add_unavailable(conn, actor, body.starts_at, body.ends_at, body.note)
    out = UnavailableBody(
        id=item.id, starts_at=item.interval.start, ends_at=item.interval.end, note=item.note
    )
    return json_response(out, 201)


async def remove_unavailable(request: Request) -> Response:
    try:
        item = UUID(request.path_params["item"])
    except ValueError:
        raise RequestInvalid("'item' must be a UUID", details={"param": "item"}) from None
    async with signed_in(request) as (conn, actor):
        await service.remove_unavailable(conn, actor, item)
    return Response(status_code=204)


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
        await service.create_venue(conn, actor, venue)
    return json_response(body, 201)


async def list_venues(request: Request) -> VenueList:
    async with signed_in(request) as (conn, actor):
        items = await service.list_venues(conn, actor)
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


def _route(method: str, path: str, handler: Any, summary: str, **kw: Any) -> ApiRoute:
    return ApiRoute(method=method, path=path, handler=handler, summary=summary, tag=TAG, **kw)


_E = "/api/v1/experts"
ROUTES = [
    _route(
        "POST",
        _E,
        create_expert,
        "Add one expert (pool managers)",
        body=ExpertCreate,
        response=ExpertBody,
        status=201,
    ),
    _route(
        "POST",
        f"{_E}/import",
        import_experts,
        "Import experts from CSV: all rows or none",
        response=ImportResult,
        status=201,
    ),
    _route("GET", _E, search, "Search the pool (supervisors, administrators)", response=ExpertPage),
    _route(
        "POST",
        f"{_E}/match",
        match,
        "Which expert holds this identity card",
        body=MatchQuery,
        response=MatchResult,
    ),
    _route("GET", f"{_E}/me", me, "Your own expert profile", response=ExpertBody),
    _route(
        "POST",
        f"{_E}/me/relationships",
        add_own_relationship,
        "Declare a relationship yourself",
        body=RelationshipBody,
        response=ExpertBody,
    ),
    _route(
        "POST",
        f"{_E}/me/unavailability",
        add_unavailable,
        "Mark yourself unavailable",
        body=UnavailableBody,
        response=UnavailableBody,
        status=201,
    ),
    _route(
        "DELETE",
        f"{_E}/me/unavailability/{{item}}",
        remove_unavailable,
        "Remove an unavailable interval",
        status=204,
    ),
    _route(
        "GET",
        f"{_E}/me/record",
        my_record,
        "Your yearly record",
        response=YearBody,
        query=(("year", int, "calendar year"),),
    ),
    _route("GET", f"{_E}/{{id}}", get_expert, "One expert's profile", response=ExpertBody),
    _route(
        "POST",
        f"{_E}/{{id}}/status",
        change_status,
        "Suspend, reinstate, retire or ban",
        body=StatusChange,
        response=ExpertBody,
    ),
    _route(
        "POST",
        f"{_E}/{{id}}/penalties",
        add_penalty,
        "Record a penalty",
        body=PenaltyBody,
        response=ExpertBody,
    ),
    _route(
        "POST",
        f"{_E}/{{id}}/relationships",
        add_relationship,
        "Record a declared relationship",
        body=RelationshipBody,
        response=ExpertBody,
    ),
    _route(
        "POST",
        f"{_E}/{{id}}/certificate",
        register_certificate,
        "Register the expert's signing certificate",
        body=CertificateBody,
        response=ExpertBody,
    ),
    _route(
        "POST",
        f"{_E}/{{id}}/account",
        link_account,
        "Link the expert's account",
        body=AccountLink,
        response=ExpertBody,
    ),
    _route(
        "GET",
        f"{_E}/{{id}}/record",
        expert_record,
        "An expert's yearly record",
        response=YearBody,
        query=(("year", int, "calendar year"),),
    ),
    _route(
        "GET",
        "/api/v1/expert-records.csv",
        export_records,
        "Every yearly record of a year as CSV (supervisors)",
        query=(("year", int, "calendar year"),),
        content_type="text/csv",
    ),
    _route(
        "POST",
        "/api/v1/venues",
        create_venue,
        "Add a venue (centre staff)",
        body=VenueBody,
        response=VenueBody,
        status=201,
    ),
    _route("GET", "/api/v1/venues", list_venues, "The venue catalogue", response=VenueList),
    _route(
        "GET",
        "/api/v1/expert-pool/alerts",
        list_alerts,
        "Alerts for your department's or agency's draws",
        response=AlertList,
    ),
    _route(
        "GET",
        "/api/v1/expert-pool/policy",
        get_policy,
        "The pool's policy in force",
        response=PolicyBody,
    ),
    _route(
        "PUT",
        "/api/v1/expert-pool/policy",
        put_policy,
        "Replace the policy override (system administrator)",
        body=PolicyBody,
        response=PolicyBody,
    ),
]
