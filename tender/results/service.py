"""The results' read functions for the later stages (CONTRACTS.md, "award → everyone").

The notices, contracts, OCDS and archive work import these (no permission check: they
compose their own):

- ``publicities(conn, tender_id) -> list[Publicity]`` — every publicised lot, by lot;
- ``decisions(conn, tender_id) -> list[AwardDecision]`` — by lot, in step order;
- ``current_award(conn, tender_id, lot) -> AwardDecision | None`` — the lot's winner now;
- ``announcements(conn, tender_id) -> list[Announcement]`` — the result announcements;
- ``closure(conn, tender_id) -> Closure | None`` — a failed or cancelled tender's notice;
- ``objections(conn, tender_id) -> list[CandidateObjection]``;
- ``procedure_report(conn, tender_id) -> ProcedureReport | None``.
"""

from __future__ import annotations

from uuid import UUID

import asyncpg

from tender.results import outcome_queries, queries
from tender.results.model import AwardDecision, CandidateObjection, Publicity
from tender.results.outcome_queries import Announcement, Closure, ProcedureReport


async def publicities(conn: asyncpg.Connection, tender_id: UUID) -> list[Publicity]:
    """Every publicised lot of the tender, by lot number."""
    return await queries.publicities(conn, tender_id)


async def decisions(conn: asyncpg.Connection, tender_id: UUID) -> list[AwardDecision]:
    """The tender's award decisions, by lot, in step order."""
    return await queries.decisions(conn, tender_id)


async def current_award(
    conn: asyncpg.Connection, tender_id: UUID, lot: str
) -> AwardDecision | None:
    """The lot's current award (its winner now), if any."""
    return await queries.current_award(conn, tender_id, lot)


async def announcements(conn: asyncpg.Connection, tender_id: UUID) -> list[Announcement]:
    """The tender's result announcements, by lot, in step order."""
    return await outcome_queries.announcements(conn, tender_id)


async def closure(conn: asyncpg.Connection, tender_id: UUID) -> Closure | None:
    """A failed or cancelled tender's public notice, if any."""
    return await outcome_queries.closure(conn, tender_id)


async def objections(conn: asyncpg.Connection, tender_id: UUID) -> list[CandidateObjection]:
    """Every objection to the tender's candidates, oldest first."""
    return await queries.objections(conn, tender_id)


async def procedure_report(conn: asyncpg.Connection, tender_id: UUID) -> ProcedureReport | None:
    """The written report's due time and submission, once the tender is awarded."""
    return await outcome_queries.procedure_report(conn, tender_id)


__all__ = [
    "Announcement",
    "Closure",
    "ProcedureReport",
    "announcements",
    "closure",
    "current_award",
    "decisions",
    "objections",
    "procedure_report",
    "publicities",
]
