"""The chair election (DOMAIN.md, "Expert pool and draws": the members elect the chair,
who has one vote like the others): rounds of one vote per present member, a strict
majority of the seated members elects, anything less calls the next round.

Votes are logged (each with its candidate; the voter by seat and commitment). The
election runs in ``chair_election``; later, whenever the chair's holder has left
(``chair.vacant``), the committee elects again without changing phase.
"""

from __future__ import annotations

import dataclasses

from evaluation.events import EvaluationEvent
from evaluation.guards import field, require_open, require_phase
from evaluation.handlers import Ctx
from evaluation.model import Phase
from evaluation.sessions import member_queries, queries
from evaluation.sessions.checks import require_complete, require_present
from evaluation.sessions.errors import EvaluationSeatNotFound, EvaluationVoted
from evaluation.sessions.model import elected, tally
from evaluation.sessions.service import load
from live.model import Emit

# Phases before the election: no vote yet.
_BEFORE = frozenset({Phase.SCHEDULED, Phase.SIGN_IN, Phase.CONFLICTS})


def _require_election(ctx: Ctx) -> None:
    """chair_election, or a later phase whose chair's holder left (a vacant chair)."""
    require_open(ctx)
    phase = ctx.state.phase
    if phase is Phase.CHAIR_ELECTION:
        return
    if phase in _BEFORE or ctx.state.chair_seat is not None:
        require_phase(ctx, Phase.CHAIR_ELECTION)  # raises evaluation_phase_conflict


async def vote_chair(ctx: Ctx) -> list[Emit]:
    """One vote for a seated member (oneself included) in the current round."""
    _require_election(ctx)
    member = require_present(ctx)
    require_complete(ctx)
    candidate = field(ctx.data, "seat", int)
    if candidate not in {m.seat for m in ctx.state.seated}:
        raise EvaluationSeatNotFound(
            f"seat {candidate} has no seated member", details={"seat": candidate}
        )
    held = {(m.seat, m.generation) for m in ctx.state.seated}
    r = await member_queries.last_chair_round(ctx.conn, ctx.state.id)
    votes = _current(await member_queries.chair_votes(ctx.conn, ctx.state.id, r), held) if r else {}
    if r == 0 or held <= votes.keys():  # the last round is over: this vote opens the next
        r, votes = r + 1, {}
    if (member.seat, member.generation) in votes:
        raise EvaluationVoted(f"you have voted in round {r} already")
    await member_queries.insert_chair_vote(ctx.conn, ctx.state.id, r, member, candidate, ctx.now)
    await ctx.ops.log(
        ctx, EvaluationEvent.CHAIR_VOTE,
        {"generation": member.generation, "round": r, "candidate": candidate},
    )  # fmt: skip
    votes[(member.seat, member.generation)] = candidate
    emits = [Emit(kind="chair.voted", data={"seat": member.seat, "round": r})]
    if not held <= votes.keys():
        return emits
    return emits + await _count(ctx, r, {seat: c for (seat, _), c in votes.items()})


def _current(
    votes: dict[tuple[int, int], int], held: set[tuple[int, int]]
) -> dict[tuple[int, int], int]:
    """The round's votes of the holders seated now (a gone holder's vote no longer counts)."""
    return {k: v for k, v in votes.items() if k in held}


async def _count(ctx: Ctx, r: int, votes: dict[int, int]) -> list[Emit]:
    """Everyone voted: a strict majority elects, anything else calls the next round."""
    counts = tally(votes)
    winner = elected(votes, len(ctx.state.seated))
    if winner is None:
        return [Emit(kind="chair.revote", data={"round": r, "next_round": r + 1, "tally": counts})]
    await queries.set_chair(ctx.conn, ctx.state.id, winner)
    await ctx.ops.log(
        ctx, EvaluationEvent.CHAIR_ELECTED, {"round": r, "chair_seat": winner, "tally": counts}
    )
    emits = [Emit(kind="chair.elected", data={"seat": winner, "round": r, "tally": counts})]
    if ctx.state.phase is not Phase.CHAIR_ELECTION:
        return emits
    fresh = dataclasses.replace(ctx, state=await load(ctx.conn, ctx.state.id, lock=False))
    return emits + await ctx.ops.advance(fresh)
