"""The session core's and the report's use cases as the evaluation routes reach them.

The routes call the domain (evaluation.sessions.service, evaluation.report.reading)
through these few functions, so that what a route shows of a session list is decided
in one place: a lot's attempts, and the sessions a member holds a seat in.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from accounts.model import Actor
from evaluation.model import SessionState
from evaluation.report import reading
from evaluation.sessions import service as sessions
from expert_pool.answers import queries as draw_venues
from expert_pool.venues import queries as venue_catalogue


async def load(conn: asyncpg.Connection, session_id: UUID, *, lock: bool = False) -> SessionState:
    """The session (``lock``: under its row lock, to the transaction's end)."""
    return await sessions.load(conn, session_id, lock=lock)


async def venues(conn: asyncpg.Connection, state: SessionState) -> list[dict[str, Any]]:
    """The session's venues as the pages show them: the main venue, then the assisting
    venues the lot's draw picked — ``{"id", "name", "main"}`` (the name is the id when
    the catalogue has none)."""
    main = await venue_catalogue.venue(conn, state.main_venue_id)
    name = main.name if main is not None else state.main_venue_id
    out: list[dict[str, Any]] = [{"id": state.main_venue_id, "name": name, "main": True}]
    for venue_id, picked, _region, _label in await draw_venues.venue_picks(conn, state.draw_id):
        if venue_id != state.main_venue_id:
            out.append({"id": venue_id, "name": picked, "main": False})
    return out


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
