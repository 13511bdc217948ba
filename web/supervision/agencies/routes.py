"""JSON API of agency records and their assessments (docs/api-agencies.md). Handlers
are thin: parse, call one use case, serialise."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from supervision.agencies import service
from supervision.agencies.model import (
    FindingInput,
    InspectionInput,
    RegistrationInput,
    StaffInput,
)
from web.auth import signed_in
from web.http import ApiRoute, Handler, json_response, read_json
from web.services import services
from web.supervision.agencies import bodies as b
from web.supervision.agencies.params import date_param
from web.tender.common import limit_param, maybe_signed_in, path_uuid


async def register_agency(request: Request) -> Response:
    body = await read_json(request, b.AgencyCreate)
    given = RegistrationInput(
        organisation_id=body.organisation_id, registration_number=body.registration_number,
        registered_on=body.registered_on, address=body.address, contact=body.contact,
        scope=tuple(body.scope),
    )  # fmt: skip
    async with signed_in(request) as (conn, actor):
        stored = await service.register_agency(conn, actor, given)
    return json_response(b.agency_body(stored), 201)


async def list_agencies(request: Request) -> b.AgencyList:
    async with signed_in(request) as (conn, actor):
        found = await service.list_agencies(conn, actor)
    return b.AgencyList(items=[b.agency_body(r) for r in found])


async def agency_record(request: Request) -> b.AgencyRecordBody:
    which = path_uuid(request, "organisation_id")
    async with signed_in(request) as (conn, actor):
        return b.record_body(await service.agency_record(conn, actor, which))


async def add_staff(request: Request) -> Response:
    which = path_uuid(request, "organisation_id")
    body = await read_json(request, b.StaffCreate)
    given = StaffInput(
        name=body.name, id_number=body.id_number, role=body.role,
        qualification=body.qualification, qualification_number=body.qualification_number,
        qualification_valid_until=body.qualification_valid_until, joined_on=body.joined_on,
    )  # fmt: skip
    key = services(request).id_card_key
    async with signed_in(request) as (conn, actor):
        stored = await service.add_staff(conn, actor, which, given, id_card_key=key)
    return json_response(b.staff_body(stored), 201)


async def open_inspection(request: Request) -> Response:
    which = path_uuid(request, "organisation_id")
    body = await read_json(request, b.InspectionCreate)
    given = InspectionInput(
        kind=body.kind, scheduled_on=body.scheduled_on, subject=body.subject,
        department_id=body.department_id,
    )  # fmt: skip
    async with signed_in(request) as (conn, actor):
        stored = await service.open_inspection(conn, actor, which, given)
    return json_response(b.inspection_body(stored), 201)


async def record_finding(request: Request) -> Response:
    which = path_uuid(request, "inspection_id")
    body = await read_json(request, b.FindingCreate)
    given = FindingInput(
        severity=body.severity, description=body.description, found_on=body.found_on,
        tender_id=body.tender_id,
    )  # fmt: skip
    async with signed_in(request) as (conn, actor):
        stored = await service.record_finding(conn, actor, which, given)
    return json_response(b.finding_body(stored), 201)


async def publish_assessments(request: Request) -> Response:
    body = await read_json(request, b.AssessmentCreate)
    formula = services(request).agency_formula
    async with signed_in(request) as (conn, actor):
        found = await service.publish_assessments(
            conn, actor, body.period_start, body.period_end, formula
        )
    return json_response(b.AssessmentList(items=[b.assessment_body(a) for a in found]), 201)


async def published_assessments(request: Request) -> b.AssessmentList:
    first, last = date_param(request, "period_start"), date_param(request, "period_end")
    limit = limit_param(request, 100)
    async with maybe_signed_in(request) as (conn, _):
        found = await service.published_assessments(conn, first, last, limit)
    return b.AssessmentList(items=[b.assessment_body(a) for a in found])


async def formula(request: Request) -> Response:
    return json_response(services(request).agency_formula.as_json())


def route(method: str, path: str, handler: Handler, summary: str, **extra: Any) -> ApiRoute:
    """An ApiRoute of the supervision tag under /api/v1."""
    return ApiRoute(
        method=method, path=f"/api/v1{path}", handler=handler, summary=summary,
        tag="supervision", **extra,
    )  # fmt: skip


_A = "/agencies/{organisation_id}"
ROUTES = [
    route(
        "POST", "/agencies", register_agency, "Register an agency (centre staff)",
        body=b.AgencyCreate, response=b.AgencyBody, status=201,
    ),
    route(
        "GET", "/agencies", list_agencies, "The agency registry (centre staff, supervisors)",
        response=b.AgencyList,
    ),
    route(
        "GET", _A, agency_record,
        "An agency's record: staff, projects, inspections, assessments",
        response=b.AgencyRecordBody,
    ),
    route(
        "POST", f"{_A}/staff", add_staff, "Add a person to an agency's staff (centre staff)",
        body=b.StaffCreate, response=b.StaffBody, status=201,
    ),
    route(
        "POST", f"{_A}/inspections", open_inspection,
        "Open an inspection of an agency (a supervisor, for its department)",
        body=b.InspectionCreate, response=b.InspectionBody, status=201,
    ),
    route(
        "POST", "/agency-inspections/{inspection_id}/findings", record_finding,
        "Record a finding (a supervisor of the inspecting department)",
        body=b.FindingCreate, response=b.FindingBody, status=201,
    ),
    route(
        "POST", "/agency-assessments", publish_assessments,
        "Compute and publish a period's assessments (centre staff)",
        body=b.AssessmentCreate, response=b.AssessmentList, status=201,
    ),
    route(
        "GET", "/agency-assessment-formula", formula,
        "The assessment formula in force (public: results can be recomputed)", auth=False,
        response=b.FormulaBody,
    ),
    route(
        "GET", "/agency-assessments", published_assessments,
        "Published assessments (public)", auth=False, response=b.AssessmentList,
        query=(
            ("period_start", str, "only this period's first day (YYYY-MM-DD)", False),
            ("period_end", str, "only this period's last day (YYYY-MM-DD)", False),
            ("limit", int, "at most this many (1-100, default 100)", False),
        ),
    ),
]  # fmt: skip
