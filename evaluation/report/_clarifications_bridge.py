"""The clarification minutes the report lists, until evaluation/clarifications lands.

TODO(integrator): the WEB helper's evaluation/clarifications (branch ``web``) has them:
``evaluation.clarifications.queries.of_session(conn, session_id)``, each converted to
inputs.Clarification(bid=c.bid_id, question=c.question, answer=c.answer,
asked_at=c.asked_at, answered_at=c.answered_at, refusal=c.refusal,
refused_at=c.refused_at). The report lists them as docs/formats/evaluation-report.md §3
``clarifications`` says, and nothing else of them (not the bidder's signature).
"""

from __future__ import annotations

from uuid import UUID

import asyncpg

from evaluation.report.inputs import Clarification


async def clarification_minutes(
    conn: asyncpg.Connection, session_id: UUID
) -> tuple[Clarification, ...]:
    """Every clarification of the session, oldest first."""
    raise NotImplementedError("TODO(integrator): evaluation.clarifications' minutes")
