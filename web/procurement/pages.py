"""The public page of a procurement project (issue 18, items 4 and 5): its method, the
dates, single source's reason, publicity and objections, and the award — Chinese
first, English; times in Beijing time. What it shows is the project's public answer
(docs/api-procurement.md): a draft is not found, invited suppliers stay hidden until
the award. No script.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from accounts.model import Role
from procurement import service
from procurement.errors import ProjectNotFound
from procurement.model import Method
from procurement.single_source import service as single_source
from tender.queries import database_now
from web import pages
from web.db.database import acquire
from web.pdf.tender_notice import yuan
from web.procurement import desk, supplier
from web.procurement import i18n as texts
from web.services import services

render = pages.feature_renderer("procurement", texts, {"yuan": yuan})


async def project_page(request: Request) -> Response:
    async with acquire(services(request).pools.main) as conn:
        actor = await pages.signed_in(request, conn)
        try:
            which = UUID(request.path_params["tender_id"])
            tender, project, award = await service.get_project(conn, None, which)
        except (ValueError, ProjectNotFound):
            return render(request, "project.html", 404, actor=actor, project=None)
        objections, now = [], await database_now(conn)
        if project.method is Method.SINGLE_SOURCE:
            objections = await single_source.objections(conn, None, which)
        ends = project.publicity_ends_at
        # A signed-in invited supplier's bidder quotes on its own page (supplier.py).
        invited = (await service.read_project(conn, None, which))[1].plan.suppliers
        quoting = actor is not None and bool(actor.acting_for(Role.BIDDER) & set(invited))
        shown = list(project.plan.suppliers) + ([award.supplier_id] if award else [])
        names = await service.names_of(conn, shown)
    context: dict[str, Any] = {
        "actor": actor,
        "tender": tender,
        "project": project,
        "award": award,
        "objections": objections,
        "objecting": ends is not None and now < ends and award is None,
        "quoting": quoting and project.method is Method.NEGOTIATION,
        "names": names,
    }
    return render(request, "project.html", **context)


def routes() -> list[BaseRoute]:
    """The procurement pages: the public one, the agency's (web/procurement/desk.py),
    a supplier's quotations and the objection form (web/procurement/supplier.py)."""
    public = Route("/procurement/{tender_id}", project_page, methods=["GET"])
    return [public, *desk.routes(), *supplier.routes()]
