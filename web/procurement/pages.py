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

from procurement import service
from procurement.errors import ProjectNotFound
from procurement.model import Method
from procurement.single_source import service as single_source
from web import pages
from web.db.database import acquire
from web.pdf.tender_notice import yuan
from web.procurement import desk
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
        objections = []
        if project.method is Method.SINGLE_SOURCE:
            objections = await single_source.objections(conn, None, which)
        shown = list(project.plan.suppliers) + ([award.supplier_id] if award else [])
        names = await service.names_of(conn, shown)
    context: dict[str, Any] = {
        "actor": actor,
        "tender": tender,
        "project": project,
        "award": award,
        "objections": objections,
        "names": names,
    }
    return render(request, "project.html", **context)


def routes() -> list[BaseRoute]:
    """The procurement pages: the public one, and the agency's (web/procurement/desk.py)."""
    return [Route("/procurement/{tender_id}", project_page, methods=["GET"]), *desk.routes()]
