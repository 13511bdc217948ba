"""A member the draw's replacement round released stops reading the committee
(`GET /api/v1/draws/{id}/members`, expert_pool.views.service.sealed_list) and is
listed `released`, never `confirmed` (docs/formats/draw.md §4.1; issue 11)."""

from __future__ import annotations

import asyncpg
import pytest

from accounts.errors import PermissionDenied
from accounts.model import Actor
from expert_pool.views import service as views
from tests.evaluation.kit import (
    SessionWorld,
    Template,
    confirm_in_draw,
    send,
    session_world,
    to_conflicts,
)

CONFLICT = {"conflict": True, "explanation": "曾在投标人1任职"}


async def _expert_id(conn: asyncpg.Connection, actor: Actor) -> str:
    found: str = await conn.fetchval("SELECT id FROM experts WHERE user_id = $1", actor.user_id)
    return found


async def _statuses(conn: asyncpg.Connection, w: SessionWorld) -> dict[str, tuple[str, bool]]:
    listed = await views.sealed_list(conn, w.supervisor, w.state.draw_id)
    return {m.expert_id: (m.status, m.seated) for m in listed.members}


async def test_a_released_expert_loses_the_committee_list_and_is_listed_released(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Seat 3 signs in (it reads the list: the committee at sign-in), declares a conflict,
    a supervisor approves, centre staff open the round: from its release it is refused
    the list like any non-member, and the list shows it `released`, not seated; the
    seated members and the successor keep reading it."""
    w = await session_world(conn, evaluation_template)
    await to_conflicts(conn, w)
    leaving = await _expert_id(conn, w.member(3))
    seen = await views.sealed_list(conn, w.member(3), w.state.draw_id)
    assert {m.expert_id for m in seen.members} >= {leaving}
    await send(conn, w, w.member(3), "declare", CONFLICT)
    await send(conn, w, w.supervisor, "approve_replacement", {"seat": 3})
    assert (await _statuses(conn, w))[leaving] == ("confirmed", True)
    successor = await confirm_in_draw(conn, w)
    with pytest.raises(PermissionDenied):
        await views.sealed_list(conn, w.member(3), w.state.draw_id)
    statuses = await _statuses(conn, w)
    assert statuses[leaving] == ("released", False)
    assert statuses[await _expert_id(conn, successor)] == ("confirmed", True)
    assert [s for e, s in statuses.items() if e != leaving].count(("confirmed", True)) == 5
    assert (await views.sealed_list(conn, w.member(1), w.state.draw_id)).draw_id == w.state.draw_id
