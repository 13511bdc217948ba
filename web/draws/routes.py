"""JSON API of draws: request, operate, entropy, and the one route list of the area (the
experts' side is in expert_routes.py, the published record in transcript_routes.py).

Outside verifiers rely on two shapes exactly (docs/formats/draw.md §7–8):
``GET /api/v1/draws/{id}/transcript`` returns the transcript document as the platform
writes it, and ``GET /api/v1/draws/{id}/pools`` returns ``{"pools": {label: [id, …]}}``.
Everything else is described in docs/api-expert-pool.md.
"""

from __future__ import annotations

import base64
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from expert_pool.draws.model import DrawSpec
from expert_pool.pools import service as service_pools
from expert_pool.requests import close as service_close
from expert_pool.requests import service as service_draws
from expert_pool.rounds import service as service_rounds
from expert_pool.views import service as service_views
from signing.draw.transcript import Category
from web.auth import signed_in
from web.draws.bodies import (
    AnswerBody,
    AnswerResult,
    AssessmentIn,
    AssessmentList,
    AttendanceIn,
    AttendanceList,
    AttendanceOut,
    CommitBody,
    CommitProofBody,
    DrawBody,
    DrawCreate,
    DrawList,
    EntropyBody,
    ExcludedBody,
    ExclusionsBody,
    InvitationList,
    MembersBody,
    NewCommitteeIn,
    PoolsDoc,
    PoolSummaryBody,
    ReasonBody,
    ReplacementRoundIn,
    ReplacementRoundOut,
    SanctionsBody,
    StatusBody,
    TranscriptDoc,
)
from web.draws.committee_routes import new_committee, replacement_round
from web.draws.common import (
    decode_b64,
    draw_body,
    draw_summary,
)
from web.draws.expert_routes import (
    answer,
    invitations,
    list_assessments,
    list_attendance,
    record_assessment,
    record_attendance,
)
from web.draws.publication_routes import ROUTES as PUBLICATION_ROUTES
from web.draws.transcript_routes import (
    members,
    pools,
    transcript,
    transcript_pdf,
)
from web.http import ApiRoute, json_response, read_json
from web.services import services

TAG = "draws"


# --- conversions --------------------------------------------------------------------------


def _spec(body: DrawCreate) -> DrawSpec:
    return DrawSpec(
        session_start=body.session_start,
        session_end=body.session_end,
        categories=tuple(Category(label=label, count=n) for label, n in body.categories),
        representatives=body.representatives,
        entropy_roles=tuple(body.entropy_roles),
    )


# --- handlers -----------------------------------------------------------------------------


async def create_draw(request: Request) -> Response:
    body = await read_json(request, DrawCreate)
    async with signed_in(request) as (conn, actor):
        draw = await service_draws.request_draw(
            conn,
            actor,
            service_draws.DrawRequestInput(
                tender_id=body.tender_id,
                lot=body.lot,
                purpose=body.purpose,
                project_id=body.project_id,
                agency_id=body.agency_id,
                department_id=body.department_id,
                tenderer=body.tenderer,
                bidders=tuple(body.bidders),
                bidder_principals=tuple(body.bidder_principals),
                spec=_spec(body),
            ),
        )
        summary = await draw_summary(conn, actor, draw.id)
    return json_response(summary, 201)


async def list_draws(request: Request) -> DrawList:
    async with signed_in(request) as (conn, actor):
        items = await service_views.list_draws(conn, actor)
    return DrawList(items=[draw_body(s) for s in items])


async def get_draw(request: Request) -> DrawBody:
    async with signed_in(request) as (conn, actor):
        return await draw_summary(conn, actor, request.path_params["id"])


async def prepare(request: Request) -> PoolSummaryBody:
    async with signed_in(request) as (conn, actor):
        found = await service_pools.prepare_draw(conn, actor, request.path_params["id"])
    return PoolSummaryBody(
        draw_id=found.draw_id,
        pool_sizes=dict(found.pool_sizes),
        excluded=found.excluded,
        below_ratio=list(found.below_ratio),
    )


async def exclusions(request: Request) -> ExclusionsBody:
    async with signed_in(request) as (conn, actor):
        pools, excluded = await service_views.exclusions(conn, actor, request.path_params["id"])
    return ExclusionsBody(
        pool_sizes={label: len(ids) for label, ids in pools.items()},
        excluded=[ExcludedBody(expert_id=x, name=n, reasons=r) for x, n, r in excluded],
    )


async def approve_pool(request: Request) -> StatusBody:
    body = await read_json(request, ReasonBody)
    async with signed_in(request) as (conn, actor):
        await service_pools.approve_small_pool(conn, actor, request.path_params["id"], body.reason)
    return StatusBody(status="approved")


async def commit(request: Request) -> Response:
    async with signed_in(request) as (conn, actor):
        info = await service_draws.commit_draw(conn, actor, request.path_params["id"])
    body = CommitBody(
        draw_id=info.draw_id,
        commit_hash=info.commit_hash,
        log_index=info.log_index,
        seed_commitment=info.seed_commitment,
        pool_sizes=dict(info.pool_sizes),
    )
    return json_response(body, 201)


async def commit_proof(request: Request) -> CommitProofBody:
    verifier = services(request).log_identity.signer.verifier()
    async with signed_in(request) as (conn, actor):
        proof = await service_views.commit_proof(conn, actor, request.path_params["id"], verifier)
    return CommitProofBody(
        draw_id=proof.draw_id,
        log_index=proof.log_index,
        commit_hash=proof.commit_hash,
        entry=base64.b64encode(proof.entry).decode(),
        checkpoint=proof.checkpoint,
        checkpoint_size=proof.checkpoint_size,
        inclusion=[base64.b64encode(h).decode() for h in proof.inclusion],
        cosigners=list(proof.cosigners),
    )


async def contribute(request: Request) -> DrawBody:
    body = await read_json(request, EntropyBody)
    draw_id = request.path_params["id"]
    signed = None
    if body.statement is not None or body.signature is not None:
        signed = service_rounds.SignedStatement(
            statement=decode_b64(body.statement or "", "statement"),
            signature=decode_b64(body.signature or "", "signature"),
            trust=services(request).trust_required(),
        )
    async with signed_in(request) as (conn, actor):
        fixed = service_rounds.FixedCommit(
            commit_hash=body.commit_hash, checkpoint_size=body.checkpoint_size
        )
        await service_rounds.contribute_entropy(
            conn, actor, draw_id, body.round, body.entropy, fixed=fixed, signed=signed
        )
        return await draw_summary(conn, actor, draw_id)


async def approve_redraw(request: Request) -> StatusBody:
    body = await read_json(request, ReasonBody)
    async with signed_in(request) as (conn, actor):
        await service_close.approve_redraw(conn, actor, request.path_params["id"], body.reason)
    return StatusBody(status="approved")


async def cancel(request: Request) -> StatusBody:
    body = await read_json(request, ReasonBody)
    async with signed_in(request) as (conn, actor):
        await service_close.cancel_draw(conn, actor, request.path_params["id"], body.reason)
    return StatusBody(status="cancelled")


def _route(method: str, path: str, handler: Any, summary: str, **kw: Any) -> ApiRoute:
    return ApiRoute(method=method, path=path, handler=handler, summary=summary, tag=TAG, **kw)


_D = "/api/v1/draws/{id}"
ROUTES = [
    _route(
        "POST",
        "/api/v1/draws",
        create_draw,
        "Request a draw (agency)",
        body=DrawCreate,
        response=DrawBody,
        status=201,
    ),
    _route("GET", "/api/v1/draws", list_draws, "Draws the caller takes part in", response=DrawList),
    _route(
        "GET",
        "/api/v1/expert-invitations",
        invitations,
        "The signed-in expert's notices and statements to sign",
        response=InvitationList,
    ),
    _route("GET", _D, get_draw, "Counts and confirmation status (no names)", response=DrawBody),
    _route(
        "POST",
        f"{_D}/prepare",
        prepare,
        "Compute exclusions and pools (centre staff)",
        response=PoolSummaryBody,
    ),
    _route(
        "GET",
        f"{_D}/exclusions",
        exclusions,
        "Exclusions with reasons (supervisors)",
        response=ExclusionsBody,
    ),
    _route(
        "POST",
        f"{_D}/pool-approval",
        approve_pool,
        "Approve pools below the ratio (supervisor)",
        body=ReasonBody,
        response=StatusBody,
    ),
    _route(
        "POST",
        f"{_D}/commit",
        commit,
        "Log the commit (centre staff)",
        response=CommitBody,
        status=201,
    ),
    _route(
        "GET",
        f"{_D}/commit",
        commit_proof,
        "The commit entry and the checkpoint covering it",
        response=CommitProofBody,
    ),
    _route(
        "POST",
        f"{_D}/entropy",
        contribute,
        "Contribute entropy from your own client",
        body=EntropyBody,
        response=DrawBody,
    ),
    _route(
        "GET",
        f"{_D}/transcript",
        transcript,
        "Transcript (supervisors; the entitled after the award)",
        response=TranscriptDoc,
        auth=False,
    ),
    _route(
        "GET",
        f"{_D}/transcript.pdf",
        transcript_pdf,
        "Transcript as PDF",
        content_type="application/pdf",
        auth=False,
    ),
    _route(
        "GET", f"{_D}/pools", pools, "Committed pools (supervisors)", response=PoolsDoc, auth=False
    ),
    *PUBLICATION_ROUTES,
    _route(
        "GET",
        f"{_D}/members",
        members,
        "The sealed list: names and venues",
        response=MembersBody,
        auth=False,
    ),
    _route(
        "POST",
        f"{_D}/answers",
        answer,
        "A drawn expert's signed confirm or decline",
        body=AnswerBody,
        response=AnswerResult,
    ),
    _route(
        "POST",
        f"{_D}/redraw-approval",
        approve_redraw,
        "Approve one cancel-and-redraw (supervisor)",
        body=ReasonBody,
        response=StatusBody,
    ),
    _route(
        "POST",
        f"{_D}/replacement-round",
        replacement_round,
        "Open a complete evaluation draw's replacement round (centre staff)",
        body=ReplacementRoundIn,
        response=ReplacementRoundOut,
        status=201,
    ),
    _route(
        "POST",
        f"{_D}/new-committee",
        new_committee,
        "Cancel a sealed session's draw and request the committee's next (centre staff)",
        body=NewCommitteeIn,
        response=DrawBody,
        status=201,
    ),
    _route("POST", f"{_D}/cancel", cancel, "Cancel the draw", body=ReasonBody, response=StatusBody),
    _route(
        "POST",
        f"{_D}/attendance",
        record_attendance,
        "Record an attendance event",
        body=AttendanceIn,
        response=AttendanceOut,
        status=201,
    ),
    _route(
        "GET",
        f"{_D}/attendance",
        list_attendance,
        "Attendance events of the session",
        response=AttendanceList,
    ),
    _route(
        "POST",
        f"{_D}/assessments",
        record_assessment,
        "Assess a member for the session",
        body=AssessmentIn,
        response=SanctionsBody,
        status=201,
    ),
    _route(
        "GET",
        f"{_D}/assessments",
        list_assessments,
        "Assessments of the session",
        response=AssessmentList,
    ),
]
