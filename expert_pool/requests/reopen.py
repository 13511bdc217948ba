"""The replacement round of a complete evaluation draw (补抽; issue 11, DOMAIN.md
"Evaluation": a declared conflict, an absence or an illness replaces the member through
the draw's replacement round; the replacement needs a supervisor's approval).

Centre staff name the session seats whose replacement a supervisor approved. Each
leaving expert is *released*: recorded in the transcript's latest ``declined`` list
(docs/formats/draw.md §4.1), so `etender-draw-v1`'s refill rule gives the next round
exactly those places under the labels they were drawn for, and a verifier recomputes the
extended draw from the transcript alone. The round itself is drawn like every
replacement round (expert_pool.rounds.service), but as a *release round*
(expert_pool.rounds.release): the platform seed is revealed by now, so the round gets
its own seed, committed here before any entropy exists; a signed checkpoint covers that
commitment and a supervisor's fresh entropy draws it; the picks are notified and answer with signed
statements; the draw stays complete meanwhile, so the rest of the committee keeps its
seats. The host then seats the expert the round confirmed
(evaluation.sessions.replacements; REPLACEMENT_CANDIDATES).

Refused: a draw that is not a complete evaluation draw before the award
(``draw_state_invalid``); a seat without an approved, unseated replacement of an expert
of this draw (``draw_replacement_not_approved``); a seat whose place is being refilled
already — more experts than the open replacements need (``draw_replacement_excess``);
past the round cap (``draw_round_cap_reached``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

import asyncpg

from accounts.model import Actor
from accounts.permissions import Action, require
from expert_pool import journal
from expert_pool.alerting import raise_pool_alert
from expert_pool.answers import queries as queries_members
from expert_pool.draws import queries as queries_draws
from expert_pool.draws.access import get_draw, resource
from expert_pool.draws.model import DrawStatus, Purpose, StoredDraw
from expert_pool.errors import (
    DrawReplacementExcess,
    DrawReplacementNotApproved,
    DrawRequestInvalid,
    DrawStateInvalid,
)
from expert_pool.events import PoolEvent
from expert_pool.model import AlertKind
from expert_pool.requests import queries as queries_releases
from expert_pool.requests.queries import OpenReplacement
from expert_pool.rounds.release import commit_round_seed
from signing.draw.algorithm import record_declines
from signing.draw.errors import DrawRoundCapReached

MAX_SEATS = 99  # evaluation_members.seat


@dataclass(frozen=True, kw_only=True, slots=True)
class OpenedRound:
    """What the staff's action opened: the round a supervisor's entropy draws next."""

    draw_id: str
    r: int
    places: int


def _seats(seats: Sequence[int]) -> tuple[int, ...]:
    if not seats or len(seats) > MAX_SEATS:
        raise DrawRequestInvalid(f"name 1 to {MAX_SEATS} seats to replace")
    if any(type(s) is not int or not 1 <= s <= MAX_SEATS for s in seats):
        raise DrawRequestInvalid(f"a seat is a number from 1 to {MAX_SEATS}")
    if len(set(seats)) != len(seats):
        raise DrawRequestInvalid("a seat is named twice")
    return tuple(seats)


def _check_draw(draw: StoredDraw) -> None:
    if (
        draw.parties.purpose is not Purpose.EVALUATION
        or draw.status is not DrawStatus.COMPLETE
        or draw.awarded_at is not None
        or draw.transcript is None
    ):
        raise DrawStateInvalid(
            "only a complete evaluation draw, before the award, has a replacement round "
            f"(this draw is {draw.status})"
        )


async def _replacement(
    conn: asyncpg.Connection, draw: StoredDraw, session_id: UUID, seat: int
) -> tuple[OpenReplacement, str]:
    """The seat's approved, unseated expert replacement and the expert who leaves."""
    found = await queries_releases.open_replacement(conn, session_id, seat, draw.id)
    if found is None or found.approved_at is None or found.kind != "expert":
        raise DrawReplacementNotApproved(
            f"seat {seat} of the session has no replacement of an expert of this draw that "
            "a supervisor approved and nobody holds yet",
            details={"seat": seat},
        )
    if found.released:
        raise DrawReplacementExcess(
            f"seat {seat}'s place is being refilled already: no further expert is needed",
            details={"seat": seat},
        )
    expert_id = await queries_releases.confirmed_expert_of_user(conn, draw.id, found.user_id)
    if expert_id is None:
        raise DrawStateInvalid(f"seat {seat}'s holder is not a confirmed member of this draw")
    return found, expert_id


async def open_replacement_round(
    conn: asyncpg.Connection,
    actor: Actor,
    draw_id: str,
    session_id: UUID,
    seats: Sequence[int],
) -> OpenedRound:
    """Release the leaving experts of these approved replacements; their places are
    refilled by the draw's next round (drawn on a supervisor's entropy)."""
    draw = await get_draw(conn, draw_id)
    role = require(actor, Action.OPERATE_DRAW, resource(draw))
    wanted = _seats(seats)
    async with conn.transaction():
        draw = await get_draw(conn, draw_id, lock=True)
        _check_draw(draw)
        assert draw.transcript is not None
        found = [await _replacement(conn, draw, session_id, seat) for seat in wanted]
        r = len(draw.transcript.rounds)
        if r > draw.policy.draw.round_cap:
            raise DrawRoundCapReached(
                f"{draw.policy.draw.round_cap} replacement round(s) already drawn"
            )
        transcript = record_declines(draw.transcript, [x for _, x in found])
        await queries_draws.save_transcript(conn, draw.id, transcript, DrawStatus.COMPLETE)
        salts = await queries_members.member_salts(conn, draw.id)
        for replacement, expert_id in found:
            # Seats and a salted commitment only (四不知): the member is not named.
            _, index = await journal.append(
                conn,
                PoolEvent.DRAW_RELEASED,
                actor=actor,
                role=role,
                subject=("draw", draw.id),
                data={
                    "draw_id": draw.id,
                    "member": journal.commit_member(expert_id, salts[expert_id]),
                    "next_round": r,
                    "session_id": str(session_id),
                    "seat": replacement.seat,
                },
                commitments=("member",),
            )
            await queries_releases.insert_release(
                conn, draw.id, expert_id, r, replacement, actor.user_id, index
            )
        # platform_seed is revealed (the committee was complete): the round gets its own
        # seed, committed before any entropy for it exists (docs/formats/draw.md §4.2).
        await commit_round_seed(conn, draw, r, actor=actor, role=role)
        # The supervisors know a round waits for their entropy.
        await raise_pool_alert(
            conn,
            AlertKind.REPLACEMENT_NEEDED,
            draw_id=draw.id,
            for_agency=False,
            data={"next_round": r, "places": len(found)},
        )
    return OpenedRound(draw_id=draw.id, r=r, places=len(found))
