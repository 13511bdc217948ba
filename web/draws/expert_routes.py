"""JSON API of the drawn experts' side of a draw: their invitations and signed answers,
attendance at the venue and the assessments after (docs/api-expert-pool.md)."""

from __future__ import annotations

import base64
from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response

from expert_pool.answers import service as service_answers
from expert_pool.draws.model import MemberStatus
from expert_pool.records import service as service_records
from signing.draw.response import Decision
from web.auth import signed_in
from web.draws.bodies import (
    AnswerBody,
    AnswerResult,
    AssessmentIn,
    AssessmentList,
    AssessmentOut,
    AttendanceIn,
    AttendanceList,
    AttendanceOut,
    InvitationList,
    InvitationOut,
    SanctionsBody,
)
from web.draws.common import (
    decode_b64,
)
from web.http import json_response, read_json
from web.services import services


async def answer(request: Request) -> AnswerResult:
    body = await read_json(request, AnswerBody)
    statement, signature = (
        decode_b64(body.statement, "statement"),
        decode_b64(body.signature, "signature"),
    )
    draw_id = request.path_params["id"]
    trust = services(request).trust_required()
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
