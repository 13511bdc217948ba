"""JSON API of draws: request, operate, entropy, answers, the sealed list, attendance.

Outside verifiers rely on two shapes exactly (docs/formats/draw.md §7–8):
``GET /api/v1/draws/{id}/transcript`` returns the transcript document as the platform
writes it, and ``GET /api/v1/draws/{id}/pools`` returns ``{"pools": {label: [id, …]}}``.
Everything else is described in docs/api-expert-pool.md.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from accounts import service as accounts_service
from accounts.errors import PermissionDenied
from accounts.model import Actor
from expert_pool import (
    service_answers,
    service_close,
    service_draws,
    service_pools,
    service_records,
    service_views,
)
from expert_pool.draw import Category, Transcript
from expert_pool.lifecycle import DrawSpec, MemberStatus
from expert_pool.response import Decision
from expert_pool.service_views import DrawSummary
from signing.certs import TrustStore
from web.auth import current_actor, signed_in
from web.db.database import acquire
from web.draws.bodies import (
    AnswerBody,
    AnswerResult,
    AssessmentIn,
    AssessmentList,
    AssessmentOut,
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
    InvitationOut,
    MemberOut,
    MembersBody,
    PoolsDoc,
    PoolSummaryBody,
    ReasonBody,
    SanctionsBody,
    SeatBody,
    StatusBody,
    TranscriptDoc,
    VenueOut,
)
from web.errors import EtenderError, RequestInvalid
from web.http import JSON_TYPE, ApiRoute, json_response, read_json, struct_from
from web.pdf.draw_transcript import render_transcript
from web.services import services

TAG = "draws"


class TrustUnavailable(EtenderError):
    """No trusted CA is configured, so no signed answer can be checked."""

    code = "trust_store_unavailable"
    status = 503


def trust_store(request: Request) -> TrustStore:
    """The CAs answers are checked against: the platform's one store as of now."""
    found = services(request).trust_now()
    if found is None:
        raise TrustUnavailable("no trusted root CA is configured (<data dir>/trust/*.pem)")
    return found


# --- conversions --------------------------------------------------------------------------


def draw_body(s: DrawSummary) -> DrawBody:
    return DrawBody(
        id=s.id,
        tender_id=s.tender_id,
        lot=s.lot,
        purpose=s.purpose,
        status=str(s.status),
        attempt=s.attempt,
        session_start=s.session_start,
        session_end=s.session_end,
        categories=[(c.label, c.count) for c in s.categories],
        representatives=s.representatives,
        entropy_roles=[str(r) for r in s.entropy_roles],
        entropy_in=[str(r) for r in s.entropy_in],
        rounds=s.rounds,
        seats=[struct_from(SeatBody, x) for x in s.seats],
        commit_hash=s.commit_hash,
        commit_log_index=s.commit_log_index,
        seed_revealed=s.seed_revealed,
        awarded=s.awarded,
        cancel_reason=s.cancel_reason,
    )


def _spec(body: DrawCreate) -> DrawSpec:
    return DrawSpec(
        session_start=body.session_start,
        session_end=body.session_end,
        categories=tuple(Category(label=label, count=n) for label, n in body.categories),
        representatives=body.representatives,
        entropy_roles=tuple(body.entropy_roles),
    )


def _b64(value: str, what: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise RequestInvalid(f"'{what}' is not base64", details={"field": what}) from None


def transcript_json(transcript: Transcript) -> Response:
    """The transcript as the platform writes it (keys in documented order)."""
    return Response(transcript.to_json(), media_type=JSON_TYPE)


async def _summary(conn: Any, actor: Actor, draw_id: str) -> DrawBody:
    return draw_body(await service_views.draw_status(conn, actor, draw_id))


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
        summary = await _summary(conn, actor, draw.id)
    return json_response(summary, 201)


async def list_draws(request: Request) -> DrawList:
    async with signed_in(request) as (conn, actor):
        items = await service_views.list_draws(conn, actor)
    return DrawList(items=[draw_body(s) for s in items])


async def get_draw(request: Request) -> DrawBody:
    async with signed_in(request) as (conn, actor):
        return await _summary(conn, actor, request.path_params["id"])


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
        signed = service_draws.SignedStatement(
            statement=_b64(body.statement or "", "statement"),
            signature=_b64(body.signature or "", "signature"),
            trust=trust_store(request),
        )
    async with signed_in(request) as (conn, actor):
        fixed = service_draws.FixedCommit(
            commit_hash=body.commit_hash, checkpoint_size=body.checkpoint_size
        )
        await service_draws.contribute_entropy(
            conn, actor, draw_id, body.round, body.entropy, fixed=fixed, signed=signed
        )
        return await _summary(conn, actor, draw_id)


async def _sealed_view(request: Request, view: Any) -> Any:
    """A sealed view: anyone may ask (public after the award); refusals are counted."""
    async with acquire(services(request).pools.main) as conn:
        actor = await current_actor(request, conn)
        try:
            return await view(conn, actor, request.path_params["id"])
        except PermissionDenied:
            assert actor is not None
            await accounts_service.record_refusal(
                conn,
                kind=accounts_service.PERMISSION_DENIED,
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


async def answer(request: Request) -> AnswerResult:
    body = await read_json(request, AnswerBody)
    statement, signature = _b64(body.statement, "statement"), _b64(body.signature, "signature")
    draw_id = request.path_params["id"]
    trust = trust_store(request)
    async with signed_in(request) as (conn, actor):
        member = await service_answers.respond(
            conn, actor, draw_id, statement, signature, trust=trust
        )
    return AnswerResult(
        draw_id=draw_id,
        expert_id=member.expert_id,
        status=member.status,
        responded_at=member.responded_at,
    )


def _statement(item: service_answers.Invitation, expert_id: str, decision: Decision) -> str:
    body = service_answers.statement_for(item, expert_id, decision)
    return base64.b64encode(body.to_bytes()).decode()


async def invitations(request: Request) -> InvitationList:
    async with signed_in(request) as (conn, actor):
        items = await service_answers.my_invitations(conn, actor)
        expert_id = await service_answers.expert_id_of(conn, actor)
    out = []
    for item in items:
        due = item.status is MemberStatus.NOTIFIED
        out.append(
            InvitationOut(
                draw_id=item.draw_id,
                body=item.body,
                sent_at=item.sent_at,
                status=item.status,
                deadline=item.deadline,
                confirm_statement=(_statement(item, expert_id, Decision.CONFIRM) if due else None),
                decline_statement=(_statement(item, expert_id, Decision.DECLINE) if due else None),
            )
        )
    return InvitationList(items=out)


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


def _attendance_out(draw_id: str, expert_id: str, event: str, at: datetime) -> AttendanceOut:
    return AttendanceOut(draw_id=draw_id, expert_id=expert_id, event=event, occurred_at=at)


async def record_attendance(request: Request) -> Response:
    body = await read_json(request, AttendanceIn)
    async with signed_in(request) as (conn, actor):
        result = await service_records.record_attendance(
            conn, actor, request.path_params["id"], body.expert_id, body.event, body.occurred_at
        )
    out = AttendanceOut(
        draw_id=result.draw_id,
        expert_id=result.expert_id,
        event=str(result.event),
        occurred_at=result.occurred_at,
        offences=[str(o) for o in result.offences],
        sanctions=[str(s) for s in result.sanctions],
    )
    return json_response(out, 201)


async def list_attendance(request: Request) -> AttendanceList:
    draw_id = request.path_params["id"]
    async with signed_in(request) as (conn, actor):
        events = await service_records.attendance_of(conn, actor, draw_id)
    return AttendanceList(items=[_attendance_out(draw_id, *e) for e in events])


async def record_assessment(request: Request) -> Response:
    body = await read_json(request, AssessmentIn)
    async with signed_in(request) as (conn, actor):
        sanctions = await service_records.record_assessment(
            conn,
            actor,
            request.path_params["id"],
            body.expert_id,
            score=body.score,
            comment=body.comment,
            offences=tuple(body.offences),
        )
    return json_response(SanctionsBody(sanctions=[str(s) for s in sanctions]), 201)


async def list_assessments(request: Request) -> AssessmentList:
    async with signed_in(request) as (conn, actor):
        items = await service_records.assessments_of(conn, actor, request.path_params["id"])
    return AssessmentList(
        items=[
            AssessmentOut(
                expert_id=a.expert_id,
                assessor=a.assessor,
                assessor_role=a.assessor_role,
                score=a.score,
                comment=a.comment,
                offences=[str(o) for o in a.offences],
                created_at=a.created_at,
            )
            for a in items
        ]
    )


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
