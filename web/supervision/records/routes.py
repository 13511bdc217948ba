"""JSON API of supervision records (docs/api-supervision-records.md). Handlers are thin:
parse, call one use case, serialise."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from supervision.records import service
from tender.queries import database_now
from web.auth import signed_in
from web.http import ApiRoute, Handler, json_response, read_json
from web.services import services
from web.supervision.records import bodies as b
from web.tender.common import path_uuid, tender_id


async def file_record(request: Request) -> Response:
    which = tender_id(request)
    body = await read_json(request, b.FileRecordBody)
    attachment = body.attachment()
    statement, signature = body.signed()
    async with signed_in(request) as (conn, actor):
        filed = await service.file_record(
            conn, actor, which, attachment, statement=statement, signature=signature,
            trust=services(request).trust_now(), now=await database_now(conn),
        )  # fmt: skip
    return json_response(b.record_body(filed), 201)


async def list_records(request: Request) -> b.SupervisionRecordList:
    which = tender_id(request)
    async with signed_in(request) as (conn, actor):
        found = await service.list_records(conn, actor, which)
    return b.SupervisionRecordList(items=[b.record_body(r) for r in found])


async def get_record(request: Request) -> b.SupervisionRecordSigned:
    record_id = path_uuid(request, "record_id")
    async with signed_in(request) as (conn, actor):
        found, statement, signature = await service.read_record(conn, actor, record_id)
    return b.signed_body(found, statement, signature)


def _route(method: str, path: str, handler: Handler, summary: str, **extra: Any) -> ApiRoute:
    """An ApiRoute of the supervision tag under /api/v1."""
    return ApiRoute(
        method=method, path=f"/api/v1{path}", handler=handler, summary=summary,
        tag="supervision", **extra,
    )  # fmt: skip


ROUTES = [
    _route(
        "POST", "/tenders/{tender_id}/supervision-records", file_record,
        "File a signed supervision record (a supervisor of the tender's department)",
        body=b.FileRecordBody, response=b.SupervisionRecordBody, status=201,
    ),
    _route(
        "GET", "/tenders/{tender_id}/supervision-records", list_records,
        "A tender's supervision records (its department's supervisors, centre staff)",
        response=b.SupervisionRecordList,
    ),
    _route(
        "GET", "/supervision-records/{record_id}", get_record,
        "One supervision record with its signed statement",
        response=b.SupervisionRecordSigned,
    ),
]  # fmt: skip
