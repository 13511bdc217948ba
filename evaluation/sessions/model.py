"""The session core's pure rules: deadlines, pause limits, votes, the policy snapshot.

DOMAIN.md, "Remote cross-city evaluation" (faults: wait up to 2 h before the start,
resume within 4 h during it, else seal) and "Evaluation" (Reg. 48: more than 1/3 of
the members saying the time is too short extends it). No I/O; time is an argument.
"""

from __future__ import annotations

import dataclasses
import secrets
from collections import Counter
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from evaluation.model import KIND, EvaluationPolicy, Phase, SessionState

# Before the start (the ``start`` command): the pause limit is pause_before_start.
BEFORE_START = frozenset({Phase.SCHEDULED, Phase.SIGN_IN})

_SECONDS = ("pause_before_start", "pause_during")


def policy_json(policy: EvaluationPolicy) -> dict[str, int]:
    """The policy as stored with the session (durations in whole seconds)."""
    out: dict[str, int] = {}
    for item in dataclasses.fields(policy):
        value = getattr(policy, item.name)
        out[item.name] = int(value.total_seconds()) if item.name in _SECONDS else int(value)
    return out


def policy_from_json(data: Mapping[str, Any]) -> EvaluationPolicy:
    """The stored snapshot back (keys it lacks keep today's defaults)."""
    known = {item.name for item in dataclasses.fields(EvaluationPolicy)}
    values: dict[str, Any] = {}
    for name, value in data.items():
        if name in known:
            values[name] = timedelta(seconds=value) if name in _SECONDS else int(value)
    return EvaluationPolicy(**values)


def new_subject() -> str:
    """An opaque live-session subject: ``hello`` shows it to every participant, members
    included, and the committee learns the project only at the start (四不知)."""
    return f"{KIND}/{secrets.token_hex(16)}"


def phase_minutes(phase: Phase, policy: EvaluationPolicy) -> int | None:
    """How long a phase may run: sealing phases and reveals have a limit, others none."""
    minutes = {
        Phase.QUALIFICATION: policy.qualification_minutes,
        Phase.SCORING: policy.scoring_minutes,
        Phase.ADJUSTMENT: policy.adjustment_minutes,
        Phase.QUALIFICATION_REVEAL: policy.reveal_minutes,
        Phase.SCORING_REVEAL: policy.reveal_minutes,
        Phase.ADJUSTMENT_REVEAL: policy.reveal_minutes,
    }
    return minutes.get(phase)


def phase_deadline(phase: Phase, policy: EvaluationPolicy, now: datetime) -> datetime | None:
    """The deadline of a phase entered ``now`` (None: the phase has none)."""
    minutes = phase_minutes(phase, policy)
    return None if minutes is None else now + timedelta(minutes=minutes)


def pause_limit(phase: Phase, policy: EvaluationPolicy) -> timedelta:
    """DOMAIN.md: before the start wait up to pause_before_start, during it pause_during."""
    return policy.pause_before_start if phase in BEFORE_START else policy.pause_during


def pause_expired(state: SessionState, policy: EvaluationPolicy, now: datetime) -> bool:
    """A pause that outlasted its limit: the next command seals the session."""
    if state.paused_at is None or state.terminal:
        return False
    return now - state.paused_at > pause_limit(state.phase, policy)


def resumed_deadline(state: SessionState, now: datetime) -> datetime | None:
    """A pause does not eat the phase's time: its deadline moves by the pause's length."""
    if state.phase_deadline is None or state.paused_at is None:
        return state.phase_deadline
    return state.phase_deadline + (now - state.paused_at)


def elected(votes: Mapping[int, int], seats: int) -> int | None:
    """The candidate seat with a strict majority of ``seats`` votes, else None (re-vote)."""
    if not votes:
        return None
    candidate, count = Counter(votes.values()).most_common(1)[0]
    return candidate if 2 * count > seats else None


def tally(votes: Mapping[int, int]) -> dict[str, int]:
    """Votes per candidate seat (JSON keys), for the round's announcement."""
    return {str(seat): n for seat, n in sorted(Counter(votes.values()).items())}


def time_short(votes: int, seated: int) -> bool:
    """Reg. 48: more than one third of the seated members (integer math)."""
    return 3 * votes > seated


def vacant_seats(state: SessionState) -> tuple[int, ...]:
    """Seats of the committee without a seated holder (waiting for a replacement)."""
    held = {m.seat for m in state.seated}
    return tuple(sorted({m.seat for m in state.members} - held))


def absent_seats(state: SessionState) -> tuple[int, ...]:
    """Seated holders whose sign-in does not count yet."""
    return tuple(m.seat for m in state.seated if not m.present)


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class StoredSession:
    """A session's own row (evaluation_sessions), before the tender and members join it."""

    id: UUID
    tender_id: UUID
    lot: str
    attempt: int
    draw_id: str
    department_id: UUID
    main_venue_id: str
    starts_at: datetime
    policy: EvaluationPolicy
    phase: Phase
    phase_deadline: datetime | None
    paused_at: datetime | None
    pause_reason: str | None
    started_at: datetime | None
    chair_seat: int | None
    sealed_at: datetime | None
    closed_at: datetime | None


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Replacement:
    """A seat's replacement: requested, approved by a supervisor, seated."""

    seat: int
    generation: int  # the leaving holder's
    cause: str  # conflict | absent | host
    reason: str
    requested_at: datetime
    approved_at: datetime | None
    seated_at: datetime | None


FAULT_TEXT_MAX = 500


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Fault:
    """A fault centre staff reported at a venue (report_fault; insert-only, 0069)."""

    id: UUID
    session_id: UUID
    venue_id: str
    text: str
    text_sha256: str
    reported_by: UUID
    reporter_name: str  # staff act by name (the staff snapshot, the event)
    reported_at: datetime

    def to_json(self) -> dict[str, Any]:
        """The shape of ``fault.reported`` and of ``staff.faults`` (evaluation-session.md §5)."""
        return {
            "id": str(self.id),
            "venue": self.venue_id,
            "text": self.text,
            "by": {"user_id": str(self.reported_by), "name": self.reporter_name},
            "at": self.reported_at.isoformat(),
        }
