"""The venue catalogue: where a committee sits (no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from expert_pool.errors import ExpertIdInvalid
from expert_pool.model import validate_id
from expert_pool.venues.errors import VenueInvalid

MAX_TEXT = 200  # a venue's name and address (migration 0010's CHECKs)
MAX_SEATS = 1000


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
        # Every bound the venues table checks (migration 0010), named by field, so that
        # a form can say which field is wrong and nothing reaches the database unchecked.
        try:
            validate_id(self.id, what="venue id")
        except ExpertIdInvalid as bad:
            raise VenueInvalid(bad.message, details={"field": "id"}) from None
        if not 1 <= len(self.name) <= MAX_TEXT:
            raise VenueInvalid("a venue's name is 1-200 characters", details={"field": "name"})
        if len(self.address) > MAX_TEXT:
            raise VenueInvalid(
                "a venue's address is at most 200 characters", details={"field": "address"}
            )
        if not 1 <= self.seats <= MAX_SEATS:
            raise VenueInvalid("a venue has 1-1000 seats", details={"field": "seats"})


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
