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

from expert_pool.experts import service as service_experts
from expert_pool.experts.model import SearchFilter
from expert_pool.model import (
    ExpertStatus,
    Penalty,
)
from web.auth import signed_in
from web.errors import RequestInvalid
from web.expert_pool import venue_routes
from web.expert_pool.bodies import (
    AccountLink,
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
from web.expert_pool.convert import (
    expert_body,
    expert_fields,
    relationship_of,
)
from web.expert_pool.record_routes import (
    create_venue,
    expert_record,
    export_records,
    get_policy,
    list_alerts,
    list_venues,
    my_record,
    put_policy,
)
from web.http import ApiRoute, json_response, query_int, read_body, read_json, struct_from
from web.services import services

CSV_LIMIT = 8 << 20  # 8 MiB: about 40,000 experts per file
TAG = "expert pool"


# --- conversions -------------------------------------------------------------------------


# --- handlers -------------------------------------------------------------------------------


async def create_expert(request: Request) -> Response:
    body = await read_json(request, ExpertCreate)
    key = services(request).id_card_key
    async with signed_in(request) as (conn, actor):
        profile = await service_experts.create_expert(
            conn, actor, expert_fields(body), id_card_key=key, user_id=body.user_id
        )
    return json_response(expert_body(profile), 201)


async def import_experts(request: Request) -> Response:
    data = await read_body(request, CSV_LIMIT)
    key = services(request).id_card_key
    async with signed_in(request) as (conn, actor):
        report = await service_experts.import_experts(conn, actor, data, id_card_key=key)
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
        rows = await service_experts.search_experts(conn, actor, search)
    items = [struct_from(ExpertRow, r, specialties=list(r.specialties)) for r in rows]
    more = len(rows) == search.limit
    return ExpertPage(items=items, next_cursor=rows[-1].id if more and rows else None)


async def get_expert(request: Request) -> ExpertBody:
    async with signed_in(request) as (conn, actor):
        return expert_body(await service_experts.get_expert(conn, actor, request.path_params["id"]))


async def change_status(request: Request) -> ExpertBody:
    body = await read_json(request, StatusChange)
    async with signed_in(request) as (conn, actor):
        profile = await service_experts.change_status(
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
            await service_experts.record_penalty(conn, actor, request.path_params["id"], penalty)
        )


async def add_relationship(request: Request) -> ExpertBody:
    body = await read_json(request, RelationshipBody)
    async with signed_in(request) as (conn, actor):
        profile = await service_experts.declare_relationship(
            conn, actor, relationship_of(body), request.path_params["id"]
        )
    return expert_body(profile)


async def add_own_relationship(request: Request) -> ExpertBody:
    body = await read_json(request, RelationshipBody)
    async with signed_in(request) as (conn, actor):
        return expert_body(
            await service_experts.declare_relationship(conn, actor, relationship_of(body))
        )


async def register_certificate(request: Request) -> ExpertBody:
    body = await read_json(request, CertificateBody)
    async with signed_in(request) as (conn, actor):
        profile = await service_experts.register_certificate(
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
            await service_experts.link_account(conn, actor, request.path_params["id"], body.user_id)
        )


async def match(request: Request) -> MatchResult:
    body = await read_json(request, MatchQuery)
    key = services(request).id_card_key
    async with signed_in(request) as (conn, actor):
        found = await service_experts.match_id_card(conn, actor, body.id_card, id_card_key=key)
    return MatchResult(expert_id=found)


async def me(request: Request) -> ExpertBody:
    async with signed_in(request) as (conn, actor):
        return expert_body(await service_experts.my_profile(conn, actor))


async def add_unavailable(request: Request) -> Response:
    body = await read_json(request, UnavailableBody)
    if body.id is not None:
        raise RequestInvalid("'id' is assigned by the server", details={"field": "id"})
    async with signed_in(request) as (conn, actor):
        item = await service_experts.add_unavailable(
            conn, actor, body.starts_at, body.ends_at, body.note
        )
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
        await service_experts.remove_unavailable(conn, actor, item)
    return Response(status_code=204)


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
        request_type="text/csv",
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
    *venue_routes.ROUTES,  # web/expert_pool/venue_routes.py: venue staff
]
