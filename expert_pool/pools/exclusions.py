"""Who may be drawn: the exclusion rules (回避) applied before a draw is committed.

DOMAIN.md, "Expert pool and draws": an expert is excluded for working for a bidder,
the tenderer, the agency or the supervising department; for a declared relationship
with a party; for a past penalty; for not being active; for the age limit, the minimum
years of practice and the senior-title requirement; for the cool-off (served the same
tenderer within N days, or already M times this month); for having taken part in the
project's prequalification; for being unavailable at the session; and, per category,
for being outside its region rule or its specialty.

`exclude` returns the eligible ids per category label, sorted ascending by bytes as
DESIGN.md's pool digest requires, and every excluded expert with all its reasons.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo

from expert_pool.errors import ExpertRecordInvalid, PolicyInvalid
from expert_pool.model import (
    Availability,
    Expert,
    ExpertStatus,
    UnavailableInterval,
    require_aware,
    validate_id,
)
from expert_pool.policy import ExclusionPolicy
from expert_pool.regions import (
    DEFAULT_REGIONS,
    CategoryLabel,
    RegionCatalogue,
    parse_category_label,
)
from expert_pool.specialties import SpecialtyTree, default_specialties
from signing.draw.rules import canonical_pool, validate_categories
from signing.draw.transcript import Category

# DESIGN.md, "Time": calendar-day rules are counted in Asia/Shanghai.
SHANGHAI = ZoneInfo("Asia/Shanghai")


class ExclusionReason(enum.StrEnum):
    """Why an expert cannot be drawn; declaration order is report order."""

    WORKS_FOR_BIDDER = "works_for_bidder"
    WORKS_FOR_TENDERER = "works_for_tenderer"
    WORKS_FOR_AGENCY = "works_for_agency"
    SUPERVISING_DEPARTMENT_STAFF = "supervising_department_staff"
    DECLARED_RELATIONSHIP = "declared_relationship"
    PENALISED = "penalised"
    SUSPENDED = "suspended"
    BANNED = "banned"
    RETIRED = "retired"
    OVER_AGE_LIMIT = "over_age_limit"
    UNDER_MIN_YEARS = "under_min_years"
    TITLE_NOT_SENIOR = "title_not_senior"
    COOL_OFF_SAME_TENDERER = "cool_off_same_tenderer"
    MONTHLY_CAP_REACHED = "monthly_cap_reached"
    TOOK_PART_IN_PREQUALIFICATION = "took_part_in_prequalification"
    UNAVAILABLE = "unavailable"
    OUTSIDE_REGION = "outside_region"
    NOT_IN_SPECIALTY = "not_in_specialty"


_ORDER = {reason: n for n, reason in enumerate(ExclusionReason)}
_STATUS_REASON = {
    ExpertStatus.SUSPENDED: ExclusionReason.SUSPENDED,
    ExpertStatus.BANNED: ExclusionReason.BANNED,
    ExpertStatus.RETIRED: ExclusionReason.RETIRED,
}


@dataclass(frozen=True, kw_only=True, slots=True)
class ServiceRecord:
    """One evaluation an expert served: for which tenderer, on which local date."""

    tenderer: str  # the tenderer's unified social credit code
    served_on: date


@dataclass(frozen=True, kw_only=True, slots=True)
class ExpertFacts:
    """An expert with the facts the rules need, gathered by the caller."""

    expert: Expert
    unavailable: tuple[UnavailableInterval, ...] = ()
    services: tuple[ServiceRecord, ...] = ()  # at least the last N days and this month
    prequalification_projects: frozenset[str] = frozenset()


@dataclass(frozen=True, kw_only=True, slots=True)
class DrawRequest:
    """What a draw is for: the parties, the session and the categories asked for."""

    tender_id: str
    project_id: str
    tenderer: str  # unified social credit codes of the parties
    agency: str
    bidders: tuple[str, ...] = ()
    bidder_principals: tuple[str, ...] = ()  # names of bidders' principals, if known
    supervising_department: str | None = None
    session_start: datetime
    session_end: datetime
    categories: tuple[Category, ...]
    policy: ExclusionPolicy = field(default_factory=ExclusionPolicy)

    def __post_init__(self) -> None:
        start = require_aware(self.session_start, what="session_start")
        if require_aware(self.session_end, what="session_end") <= start:
            raise PolicyInvalid("a session must end after it starts")
        validate_categories(self.categories)

    @property
    def session_date(self) -> date:
        """The session's calendar date in Asia/Shanghai."""
        return self.session_start.astimezone(SHANGHAI).date()


@dataclass(frozen=True, kw_only=True, slots=True)
class ExcludedExpert:
    """An expert that is in no pool of the draw, with every reason."""

    expert_id: str
    reasons: tuple[ExclusionReason, ...]


@dataclass(frozen=True, kw_only=True, slots=True)
class ExclusionOutcome:
    """Eligible ids per label (ascending by bytes) and the excluded experts."""

    pools: Mapping[str, tuple[str, ...]]
    excluded: tuple[ExcludedExpert, ...]


def age_on(birth_date: date, day: date) -> int:
    """Completed years of age on `day`."""
    birthday_passed = (day.month, day.day) >= (birth_date.month, birth_date.day)
    return day.year - birth_date.year - (0 if birthday_passed else 1)


def born_by(day: date, years: int) -> date:
    """The last birth date that is `years` old or more on `day`: age_on(b, day) >= years
    exactly when b <= born_by(day, years) (29 February falls back to the 28th, since one
    born on the 29th is a year older only from 1 March in a common year)."""
    year = day.year - years
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February in a common year
        return date(year, 2, 28)


def _conflict_reasons(expert: Expert, request: DrawRequest) -> list[ExclusionReason]:
    reasons: list[ExclusionReason] = []
    employer = expert.employer_credit_code
    if employer in request.bidders:
        reasons.append(ExclusionReason.WORKS_FOR_BIDDER)
    if employer == request.tenderer:
        reasons.append(ExclusionReason.WORKS_FOR_TENDERER)
    if employer == request.agency:
        reasons.append(ExclusionReason.WORKS_FOR_AGENCY)
    if request.supervising_department and employer == request.supervising_department:
        reasons.append(ExclusionReason.SUPERVISING_DEPARTMENT_STAFF)
    parties = {request.tenderer, request.agency, *request.bidders}
    principals = set(request.bidder_principals)
    if any(
        (rel.credit_code in parties) or (rel.person_name in principals)
        for rel in expert.relationships
    ):
        reasons.append(ExclusionReason.DECLARED_RELATIONSHIP)
    return reasons


def _standing_reasons(expert: Expert, request: DrawRequest) -> list[ExclusionReason]:
    reasons: list[ExclusionReason] = []
    day, policy = request.session_date, request.policy
    if any(p.imposed_on <= day for p in expert.penalties):
        reasons.append(ExclusionReason.PENALISED)
    if expert.status in _STATUS_REASON:
        reasons.append(_STATUS_REASON[expert.status])
    if age_on(expert.birth_date, day) >= policy.age_limit:
        reasons.append(ExclusionReason.OVER_AGE_LIMIT)
    if expert.years_of_practice < policy.min_years:
        reasons.append(ExclusionReason.UNDER_MIN_YEARS)
    if not expert.title.qualifies:
        reasons.append(ExclusionReason.TITLE_NOT_SENIOR)
    return reasons


def _workload_reasons(facts: ExpertFacts, request: DrawRequest) -> list[ExclusionReason]:
    reasons: list[ExclusionReason] = []
    day, policy = request.session_date, request.policy
    since = day - timedelta(days=policy.cool_off_days)
    if any(s.tenderer == request.tenderer and s.served_on >= since for s in facts.services):
        reasons.append(ExclusionReason.COOL_OFF_SAME_TENDERER)
    month = (day.year, day.month)
    this_month = [s for s in facts.services if (s.served_on.year, s.served_on.month) == month]
    if len(this_month) >= policy.monthly_cap:
        reasons.append(ExclusionReason.MONTHLY_CAP_REACHED)
    if request.project_id in facts.prequalification_projects:
        reasons.append(ExclusionReason.TOOK_PART_IN_PREQUALIFICATION)
    availability = Availability(expert_id=facts.expert.id, unavailable=facts.unavailable)
    if not availability.is_available(request.session_start, request.session_end):
        reasons.append(ExclusionReason.UNAVAILABLE)
    return reasons


def draw_reasons(facts: ExpertFacts, request: DrawRequest) -> tuple[ExclusionReason, ...]:
    """Reasons that exclude an expert from every category of the draw."""
    return tuple(
        _conflict_reasons(facts.expert, request)
        + _standing_reasons(facts.expert, request)
        + _workload_reasons(facts, request)
    )


def label_reasons(
    expert: Expert,
    label: CategoryLabel,
    *,
    specialties: SpecialtyTree,
    regions: RegionCatalogue,
) -> tuple[ExclusionReason, ...]:
    """Reasons that keep an expert out of one category's pool."""
    reasons: list[ExclusionReason] = []
    if not regions.matches(label.rule, expert.region):
        reasons.append(ExclusionReason.OUTSIDE_REGION)
    if not any(specialties.is_under(code, label.specialty) for code in expert.specialties):
        reasons.append(ExclusionReason.NOT_IN_SPECIALTY)
    return tuple(reasons)


def _ordered(reasons: Iterable[ExclusionReason]) -> tuple[ExclusionReason, ...]:
    return tuple(sorted(set(reasons), key=_ORDER.__getitem__))


def _unique(facts: Iterable[ExpertFacts]) -> tuple[ExpertFacts, ...]:
    result = tuple(facts)
    ids = [validate_id(f.expert.id) for f in result]
    if len(set(ids)) != len(ids):
        raise ExpertRecordInvalid("an expert appears twice in the facts of one draw")
    return result


def _classify(
    f: ExpertFacts,
    request: DrawRequest,
    labels: Mapping[str, CategoryLabel],
    tree: SpecialtyTree,
    regions: RegionCatalogue,
) -> tuple[list[str], ExcludedExpert | None]:
    """The labels an expert is eligible for, or its exclusion with every reason."""
    wide = draw_reasons(f, request)
    per_label = {
        text: label_reasons(f.expert, parsed, specialties=tree, regions=regions)
        for text, parsed in labels.items()
    }
    fitting = [text for text, reasons in per_label.items() if not reasons]
    if fitting and not wide:
        return fitting, None
    # Label reasons are reported only for an expert that fits no label at all.
    narrow = [] if fitting else [r for rs in per_label.values() for r in rs]
    return [], ExcludedExpert(expert_id=f.expert.id, reasons=_ordered([*wide, *narrow]))


def exclude(
    request: DrawRequest,
    facts: Iterable[ExpertFacts],
    *,
    specialties: SpecialtyTree | None = None,
    regions: RegionCatalogue = DEFAULT_REGIONS,
) -> ExclusionOutcome:
    """Apply every rule: eligible ids per label and every excluded expert with reasons."""
    tree = specialties if specialties is not None else default_specialties()
    labels = {
        c.label: parse_category_label(c.label, specialties=tree, regions=regions)
        for c in request.categories
    }
    eligible: dict[str, list[str]] = {label: [] for label in labels}
    excluded: list[ExcludedExpert] = []
    for f in _unique(facts):
        fitting, exclusion = _classify(f, request, labels, tree, regions)
        for text in fitting:
            eligible[text].append(f.expert.id)
        if exclusion is not None:
            excluded.append(exclusion)
    return ExclusionOutcome(
        pools=MappingProxyType({label: canonical_pool(ids) for label, ids in eligible.items()}),
        excluded=tuple(sorted(excluded, key=lambda e: e.expert_id.encode("ascii"))),
    )
