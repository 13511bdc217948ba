"""The agency's procurement pages (issue 18, item 5), Chinese first, English; no script:

- ``/agency/procurement`` — choose a method and start a project: the tender draft's
  title, category, tenderer and department, the invited suppliers, the negotiating
  group or single source's reason;
- ``/agency/procurement/{id}`` — run it: edit the plan and check the method's rules
  while a draft (the tender's own content on its page, ``/agency/tenders/{id}``),
  publish; then negotiation's rounds, final quotations, exclusions and award, or single
  source's objections to answer and the price to agree.

The forms post to these pages' own routes, which call the same use cases as the JSON API
(docs/api-procurement.md) and answer 303 back to the desk; a refusal renders the error
page with its code and status, nothing changed (web/pages.signed_in_page).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from accounts.errors import PermissionDenied
from accounts.model import Actor, OrgKind, Role
from accounts.organisations import service as organisations
from accounts.permissions import Action
from procurement import service
from procurement.errors import ProcurementInputInvalid, ProjectNotFound
from procurement.model import PROJECT_METHODS, Group, Method, Plan, Project, fen_from_yuan
from procurement.negotiation import service as negotiation
from procurement.single_source import service as single_source
from procurement.single_source.model import Outcome
from signing.errors import EtenderError
from tender import access
from tender.model import Category, TenderStatus
from web import pages
from web.errormap import status_for
from web.pdf.tender_notice import yuan
from web.procurement import i18n as texts
from web.services import services
from web.tender.forms import new_draft, text
from web.tender.results.after_award import after_award

render = pages.feature_renderer("procurement", texts, {"yuan": yuan})
METHODS = sorted(PROJECT_METHODS, key=str)


def _home(path: str) -> str:
    """An error page's way back without a Referer: the agency's list for its pages, the
    project's public page for the others' (the list refuses them, breaker F18)."""
    return "/agency/procurement" if path.startswith("/agency/") else "/".join(path.split("/")[:3])


def _refused(request: Request, actor: Actor | None, error: EtenderError) -> Response:
    details = error.details if isinstance(error.details, dict) else {}
    return render(
        request, "error.html", status_for(error), actor=actor, code=error.code,
        violations=details.get("violations", []), field=details.get("field"),
        back=pages.back_link(request, _home(request.url.path)),
    )  # fmt: skip


page = pages.signed_in_page(_refused)


def _project_id(request: Request) -> UUID:
    try:
        return UUID(request.path_params["tender_id"])
    except ValueError:
        raise ProjectNotFound("no procurement project has this id") from None


def _desk(tender_id: UUID) -> RedirectResponse:
    return RedirectResponse(f"/agency/procurement/{tender_id}", status_code=303)


def _count(form: FormData, name: str) -> int:
    raw = text(form, name)
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 2):
        raise ProcurementInputInvalid(f"{name} is a whole number 0–99", details={"field": name})
    return int(raw)


def plan_from_form(form: FormData, method: Method) -> Plan:
    """The plan's form: suppliers ticked, the group (negotiation), the reason."""
    try:
        suppliers = tuple(UUID(str(v)) for v in form.getlist("suppliers"))
    except ValueError:
        raise ProcurementInputInvalid("choose suppliers from the list") from None
    group = None
    if method is Method.NEGOTIATION:
        group = Group(members=_count(form, "members"), experts=_count(form, "experts"))
    reason = text(form, "reason") if method is Method.SINGLE_SOURCE else ""
    return Plan(method=method, suppliers=suppliers, group=group, reason=reason)


async def _choices(conn: asyncpg.Connection, actor: Actor) -> dict[str, Any]:
    """The organisations the agency's forms offer (as the tender pages do)."""
    found = (await organisations.list_organisations(conn, actor, cursor=None, limit=200)).items
    return {
        kind: [o for o in found if o.kind is org_kind]
        for kind, org_kind in (
            ("bidders", OrgKind.BIDDER), ("tenderers", OrgKind.TENDERER),
            ("departments", OrgKind.INDUSTRY_DEPARTMENT),
        )
    }  # fmt: skip


def _require_agency(actor: Actor) -> None:
    """Breaker F18: the agency's list and its form are for agencies (create_tender,
    api-auth.md), refused before any field is read — not shown to every role."""
    if not actor.has_role(Role.AGENCY):
        raise PermissionDenied(
            "this page is for agencies", details={"action": "create_tender", "resource": "tender"}
        )


async def _agency_of(conn: asyncpg.Connection, actor: Actor, which: UUID) -> Project:
    """Breaker F18: a desk form's actor must act for the project's agency, checked before
    its fields are (a draft it may not read stays not found)."""
    tender, project = await service.read_project(conn, actor, which)
    access.authorise(actor, Action.PUBLISH_TENDER, tender)
    return project


@page
async def new_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    _require_agency(actor)
    return render(
        request, "new.html", actor=actor, methods=METHODS, categories=list(Category),
        projects=await service.my_projects(conn, actor), **await _choices(conn, actor),
    )  # fmt: skip


@page
async def create(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    _require_agency(actor)
    form = await request.form()
    try:
        method = Method(text(form, "method"))
    except ValueError:
        raise ProcurementInputInvalid("choose a method", details={"field": "method"}) from None
    tender, _ = await service.create_project(
        conn, actor, new_draft(form), plan_from_form(form, method)
    )
    return _desk(tender.id)


@page
async def desk_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    which = _project_id(request)
    tender, project, award = await service.get_project(conn, actor, which)
    access.authorise(actor, Action.CREATE_TENDER, tender)  # the agency's desk
    built = services(request)
    context: dict[str, Any] = {"violations": [], "view": None, "objections": []}
    draft = tender.status is TenderStatus.DRAFT
    if draft:
        context["violations"] = await service.check_project(
            conn, actor, which, built.tender_setup(), built.procurement_policies
        )
    elif project.method is Method.NEGOTIATION:
        context["view"] = await negotiation.view(conn, actor, which)
    elif project.method is Method.SINGLE_SOURCE:
        context["objections"] = await single_source.objections(conn, actor, which)
    shown = [*project.plan.suppliers, *[o.objector_id for o in context["objections"]]]
    return render(
        request, "desk.html", actor=actor, tender=tender, project=project, award=award,
        draft=draft, names=await service.names_of(conn, shown), **context,
        **await _choices(conn, actor),
    )  # fmt: skip


@page
async def edit_plan(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    which = _project_id(request)
    project = await _agency_of(conn, actor, which)
    plan = plan_from_form(await request.form(), project.method)
    await service.update_plan(conn, actor, which, plan)
    return _desk(which)


@page
async def publish(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    which, built = _project_id(request), services(request)
    await _agency_of(conn, actor, which)
    await service.publish(conn, actor, which, built.tender_setup(), built.procurement_policies)
    return _desk(which)


@page
async def open_round(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    which = _project_id(request)
    await _agency_of(conn, actor, which)
    final = text(await request.form(), "final")
    if final not in ("", "yes"):  # breaker F3: the checkbox is "yes" or absent
        raise ProcurementInputInvalid("final is the checkbox's yes", details={"field": "final"})
    await negotiation.open_round(conn, actor, which, final=final == "yes")
    return _desk(which)


@page
async def close_round(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    which, raw = _project_id(request), request.path_params["round"]
    await _agency_of(conn, actor, which)
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 2):
        raise ProcurementInputInvalid("a round's number is 1–99")
    await negotiation.close_round(conn, actor, which, round=int(raw))
    return _desk(which)


@page
async def exclude(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    which, form = _project_id(request), await request.form()
    await _agency_of(conn, actor, which)
    try:
        supplier = UUID(text(form, "supplier_id"))
    except ValueError:
        raise ProcurementInputInvalid("choose the supplier") from None
    await negotiation.exclude_supplier(conn, actor, which, supplier, text(form, "reason"))
    return _desk(which)


@page
async def award(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    which, built = _project_id(request), services(request)
    await _agency_of(conn, actor, which)
    await negotiation.award(
        conn, actor, which, setup=built.tender_setup(), after=after_award(built)
    )
    return _desk(which)


@page
async def answer(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    which, form = _project_id(request), await request.form()
    await _agency_of(conn, actor, which)
    try:
        objection = UUID(request.path_params["objection_id"])
        outcome = Outcome(text(form, "outcome"))
    except ValueError:
        raise ProcurementInputInvalid("choose upheld or dismissed") from None
    await single_source.answer_objection(
        conn, actor, which, objection, outcome=outcome, text=text(form, "answer")
    )
    return _desk(which)


@page
async def agree(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    which, built = _project_id(request), services(request)
    await _agency_of(conn, actor, which)
    price = fen_from_yuan(text(await request.form(), "price_yuan"))
    await single_source.agree(
        conn, actor, which, price, setup=built.tender_setup(), after=after_award(built)
    )
    return _desk(which)


def routes() -> list[BaseRoute]:
    """The agency's procurement pages and their forms."""
    p = "/agency/procurement/{tender_id}"
    return [
        Route("/agency/procurement", new_page, methods=["GET"]),
        Route("/agency/procurement", create, methods=["POST"]),
        Route(p, desk_page, methods=["GET"]),
        Route(f"{p}/plan", edit_plan, methods=["POST"]),
        Route(f"{p}/publish", publish, methods=["POST"]),
        Route(f"{p}/rounds", open_round, methods=["POST"]),
        Route(f"{p}/rounds/{{round}}/close", close_round, methods=["POST"]),
        Route(f"{p}/exclusions", exclude, methods=["POST"]),
        Route(f"{p}/award", award, methods=["POST"]),
        Route(f"{p}/objections/{{objection_id}}/answer", answer, methods=["POST"]),
        Route(f"{p}/agreement", agree, methods=["POST"]),
    ]
