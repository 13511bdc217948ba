"""What the report reads of the members' sheets, until evaluation/sheets lands (issue 11).

TODO(integrator): the SHEETS helper builds evaluation/sheets/service.py in parallel. Wire
``revealed_sheets`` and ``explanations`` to its read functions (same results: every
revealed version of every sheet of the session, void holders' included — the report
drops those itself — and every written explanation of a flagged item), converting to
the plain values of evaluation/report/inputs.py, and delete the NotImplementedError
bodies. Until then the report's tests install their own reader
(tests/evaluation/report/kit.py), fed with sheets signed by real members.
"""

from __future__ import annotations

from uuid import UUID

import asyncpg

from evaluation.report.inputs import Explanation, RevealedSheet


async def revealed_sheets(conn: asyncpg.Connection, session_id: UUID) -> tuple[RevealedSheet, ...]:
    """Every revealed version of every sheet of the session (void holders' too)."""
    raise NotImplementedError("TODO(integrator): evaluation.sheets.service's revealed sheets")


async def explanations(conn: asyncpg.Connection, session_id: UUID) -> tuple[Explanation, ...]:
    """Every explanation of a flagged item written in the session."""
    raise NotImplementedError("TODO(integrator): evaluation.sheets.service's explanations")
