"""The one read of the session core the report needs, until evaluation/sessions lands.

TODO(integrator): the CORE helper builds evaluation/sessions in parallel. Wire
``latest_session`` to its queries: the session of (tender, lot) with the highest attempt
(a sealed attempt is followed by a new committee's), loaded without the row lock
(``evaluation.sessions.service.load(conn, session_id, lock=False)``), or None when the
lot has none. Only ``evaluation.report.service.passed_bids`` calls it: every command
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
