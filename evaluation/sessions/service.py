"""Scheduling and loading evaluation sessions (DESIGN.md, "Lifecycles"; issue 11, item 2).

Centre staff schedule a lot's session once its opening record is published and its
evaluation draw is complete. The committee is exactly the draw's confirmed experts
(seats 1..k in draw order) plus the tenderer's representatives (seats k+1..n), its
composition checked against Law 37 (expert_pool.draws.committee). The tender moves
opening → evaluation with its first session. Everything a command needs is read by
:func:`load` under the session's row lock; the commands are evaluation/sessions/commands.py.
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from accounts.model import Actor, Role, UserStatus, require_aware
from accounts.users import queries as user_queries
from evaluation.errors import EvaluationHostOnly
from evaluation.events import EvaluationEvent
from evaluation.model import (
    DEFAULT_POLICY,
    KIND,
    BidRef,
    EvaluationPolicy,
    Member,
    MemberKind,
    MemberStatus,
    Phase,
    SessionState,
)
from evaluation.sessions import member_queries, queries
from evaluation.sessions.errors import (
    EvaluationDrawIncomplete,
    EvaluationNoBids,
    EvaluationOpeningRecordMissing,
    EvaluationRepresentativeInvalid,
    EvaluationSessionExists,
    EvaluationSessionNotFound,
    EvaluationVenueInvalid,
)
from evaluation.sessions.journal import append_entry, staff_actor
from evaluation.sessions.model import StoredSession, new_subject, policy_json
from expert_pool.answers import queries as draw_members
from expert_pool.draws.access import get_draw
from expert_pool.draws.committee import Composition, check_committee
from expert_pool.draws.model import MemberStatus as DrawMemberStatus
from expert_pool.draws.model import seated_experts
from expert_pool.venues import queries as venue_queries
from live import queries as live
from tender import lifecycle
from tender.errors import LotNotFound, TenderStateConflict
from tender.model import Tender, TenderStatus
from tender.opening import queries as opening_queries
from tender.opening.record import parse_record
from tender.submission import queries as bid_queries


async def schedule(
    conn: asyncpg.Connection,
    actor: Actor,
    tender_id: UUID,
    lot: str,
    *,
    main_venue_id: str,
    representatives: Sequence[UUID],
    starts_at: datetime,
    policy: EvaluationPolicy = DEFAULT_POLICY,
) -> SessionState:
    """Schedule the lot's next session (centre staff); the tender enters evaluation."""
    if not actor.has_role(Role.CENTRE_STAFF):
        raise EvaluationHostOnly("only centre staff schedule an evaluation session")
    require_aware(starts_at)
    async with conn.transaction():
        tender = (await lifecycle.lock_tender(conn, tender_id)).tender
        if tender.lot_id(lot) is None:
            raise LotNotFound(f"the tender has no lot {lot!r}")
        attempt = await _next_attempt(conn, tender_id, lot)
        bids = await _opened_bids(conn, tender, lot)
        draw_id, experts = await _committee(conn, tender_id, lot)
        reps = await _representatives(conn, tender, representatives, {u for u, _ in experts})
        check_committee(Composition(experts=len(experts), representatives=len(reps)))
        await _check_main_venue(conn, main_venue_id)
        live_session = await live.open_session(conn, KIND, new_subject())
        stored = StoredSession(
            id=live_session.id, tender_id=tender_id, lot=lot, attempt=attempt, draw_id=draw_id,
            department_id=tender.content.department_id, main_venue_id=main_venue_id,
            starts_at=starts_at, policy=policy, phase=Phase.SCHEDULED, phase_deadline=None,
            paused_at=None, pause_reason=None, started_at=None, chair_seat=None,
            sealed_at=None, closed_at=None,
        )  # fmt: skip
        await queries.insert_session(conn, stored, policy_json(policy), actor.user_id)
        await queries.insert_bids(conn, stored.id, bids)
        await _seat_committee(conn, stored.id, experts, reps)
        await _enter_evaluation(conn, tender, actor)
        seats = len(experts) + len(reps)
        await append_entry(
            conn, EvaluationEvent.SCHEDULED, stored.id, actor=staff_actor(actor),
            address=actor.address,
            data={"tender": str(tender_id), "lot": lot, "attempt": attempt, "draw_id": draw_id,
                  "experts": len(experts), "representatives": len(reps), "bids": len(bids),
                  "starts_at": starts_at.isoformat()},
        )  # fmt: skip
        await live.append_event(
            conn, stored.id, kind="session.scheduled",
            data={"attempt": attempt, "seats": seats, "starts_at": starts_at.isoformat()},
            actor_id=actor.user_id,
        )  # fmt: skip
        return await load(conn, stored.id, lock=False)


async def _next_attempt(conn: asyncpg.Connection, tender_id: UUID, lot: str) -> int:
    last, busy = await queries.lot_attempts(conn, tender_id, lot)
    if busy:
        raise EvaluationSessionExists(
            f"lot {lot} already has an evaluation session that is not sealed"
        )
    return last + 1


def record_stage(tender: Tender) -> str:
    """The record that lists the bids to evaluate: main, or technical for two envelopes."""
    return "technical" if tender.content.envelopes == 2 else "main"


async def _opened_bids(conn: asyncpg.Connection, tender: Tender, lot: str) -> list[BidRef]:
    """The record's opened bids, with bid ids from the freeze list (DESIGN.md, "Opening")."""
    lot_id = tender.lot_id(lot)
    assert lot_id is not None
    found = await opening_queries.record(conn, tender.id, lot_id, record_stage(tender))
    if found is None:
        raise EvaluationOpeningRecordMissing(f"lot {lot} has no published opening record yet")
    _, frozen = await bid_queries.freeze_list(conn, lot_id)
    bid_of = {e.bidder_credit_code: e.bid_id for e in frozen}
    bids = [
        BidRef(
            bid_id=bid_of[entry["bidder"]],
            bidder=entry["bidder"],
            name=entry["bidder_name"],
            # The price counts only from the part that holds it (single envelope).
            price_fen=_price(entry) if tender.content.envelopes == 1 else None,
        )
        for entry in parse_record(found[0])["entries"]
        if entry["outcome"] == "opened"
    ]
    if not bids:
        raise EvaluationNoBids(f"lot {lot}'s opening record lists no opened bid")
    return bids


def _price(entry: dict[str, Any]) -> int | None:
    price = entry["fields"].get("price")
    return price if type(price) is int else None


async def _committee(
    conn: asyncpg.Connection, tender_id: UUID, lot: str
) -> tuple[str, list[tuple[UUID, bytes]]]:
    """The complete draw's confirmed experts in draw order: (user id, member salt)."""
    draw_id = await queries.complete_draw_id(conn, tender_id, lot)
    if draw_id is None:
        raise EvaluationDrawIncomplete(f"lot {lot}'s evaluation draw is not complete")
    if draw_id in await queries.lot_draws(conn, tender_id, lot):
        # DOMAIN.md: past the fault limit everything is sealed and a new committee formed.
        raise EvaluationDrawIncomplete(
            f"lot {lot}'s committee sat in a sealed session: a new draw forms a new one"
        )
    draw = await get_draw(conn, draw_id)
    assert draw.transcript is not None  # a complete draw is committed
    seated = set(seated_experts(draw.transcript))
    users = await draw_members.member_users(conn, draw_id)
    salts = await draw_members.member_salts(conn, draw_id)
    confirmed = [
        m.expert_id
        for m in await draw_members.members(conn, draw_id)  # r, i: the draw's order
        if m.status is DrawMemberStatus.CONFIRMED and m.expert_id in seated
    ]
    if any(x not in users for x in confirmed):
        raise EvaluationDrawIncomplete("a confirmed expert of the draw has no account")
    return draw_id, [(users[x], salts[x]) for x in confirmed]


async def _representatives(
    conn: asyncpg.Connection, tender: Tender, ids: Sequence[UUID], experts: set[UUID]
) -> list[UUID]:
    """Active users acting for the tender's tenderer, each once, none of them an expert."""
    if len(set(ids)) != len(ids) or experts & set(ids):
        raise EvaluationRepresentativeInvalid(
            "each representative is named once, apart from the experts"
        )
    for user_id in ids:
        if not await is_tenderer_user(conn, tender, user_id):
            raise EvaluationRepresentativeInvalid(
                "a representative is an active user of the tender's tenderer",
                details={"user_id": str(user_id)},
            )
    return list(ids)


async def is_tenderer_user(conn: asyncpg.Connection, tender: Tender, user_id: UUID) -> bool:
    """Whether the user is active and acts for the tender's tenderer (招标人)."""
    user = await user_queries.user(conn, user_id)
    if user is None or user.status is not UserStatus.ACTIVE:
        return False
    grants = await user_queries.role_grants(conn, user_id)
    tenderer = tender.content.tenderer_id
    return any(
        g.role is Role.TENDERER and (g.scope_id or user.organisation_id) == tenderer for g in grants
    )


async def _check_main_venue(conn: asyncpg.Connection, venue_id: str) -> None:
    active = {v.id for v in await venue_queries.venues(conn) if v.active}
    if venue_id not in active:
        raise EvaluationVenueInvalid(f"no active venue of the catalogue has the id {venue_id!r}")


async def _seat_committee(
    conn: asyncpg.Connection,
    session_id: UUID,
    experts: list[tuple[UUID, bytes]],
    reps: list[UUID],
) -> None:
    seats = [(user, MemberKind.EXPERT, salt) for user, salt in experts]
    seats += [(user, MemberKind.REPRESENTATIVE, secrets.token_bytes(32)) for user in reps]
    for seat, (user, kind, salt) in enumerate(seats, start=1):
        member = Member(seat=seat, user_id=user, kind=kind, status=MemberStatus.SEATED)
        await member_queries.insert_member(conn, session_id, member, salt)


async def _enter_evaluation(conn: asyncpg.Connection, tender: Tender, actor: Actor) -> None:
    """opening → evaluation with the tender's first session; later lots find it there.

    Nothing on main moves a frozen tender to ``opening`` yet, so a ``bidding_closed``
    tender whose lot has a published record is moved through ``opening`` first.
    """
    if tender.status is TenderStatus.EVALUATION:
        return
    steps = {
        TenderStatus.BIDDING_CLOSED: (TenderStatus.OPENING, TenderStatus.EVALUATION),
        TenderStatus.OPENING: (TenderStatus.EVALUATION,),
    }.get(tender.status)
    if steps is None:
        raise TenderStateConflict(f"a {tender.status} tender cannot enter evaluation")
    for step in steps:
        await lifecycle.change_status(
            conn, tender.id, step, actor=staff_actor(actor), address=actor.address,
            reason="evaluation session scheduled",
        )  # fmt: skip


# --- loading -----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Loaded:
    """A session's row (policy, pause reason, start), its state and its tender."""

    stored: StoredSession
    state: SessionState
    tender: Tender


async def load(conn: asyncpg.Connection, session_id: UUID, *, lock: bool) -> SessionState:
    """The session as commands see it; ``lock``: its row lock, held to the end of the
    caller's transaction (every command takes it, so commands of a session serialise)."""
    return (await load_session(conn, session_id, lock=lock)).state


async def load_session(conn: asyncpg.Connection, session_id: UUID, *, lock: bool) -> Loaded:
    """The stored row, the state built from it and the tender (one read of each)."""
    stored = await queries.session(conn, session_id, lock=lock)
    if stored is None:
        raise EvaluationSessionNotFound("no evaluation session has this id")
    tender = await lifecycle.load(conn, stored.tender_id)
    lot = tender.content.lot(stored.lot)
    assert lot is not None  # the session's foreign key names a lot of the tender
    bids = await queries.bids(conn, session_id)
    if tender.content.envelopes == 2:
        bids = await _commercial_prices(conn, tender, stored.lot, bids)
    state = SessionState(
        id=stored.id, tender_id=stored.tender_id, lot=stored.lot, attempt=stored.attempt,
        draw_id=stored.draw_id, department_id=stored.department_id, phase=stored.phase,
        phase_deadline=stored.phase_deadline, paused_at=stored.paused_at,
        chair_seat=stored.chair_seat, method=lot.evaluation,
        two_envelope=tender.content.envelopes == 2, main_venue_id=stored.main_venue_id,
        members=tuple(await member_queries.members(conn, session_id)), bids=tuple(bids),
        host_centres=tender.centres,
    )  # fmt: skip
    return Loaded(stored=stored, state=state, tender=tender)


async def _commercial_prices(
    conn: asyncpg.Connection, tender: Tender, lot: str, bids: list[BidRef]
) -> list[BidRef]:
    """Two envelopes: prices from the commercial record once it is published."""
    lot_id = tender.lot_id(lot)
    assert lot_id is not None
    found = await opening_queries.record(conn, tender.id, lot_id, "commercial")
    if found is None:
        return bids
    prices = {
        e["bidder"]: _price(e)
        for e in parse_record(found[0])["entries"]
        if e["outcome"] == "opened"
    }
    return [
        BidRef(bid_id=b.bid_id, bidder=b.bidder, name=b.name, price_fen=prices.get(b.bidder))
        for b in bids
    ]


async def sessions_of_tender(conn: asyncpg.Connection, tender_id: UUID) -> list[StoredSession]:
    """Every session of a tender (WEB decides who may list them)."""
    return await queries.sessions_of_tender(conn, tender_id)


async def sessions_of_user(conn: asyncpg.Connection, user_id: UUID) -> list[StoredSession]:
    """The sessions in which the user holds a seat now (a member's own list)."""
    return await queries.sessions_of_user(conn, user_id)


async def recent_sessions(
    conn: asyncpg.Connection, departments: Sequence[UUID] | None, limit: int = 200
) -> list[StoredSession]:
    """The sessions overseers follow (centre staff: every department, ``None``; a
    supervisor: its departments), open ones first (WEB decides who may list them)."""
    return await queries.recent_sessions(conn, departments, limit)
