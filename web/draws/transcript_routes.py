"""JSON API of a draw's record: the transcript (JSON as the platform writes it, and PDF),
the candidate pools and the sealed member list (docs/formats/draw.md §7–8)."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from accounts import security_events
from accounts.errors import PermissionDenied
from expert_pool.views import service as service_views
from signing.draw.transcript import Transcript
from web.auth import current_actor
from web.db.database import acquire
from web.draws.bodies import (
    MemberOut,
    MembersBody,
    PoolsDoc,
    VenueOut,
)
from web.http import JSON_TYPE
from web.pdf.draw_transcript import render_transcript
from web.services import services


def transcript_json(transcript: Transcript) -> Response:
    """The transcript as the platform writes it (keys in documented order)."""
    return Response(transcript.to_json(), media_type=JSON_TYPE)


async def _sealed_view(request: Request, view: Any) -> Any:
    """A sealed view: anyone may ask (public after the award); refusals are counted."""
    async with acquire(services(request).pools.main) as conn:
        actor = await current_actor(request, conn)
        try:
            return await view(conn, actor, request.path_params["id"])
        except PermissionDenied:
            assert actor is not None
            await security_events.record_refusal(
                conn,
                kind=security_events.PERMISSION_DENIED,
                address=actor.address,
                subject=f"{actor.username}:sealed_draw"[:200],
            )
            raise


async def transcript(request: Request) -> Response:
    return transcript_json(await _sealed_view(request, service_views.transcript))


async def transcript_pdf(request: Request) -> Response:
    found: Transcript = await _sealed_view(request, service_views.transcript)
    pdf = await asyncio.to_thread(render_transcript, found)
    return Response(pdf, media_type="application/pdf")


async def pools(request: Request) -> PoolsDoc:
    found = await _sealed_view(request, service_views.pools)
    return PoolsDoc(pools={label: list(ids) for label, ids in found.items()})


async def members(request: Request) -> MembersBody:
    found = await _sealed_view(request, service_views.sealed_list)
    return MembersBody(
        draw_id=found.draw_id,
        members=[
            MemberOut(
                expert_id=m.expert_id,
                name=m.name,
                label=m.label,
                r=m.r,
                status=str(m.status),
                seated=m.seated,
            )
            for m in found.members
        ],
        venues=[VenueOut(id=v[0], name=v[1], region=v[2], label=v[3]) for v in found.venues],
    )
