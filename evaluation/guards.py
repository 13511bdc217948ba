"""Who may send a command, and when: the checks every handler starts with (no I/O).

A refusal raises before anything is written, so the command's transaction changes
nothing (issue 11, "Bad input"). Centre staff host (open sign-in, confirm identities at
their venue, pause and resume); a supervisor of the tender's department approves
replacements and keeps notes; the chair closes phases; members do the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from accounts.model import Role
from evaluation.errors import (
    EvaluationChairOnly,
    EvaluationCommandInvalid,
    EvaluationHostOnly,
    EvaluationNotMember,
    EvaluationPaused,
    EvaluationPhaseInvalid,
    EvaluationSessionOver,
    EvaluationSupervisorOnly,
)
from evaluation.handlers import Ctx
from evaluation.model import Member, Phase, printable_text


def require_open(ctx: Ctx, *, paused_ok: bool = False) -> None:
    """Neither closed nor sealed, and (unless ``paused_ok``) not paused."""
    if ctx.state.terminal:
        raise EvaluationSessionOver(f"the session is {ctx.state.phase}: nothing changes any more")
    if ctx.state.paused_at is not None and not paused_ok:
        raise EvaluationPaused("the session is paused: wait for the host to resume it")


def require_phase(ctx: Ctx, *allowed: Phase) -> None:
    """The session is open, running and in one of ``allowed``."""
    require_open(ctx)
    if ctx.state.phase not in allowed:
        names = ", ".join(allowed)
        raise EvaluationPhaseInvalid(
            f"the session is in {ctx.state.phase}; this belongs to {names}",
            details={"phase": str(ctx.state.phase), "allowed": [str(p) for p in allowed]},
        )


def require_member(ctx: Ctx) -> Member:
    """The seated member the actor is."""
    member = ctx.member
    if member is None:
        raise EvaluationNotMember("only a seated member of the committee may do this")
    return member


def require_chair(ctx: Ctx) -> Member:
    """The seated member the actor is, and the elected chair."""
    member = require_member(ctx)
    if ctx.state.chair_seat != member.seat:
        raise EvaluationChairOnly("only the committee's chair may do this")
    return member


def is_host(ctx: Ctx) -> bool:
    """Staff of the centre hosting the tender (or of the city centre above it) host the
    session; another county's or another city's staff do not (migration 0083)."""
    return not ctx.state.host_centres.isdisjoint(ctx.actor.acting_for(Role.CENTRE_STAFF))


def require_host(ctx: Ctx) -> None:
    """The actor is staff of the tender's centre."""
    if not is_host(ctx):
        raise EvaluationHostOnly("only the staff of the tender's centre host the session")


def require_centre_staff(ctx: Ctx) -> None:
    """The actor is centre staff of some centre: at an assisting venue, the staff assigned
    to it act there (evaluation/sessions/attendance.py ``require_staff_at``)."""
    if not ctx.actor.has_role(Role.CENTRE_STAFF):
        raise EvaluationHostOnly("only centre staff act at a venue")


def is_supervisor(ctx: Ctx) -> bool:
    """A supervisor acting for the tender's supervising department."""
    return ctx.state.department_id in ctx.actor.acting_for(Role.SUPERVISOR)


def require_supervisor(ctx: Ctx) -> None:
    """The actor supervises the tender's department."""
    if not is_supervisor(ctx):
        raise EvaluationSupervisorOnly("only a supervisor of the tender's department may do this")


def field(data: Mapping[str, Any], name: str, kind: type, *, optional: bool = False) -> Any:
    """``data[name]`` of exactly ``kind`` (bool is not an int), else evaluation_command_invalid."""
    if name not in data:
        if optional:
            return None
        raise EvaluationCommandInvalid(f"'{name}' is missing", details={"field": name})
    value = data[name]
    if optional and value is None:
        return None
    if type(value) is not kind:
        raise EvaluationCommandInvalid(
            f"'{name}' must be a {kind.__name__}", details={"field": name}
        )
    return value


def text(data: Mapping[str, Any], name: str, *, limit: int, optional: bool = False) -> str | None:
    """The session's *text* of 1–``limit`` characters (:func:`printable_text`)."""
    value = field(data, name, str, optional=optional)
    if value is None:
        return None
    if not printable_text(value, limit):
        raise EvaluationCommandInvalid(
            f"'{name}' is printable text of 1–{limit} characters", details={"field": name}
        )
    return str(value)
