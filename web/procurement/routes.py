"""JSON API of the procurement methods (docs/api-procurement.md; issue 18, item 4).
Handlers are thin: parse, call one use case, serialise."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from starlette.requests import Request
from starlette.responses import Response

from procurement import service
from procurement.errors import ProjectNotFound
from procurement.negotiation import service as negotiation
from procurement.single_source import service as single_source
from web.auth import signed_in
from web.disclosure.routes import site
from web.errors import RequestInvalid
from web.http import ApiRoute, Handler, json_response, read_json
from web.procurement import bodies as b
from web.services import services
from web.tender.bodies import draft_from_body
from web.tender.common import maybe_signed_in, path_uuid
from web.tender.results.after_award import after_award


def project_id(request: Request) -> UUID:
    """The project of the path; a malformed id is an unknown project."""
    try:
        return UUID(request.path_params["tender_id"])
    except ValueError:
        raise ProjectNotFound("no procurement project has this id") from None


def round_number(request: Request) -> int:
    raw: str = request.path_params["round"]
    if not (raw.isascii() and raw.isdigit() and 1 <= len(raw) <= 2 and raw[0] != "0"):
        raise RequestInvalid("'round' is a round's number, 1–99", details={"param": "round"})
    return int(raw)


async def create_project(request: Request) -> Response:
    body = await read_json(request, b.ProjectRequest)
    draft, plan = draft_from_body(body.tender), b.plan_from_body(body.plan)
    async with signed_in(request) as (conn, actor):
        tender, project = await service.create_project(conn, actor, draft, plan)
    return json_response(b.project_body(tender, project, None), 201)


async def get_project(request: Request) -> b.ProjectBody:
    which = project_id(request)
    async with maybe_signed_in(request) as (conn, actor):
        return b.project_body(*await service.get_project(conn, actor, which))


async def update_plan(request: Request) -> b.ProjectBody:
    which = project_id(request)
    plan = b.plan_from_body(await read_json(request, b.PlanBody))
    async with signed_in(request) as (conn, actor):
        await service.update_plan(conn, actor, which, plan)
        return b.project_body(*await service.get_project(conn, actor, which))


async def check_project(request: Request) -> b.CheckBody:
    which = project_id(request)
    built = services(request)
    async with signed_in(request) as (conn, actor):
        broken = await service.check_project(
            conn, actor, which, built.tender_setup(), built.procurement_policies
        )
    return b.CheckBody(
        violations=[b.Violation(code=v.code, message=v.message, rule=v.rule) for v in broken]
    )


async def publish_project(request: Request) -> b.ProjectBody:
    which = project_id(request)
    built = services(request)
    async with signed_in(request) as (conn, actor):
        await service.publish(conn, actor, which, built.tender_setup(), built.procurement_policies)
        return b.project_body(*await service.get_project(conn, actor, which))


async def open_round(request: Request) -> Response:
    which = project_id(request)
    body = await read_json(request, b.RoundRequest)
    async with signed_in(request) as (conn, actor):
        opened = await negotiation.open_round(conn, actor, which, final=body.final)
    return json_response(b.round_body(opened), 201)


async def close_round(request: Request) -> b.RoundBody:
    which, number = project_id(request), round_number(request)
    async with signed_in(request) as (conn, actor):
        return b.round_body(await negotiation.close_round(conn, actor, which, round=number))


async def submit_quotation(request: Request) -> Response:
    which, number = project_id(request), round_number(request)
    body = await read_json(request, b.QuotationRequest)
    async with signed_in(request) as (conn, actor):
        given = await negotiation.submit_quotation(
            conn, actor, which, round=number, price_fen=body.price_fen,
            supplier_id=body.supplier_id,
        )  # fmt: skip
    return json_response(b.quotation_body(given), 201)


async def get_negotiation(request: Request) -> b.NegotiationBody:
    which = project_id(request)
    async with signed_in(request) as (conn, actor):
        return b.negotiation_body(await negotiation.view(conn, actor, which))


async def exclude_supplier(request: Request) -> Response:
    which = project_id(request)
    body = await read_json(request, b.ExclusionRequest)
    async with signed_in(request) as (conn, actor):
        await negotiation.exclude_supplier(conn, actor, which, body.supplier_id, body.reason)
    return json_response(b.ExclusionBody(supplier_id=body.supplier_id, reason=body.reason), 201)


async def award_negotiation(request: Request) -> Response:
    which = project_id(request)
    async with signed_in(request) as (conn, actor):
        built = services(request)
        made = await negotiation.award(
            conn, actor, which, setup=built.tender_setup(), after=after_award(built)
        )
    return json_response(b.award_body(made), 201)


async def file_objection(request: Request) -> Response:
    which = project_id(request)
    body = await read_json(request, b.ObjectionRequest)
    async with signed_in(request) as (conn, actor):
        filed = await single_source.file_objection(conn, actor, which, body.text)
    return json_response(b.objection_body(filed), 201)


async def list_objections(request: Request) -> b.ObjectionList:
    which = project_id(request)
    async with maybe_signed_in(request) as (conn, actor):
        found = await single_source.objections(conn, actor, which)
    return b.ObjectionList(items=[b.objection_body(o) for o in found])


async def answer_objection(request: Request) -> b.ObjectionBody:
    which, objection = project_id(request), path_uuid(request, "objection_id")
    body = await read_json(request, b.AnswerRequest)
    async with signed_in(request) as (conn, actor):
        done = await single_source.answer_objection(
            conn, actor, which, objection, outcome=body.outcome, text=body.text
        )
    return b.objection_body(done)


async def agree_price(request: Request) -> Response:
    which = project_id(request)
    body = await read_json(request, b.AgreementRequest)
    async with signed_in(request) as (conn, actor):
        built = services(request)
        made = await single_source.agree(
            conn, actor, which, body.price_fen, setup=built.tender_setup(),
            after=after_award(built),
        )  # fmt: skip
    return json_response(b.award_body(made), 201)


async def ocds_release(request: Request) -> Response:
    which = project_id(request)
    async with maybe_signed_in(request) as (conn, _):
        found = await service.release_package(conn, which, site(request))
    return json_response(found)


def _route(method: str, path: str, handler: Handler, summary: str, **extra: Any) -> ApiRoute:
    """An ApiRoute of the procurement tag under /api/v1/procurement."""
    return ApiRoute(
        method=method, path=f"/api/v1/procurement{path}", handler=handler, summary=summary,
        tag="procurement", **extra,
    )  # fmt: skip


_P = "/projects/{tender_id}"

ROUTES = [
    _route("POST", "/projects", create_project,
           "Create a project: a tender draft with its procurement method (the agency)",
           body=b.ProjectRequest, response=b.ProjectBody, status=201),
    _route("GET", _P, get_project, "One project (public once published)",
           response=b.ProjectBody, auth=False),
    _route("PUT", f"{_P}/plan", update_plan,
           "Replace a draft's suppliers, group and reason (the method stays)",
           body=b.PlanBody, response=b.ProjectBody),
    _route("GET", f"{_P}/check", check_project,
           "Every rule of its method the draft breaks now", response=b.CheckBody),
    _route("POST", f"{_P}/publish", publish_project,
           "Check the method's rules, then publish the tender", response=b.ProjectBody),
    _route("POST", f"{_P}/rounds", open_round, "Open the next negotiation round (the agency)",
           body=b.RoundRequest, response=b.RoundBody, status=201),
    _route("POST", f"{_P}/rounds/{{round}}/close", close_round, "Close the open round",
           response=b.RoundBody),
    _route("POST", f"{_P}/rounds/{{round}}/quotations", submit_quotation,
           "An invited supplier's quotation in the open round (sealed until it closes)",
           body=b.QuotationRequest, response=b.QuotationBody, status=201),
    _route("GET", f"{_P}/negotiation", get_negotiation,
           "The rounds and the quotations the reader may see", response=b.NegotiationBody),
    _route("POST", f"{_P}/exclusions", exclude_supplier,
           "Record the group's finding that a supplier is not compliant",
           body=b.ExclusionRequest, response=b.ExclusionBody, status=201),
    _route("POST", f"{_P}/award", award_negotiation,
           "Award the lowest compliant final quotation", response=b.AwardBody, status=201),
    _route("POST", f"{_P}/objections", file_objection,
           "Object to single source during its publicity (anyone signed in)",
           body=b.ObjectionRequest, response=b.ObjectionBody, status=201),
    _route("GET", f"{_P}/objections", list_objections,
           "Single source's objections and answers (public)", response=b.ObjectionList,
           auth=False),
    _route("POST", f"{_P}/objections/{{objection_id}}/answer", answer_objection,
           "The agency's answer to an objection: upheld or dismissed",
           body=b.AnswerRequest, response=b.ObjectionBody),
    _route("POST", f"{_P}/agreement", agree_price,
           "Record the price agreed with the single source after the publicity",
           body=b.AgreementRequest, response=b.AwardBody, status=201),
    _route("GET", f"{_P}/ocds", ocds_release,
           "The project's OCDS 1.1 release (public once published)", auth=False),
]  # fmt: skip
