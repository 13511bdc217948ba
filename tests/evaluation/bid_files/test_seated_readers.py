"""Opened bid files follow the seated holders of the lot's session (issue 11;
evaluation/bid_files/readers.py): before a session is scheduled and started no member
reads, and a member who
recused, or whose replacement a supervisor approved, stops reading at once — not only
when centre staff release it through the draw's replacement round."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest

from accounts.errors import PermissionDenied
from accounts.model import Actor
from evaluation.bid_files.service import list_bid_files, open_bid_file, read_chunks
from tests.accounts.factory import actor_for
from tests.evaluation.kit import (
    SessionWorld,
    Template,
    confirm_in_draw,
    send,
    session_world,
    sign_in_all,
)
from tests.evaluation.scenario import FILE_NAME

CONFLICT = {"conflict": True, "explanation": "曾在投标人1任职"}


async def _reads(conn: asyncpg.Connection, w: SessionWorld, actor: Actor) -> bool:
    """Whether ``actor`` lists the lot's files and reads one; a refusal refuses both."""
    s = w.scenario
    try:
        listed = await list_bid_files(conn, actor, s.tender.id, "1", output_root=s.output_root)
    except PermissionDenied:
        with pytest.raises(PermissionDenied):
            await open_bid_file(
                conn, actor, s.tender.id, "1", w.state.bids[0].bid_id, "technical", FILE_NAME,
                output_root=s.output_root,
            )  # fmt: skip
        return False
    first = listed[0]
    opened = await open_bid_file(
        conn, actor, s.tender.id, "1", first.bid_id, "technical", first.path,
        output_root=s.output_root,
    )  # fmt: skip
    assert len(b"".join([c async for c in read_chunks(opened)])) == first.size
    return True


async def test_a_confirmed_committee_reads_nothing_before_any_session_is_scheduled(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """两随机、四不知 (DOMAIN.md): the draw is complete and every expert confirmed, but no
    session exists — no member may learn the project from its bids; the supervisor may."""
    s = evaluation_template.scenario
    member = await actor_for(conn, s.committee[0])
    with pytest.raises(PermissionDenied):
        await list_bid_files(conn, member, s.tender.id, "1", output_root=s.output_root)
    supervisor = s.world.supervisor
    assert await list_bid_files(conn, supervisor, s.tender.id, "1", output_root=s.output_root)


async def test_members_read_opened_bids_only_while_seated_in_a_started_session(
    conn: asyncpg.Connection, evaluation_template: Template, tmp_path: Path
) -> None:
    """Scheduled and sign-in: no member reads (the supervisor does). Started: the seated
    members read; seat 3 declares a conflict and seat 2's holder is replaced on the
    host's request: both stop reading at the recusal and the approval, before any
    replacement round; the successor the round confirmed reads once seated."""
    w = await session_world(conn, evaluation_template)
    assert await _reads(conn, w, w.supervisor)
    assert not await _reads(conn, w, w.member(1))  # scheduled
    await sign_in_all(conn, w)
    assert not await _reads(conn, w, w.member(1))  # sign_in: the project is not told yet
    await send(conn, w, w.staff, "start")
    assert await _reads(conn, w, w.member(1))
    assert await _reads(conn, w, w.member(3))
    await send(conn, w, w.member(3), "declare", CONFLICT)
    assert not await _reads(conn, w, w.member(3))  # recused
    assert await _reads(conn, w, w.member(2))
    await send(conn, w, w.staff, "request_replacement", {"seat": 2, "reason": "另有公务"})
    assert await _reads(conn, w, w.member(2))  # still seated until a supervisor approves
    await send(conn, w, w.supervisor, "approve_replacement", {"seat": 2})
    assert not await _reads(conn, w, w.member(2))  # replaced
    await send(conn, w, w.supervisor, "approve_replacement", {"seat": 3})
    assert not await _reads(conn, w, w.member(3))
    successor = await confirm_in_draw(conn, w)
    assert not await _reads(conn, w, successor)  # confirmed in the draw, not yet seated
    seat = 2 if await _holds_next(conn, w, successor, 2) else 3
    await send(
        conn, w, w.staff, "seat_replacement", {"seat": seat, "user_id": str(successor.user_id)}
    )
    assert await _reads(conn, w, successor)
    assert not await _reads(conn, w, w.member(2))
    assert not await _reads(conn, w, w.member(3))
    assert await _reads(conn, w, w.supervisor)


async def _holds_next(conn: asyncpg.Connection, w: SessionWorld, who: Actor, seat: int) -> bool:
    """Whether the replacement round confirmed ``who`` for ``seat``'s replacement."""
    from expert_pool.views import service as views

    found = await views.replacement_candidates(conn, w.state.id, seat, 1)
    return who.user_id in found
