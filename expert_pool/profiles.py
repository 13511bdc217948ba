"""Stored records of the pool: expert profiles, search rows, venues, alerts (no I/O).

`ExpertProfile` is an `Expert` (expert_pool.model) with what the platform adds: the
linked account, the registered signing certificate and age recipient, and the
availability calendar. `ExpertSummary` is what a pool search returns — no phone, no
identity-card digest (the minimum personal data, DOMAIN.md "Security expectations").
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from expert_pool.errors import ExpertRecordInvalid
from expert_pool.model import (
    Expert,
    ExpertStatus,
    Title,
    UnavailableInterval,
    validate_id,
)


@dataclass(frozen=True, kw_only=True, slots=True)
class Unavailable:
    """One stored unavailable interval of an expert's calendar."""

    id: UUID
    interval: UnavailableInterval
    note: str = ""


@dataclass(frozen=True, kw_only=True, slots=True)
class ExpertProfile:
    """An expert of the pool with the platform's own fields."""

    expert: Expert
    user_id: UUID | None = None
    cert_sha256: str | None = None
    age_recipient: str | None = None
    unavailable: tuple[Unavailable, ...] = ()
    created_at: datetime | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ExpertSummary:
    """One row of a pool search."""

    id: str
    name: str
    specialties: tuple[str, ...]
    title: Title
    years_of_practice: int
    birth_date: date
    region: str
    employer_credit_code: str
    status: ExpertStatus
    id_card_last4: str
    has_certificate: bool
    has_account: bool


@dataclass(frozen=True, kw_only=True, slots=True)
class SearchFilter:
    """Conditions of a pool search; all optional."""

    specialty: str | None = None  # the code or any descendant
    region: str | None = None
    status: ExpertStatus | None = None
    name: str | None = None  # substring
    after: str | None = None  # keyset cursor: the last id of the previous page
    limit: int = 50

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= 200:
            raise ExpertRecordInvalid("limit must be 1 to 200")
        if self.after is not None:
            validate_id(self.after, what="cursor")
        if self.name is not None and not 1 <= len(self.name) <= 64:
            raise ExpertRecordInvalid("a name filter is 1 to 64 characters")


@dataclass(frozen=True, kw_only=True, slots=True)
class Venue:
    """A venue of the catalogue; assisting venues are drawn from the active ones."""

    id: str
    name: str
    region: str  # the city (or district/county) code it is in
    address: str = ""
    seats: int
    active: bool = True

    def __post_init__(self) -> None:
        validate_id(self.id, what="venue id")
        if not 1 <= len(self.name) <= 200 or not 1 <= self.seats <= 1000:
            raise ExpertRecordInvalid("a venue has a 1-200 character name and 1-1000 seats")


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
