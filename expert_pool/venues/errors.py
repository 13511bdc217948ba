"""Errors of the venue catalogue (beside expert_pool/errors.py, which is at the module
size limit; the venue staff's errors stay there).

    ExpertRecordInvalid (expert_pool/errors.py)   expert_record_invalid
    └── VenueInvalid                              venue_invalid
"""

from __future__ import annotations

from expert_pool.errors import ExpertRecordInvalid


class VenueInvalid(ExpertRecordInvalid):
    """A field of a venue breaks its bound (``details.field`` names it: id, name,
    address, seats); the database keeps the same bounds (migration 0010)."""

    code = "venue_invalid"
