"""Draw endpoints an evaluation session calls for (issue 11): the replacement round of a
complete committee for approved replacements, and a new committee after a sealed
session (docs/api-expert-pool.md, "Draws"; docs/formats/draw.md §4.1). Routed in
web/draws/routes.py."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from expert_pool.requests import renew as service_renew
from expert_pool.requests import reopen as service_reopen
from web.auth import signed_in
from web.draws.bodies import NewCommitteeIn, ReplacementRoundIn, ReplacementRoundOut
from web.draws.common import draw_summary
from web.http import json_response, read_json


async def replacement_round(request: Request) -> Response:
    body = await read_json(request, ReplacementRoundIn)
    async with signed_in(request) as (conn, actor):
        opened = await service_reopen.open_replacement_round(
            conn, actor, request.path_params["id"], body.session_id, body.seats
        )
    out = ReplacementRoundOut(draw_id=opened.draw_id, round=opened.r, places=opened.places)
    return json_response(out, 201)


async def new_committee(request: Request) -> Response:
    body = await read_json(request, NewCommitteeIn)
    async with signed_in(request) as (conn, actor):
        draw = await service_renew.new_committee_after_seal(
            conn, actor, request.path_params["id"], session_start=body.session_start,
            session_end=body.session_end, reason=body.reason,
        )  # fmt: skip
        summary = await draw_summary(conn, actor, draw.id)
    return json_response(summary, 201)
