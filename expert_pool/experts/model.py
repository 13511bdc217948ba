"""Stored records of the experts: profiles, search rows, calendars (no I/O).

`ExpertProfile` is an `Expert` (expert_pool.model) with what the platform adds: the
linked account, the registered signing certificate and age recipient, and the
availability calendar. `ExpertSummary` is what a pool search returns — no phone, no
identity-card digest (the minimum personal data, DOMAIN.md "Security expectations").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
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
