"""JSON API of complaints to the supervising department (docs/api-complaints.md; Reg.
60-62). Handlers are thin: parse, call one use case, serialise."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from supervision.complaints import service
from web.auth import signed_in
from web.errors import RequestInvalid
from web.http import ApiRoute, Handler, json_response, read_json
from web.services import services
from web.supervision.complaints import bodies as b
from web.tender.common import path_uuid, tender_id
from web.tender.results.bodies import SignedStatementBody, b64, b64_or_none


async def file_complaint(request: Request) -> Response:
    which = tender_id(request)
    body = await read_json(request, SignedStatementBody)
    statement, signature = b64(body.statement, "statement"), b64(body.signature, "signature")
    built = services(request)
    async with signed_in(request) as (conn, actor):
        filed = await service.file_complaint(
            conn, actor, which, statement=statement, signature=signature,
            setup=built.tender_setup(), policy=built.complaint_policy,
        )  # fmt: skip
    return json_response(b.complaint_body(filed), 201)


async def list_complaints(request: Request) -> b.ComplaintList:
    status = request.query_params.get("status")
    async with signed_in(request) as (conn, actor):
        found = await service.list_complaints(conn, actor, status=status)
    return b.ComplaintList(items=[b.complaint_body(c) for c in found])


async def get_complaint(request: Request) -> b.ComplaintDetail:
    which = path_uuid(request, "complaint_id")
    built = services(request)
    async with signed_in(request) as (conn, actor):
        found, steps = await service.get_complaint(conn, actor, which)
        salt = await service.statement_salt(conn, found)
    deadlines = service.deadlines(found, steps, built.complaint_policy, built.setup)
    return b.detail(found, steps, deadlines, salt)


async def take_step(request: Request) -> Response:
    which = path_uuid(request, "complaint_id")
    body = await read_json(request, b.StepRequest)
    statement, signature = b64(body.statement, "statement"), b64(body.signature, "signature")
    built = services(request)
    async with signed_in(request) as (conn, actor):
        done, step = await service.take_step(
            conn, actor, which, statement=statement, signature=signature,
            setup=built.tender_setup(), policy=built.complaint_policy,
            late_reason=body.late_reason,
        )  # fmt: skip
    return json_response(
        b.StepResult(complaint=b.complaint_body(done), step=b.step_body(step)), 201
    )


async def signed_statement(request: Request) -> b.SignedBytes:
    which = path_uuid(request, "complaint_id")
    raw = request.path_params["seq"]
    # One spelling per statement: "00" and "01" are refused, not read as 0 and 1 (F20).
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 4 and str(int(raw)) == raw):
        raise RequestInvalid("'seq' is 0 (the filing) or a step's number", details={"param": "seq"})
    async with signed_in(request) as (conn, actor):
        statement, signature = await service.signed_statement(conn, actor, which, int(raw))
    return b.SignedBytes(
        statement=b64_or_none(statement) or "", signature=b64_or_none(signature) or ""
    )


def _route(method: str, path: str, handler: Handler, summary: str, **extra: Any) -> ApiRoute:
    """An ApiRoute of the complaints tag under /api/v1."""
    return ApiRoute(
        method=method, path=f"/api/v1{path}", handler=handler, summary=summary,
        tag="complaints", **extra,
    )  # fmt: skip


_C = "/complaints/{complaint_id}"

ROUTES = [
    _route(
        "POST",
        "/tenders/{tender_id}/complaints",
        file_complaint,
        "Complain to the tender's department (a party, signed; Reg. 60)",
        body=SignedStatementBody,
        response=b.ComplaintBody,
        status=201,
    ),
    _route(
        "GET",
        "/complaints",
        list_complaints,
        "Complaints: the department's desk, centre staff all, a party its own",
        response=b.ComplaintList,
        query=(("status", str, "only complaints of this status", False),),
    ),
    _route(
        "GET",
        _C,
        get_complaint,
        "One complaint with its steps and deadlines",
        response=b.ComplaintDetail,
    ),
    _route(
        "POST",
        f"{_C}/steps",
        take_step,
        "A step of the department (signed; Reg. 61-62) or the complainant's withdrawal",
        body=b.StepRequest,
        response=b.StepResult,
        status=201,
    ),
    _route(
        "GET",
        f"{_C}/statements/{{seq}}",
        signed_statement,
        "The signed bytes of the filing (0) or of a step",
        response=b.SignedBytes,
    ),
]
