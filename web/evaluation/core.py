"""The session core's and the report's use cases as the evaluation routes reach them.

The routes call the domain (evaluation.sessions.service, evaluation.report.reading)
through these few functions, so that what a route shows of a session list is decided
in one place: a lot's attempts, and the sessions a member holds a seat in.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

import asyncpg

from accounts.model import Actor
from evaluation.model import SessionState
from evaluation.report import reading
from evaluation.sessions import service as sessions


async def load(conn: asyncpg.Connection, session_id: UUID, *, lock: bool = False) -> SessionState:
    """The session (``lock``: under its row lock, to the transaction's end)."""
    return await sessions.load(conn, session_id, lock=lock)


async def for_lot(conn: asyncpg.Connection, tender_id: UUID, lot: str) -> list[SessionState]:
    """Every session (attempt) of a tender's lot, first attempt first."""
    found = [s for s in await sessions.sessions_of_tender(conn, tender_id) if s.lot == lot]
    return [await load(conn, s.id) for s in sorted(found, key=lambda s: s.attempt)]


async def of_member(conn: asyncpg.Connection, user_id: UUID) -> list[SessionState]:
    """The sessions in which the user holds a seat now."""
    return [await load(conn, s.id) for s in await sessions.sessions_of_user(conn, user_id)]


async def schedule(
    conn: asyncpg.Connection,
    actor: Actor,
    tender_id: UUID,
    lot: str,
    *,
    main_venue_id: str,
    representatives: Sequence[UUID],
    starts_at: datetime,
) -> SessionState:
    """Centre staff schedule the lot's session (its draw complete, record published)."""
    return await sessions.schedule(
        conn, actor, tender_id, lot, main_venue_id=main_venue_id,
        representatives=list(representatives), starts_at=starts_at,
    )  # fmt: skip


async def report_json(conn: asyncpg.Connection, actor: Actor, state: SessionState) -> bytes:
    """The report's exact signed bytes, RFC 8785 JSON (docs/formats/evaluation-report.md)."""
    return await reading.report_body(conn, actor, state.id)


async def report_pdf(conn: asyncpg.Connection, actor: Actor, state: SessionState) -> bytes:
    """The report as the Chinese PDF."""
    return await reading.report_pdf(conn, actor, state.id)
