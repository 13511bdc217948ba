"""How tests read the platform's alerts, whichever table holds them.

Supervision owns every alert (issue 14); tests of other packages read them only through
:func:`alerts_of`, so moving the storage changes this file alone.
"""

from __future__ import annotations

from uuid import UUID

import asyncpg


async def alerts_of(conn: asyncpg.Connection, tender_id: UUID) -> list[tuple[str, str]]:
    """A tender's alerts as (kind, subject), oldest first."""
    rows = await conn.fetch(
        "SELECT kind, subject FROM tender_alerts WHERE tender_id = $1 ORDER BY raised_at, kind",
        tender_id,
    )
    return [(row["kind"], row["subject"]) for row in rows]
