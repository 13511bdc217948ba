"""An evaluation session as values and rules (no I/O, time passed in).

DESIGN.md, "Lifecycles" (evaluation session) and "Blind scoring"; DOMAIN.md,
"Evaluation" and "Remote cross-city evaluation". The session of one lot runs:

    scheduled → sign_in → conflicts → chair_election → qualification → qualification_reveal
      → comprehensive scoring:  scoring → scoring_reveal → [commercial_opening] → ranking
      → lowest evaluated price: [commercial_opening] → adjustment → adjustment_reveal → ranking
      → signing → closed

``commercial_opening`` exists only for two-envelope lots: the technical results are
announced, scoring waits while the opening hall opens the commercial parts of the bids
that passed, and resumes when their record is published. Any phase may be *paused* on a
fault (``paused_at``); past the policy's limit the session is *sealed* (terminal: a new
committee is formed, a new session of the same lot with the next attempt number).

Members appear as seats (专家1…n) in every event, log entry and page outside the
committee's own, centre staff's and supervisors' views (两随机、四不知).
"""

from __future__ import annotations

import dataclasses
import enum
import unicodedata
from datetime import datetime, timedelta
from uuid import UUID

from tender.model import Evaluation, EvaluationMethod

KIND = "evaluation"  # the live session kind (live_sessions.kind)


class Phase(enum.StrEnum):
    """Where a session stands (docs/formats/evaluation-session.md §2)."""

    SCHEDULED = "scheduled"
    SIGN_IN = "sign_in"
    CONFLICTS = "conflicts"
    CHAIR_ELECTION = "chair_election"
    QUALIFICATION = "qualification"
    QUALIFICATION_REVEAL = "qualification_reveal"
    SCORING = "scoring"
    SCORING_REVEAL = "scoring_reveal"
    COMMERCIAL_OPENING = "commercial_opening"
    ADJUSTMENT = "adjustment"
    ADJUSTMENT_REVEAL = "adjustment_reveal"
    RANKING = "ranking"
    SIGNING = "signing"
    CLOSED = "closed"
    SEALED = "sealed"  # a fault outlasted the policy's limit: a new committee is formed


class SheetPhase(enum.StrEnum):
    """The phases in which each member seals a sheet of its own findings."""

    QUALIFICATION = "qualification"
    SCORING = "scoring"
    ADJUSTMENT = "adjustment"


# A sheet phase, the phase in which its sheets are sealed and the one that reveals them.
SEALING: dict[SheetPhase, Phase] = {
    SheetPhase.QUALIFICATION: Phase.QUALIFICATION,
    SheetPhase.SCORING: Phase.SCORING,
    SheetPhase.ADJUSTMENT: Phase.ADJUSTMENT,
}
REVEALING: dict[SheetPhase, Phase] = {
    SheetPhase.QUALIFICATION: Phase.QUALIFICATION_REVEAL,
    SheetPhase.SCORING: Phase.SCORING_REVEAL,
    SheetPhase.ADJUSTMENT: Phase.ADJUSTMENT_REVEAL,
}
TERMINAL = frozenset({Phase.CLOSED, Phase.SEALED})


def phases(method: EvaluationMethod, *, two_envelope: bool) -> tuple[Phase, ...]:
    """Every phase a session of this method runs through, in order (sealed aside)."""
    head = (
        Phase.SCHEDULED,
        Phase.SIGN_IN,
        Phase.CONFLICTS,
        Phase.CHAIR_ELECTION,
        Phase.QUALIFICATION,
        Phase.QUALIFICATION_REVEAL,
    )
    opening = (Phase.COMMERCIAL_OPENING,) if two_envelope else ()
    if method is EvaluationMethod.COMPREHENSIVE:
        middle = (Phase.SCORING, Phase.SCORING_REVEAL, *opening)
    else:
        middle = (*opening, Phase.ADJUSTMENT, Phase.ADJUSTMENT_REVEAL)
    return (*head, *middle, Phase.RANKING, Phase.SIGNING, Phase.CLOSED)


def next_phase(current: Phase, method: EvaluationMethod, *, two_envelope: bool) -> Phase:
    """The phase after ``current`` (ValueError at the end or for a phase not in the flow)."""
    flow = phases(method, two_envelope=two_envelope)
    if current not in flow or current is Phase.CLOSED:
        raise ValueError(f"no phase follows {current}")
    return flow[flow.index(current) + 1]


def sheet_phases(method: EvaluationMethod) -> tuple[SheetPhase, ...]:
    """The sheet phases of a method, in order."""
    if method is EvaluationMethod.COMPREHENSIVE:
        return (SheetPhase.QUALIFICATION, SheetPhase.SCORING)
    return (SheetPhase.QUALIFICATION, SheetPhase.ADJUSTMENT)


class MemberKind(enum.StrEnum):
    """A drawn expert, or a representative the tenderer seats (Law 37: at most 1/3)."""

    EXPERT = "expert"
    REPRESENTATIVE = "representative"


class MemberStatus(enum.StrEnum):
    """A seat's holder: seated, or gone (and why); a gone member's findings are void."""

    SEATED = "seated"
    RECUSED = "recused"  # declared a conflict (回避)
    ABSENT = "absent"  # did not sign in, left, or could not reveal within the fault limits
    REPLACED = "replaced"  # a replacement took the seat (supervisor-approved)


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Member:
    """One holder of one seat. A seat keeps its number when its holder is replaced."""

    seat: int  # 1…n: 专家1…n in everything shown outside the committee
    user_id: UUID
    kind: MemberKind
    status: MemberStatus
    generation: int = 1  # 2, 3, … for the seat's replacements; sheets name it
    venue_id: str | None = None  # where it signed in (main or assisting venue)
    signed_in_at: datetime | None = None
    identity_confirmed_at: datetime | None = None  # by the venue's staff

    @property
    def label(self) -> str:
        """How the member is named where names are sealed."""
        return seat_label(self.seat)

    @property
    def present(self) -> bool:
        """Seated, signed in, and confirmed by venue staff: the sign-in counts."""
        return (
            self.status is MemberStatus.SEATED
            and self.signed_in_at is not None
            and self.identity_confirmed_at is not None
        )


def seat_label(seat: int) -> str:
    """专家1, 专家2, …"""
    return f"专家{seat}"


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class BidRef:
    """A bid the committee evaluates: from the lot's opening (freeze list and records)."""

    bid_id: UUID
    bidder: str  # unified social credit code
    name: str  # the bidder's name, shown to the committee at the conflicts phase
    price_fen: int | None  # from the opening record; None while the commercial part is sealed


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class EvaluationPolicy:
    """The numbers of DOMAIN.md "Evaluation" / "Remote cross-city evaluation" (configurable)."""

    deviation_percent: int = 30  # a score this far from the others' mean is explained
    pause_before_start: timedelta = timedelta(hours=2)
    pause_during: timedelta = timedelta(hours=4)
    qualification_minutes: int = 120
    scoring_minutes: int = 240
    adjustment_minutes: int = 120
    reveal_minutes: int = 30
    extension_minutes: int = 60  # Reg. 48: added when more than 1/3 say too short
    records_handover_working_days: int = 5
    no_show_minutes: int = 30  # after the start, a seat not signed in may be marked absent
    max_candidates: int = 3


DEFAULT_POLICY = EvaluationPolicy()


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class SessionState:
    """A session as the commands see it, read under the session's row lock."""

    id: UUID  # the live session's id
    tender_id: UUID
    lot: str
    attempt: int  # 1, 2, … : a sealed session's lot gets a new committee and attempt
    draw_id: str
    department_id: UUID  # the supervising industry department (its supervisors observe)
    phase: Phase
    phase_deadline: datetime | None
    paused_at: datetime | None
    chair_seat: int | None
    method: Evaluation
    two_envelope: bool
    main_venue_id: str
    members: tuple[Member, ...]  # every holder of every seat, replaced ones too
    bids: tuple[BidRef, ...]
    # The centre hosting the tender and the city centre above it (tender/access.py): their
    # staff host the session at the main venue; an assisting venue's assigned staff act
    # there only (evaluation/sessions/attendance.py).
    host_centres: frozenset[UUID] = frozenset()

    @property
    def seated(self) -> tuple[Member, ...]:
        """The current holder of each seat (status seated), in seat order."""
        return tuple(
            sorted((m for m in self.members if m.status is MemberStatus.SEATED),
                   key=lambda m: m.seat)
        )  # fmt: skip

    def member_of(self, user_id: UUID) -> Member | None:
        """The seated member this user is, if any."""
        return next((m for m in self.seated if m.user_id == user_id), None)

    def bid(self, bid_id: UUID) -> BidRef | None:
        """A bid of the session by id."""
        return next((b for b in self.bids if b.bid_id == bid_id), None)

    @property
    def terminal(self) -> bool:
        """Closed or sealed: nothing changes any more."""
        return self.phase in TERMINAL


def printable_text(value: str, limit: int) -> bool:
    """The live session's *text* (docs/formats/evaluation-session.md §4): 1–``limit``
    characters (code points), not only spaces, and no control character — Unicode
    category Cc: C0, DEL and C1 (U+0080–U+009F) alike — but newline and tab."""
    return (
        bool(value.strip())
        and len(value) <= limit
        and not any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in value)
    )
