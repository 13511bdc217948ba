"""The expert pool's domain objects: experts, availability, region rules, alerts (no I/O).

The expert measures (评标专家和评标专家库管理办法) ask for the minimum personal data:
the identity card number is kept only as a keyed hash plus its last four characters
(`IdCardRef`), enough to match a person again and never enough to read the number back.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from expert_pool.errors import (
    ExpertIdInvalid,
    ExpertRecordInvalid,
    PenaltyAuthorityInvalid,
    RelationshipPersonInvalid,
    TimeNotAware,
)
from signing.draw.transcript import ID_PATTERN

_HEX64 = re.compile(r"[0-9a-f]{64}")
_LAST4 = re.compile(r"[0-9]{3}[0-9X]")


def validate_id(value: str, *, what: str = "expert id") -> str:
    """Return `value` if it is a valid expert or venue id, else raise ExpertIdInvalid."""
    if not isinstance(value, str) or ID_PATTERN.fullmatch(value) is None:
        raise ExpertIdInvalid(f"{what} {value!r} does not match [A-Za-z0-9_-]{{1,64}}")
    return value


def require_aware(moment: datetime, *, what: str = "time") -> datetime:
    """Return `moment` in UTC; refuse a naive datetime (STYLE.md point 3)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise TimeNotAware(f"{what} must be timezone-aware UTC, got naive {moment.isoformat()}")
    return moment.astimezone(UTC)


class ExpertStatus(enum.StrEnum):
    """Standing of an expert in the pool; only `active` experts are drawn."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    RETIRED = "retired"
    BANNED = "banned"


class Title(enum.StrEnum):
    """Professional title; the expert measures ask for senior or equivalent."""

    FULL_SENIOR = "full_senior"  # 正高级
    SENIOR = "senior"  # 副高级
    EQUIVALENT = "equivalent"  # 具有同等专业水平
    INTERMEDIATE = "intermediate"  # 中级: kept on record, never drawn

    @property
    def qualifies(self) -> bool:
        """Whether this title meets the senior-or-equivalent requirement."""
        return self is not Title.INTERMEDIATE


class RelationKind(enum.StrEnum):
    """Kind of a relationship an expert declares (回避 grounds)."""

    CLOSE_RELATIVE = "close_relative"  # 近亲属 of a party or its principal
    FORMER_EMPLOYER = "former_employer"  # worked there recently
    ECONOMIC_INTEREST = "economic_interest"  # 经济利益关系
    OTHER = "other"  # any other tie that could affect impartiality


class PenaltyKind(enum.StrEnum):
    """A penalty for a tendering violation; any one excludes from draws."""

    ADMINISTRATIVE = "administrative"  # 行政处罚
    CRIMINAL = "criminal"  # 刑事处罚
    DISCIPLINARY = "disciplinary"  # 通报批评 and similar measures of the pool keeper


@dataclass(frozen=True, kw_only=True, slots=True)
class IdCardRef:
    """A keyed hash of an identity card number plus its last four characters."""

    digest: str  # hex HMAC-SHA256 (expert_pool.id_card.id_card_digest)
    last4: str

    def __post_init__(self) -> None:
        if _HEX64.fullmatch(self.digest) is None:
            raise ExpertRecordInvalid("id card digest must be 64 lowercase hex characters")
        if _LAST4.fullmatch(self.last4) is None:
            raise ExpertRecordInvalid("id card last4 must be three digits and a digit or X")

    def __repr__(self) -> str:
        # Never print the digest either: a short digest prefix is all an operator needs.
        return f"IdCardRef(****{self.last4}, digest={self.digest[:8]}…)"


@dataclass(frozen=True, kw_only=True, slots=True)
class Relationship:
    """A relationship an expert declared with an organisation or a person."""

    kind: RelationKind
    credit_code: str | None = None  # the organisation's unified social credit code
    person_name: str | None = None  # a person, e.g. a bidder's principal

    def __post_init__(self) -> None:
        if not self.credit_code and not self.person_name:
            raise ExpertRecordInvalid("a relationship names an organisation or a person")
        # The table's CHECK (0010): 1-64 characters; a blank name names nobody.
        if self.person_name is not None and not (
            self.person_name.strip() and len(self.person_name) <= 64
        ):
            raise RelationshipPersonInvalid("a relationship's person name is 1-64 characters")


@dataclass(frozen=True, kw_only=True, slots=True)
class Penalty:
    """A recorded penalty for a tendering violation (expert measures; Reg. 71-72)."""

    kind: PenaltyKind
    imposed_on: date
    authority: str
    reference: str = ""

    def __post_init__(self) -> None:
        # The table's CHECK (0010): the authority that imposed it, 1-200 characters.
        if not (self.authority.strip() and len(self.authority) <= 200):
            raise PenaltyAuthorityInvalid("a penalty names the authority that imposed it")


@dataclass(frozen=True, kw_only=True, slots=True)
class Expert:
    """One evaluation expert of the pool."""

    id: str
    name: str
    id_card: IdCardRef
    phone: str = field(repr=False)
    specialties: tuple[str, ...]
    title: Title
    years_of_practice: int
    birth_date: date
    region: str  # GB/T 2260 code, see expert_pool.regions
    employer_credit_code: str
    relationships: tuple[Relationship, ...] = ()
    status: ExpertStatus = ExpertStatus.ACTIVE
    penalties: tuple[Penalty, ...] = ()

    def __post_init__(self) -> None:
        validate_id(self.id)
        if not self.specialties:
            raise ExpertRecordInvalid(f"expert {self.id} has no specialty")
        if self.years_of_practice < 0:
            raise ExpertRecordInvalid(f"expert {self.id} has negative years of practice")


@dataclass(frozen=True, kw_only=True, slots=True)
class UnavailableInterval:
    """A half-open interval [start, end) in which an expert cannot serve."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        start = require_aware(self.start, what="unavailable start")
        end = require_aware(self.end, what="unavailable end")
        if end <= start:
            raise ExpertRecordInvalid("an unavailable interval must end after it starts")

    def overlaps(self, start: datetime, end: datetime) -> bool:
        """Whether this interval meets the half-open interval [start, end)."""
        return self.start < end and start < self.end


@dataclass(frozen=True, kw_only=True, slots=True)
class Availability:
    """The intervals an expert has marked as unavailable."""

    expert_id: str
    unavailable: tuple[UnavailableInterval, ...] = ()

    def is_available(self, start: datetime, end: datetime) -> bool:
        """Whether no unavailable interval meets [start, end)."""
        start = require_aware(start, what="session start")
        end = require_aware(end, what="session end")
        return not any(i.overlaps(start, end) for i in self.unavailable)


class RegionRuleKind(enum.StrEnum):
    """Where drawn experts must come from (DESIGN.md: category labels)."""

    LOCAL = "local"  # the city and its counties ("1+6")
    REMOTE = "remote"  # any other city (远程异地评标)
    CITIES = "cities"  # the listed cities only


@dataclass(frozen=True, kw_only=True, slots=True)
class RegionRule:
    """A region rule; `str()` gives its canonical text used in category labels."""

    kind: RegionRuleKind
    cities: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if (self.kind is RegionRuleKind.CITIES) != bool(self.cities):
            raise ExpertRecordInvalid("only a `cities` region rule lists cities, and it must")

    def __str__(self) -> str:
        if self.kind is RegionRuleKind.CITIES:
            return f"cities:{','.join(self.cities)}"
        return str(self.kind)


class AlertKind(enum.StrEnum):
    """Why the agency or supervisors are alerted."""

    SHORTFALL = "shortfall"  # the pool ran out: the committee cannot be completed
    REPLACEMENT_NEEDED = "replacement_needed"  # a decline or timeout awaits a round
    EXPERT_REPORTED = "expert_reported"  # 8+ points: report and publish
    EXPERT_SUSPENDED = "expert_suspended"  # automatic suspension


@dataclass(frozen=True, kw_only=True, slots=True)
class Alert:
    """One alert, addressed to the draw's agency, its supervisors, or both."""

    id: UUID
    kind: AlertKind
    draw_id: str | None
    expert_id: str | None
    for_agency: bool
    for_supervisors: bool
    data: dict[str, Any] = field(default_factory=dict)
    created_at: datetime
