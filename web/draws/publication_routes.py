"""The public read of a tender's draws after the award (docs/formats/draw.md §13).

No sign-in: the award published these documents (expert_pool.publication), and until it
did there is nothing to read — the list is empty and a draw's publication is 404
``draw_not_found``, as for a draw that does not exist (the holes issue). The pools are
never here: they stay a supervisor's read (``GET /draws/{id}/pools``).
"""

from __future__ import annotations

from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response

from expert_pool.publication import service as publication
from tender import service as tenders
from web.db.database import acquire
from web.draws.bodies import Model, TranscriptDoc
from web.http import JSON_TYPE, ApiRoute
from web.services import services
from web.tender.common import tender_id


class PublishedMember(Model, frozen=True, kw_only=True):
    expert_id: str
    name: str
    label: str


class PublicationDoc(Model, frozen=True, kw_only=True):
    """The published document (RFC 8785 JSON, keys in code-point order)."""

    draw_id: str
    format: int
    lot: str
    members: list[PublishedMember]
    published_at: str
    purpose: str
    tender_id: str
    transcript: TranscriptDoc
    type: str


class PublishedDraw(Model, frozen=True, kw_only=True):
    draw_id: str
    sha256: str
    published_at: datetime


class PublishedDraws(Model, frozen=True, kw_only=True):
    items: list[PublishedDraw]


async def tender_draws(request: Request) -> PublishedDraws:
    which = tender_id(request)
    async with acquire(services(request).pools.main) as conn:
        # An unknown tender (or a draft) answers tender_not_found, as on every tender route.
        await tenders.get_tender(conn, None, which)
        found = await publication.publications(conn, str(which))
    return PublishedDraws(
        items=[
            PublishedDraw(draw_id=p.draw_id, sha256=p.sha256, published_at=p.published_at)
            for p in found
        ]
    )


async def draw_publication(request: Request) -> Response:
    async with acquire(services(request).pools.main) as conn:
        found = await publication.published_draw(conn, request.path_params["id"])
    # The exact bytes whose SHA-256 the log holds (draw.publication_stored).
    return Response(found.body, media_type=JSON_TYPE)


ROUTES = [
    ApiRoute(
        method="GET",
        path="/api/v1/draws/{id}/publication",
        handler=draw_publication,
        summary="The draw as the award published it (public after the award)",
        tag="draws",
        response=PublicationDoc,
        auth=False,
    ),
    ApiRoute(
        method="GET",
        path="/api/v1/tenders/{tender_id}/draw-publications",
        handler=tender_draws,
        summary="A tender's draws published by the award (empty before it)",
        tag="draws",
        response=PublishedDraws,
        auth=False,
    ),
]
