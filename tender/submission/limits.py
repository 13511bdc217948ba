"""Caps per bidder on uploads not (yet) in a bid: how many are open, how many bytes.

Issue 9, item 9; docs/formats/upload.md §2.5. One organisation opened 40 uploads
declaring 1 GiB each: nothing stopped it from filling the platform's disk before a
deadline. Now a new upload is refused when the organisation already has
``open_per_lot`` open uploads in the lot (default 4: two envelopes, each with a retry
open beside it), or when its uploads not in any bid — open ones by their declared size,
complete ones no bid part names by theirs — plus the new declared size would exceed
``staged_bytes`` (default four of the largest parts: never an honest two-envelope
bidder). The check and the insert run under the organisation's row lock, so two
concurrent creations cannot both slip under a cap.
"""

from __future__ import annotations

from uuid import UUID

import asyncpg

from tender.policy import UploadLimits
from tender.submission import upload_queries
from tender.submission.model import UploadsOpenTooMany, UploadsStagedTooLarge


async def check_upload_limits(
    conn: asyncpg.Connection, limits: UploadLimits, *, lot_id: UUID, bidder_id: UUID, size: int
) -> None:
    """Refuse a new upload of ``size`` bytes over a cap; call it holding the row lock."""
    opened = await upload_queries.open_in_lot(conn, lot_id, bidder_id)
    if len(opened) >= limits.open_per_lot:
        raise UploadsOpenTooMany(
            f"your organisation already has {len(opened)} open uploads in this lot (at most "
            f"{limits.open_per_lot}): resume one of them (GET /api/v1/uploads/{{id}} gives "
            "its offset) — an idle one is abandoned after the idle period",
            details={"limit": limits.open_per_lot, "open": [str(i) for i in opened]},
        )
    staged = await upload_queries.staged_bytes(conn, bidder_id)
    if staged + size > limits.staged_bytes:
        raise UploadsStagedTooLarge(
            f"your organisation's uploads not in any bid hold {staged} bytes; with "
            f"{size} more they would exceed {limits.staged_bytes}: finish and submit, or "
            "resume, the uploads you have",
            details={"limit_bytes": limits.staged_bytes, "staged_bytes": staged,
                     "declared_size": size},
        )  # fmt: skip
