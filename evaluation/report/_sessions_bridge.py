"""The one read of the session core the report needs, until evaluation/sessions lands.

TODO(integrator): the CORE helper's evaluation/sessions (branch ``core``) has it: of
``evaluation.sessions.service.sessions_of_tender(conn, tender_id)`` the one of ``lot``
with the highest ``attempt`` (a sealed attempt is followed by a new committee's), then
``evaluation.sessions.service.load(conn, that.id, lock=False)``; None when the lot has
no session. Only ``evaluation.report.service.passed_bids`` calls it: every command
receives its state in ``Ctx``.
"""

from __future__ import annotations

from uuid import UUID

import asyncpg

from evaluation.model import SessionState


async def latest_session(
    conn: asyncpg.Connection, tender_id: UUID, lot: str
) -> SessionState | None:
    """The lot's session of the highest attempt, if it has one."""
    raise NotImplementedError("TODO(integrator): evaluation.sessions' latest session of a lot")
