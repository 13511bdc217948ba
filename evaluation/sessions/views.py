"""What each participant is shown of a session: seats for everyone, names to a few.

Issue 11, item 3 (两随机、四不知): until the result, members appear as seats (专家n) in
everything the agency, the tenderer and the public see; the committee learns the
project and the bidders only at the start; names, user ids and venues go to centre
staff and supervisors (audience ``role:staff``) and to each member about itself.
docs/formats/evaluation-session.md §5 has every shape.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg

from accounts.users import queries as user_queries
from evaluation.handlers import Ctx
from evaluation.model import Member, Phase, SessionState, seat_label
from evaluation.sessions import fault_queries, member_queries, queries
from evaluation.sessions.model import BEFORE_START, vacant_seats
from live.model import Emit
from tender import lifecycle
from tender.codec import evaluation_to_json

STAFF = "role:staff"  # centre staff and supervisors of the department
COMMITTEE = "role:committee"  # the seated members
SUPERVISOR = "role:supervisor"  # supervisors of the department only
PANEL = "role:panel"  # the committee and staff alike (revealed sheets, results)


def when(value: Any) -> str | None:
    """A time as ISO 8601 text (None stays None)."""
    return None if value is None else str(value.isoformat())


def public_seats(state: SessionState) -> list[dict[str, Any]]:
    """Every seat as everyone sees it: number, label, holder's generation, presence."""
    out = []
    for seat in sorted({m.seat for m in state.members}):
        holder = next((m for m in state.seated if m.seat == seat), None)
        out.append(
            {
                "seat": seat,
                "label": seat_label(seat),
                "generation": None if holder is None else holder.generation,
                "vacant": holder is None,
                "signed_in": holder is not None and holder.signed_in_at is not None,
                "present": holder is not None and holder.present,
            }
        )
    return out


def public_view(state: SessionState) -> dict[str, Any]:
    """The session as every admitted participant sees it (seats only)."""
    return {
        "session": str(state.id),
        "attempt": state.attempt,
        "phase": str(state.phase),
        "phase_deadline": when(state.phase_deadline),
        "paused_at": when(state.paused_at),
        "chair_seat": state.chair_seat,
        "seats": public_seats(state),
        "vacant": list(vacant_seats(state)),
    }


async def briefing(conn: asyncpg.Connection, state: SessionState) -> dict[str, Any]:
    """The project and its bidders: what the committee learns at the start."""
    tender = await lifecycle.load(conn, state.tender_id)
    lot = tender.content.lot(state.lot)
    assert lot is not None
    return {
        "tender": str(tender.id),
        "tender_code": tender.code,
        "title": tender.content.title,
        "lot": state.lot,
        "lot_title": lot.title,
        "two_envelope": state.two_envelope,
        "method": evaluation_to_json(state.method),
        "bids": [
            {"bid": str(b.bid_id), "bidder": b.bidder, "name": b.name, "price_fen": b.price_fen}
            for b in state.bids
        ],
    }


async def member_detail(conn: asyncpg.Connection, session_id: UUID, m: Member) -> dict[str, Any]:
    """One holder with its name and venue (staff only)."""
    user = await user_queries.user(conn, m.user_id)
    return {
        "seat": m.seat,
        "generation": m.generation,
        "user_id": str(m.user_id),
        "name": None if user is None else user.display_name,
        "kind": str(m.kind),
        "status": str(m.status),
        "venue": m.venue_id,
        "signed_in_at": when(m.signed_in_at),
        "identity_confirmed_at": when(m.identity_confirmed_at),
    }


async def detail_emit(conn: asyncpg.Connection, state: SessionState, seat: int) -> Emit:
    """``member.detail`` to staff: the seat's holders as they stand now (re-read)."""
    rows = [m for m in await member_queries.members(conn, state.id) if m.seat == seat]
    return Emit(
        kind="member.detail",
        data={"seat": seat, "holders": [await member_detail(conn, state.id, m) for m in rows]},
        audience=STAFF,
    )


async def staff_view(conn: asyncpg.Connection, state: SessionState) -> dict[str, Any]:
    """Names, venues, identity checks, pause reason, replacements and the venues' fault
    reports, oldest first (staff)."""
    stored = await queries.session(conn, state.id)
    assert stored is not None
    return {
        "main_venue": state.main_venue_id,
        "starts_at": when(stored.starts_at),
        "pause_reason": stored.pause_reason,
        "members": [await member_detail(conn, state.id, m) for m in state.members],
        "replacements": [
            {
                "seat": r.seat,
                "generation": r.generation,
                "cause": r.cause,
                "reason": r.reason,
                "requested_at": when(r.requested_at),
                "approved_at": when(r.approved_at),
                "seated_at": when(r.seated_at),
            }
            for r in await member_queries.replacements(conn, state.id)
        ],
        "faults": [f.to_json() for f in await fault_queries.of_session(conn, state.id)],
    }


def started(phase: Phase) -> bool:
    """Whether the start has happened (the committee knows the project from then)."""
    return phase not in BEFORE_START and phase is not Phase.SEALED


async def snapshot(ctx: Ctx, *, staff: bool) -> dict[str, Any]:
    """The ``snapshot`` answer for the asker: public, plus what its roles may see."""
    state, conn = ctx.state, ctx.conn
    data: dict[str, Any] = {"now": when(ctx.now), **public_view(state)}
    member = ctx.member
    if member is not None:
        data["you"] = {
            "seat": member.seat,
            "label": member.label,
            "generation": member.generation,
            "kind": str(member.kind),
            "venue": member.venue_id,
            "signed_in": member.signed_in_at is not None,
            "present": member.present,
        }
    if staff or (member is not None and started(state.phase)):
        data["briefing"] = await briefing(conn, state)
    if staff:
        data["staff"] = await staff_view(conn, state)
    return data
