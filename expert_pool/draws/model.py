"""A draw as the platform keeps it: request, status, members (pure rules, no I/O).

DESIGN.md, "Verifiable expert draw"; issue 5. The lifecycle of a draw:

    requested ─prepare→ prepared ─commit→ committed ─round 0→ drawing ─all confirmed→ complete
         └──────────────┴──────────────────┴──────────────────┴── cancel ──→ cancelled

A draw's categories are its expert labels (``<specialty>@<region rule>``) followed by
its venue labels (``venue@<region rule>``): the same transcript draws the assisting
venues (副场) from the venue catalogue (两随机). Only expert picks are notified and
answer; venue picks stand.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from expert_pool.draws.committee import Composition, check_committee
from expert_pool.errors import DrawRequestInvalid
from expert_pool.model import require_aware, validate_id
from expert_pool.policy import PoolPolicy
from expert_pool.regions import DEFAULT_REGIONS, RegionCatalogue, parse_category_label
from expert_pool.regions import parse_region_rule as _parse_rule
from expert_pool.specialties import SpecialtyTree
from signing.draw.algorithm import seated
from signing.draw.rules import ContributorRole, validate_categories
from signing.draw.transcript import Category, Transcript

SHANGHAI = ZoneInfo("Asia/Shanghai")
VENUE_PREFIX = "venue@"


class DrawStatus(enum.StrEnum):
    """Where a draw stands."""

    REQUESTED = "requested"
    PREPARED = "prepared"  # exclusions computed, pools recorded, open to review
    COMMITTED = "committed"  # commit entry logged, waiting for round 0 entropy
    DRAWING = "drawing"  # round 0 drawn; answers, declines and replacements
    COMPLETE = "complete"  # every expert seat confirmed; seed revealed to supervisors
    CANCELLED = "cancelled"


OPEN_FOR_ENTROPY = frozenset({DrawStatus.COMMITTED, DrawStatus.DRAWING})


class Purpose(enum.StrEnum):
    """What the committee is for; prequalification service excludes from evaluation."""

    EVALUATION = "evaluation"
    PREQUALIFICATION = "prequalification"


class MemberStatus(enum.StrEnum):
    """A drawn expert's answer."""

    NOTIFIED = "notified"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    TIMED_OUT = "timed_out"


@dataclass(frozen=True, kw_only=True, slots=True)
class DrawParties:
    """Whom the committee serves: the tender and the parties the exclusions need."""

    tender_id: str
    lot: str
    purpose: Purpose
    project_id: str
    agency_id: UUID
    department_id: UUID  # the supervising industry department
    tenderer: str  # unified social credit codes
    agency_code: str
    department_code: str
    bidders: tuple[str, ...] = ()
    bidder_principals: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("tender_id", "lot", "project_id"):
            validate_id(getattr(self, name), what=name)


@dataclass(frozen=True, kw_only=True, slots=True)
class DrawSpec:
    """What is asked for: the session, the categories, who contributes entropy."""

    session_start: datetime
    session_end: datetime
    categories: tuple[Category, ...]
    representatives: int = 0  # tenderer's representatives seated beside the experts
    entropy_roles: tuple[ContributorRole, ...] = (ContributorRole.SUPERVISOR,)

    def __post_init__(self) -> None:
        start = require_aware(self.session_start, what="session_start")
        if require_aware(self.session_end, what="session_end") <= start:
            raise DrawRequestInvalid("the session must end after it starts")
        validate_categories(self.categories)
        if ContributorRole.SUPERVISOR not in self.entropy_roles:
            raise DrawRequestInvalid("round 0 always needs a supervisor's entropy")
        if len(set(self.entropy_roles)) != len(self.entropy_roles):
            raise DrawRequestInvalid("each entropy role is listed once")
        if not 0 <= self.representatives <= 50:
            raise DrawRequestInvalid("representatives must be 0 to 50")

    @property
    def session_date(self) -> date:
        """The session's calendar date in Asia/Shanghai."""
        return self.session_start.astimezone(SHANGHAI).date()


def is_venue_label(label: str) -> bool:
    """Whether a category draws venues rather than experts."""
    return label.startswith(VENUE_PREFIX)


def expert_categories(categories: Iterable[Category]) -> tuple[Category, ...]:
    """The expert categories, in order."""
    return tuple(c for c in categories if not is_venue_label(c.label))


def venue_categories(categories: Iterable[Category]) -> tuple[Category, ...]:
    """The venue categories, in order."""
    return tuple(c for c in categories if is_venue_label(c.label))


def check_spec(
    spec: DrawSpec,
    policy: PoolPolicy,
    *,
    specialties: SpecialtyTree,
    regions: RegionCatalogue = DEFAULT_REGIONS,
) -> None:
    """Labels parse, venues come after experts, and the committee composition holds."""
    labels = [c.label for c in spec.categories]
    experts = expert_categories(spec.categories)
    if labels != [c.label for c in (*experts, *venue_categories(spec.categories))]:
        raise DrawRequestInvalid("list the expert categories first, then the venue ones")
    if not experts:
        raise DrawRequestInvalid("a draw needs at least one expert category")
    for c in spec.categories:
        if is_venue_label(c.label):
            _parse_rule(c.label.removeprefix(VENUE_PREFIX), regions)
        else:
            parse_category_label(c.label, specialties=specialties, regions=regions)
    # Law 37 / DOMAIN.md: at least 5 members, odd, experts at least 2/3.
    drawn = sum(c.count for c in experts)
    check_committee(
        Composition(experts=drawn, representatives=spec.representatives), policy.committee
    )


@dataclass(frozen=True, kw_only=True, slots=True)
class StoredDraw:
    """A draw as stored; `transcript` exists from the commit on (seed never inside)."""

    id: str
    parties: DrawParties
    spec: DrawSpec
    policy: PoolPolicy
    status: DrawStatus
    attempt: int
    requested_by: UUID
    requested_at: datetime
    prepared_at: datetime | None = None
    commit_log_index: int | None = None
    transcript: Transcript | None = None
    seed_revealed_at: datetime | None = None
    awarded_at: datetime | None = None
    cancelled_at: datetime | None = None
    cancel_reason: str | None = None

    @property
    def expert_seats(self) -> int:
        """How many experts the committee needs."""
        return sum(c.count for c in expert_categories(self.spec.categories))


@dataclass(frozen=True, kw_only=True, slots=True)
class Member:
    """A drawn expert and its answer."""

    expert_id: str
    label: str
    r: int
    i: int
    status: MemberStatus
    deadline: datetime
    responded_at: datetime | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class EntropyRecord:
    """One contribution: which round, by whom, the value."""

    round: int
    role: ContributorRole
    entropy: str
    contributor: UUID
    log_index: int | None = None  # its draw.entropy_contributed entry


def missing_roles(
    required: Sequence[ContributorRole], contributed: Iterable[ContributorRole]
) -> tuple[ContributorRole, ...]:
    """Required roles of round 0 without a contribution yet, in request order."""
    have = set(contributed)
    return tuple(role for role in required if role not in have)


def seated_experts(transcript: Transcript) -> tuple[str, ...]:
    """Expert ids picked and not declined (venue picks left out)."""
    return tuple(
        x for label, ids in seated(transcript).items() if not is_venue_label(label) for x in ids
    )


def committee_complete(draw: StoredDraw, members: Sequence[Member]) -> bool:
    """Every expert seat is filled by a confirmed member (never a smaller committee)."""
    if draw.transcript is None:
        return False
    confirmed = {m.expert_id for m in members if m.status is MemberStatus.CONFIRMED}
    seats = seated_experts(draw.transcript)
    return len(seats) == draw.expert_seats and all(x in confirmed for x in seats)
