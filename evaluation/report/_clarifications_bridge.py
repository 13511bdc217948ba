"""The clarification minutes the report lists, until evaluation/clarifications lands.

TODO(integrator): the WEB helper builds evaluation/clarifications in parallel (the chair's
written questions, each bidder's signed answer; Reg. 52). Wire ``clarification_minutes``
to its read function: every question of the session, oldest first, with its answer if
there is one, as the plain values of evaluation/report/inputs.py (the report lists them
as docs/formats/evaluation-report.md §3 ``clarifications`` says, and nothing else of them).
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
