"""The one read of the session core the report needs outside a command: the latest
session of a lot (``evaluation.report.service.passed_bids`` and ``commercial_bids``, which
the opening hall's commercial stage calls over HTTP). Every command receives its state
in ``Ctx``.
"""

from __future__ import annotations

from uuid import UUID

import asyncpg

from evaluation.model import SessionState
from evaluation.sessions import service as sessions


async def latest_session(
    conn: asyncpg.Connection, tender_id: UUID, lot: str
) -> SessionState | None:
    """The lot's session of the highest attempt (a sealed attempt is followed by a new
    committee's), if it has one."""
    found = [s for s in await sessions.sessions_of_tender(conn, tender_id) if s.lot == lot]
    if not found:
        return None
    latest = max(found, key=lambda s: s.attempt)
    return await sessions.load(conn, latest.id, lock=False)
