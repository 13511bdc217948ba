"""The records handover is expected from the session's real close: the last member's
signature closes the session, and in that transaction each assisting venue's handover
is opened with the session's policy (DOMAIN.md, "Remote cross-city evaluation")."""

from __future__ import annotations

from pathlib import Path

import asyncpg

from evaluation.venues import queries
from tests.evaluation.kit import Template, events, session_world
from tests.web.evaluation.closing import copy_data, to_closed
from tests.web.evaluation.kit import ASSISTING


async def test_the_close_expects_a_handover_from_each_assisting_venue(
    conn: asyncpg.Connection, evaluation_template: Template, tmp_path: Path
) -> None:
    """Driven through the room to its close (seats 4 and 5 away from the main venue):
    one handover per assisting venue, due from the close's time, none yet recorded."""
    w = await session_world(conn, evaluation_template)
    await to_closed(conn, w, copy_data(evaluation_template, tmp_path))
    closed = next(e for e in await events(conn, w) if e.kind == "session.closed")
    found = await queries.of_session(conn, w.state.id)
    assert [(h.venue_id, h.working_days, h.handed_over_at) for h in found] == [
        (ASSISTING[0], 5, None),
        (ASSISTING[1], 5, None),
    ]
    assert all(h.closed_at <= closed.created_at for h in found)
    assert {h.tender_id for h in found} == {w.state.tender_id}
