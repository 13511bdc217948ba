"""A user's registered signing certificate, as stored (no I/O)."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from uuid import UUID


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class StoredCertificate:
    """A registered signing certificate (DER) of a user."""

    user_id: UUID
    cert_sha256: str
    certificate: bytes
    subject: str
    registered_at: datetime
    retired_at: datetime | None
