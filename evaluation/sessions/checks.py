"""The session core's own checks, beside evaluation.guards (no I/O; a refusal writes nothing)."""

from __future__ import annotations

from evaluation.guards import require_member, require_open, require_phase
from evaluation.handlers import Ctx
from evaluation.model import Member, Phase
from evaluation.sessions.errors import EvaluationNotPresent, EvaluationSeatVacant
from evaluation.sessions.model import vacant_seats


def require_present(ctx: Ctx) -> Member:
    """The seated member the actor is, whose sign-in counts (identity confirmed)."""
    member = require_member(ctx)
    if not member.present:
        raise EvaluationNotPresent("sign in and have the venue's staff confirm your identity first")
    return member


def require_running(ctx: Ctx, *, paused_ok: bool = False) -> None:
    """Open (closed and sealed sessions refuse), and past the scheduled phase."""
    require_open(ctx, paused_ok=paused_ok)
    if ctx.state.phase is Phase.SCHEDULED:
        require_phase(ctx, Phase.SIGN_IN)  # raises evaluation_phase_conflict


def require_complete(ctx: Ctx) -> None:
    """Every seat has a seated holder (none waits for its replacement)."""
    seats = vacant_seats(ctx.state)
    if seats:
        raise EvaluationSeatVacant(
            "a seat waits for its replacement", details={"seats": list(seats)}
        )
