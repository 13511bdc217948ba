"""Drawn experts answer: signed confirmations and declines, timeouts, completion.

DESIGN.md: "Declines are signed by the expert; timeouts carry the notification's
delivery record". An answer is a draw-response statement (signing.draw.response)
CMS-signed by the expert's registered certificate; a decline or timeout is recorded in
the transcript's latest round and calls for a replacement round (fresh supervisor
entropy, expert_pool.rounds.service). When every seat is confirmed the committee is
complete and the platform seed is revealed to supervisors.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from accounts.errors import PermissionDenied
from accounts.model import Actor, Role
from expert_pool import journal, queries
from expert_pool.alerting import raise_pool_alert
from expert_pool.answers import queries as queries_members
from expert_pool.draws import queries as queries_draws
from expert_pool.draws.access import get_draw
from expert_pool.draws.model import DrawStatus, Member, MemberStatus, StoredDraw, committee_complete
from expert_pool.errors import (
    DrawClosed,
    DrawResponseConflict,
    DrawResponseForbidden,
    DrawResponseTooLate,
    ExpertCertificateMissing,
)
from expert_pool.events import PoolEvent
from expert_pool.experts import queries as queries_experts
from expert_pool.experts.model import ExpertProfile
from expert_pool.model import AlertKind
from expert_pool.notices import queries as queries_notices
from expert_pool.rounds.release import commit_round_seed, opens_release_round
from signing.draw.algorithm import record_declines
from signing.draw.errors import DrawResponseInvalid
from signing.draw.response import Decision, DrawResponse, verify_response
from signing.draw.rules import validate_draw_id
from signing.log.entry import commit
from signing.trust import TrustStore

log = logging.getLogger(__name__)


async def _expert_of(conn: asyncpg.Connection, actor: Actor) -> ExpertProfile:
    if not actor.has_role(Role.EXPERT):
        raise PermissionDenied(
            "only an evaluation expert answers a draw",
            details={"action": "respond_to_draw", "resource": "draw"},
        )
    profile = await queries_experts.expert_of_user(conn, actor.user_id)
    if profile is None:
        raise DrawResponseForbidden("your account is not linked to an expert of the pool")
    return profile


async def _verified(
    conn: asyncpg.Connection,
    expert_id: str,
    draw_id: str,
    statement: bytes,
    signature: bytes,
    trust: TrustStore,
) -> DrawResponse:
    registered = await queries_experts.certificate(conn, expert_id)
    if registered is None:
        raise ExpertCertificateMissing("no signing certificate is registered for you")
    response = verify_response(
        statement,
        signature,
        trust=trust,
        at=await queries.database_now(conn),
        registered_cert_sha256=registered[1],
    )
    if response.draw_id != draw_id or response.expert_id != expert_id:
        raise DrawResponseInvalid("the statement names another draw or another expert")
    return response


async def respond(
    conn: asyncpg.Connection,
    actor: Actor,
    draw_id: str,
    statement: bytes,
    signature: bytes,
    *,
    trust: TrustStore,
) -> Member:
    """A drawn expert confirms or declines with a statement signed by its own certificate."""
    expert = (await _expert_of(conn, actor)).expert
    if await queries_members.member(conn, validate_draw_id(draw_id), expert.id) is None:
        # Someone else's draw (or none): do not tell which.
        raise DrawResponseForbidden("you were not drawn in this draw")
    response = await _verified(conn, expert.id, draw_id, statement, signature, trust)
    async with conn.transaction():
        draw = await get_draw(conn, draw_id, lock=True)
        # A complete draw still takes the answers of its replacement round's picks
        # (expert_pool.requests.reopen): only a waiting member can answer at all.
        if draw.status is DrawStatus.CANCELLED or draw.awarded_at is not None:
            raise DrawClosed(f"the draw is {draw.status}")
        status = (
            MemberStatus.CONFIRMED
            if response.decision is Decision.CONFIRM
            else MemberStatus.DECLINED
        )
        answered = await queries_members.answer_member(
            conn, draw.id, expert.id, status, statement, signature
        )
        if answered is None:
            await _refuse_answer(conn, draw.id, expert.id)
        if status is MemberStatus.CONFIRMED:
            await _confirmed(conn, actor, draw, expert.id, response)
        else:
            await _declined(conn, actor, draw, expert.id, response)
    member = await queries_members.member(conn, draw_id, expert.id)
    assert member is not None
    return member


async def _refuse_answer(conn: asyncpg.Connection, draw_id: str, expert_id: str) -> None:
    current = await queries_members.member(conn, draw_id, expert_id)
    assert current is not None
    if current.status is MemberStatus.NOTIFIED:
        raise DrawResponseTooLate("the deadline to answer has passed")
    raise DrawResponseConflict(f"you already answered ({current.status})")


async def _log_answer(
    conn: asyncpg.Connection,
    kind: PoolEvent,
    actor: Actor,
    draw: StoredDraw,
    expert_id: str,
    statement_sha256: str,
) -> None:
    """The answer's entry: the member, its statement and the actor all as commitments.

    Salted: a bare hash of a statement could be brute-forced back to the expert; the
    actor (the expert's own account) is hidden the same way (docs/audit-log.md §1.3).
    """
    salt = (await queries_members.member_salts(conn, draw.id))[expert_id]
    await journal.append(
        conn,
        kind,
        actor=actor,
        role=Role.EXPERT,
        subject=("draw", draw.id),
        data={
            "draw_id": draw.id,
            "member": journal.commit_member(expert_id, salt),
            "statement": commit(statement_sha256, salt),
        },
        commitments=("member", "statement"),
        member_salt=salt,
    )


async def _confirmed(
    conn: asyncpg.Connection,
    actor: Actor,
    draw: StoredDraw,
    expert_id: str,
    response: DrawResponse,
) -> None:
    await queries_members.record_service(conn, expert_id, draw, draw.spec.session_date)
    await _log_answer(conn, PoolEvent.DRAW_CONFIRMED, actor, draw, expert_id, response.sha256)
    members = await queries_members.members(conn, draw.id)
    if draw.status is DrawStatus.DRAWING and committee_complete(draw, members):
        await queries_draws.set_complete(conn, draw.id)
        await journal.append(
            conn,
            PoolEvent.DRAW_COMPLETED,
            actor=None,
            role="platform",
            subject=("draw", draw.id),
            data={"draw_id": draw.id, "seats": draw.expert_seats},
        )
        log.info("expert_pool.committee_complete", extra={"draw_id": draw.id})


async def _declined(
    conn: asyncpg.Connection,
    actor: Actor,
    draw: StoredDraw,
    expert_id: str,
    response: DrawResponse,
) -> None:
    assert draw.transcript is not None
    transcript = record_declines(draw.transcript, [expert_id])
    await queries_draws.save_transcript(conn, draw.id, transcript, draw.status)
    await _log_answer(conn, PoolEvent.DRAW_DECLINED, actor, draw, expert_id, response.sha256)
    await _open_round(conn, draw, len(transcript.rounds))
    await _replacement_needed(conn, draw, transcript.rounds[-1].r + 1, 1)


async def _open_round(conn: asyncpg.Connection, draw: StoredDraw, r: int) -> None:
    # A refill of a complete committee is a release round: its own seed is committed
    # before any entropy for it exists (docs/formats/draw.md §4.2). By the platform:
    # the entry must not name the member who declined.
    if opens_release_round(draw):
        await commit_round_seed(conn, draw, r, actor=None, role="platform")


async def _replacement_needed(
    conn: asyncpg.Connection, draw: StoredDraw, next_round: int, places: int
) -> None:
    await raise_pool_alert(
        conn,
        AlertKind.REPLACEMENT_NEEDED,
        draw_id=draw.id,
        for_agency=False,
        data={"next_round": next_round, "places": places},
    )


# --- timeouts (the background job) ----------------------------------------------------


async def _time_out_draw(conn: asyncpg.Connection, draw_id: str) -> int:
    draw = await get_draw(conn, draw_id, lock=True)
    if (
        draw.status not in (DrawStatus.DRAWING, DrawStatus.COMPLETE)
        or draw.awarded_at is not None
        or draw.transcript is None
    ):
        return 0
    expired = []
    for expert_id in await queries_members.expired_members(conn, draw.id):
        # A timeout needs the channel's record that the notice was delivered (issue 9,
        # item 2): an operator who keeps a notice from an expert cannot turn that into a
        # decline and a fresh pick. Undelivered, the seat waits for a supervisor.
        delivery = await queries_notices.latest_delivered(conn, draw.id, expert_id)
        if delivery is None:
            log.warning("expert_pool.timeout_undelivered", extra={"draw_id": draw.id})
            continue
        expired.append(expert_id)
        await queries_members.time_out_member(conn, draw.id, expert_id, delivery.id)
        salt = (await queries_members.member_salts(conn, draw.id))[expert_id]
        record = {
            "channel": delivery.channel,
            "status": str(delivery.status),
            "at": delivery.at.isoformat(),
        }
        await journal.append(
            conn,
            PoolEvent.DRAW_TIMED_OUT,
            actor=None,
            role="platform",
            subject=("draw", draw.id),
            data={
                "draw_id": draw.id,
                "member": journal.commit_member(expert_id, salt),
                "delivery": record,
            },
            commitments=("member",),
        )
    if expired:
        transcript = record_declines(draw.transcript, expired)
        await queries_draws.save_transcript(conn, draw.id, transcript, draw.status)
        await _open_round(conn, draw, len(transcript.rounds))
        await _replacement_needed(conn, draw, len(transcript.rounds), len(expired))
    return len(expired)


async def process_timeouts(conn: asyncpg.Connection) -> int:
    """Record every member whose deadline passed unanswered; returns how many."""
    total = 0
    for draw_id in await queries_members.draws_with_expired_members(conn):
        async with conn.transaction():
            total += await _time_out_draw(conn, draw_id)
    return total


# --- the expert's own view -------------------------------------------------------------


async def expert_id_of(conn: asyncpg.Connection, actor: Actor) -> str:
    """The caller's expert id (PermissionDenied without the expert role)."""
    return (await _expert_of(conn, actor)).expert.id


@dataclass(frozen=True, kw_only=True, slots=True)
class Invitation:
    """A notice the expert received, with where its answer stands."""

    draw_id: str
    body: str
    sent_at: datetime
    status: MemberStatus
    deadline: datetime


def statement_for(item: Invitation, expert_id: str, decision: Decision) -> DrawResponse:
    """The statement the expert is offered to sign: the same bytes on every page load.

    ``issued_at`` is the notice's send time, not the time of the request, so a reload
    between fetching the statement and signing it never changes the signed bytes
    (issue 9, item 20: ``content_digest_mismatch`` after a reload).
    """
    return DrawResponse(
        draw_id=item.draw_id, expert_id=expert_id, decision=decision, issued_at=item.sent_at
    )


async def my_invitations(conn: asyncpg.Connection, actor: Actor) -> list[Invitation]:
    """The caller's notices, newest first (one per draw and channel)."""
    expert = (await _expert_of(conn, actor)).expert
    seen: set[str] = set()
    result = []
    for draw_id, body, sent, status, deadline in await queries_notices.notices_of(conn, expert.id):
        if draw_id in seen:
            continue
        seen.add(draw_id)
        result.append(
            Invitation(
                draw_id=draw_id,
                body=body,
                sent_at=sent,
                status=MemberStatus(status),
                deadline=deadline,
            )
        )
    return result
