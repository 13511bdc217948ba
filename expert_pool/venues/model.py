"""The venue catalogue: where a committee sits (no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from expert_pool.errors import ExpertRecordInvalid
from expert_pool.model import validate_id


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


@dataclass(frozen=True, kw_only=True, slots=True)
class VenueStaff:
    """A centre staff user's assignment to a venue (it confirms identities there)."""

    venue_id: str
    user_id: UUID
    username: str
    display_name: str
    assigned_by: UUID
    assigned_at: datetime


def manages_region(staff_region: str, venue_region: str, city_of_venue: str) -> bool:
    """Centre staff of the venue's region: their organisation is in the venue's own
    region or is its city's (the city centre runs its districts' and counties' venues)."""
    return staff_region != "" and staff_region in (venue_region, city_of_venue)
