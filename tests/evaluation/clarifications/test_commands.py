"""The chair's clarification commands against PostgreSQL: asked by seat, logged by hash,
refused out of phase or by anyone but the chair, nothing written on a refusal (Reg. 52)."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
import pytest

from evaluation.clarifications import queries
from evaluation.clarifications.commands import ask_clarification, refuse_clarification
from evaluation.clarifications.errors import (
    ClarificationBidUnknown,
    ClarificationNotFound,
    ClarificationRefused,
    ClarificationUnanswered,
)
from evaluation.clarifications.model import question_sha256
from evaluation.model import Phase
from signing.errors import EtenderError
from tests.tender.world import World, entries
from tests.web.evaluation.kit import SessionWorld, context, counts, session_world

QUESTION = "请澄清投标文件第12页施工组织设计中的工期计算依据。"


async def _ask(conn: asyncpg.Connection, sw: SessionWorld, seat: int, data: dict[str, Any]) -> Any:
    async with conn.transaction():
        ctx = await context(conn, sw, sw.expert(seat), data)
        return await ask_clarification(ctx)


async def test_the_chair_asks_and_everyone_hears_the_question_by_seat(
    conn: asyncpg.Connection, world: World
) -> None:
    """Reg. 52: the question is stored, logged by its hash with the chair's seat (never a
    name), and told to everyone admitted as clarification.asked {id, bid, question}."""
    sw = await session_world(conn, world)
    bid = sw.state.bids[0]
    emits = await _ask(conn, sw, 1, {"bid": str(bid.bid_id), "question": QUESTION})
    assert [(e.kind, e.audience) for e in emits] == [("clarification.asked", "all")]
    data = dict(emits[0].data)
    assert data == {"id": data["id"], "bid": str(bid.bid_id), "question": QUESTION}
    stored = await queries.clarification(conn, sw.state.id, uuid.UUID(data["id"]))
    assert stored is not None
    assert (stored.bidder, stored.asked_seat, stored.status) == (bid.bidder, 1, "asked")
    (entry,) = await entries(conn, "evaluation.clarification_asked")
    assert entry.actor.user_id is None
    assert entry.data["question_sha256"] == question_sha256(QUESTION)
    assert entry.data["seat"] == 1
    assert QUESTION not in entry.to_bytes().decode()
    assert sw.expert(1).username not in entry.to_bytes().decode()


@pytest.mark.parametrize(
    ("phase", "code"),
    [
        (Phase.CONFLICTS, "evaluation_phase_conflict"),
        (Phase.RANKING, "evaluation_phase_conflict"),
        (Phase.SIGNING, "evaluation_phase_conflict"),
        (Phase.CLOSED, "evaluation_session_over_conflict"),
    ],
)
async def test_no_question_outside_review_and_scoring(
    conn: asyncpg.Connection, world: World, phase: Phase, code: str
) -> None:
    """Once the committee ranks (or before it reviews), no new question; nothing written."""
    sw = await session_world(conn, world)
    sw.with_phase(phase)
    before = await counts(conn)
    with pytest.raises(EtenderError) as refused:
        await _ask(conn, sw, 1, {"bid": str(sw.state.bids[0].bid_id), "question": QUESTION})
    assert refused.value.code == code
    assert await counts(conn) == before


async def test_a_paused_session_takes_no_question(conn: asyncpg.Connection, world: World) -> None:
    """A fault pauses everything but the host's resume (evaluation_paused_conflict)."""
    sw = await session_world(conn, world)
    sw.with_phase(Phase.SCORING, paused_at=sw.state.members[0].signed_in_at)
    with pytest.raises(EtenderError) as refused:
        await _ask(conn, sw, 1, {"bid": str(sw.state.bids[0].bid_id), "question": QUESTION})
    assert refused.value.code == "evaluation_paused_conflict"


async def test_only_the_chair_asks(conn: asyncpg.Connection, world: World) -> None:
    """Another member, the supervisor or centre staff: refused, nothing written."""
    sw = await session_world(conn, world)
    data = {"bid": str(sw.state.bids[0].bid_id), "question": QUESTION}
    before = await counts(conn)
    for who, code in ((sw.expert(2), "evaluation_chair_only"),
                      (world.supervisor, "evaluation_not_member"),
                      (world.staff, "evaluation_not_member")):  # fmt: skip
        with pytest.raises(EtenderError) as refused:
            async with conn.transaction():
                await ask_clarification(await context(conn, sw, who, data))
        assert refused.value.code == code
    assert await counts(conn) == before


BAD_QUESTIONS: list[tuple[dict[str, Any], str]] = [
    ({"question": QUESTION}, "evaluation_command_invalid"),
    ({"bid": 7, "question": QUESTION}, "evaluation_command_invalid"),
    ({"bid": "not-a-uuid", "question": QUESTION}, "evaluation_command_invalid"),
    ({"bid": str(uuid.uuid4()), "question": QUESTION}, "evaluation_clarification_bid_unknown"),
    ({"bid": "BID", "question": "含\x00空字符"}, "evaluation_command_invalid"),
    ({"bid": "BID", "question": "长" * 2001}, "evaluation_command_invalid"),
    ({"bid": "BID", "question": "  \n "}, "evaluation_command_invalid"),
    ({"bid": "BID", "question": ["列表"]}, "evaluation_command_invalid"),
    ({"bid": "BID"}, "evaluation_command_invalid"),
]


@pytest.mark.parametrize(("data", "code"), BAD_QUESTIONS)
async def test_bad_questions_are_refused_with_stable_codes(
    conn: asyncpg.Connection, world: World, data: dict[str, Any], code: str
) -> None:
    """Missing or mistyped fields, an unknown bid, NUL, blank or oversized text."""
    sw = await session_world(conn, world)
    if data.get("bid") == "BID":
        data = {**data, "bid": str(sw.state.bids[0].bid_id)}
    before = await counts(conn)
    with pytest.raises(EtenderError) as refused:
        await _ask(conn, sw, 1, data)
    assert refused.value.code == code
    assert isinstance(refused.value, ClarificationBidUnknown) == (
        code == "evaluation_clarification_bid_unknown"
    )
    assert await counts(conn) == before


async def _refuse(
    conn: asyncpg.Connection, sw: SessionWorld, seat: int, data: dict[str, Any]
) -> Any:
    async with conn.transaction():
        return await refuse_clarification(await context(conn, sw, sw.expert(seat), data))


async def test_only_an_answer_is_refused_and_only_once(
    conn: asyncpg.Connection, world: World
) -> None:
    """Refusing an unanswered question is a conflict; an answered one is refused once
    (clarification.refused to all, logged by the reason's hash); again: a conflict."""
    sw = await session_world(conn, world)
    emits = await _ask(conn, sw, 1, {"bid": str(sw.state.bids[0].bid_id), "question": QUESTION})
    cid = uuid.UUID(emits[0].data["id"])
    reason = "该答复改变了投标报价，属于实质性内容变更。"
    with pytest.raises(ClarificationUnanswered):
        await _refuse(conn, sw, 1, {"id": str(cid), "reason": reason})
    stored = await queries.clarification(conn, sw.state.id, cid)
    assert stored is not None
    await queries.record_answer(
        conn, stored, answer="工期按365日历天计。", signature=b"sig", signer_cert_sha256="0" * 64,
        answered_by=world.bidders[0].user_id, at=stored.asked_at, log_index=0,
    )  # fmt: skip
    with pytest.raises(EtenderError) as not_chair:
        await _refuse(conn, sw, 2, {"id": str(cid), "reason": reason})
    assert not_chair.value.code == "evaluation_chair_only"
    done = await _refuse(conn, sw, 1, {"id": str(cid), "reason": reason})
    assert [(e.kind, dict(e.data)) for e in done] == [
        ("clarification.refused", {"id": str(cid), "bid": str(stored.bid_id), "reason": reason})
    ]
    refused = await queries.clarification(conn, sw.state.id, cid)
    assert refused is not None
    assert (refused.status, refused.refused_seat) == ("refused", 1)
    (entry,) = await entries(conn, "evaluation.clarification_refused")
    assert reason not in entry.to_bytes().decode()
    before = await counts(conn)
    with pytest.raises(ClarificationRefused):
        await _refuse(conn, sw, 1, {"id": str(cid), "reason": reason})
    with pytest.raises(ClarificationNotFound):
        await _refuse(conn, sw, 1, {"id": str(uuid.uuid4()), "reason": reason})
    with pytest.raises(EtenderError) as bad:
        await _refuse(conn, sw, 1, {"id": str(cid), "reason": ""})
    assert bad.value.code == "evaluation_command_invalid"
    assert await counts(conn) == before
