"""The clarification minutes the report lists (evaluation/clarifications): each as
inputs.Clarification — the question, the answer, the chair's refusal and their times,
and nothing else of them (not the bidder's signature), docs/formats/evaluation-report.md
§3 ``clarifications``.
"""

from __future__ import annotations

from uuid import UUID

import asyncpg

from evaluation.clarifications import queries
from evaluation.report.inputs import Clarification


async def clarification_minutes(
    conn: asyncpg.Connection, session_id: UUID
) -> tuple[Clarification, ...]:
    """Every clarification of the session, oldest first."""
    return tuple(
        Clarification(
            bid=c.bid_id,
            question=c.question,
            answer=c.answer,
            asked_at=c.asked_at,
            answered_at=c.answered_at,
            refusal=c.refusal,
            refused_at=c.refused_at,
        )
        for c in await queries.of_session(conn, session_id)
    )
