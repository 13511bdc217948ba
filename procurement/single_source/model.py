"""Single source's publicity and objections (no I/O; Decree 74 Art. 38-39).

The project is published with the supplier and the reason; for the policy's period
(at least 5 working days, counted by the holiday calendar from publication) anyone may
object. Every objection is answered — upheld or dismissed — before the price is agreed;
one upheld ends single source (Art. 39: the agency turns to another method).
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from procurement.single_source.errors import (
    ObjectionsPending,
    ObjectionUpheld,
    PublicityRunning,
)


class Outcome(enum.StrEnum):
    """The agency's answer to an objection."""

    UPHELD = "upheld"
    DISMISSED = "dismissed"


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Objection:
    """An objection to single source, and its answer once given."""

    id: UUID
    tender_id: UUID
    objector_id: UUID
    text: str
    filed_at: datetime
    outcome: Outcome | None = None
    answer: str | None = None
    answered_at: datetime | None = None


def require_agreeable(
    publicity_ends_at: datetime, objections: Sequence[Objection], now: datetime
) -> None:
    """Art. 38-39: the publicity over, every objection answered, none upheld."""
    if now < publicity_ends_at:
        raise PublicityRunning(f"the publicity for objections runs until {publicity_ends_at}")
    if any(o.outcome is None for o in objections):
        raise ObjectionsPending("every objection is answered before the price is agreed")
    if any(o.outcome is Outcome.UPHELD for o in objections):
        raise ObjectionUpheld("an objection was upheld: single source cannot go on")
