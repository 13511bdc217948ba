"""JSON API of tenders: drafts, checks, publication and opening committees; the routes
of what follows publication are in web/tender/records/routes.py (docs/api-tenders.md).

Handlers are thin: parse, call one tender use case, serialise. The use cases' setup and
the blob store come from web/services.py; path parsing from web/tender/common.py.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from accounts.model import decode_cursor, encode_cursor
from procurement import service as procurement
from tender import service
from tender.committee import service as committee
from tender.committee.model import Roster
from tender.lifecycle import load
from tender.model import Tender
from web.auth import signed_in
from web.db.database import acquire
from web.http import JSON_TYPE, json_response, read_json
from web.services import services
from web.tender import bodies as b
from web.tender import committee_bodies as cb
from web.tender.common import (
    limit_param,
    lot_number,
    maybe_signed_in,
    route,
    tender_id,
)

# --- drafts and publication -------------------------------------------------------------


async def create_tender(request: Request) -> Response:
    body = await read_json(request, b.TenderDraftBody)
    async with signed_in(request) as (conn, actor):
        created = await service.create_draft(conn, actor, b.draft_from_body(body))
    return json_response(b.tender_body(created), 201)


async def update_tender(request: Request) -> b.TenderBody:
    which = tender_id(request)
    body = await read_json(request, b.TenderDraftBody)
    async with signed_in(request) as (conn, actor):
        return b.tender_body(
            await service.update_draft(conn, actor, which, b.draft_from_body(body))
        )


async def get_tender(request: Request) -> b.TenderDetailBody:
    which = tender_id(request)
    async with maybe_signed_in(request) as (conn, actor):
        tender = await service.get_tender(conn, actor, which)
        return b.tender_detail_body(tender, await procurement.method_of(conn, which))


async def list_tenders(request: Request) -> b.TenderList:
    limit = limit_param(request)
    cursor = request.query_params.get("cursor")
    after = decode_cursor(cursor) if cursor else None
    async with acquire(services(request).pools.main) as conn:
        found = await service.list_public(
            conn,
            after=after,
            search=request.query_params.get("q", ""),
            category=request.query_params.get("category", ""),
            limit=limit + 1,
        )
    items = found[:limit]
    last = items[-1] if len(found) > limit else None
    next_cursor = encode_cursor(last.published_at, last.id) if last and last.published_at else None
    return b.TenderList(items=[b.tender_body(t) for t in items], next_cursor=next_cursor)


async def my_tenders(request: Request) -> b.TenderList:
    async with signed_in(request) as (conn, actor):
        return b.TenderList(items=[b.tender_body(t) for t in await service.list_mine(conn, actor)])


async def check_tender(request: Request) -> b.TenderCheckBody:
    which = tender_id(request)
    async with signed_in(request) as (conn, actor):
        found = await service.check_draft(conn, actor, which, services(request).tender_setup())
    items = [
        b.TenderViolation(code=v.code, message=v.message, rule=v.rule, lot=v.lot, field=v.field)
        for v in found
    ]
    return b.TenderCheckBody(violations=items)


async def publish_tender(request: Request) -> b.TenderBody:
    which = tender_id(request)
    async with signed_in(request) as (conn, actor):
        return b.tender_body(
            await service.publish(conn, actor, which, services(request).tender_setup())
        )


# --- committees -----------------------------------------------------------------------


async def appoint_committee(request: Request) -> cb.TenderCommitteeBody:
    which, lot = tender_id(request), lot_number(request)
    body = await read_json(request, cb.TenderCommitteeAppoint)
    async with signed_in(request) as (conn, actor):
        await committee.authorise_appointment(conn, actor, which)
        roster = await committee.appoint_committee(
            conn,
            actor,
            which,
            lot,
            k=body.k,
            officials=cb.officials_from_body(body),
            setup=services(request).tender_setup(),
        )
    return cb.committee_body(roster, None)


async def approve_committee(request: Request) -> cb.TenderCommitteeBody:
    which, lot = tender_id(request), lot_number(request)
    body = await read_json(request, cb.TenderCommitteeApprove)
    async with signed_in(request) as (conn, actor):
        roster = await committee.approve_committee(
            conn, actor, which, lot, roster_sha256=body.roster_sha256
        )
    return cb.committee_body(roster, None)


def _fingerprint(tender: Tender, roster: Roster) -> str | None:
    if tender.code is None or tender.deadline is None or not roster.approved:
        return None
    fingerprint: str = roster.committee(
        tender_code=tender.code, deadline=tender.deadline
    ).fingerprint_hex
    return fingerprint


async def list_committees(request: Request) -> cb.TenderCommitteeList:
    which = tender_id(request)
    async with maybe_signed_in(request) as (conn, actor):
        rosters = await committee.read_rosters(conn, actor, which)
        found = await load(conn, which)
    items = [cb.committee_body(r, _fingerprint(found, r)) for _, r in sorted(rosters.items())]
    return cb.TenderCommitteeList(items=items)


async def committee_file(request: Request) -> Response:
    which, lot = tender_id(request), lot_number(request)
    async with acquire(services(request).pools.main) as conn:
        raw = await committee.committee_file(conn, which, lot)
    return Response(raw, media_type=JSON_TYPE)


_T = "/tenders/{tender_id}"
ROUTES = [
    route(
        "GET",
        "/tenders",
        list_tenders,
        "Published notices, newest first",
        auth=False,
        response=b.TenderList,
        query=(
            ("cursor", str, "next_cursor of the previous page"),
            ("q", str, "words of the title, or a code"),
            ("category", str, "works, goods or services"),
            ("limit", int, "page size, 1–100"),
        ),
    ),
    route(
        "POST",
        "/tenders",
        create_tender,
        "Create a draft (agency)",
        body=b.TenderDraftBody,
        response=b.TenderBody,
        status=201,
    ),
    route(
        "GET",
        "/tenders/mine",
        my_tenders,
        "The tenders of my agency or tenderer",
        response=b.TenderList,
    ),
    route(
        "GET",
        _T,
        get_tender,
        "A published tender (or my draft), with its procurement method",
        auth=False,
        response=b.TenderDetailBody,
    ),
    route(
        "PUT",
        _T,
        update_tender,
        "Replace a draft (agency)",
        body=b.TenderDraftBody,
        response=b.TenderBody,
    ),
    route(
        "GET",
        f"{_T}/check",
        check_tender,
        "Every rule the draft breaks now",
        response=b.TenderCheckBody,
    ),
    route(
        "POST",
        f"{_T}/publish",
        publish_tender,
        "Publish: code, policies, fingerprints",
        response=b.TenderBody,
    ),
    route(
        "GET",
        f"{_T}/committees",
        list_committees,
        "Each lot's opening committee",
        auth=False,
        response=cb.TenderCommitteeList,
    ),
    route(
        "PUT",
        f"{_T}/lots/{{lot}}/committee",
        appoint_committee,
        "Appoint a lot's opening committee (centre staff)",
        body=cb.TenderCommitteeAppoint,
        response=cb.TenderCommitteeBody,
    ),
    route(
        "POST",
        f"{_T}/lots/{{lot}}/committee/approve",
        approve_committee,
        "Approve the roster read (supervising department)",
        body=cb.TenderCommitteeApprove,
        response=cb.TenderCommitteeBody,
    ),
    route(
        "GET",
        f"{_T}/lots/{{lot}}/committee",
        committee_file,
        "The committee file bidders seal to (etender-committee-v1)",
        auth=False,
    ),
]
