"""What the report reads of the members' sheets, until evaluation/sheets lands (issue 11).

TODO(integrator): the SHEETS helper's evaluation/sheets (branch ``sheets``) has them:

- ``revealed_sheets``: for each phase of ``sheet_phases(state.method.method)``,
  ``evaluation.sheets.service.member_sheets(conn, state, str(phase))``, and of each
  seat's ``versions`` the rows with ``row.revealed``, each as
  RevealedSheet(phase, seat=row.seat, generation=row.generation, version=row.version,
  sha256=row.commitment.hex(), body=row.plaintext, signature=row.signature,
  revealed_at=row.revealed_at or row.submitted_at, reasons=row.reasons and tuple(...));
- ``explanations``: ``evaluation.sheets.service.review(conn, state, str(phase))
  .explanations`` for the value phase, each ItemNote as Explanation(phase, seat,
  generation, bid, item, text=note.text, at=note.at).

Until then the report's tests install their own reader (tests/evaluation/report/kit.py),
fed with sheets in the format, signed by real members.
"""

from __future__ import annotations

import asyncpg

from evaluation.model import SessionState
from evaluation.report.inputs import Explanation, RevealedSheet


async def revealed_sheets(
    conn: asyncpg.Connection, state: SessionState
) -> tuple[RevealedSheet, ...]:
    """Every revealed version of every sheet of the session (void holders' may be left out)."""
    raise NotImplementedError("TODO(integrator): evaluation.sheets.service's revealed sheets")


async def explanations(conn: asyncpg.Connection, state: SessionState) -> tuple[Explanation, ...]:
    """Every explanation of a flagged item written in the session."""
    raise NotImplementedError("TODO(integrator): evaluation.sheets.service's explanations")
