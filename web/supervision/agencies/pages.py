"""Pages of agency records (issue 14, items 1 and 7): the registry (centre staff register
agencies and publish assessments), an agency's record (staff with qualifications,
projects, inspections with findings: supervisors of the inspecting department record
them) and the public page of published assessments. No script: forms only."""

from __future__ import annotations

import asyncpg
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from accounts.model import Actor, Role
from accounts.organisations import service as organisations
from supervision.agencies import service
from supervision.agencies.model import (
    CATEGORIES,
    FindingInput,
    InspectionInput,
    RegistrationInput,
    Severity,
    StaffInput,
    StaffRole,
)
from web.db.database import acquire
from web.services import services
from web.supervision.agencies.render import (
    date_field,
    form_of,
    optional_uuid,
    page,
    path_id,
    public_actor,
    redirect,
    render,
    required_uuid,
    text,
)


async def registry_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    found = await service.list_agencies(conn, actor)
    return render(
        request, "agencies.html", actor=actor, agencies=found, categories=CATEGORIES,
        is_staff=actor.has_role(Role.CENTRE_STAFF),
    )  # fmt: skip


async def register_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    form = await form_of(request)
    given = RegistrationInput(
        organisation_id=required_uuid(form, "organisation_id"),
        registration_number=text(form, "registration_number"),
        registered_on=date_field(form, "registered_on"), address=text(form, "address"),
        contact=text(form, "contact"),
        scope=tuple(v for v in form.getlist("scope") if isinstance(v, str)),
    )  # fmt: skip
    stored = await service.register_agency(conn, actor, given)
    return redirect(f"/supervision/agencies/{stored.organisation_id}")


async def record_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    which = path_id(request, "organisation_id")
    record = await service.agency_record(conn, actor, which)
    departments = {
        i.department_id: (await organisations.get_organisation(conn, i.department_id)).name
        for i in record.inspections
    }
    return render(
        request, "agency.html", actor=actor, record=record, departments=departments,
        mine=actor.acting_for(Role.SUPERVISOR), is_staff=actor.has_role(Role.CENTRE_STAFF),
        staff_roles=list(StaffRole), severities=list(Severity),
    )  # fmt: skip


async def add_staff_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    which = path_id(request, "organisation_id")
    form = await form_of(request)
    valid_until = text(form, "qualification_valid_until")
    given = StaffInput(
        name=text(form, "name"), id_number=text(form, "id_number"), role=text(form, "role"),
        qualification=text(form, "qualification"),
        qualification_number=text(form, "qualification_number"),
        qualification_valid_until=date_field(form, "qualification_valid_until")
        if valid_until else None,
        joined_on=date_field(form, "joined_on"),
    )  # fmt: skip
    key = services(request).id_card_key
    await service.add_staff(conn, actor, which, given, id_card_key=key)
    return redirect(f"/supervision/agencies/{which}")


async def open_inspection_page(
    request: Request, conn: asyncpg.Connection, actor: Actor
) -> Response:
    which = path_id(request, "organisation_id")
    form = await form_of(request)
    given = InspectionInput(
        kind=text(form, "kind"), scheduled_on=date_field(form, "scheduled_on"),
        subject=text(form, "subject"), department_id=optional_uuid(form, "department_id"),
    )  # fmt: skip
    await service.open_inspection(conn, actor, which, given)
    return redirect(f"/supervision/agencies/{which}")


async def record_finding_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    which = path_id(request, "inspection_id")
    form = await form_of(request)
    given = FindingInput(
        severity=text(form, "severity"), description=text(form, "description"),
        found_on=date_field(form, "found_on"), tender_id=optional_uuid(form, "tender_id"),
    )  # fmt: skip
    await service.record_finding(conn, actor, which, given)
    agency = optional_uuid(form, "organisation_id")
    return redirect(f"/supervision/agencies/{agency}" if agency else "/supervision/agencies")


async def publish_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    form = await form_of(request)
    first, last = date_field(form, "period_start"), date_field(form, "period_end")
    formula = services(request).agency_formula
    await service.publish_assessments(conn, actor, first, last, formula)
    return redirect(f"/agency-assessments?period_start={first}&period_end={last}")


async def assessments_page(request: Request) -> Response:
    async with acquire(services(request).pools.main) as conn:
        actor = await public_actor(request, conn)
        found = await service.published_assessments(conn, None, None, 100)
    return render(
        request, "assessments.html", actor=actor, assessments=found,
        formula=services(request).agency_formula,
    )  # fmt: skip


def routes() -> list[BaseRoute]:
    """The agency pages, for the one route list."""
    return [
        Route("/supervision/agencies", page(registry_page), methods=["GET"]),
        Route("/supervision/agencies", page(register_page), methods=["POST"]),
        Route("/supervision/agencies/{organisation_id}", page(record_page), methods=["GET"]),
        Route(
            "/supervision/agencies/{organisation_id}/staff", page(add_staff_page),
            methods=["POST"],
        ),
        Route(
            "/supervision/agencies/{organisation_id}/inspections", page(open_inspection_page),
            methods=["POST"],
        ),
        Route(
            "/supervision/agency-inspections/{inspection_id}/findings",
            page(record_finding_page), methods=["POST"],
        ),
        Route("/supervision/agency-assessments", page(publish_page), methods=["POST"]),
        Route("/agency-assessments", assessments_page, methods=["GET"]),
    ]  # fmt: skip
