"""The chair's clarification commands through the real room: asked by seat, told to the
committee and staff, logged by hash, refused out of phase or by anyone but the chair,
nothing written on a refusal (Reg. 52)."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import uuid
from typing import Any

import asyncpg
import pytest

from accounts.model import Actor
from evaluation.clarifications import queries
from evaluation.clarifications.commands import ask_clarification
from evaluation.clarifications.model import Clarification, answer_form, question_sha256
from evaluation.clarifications.service import answer_clarification
from evaluation.model import DEFAULT_POLICY, Phase
from evaluation.sessions import service as sessions
from signing.cms import sign_detached
from signing.errors import EtenderError
from tests.evaluation.kit import (
    SessionWorld,
    Template,
    context,
    events,
    load,
    send,
    session_world,
    to_conflicts,
)
from tests.tender.world import entries
from tests.web.evaluation.kit import QUESTION, ask, everything, in_qualification

REASON = "该答复改变了投标报价，属于实质性内容变更。"


async def _refused(
    conn: asyncpg.Connection, w: SessionWorld, actor: Actor, kind: str, data: dict[str, Any]
) -> str:
    """Send a command that must be refused: its code; nothing written."""
    before = await everything(conn, w)
    with pytest.raises(EtenderError) as refused:
        await send(conn, w, actor, kind, data)
    assert await everything(conn, w) == before
    return refused.value.code


def _question(w: SessionWorld, bid: int = 0) -> dict[str, Any]:
    return {"bid": str(w.state.bids[bid].bid_id), "question": QUESTION}


async def test_the_chair_asks_and_the_panel_hears_the_question_by_seat(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Reg. 52: the question is stored, logged by its hash with the chair's seat (never a
    name), and told to the committee and staff (role:panel) as clarification.asked."""
    w = await session_world(conn, evaluation_template)
    await in_qualification(conn, w)
    bid = w.state.bids[0]
    seq = await send(conn, w, w.member(1), "ask_clarification", _question(w))
    (event,) = [e for e in await events(conn, w) if e.seq == seq]
    assert (event.kind, event.audience) == ("clarification.asked", "role:panel")
    assert event.data == {"id": event.data["id"], "bid": str(bid.bid_id), "question": QUESTION}
    stored = await queries.clarification(conn, w.state.id, uuid.UUID(event.data["id"]))
    assert stored is not None
    assert (stored.bidder, stored.asked_seat, stored.status) == (bid.bidder, 1, "asked")
    (entry,) = await entries(conn, "evaluation.clarification_asked")
    assert (entry.actor.user_id, entry.data["seat"]) == (None, 1)
    assert entry.data["question_sha256"] == question_sha256(QUESTION)
    text = entry.to_bytes().decode()
    assert QUESTION not in text
    assert w.member(1).username not in text
    assert str(w.member(1).user_id) not in text


async def test_no_question_before_the_review(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Scheduled, signing in, declaring, electing the chair: the committee does not
    review yet (evaluation_phase_conflict); nothing written."""
    w = await session_world(conn, evaluation_template)
    member = w.member(1)
    assert await _refused(conn, w, member, "ask_clarification", _question(w)) == (
        "evaluation_phase_conflict"
    )
    await to_conflicts(conn, w)
    assert await _refused(conn, w, member, "ask_clarification", _question(w)) == (
        "evaluation_phase_conflict"
    )
    for declaring in w.members:
        await send(conn, w, declaring, "declare", {"conflict": False})
    assert (await load(conn, w)).phase is Phase.CHAIR_ELECTION
    assert await _refused(conn, w, member, "ask_clarification", _question(w)) == (
        "evaluation_phase_conflict"
    )


@pytest.mark.parametrize("phase", [Phase.RANKING, Phase.SIGNING])
async def test_no_new_question_once_the_committee_ranks(
    conn: asyncpg.Connection, evaluation_template: Template, phase: Phase
) -> None:
    """Reg. 52 questions belong to the review and scoring: in ``phase`` (as the sheets and
    the report leave the session) the chair's question is refused by the phase rule."""
    w = await session_world(conn, evaluation_template)
    await in_qualification(conn, w)
    before = await everything(conn, w)
    async with conn.transaction():
        ctx = await context(conn, w, w.member(1), _question(w))
        moved = dataclasses.replace(ctx, state=dataclasses.replace(ctx.state, phase=phase))
        with pytest.raises(EtenderError) as refused:
            await ask_clarification(moved)
    assert refused.value.code == "evaluation_phase_conflict"
    assert await everything(conn, w) == before


async def test_a_paused_or_sealed_session_takes_no_question(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """A fault pauses everything but the host's resume (evaluation_paused_conflict);
    past the pause's limit the session is sealed and over."""
    policy = dataclasses.replace(DEFAULT_POLICY, pause_during=dt.timedelta(0))
    w = await session_world(conn, evaluation_template, policy=policy)
    await in_qualification(conn, w)
    await send(conn, w, w.staff, "pause", {"reason": "主场停电"})
    # The limit is zero: the question is the first command after it, and seals instead.
    await send(conn, w, w.member(1), "ask_clarification", _question(w))
    assert (await load(conn, w)).phase is Phase.SEALED
    assert await queries.of_session(conn, w.state.id) == []
    assert await _refused(conn, w, w.member(1), "ask_clarification", _question(w)) == (
        "evaluation_session_over_conflict"
    )


async def test_a_paused_session_within_its_limit_takes_no_question(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Paused (the default four hours): evaluation_paused_conflict, nothing written."""
    w = await session_world(conn, evaluation_template)
    await in_qualification(conn, w)
    await send(conn, w, w.staff, "pause", {"reason": "合肥副场断网"})
    assert await _refused(conn, w, w.member(1), "ask_clarification", _question(w)) == (
        "evaluation_paused_conflict"
    )


async def test_only_the_chair_asks(conn: asyncpg.Connection, evaluation_template: Template) -> None:
    """Another member, the supervisor, centre staff, the agency: refused; a bidder is no
    participant. Nothing written."""
    w = await session_world(conn, evaluation_template)
    await in_qualification(conn, w)
    for who, expected in (
        (w.member(2), "evaluation_chair_only"),
        (w.supervisor, "evaluation_not_member"),
        (w.staff, "evaluation_not_member"),
        (w.agency, "evaluation_not_member"),
        (w.bidder, "evaluation_not_participant"),
    ):
        assert await _refused(conn, w, who, "ask_clarification", _question(w)) == expected


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


async def test_bad_questions_are_refused_with_stable_codes(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Missing or mistyped fields, an unknown bid, NUL, blank or oversized text."""
    w = await session_world(conn, evaluation_template)
    await in_qualification(conn, w)
    for data, expected in BAD_QUESTIONS:
        if data.get("bid") == "BID":
            data = {**data, "bid": str(w.state.bids[0].bid_id)}
        assert await _refused(conn, w, w.member(1), "ask_clarification", data) == expected, data


async def _answered(conn: asyncpg.Connection, w: SessionWorld, asked: Clarification) -> None:
    """Bidder 1 answers, signed with its registered certificate (the HTTP use case)."""
    who = w.scenario.world.bidder_identities[0]
    answer = "工期按365日历天计。"
    signature = sign_detached(
        answer_form(w.state.id, asked, answer), who.certificate, who.key, chain=who.chain
    )
    await answer_clarification(
        conn, w.bidder, w.state.id, asked.id, answer=answer, signature=signature,
        trust=w.scenario.world.ca.trust_store(), load=sessions.load,
    )  # fmt: skip


async def test_only_an_answer_is_refused_and_only_once(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Refusing an unanswered question is a conflict; an answered one is refused once by
    the chair (clarification.refused to the panel, logged by the reason's hash); again:
    a conflict; an unknown id: not found."""
    w = await session_world(conn, evaluation_template)
    await in_qualification(conn, w)
    asked = await ask(conn, w)
    refusal = {"id": str(asked.id), "reason": REASON}
    chair = w.member(1)
    assert await _refused(conn, w, chair, "refuse_clarification", refusal) == (
        "evaluation_clarification_unanswered_conflict"
    )
    await _answered(conn, w, asked)
    assert await _refused(conn, w, w.member(2), "refuse_clarification", refusal) == (
        "evaluation_chair_only"
    )
    seq = await send(conn, w, chair, "refuse_clarification", refusal)
    (event,) = [e for e in await events(conn, w) if e.seq == seq]
    assert (event.kind, event.audience, event.data) == (
        "clarification.refused",
        "role:panel",
        {"id": str(asked.id), "bid": str(asked.bid_id), "reason": REASON},
    )
    refused = await queries.clarification(conn, w.state.id, asked.id)
    assert refused is not None
    assert (refused.status, refused.refused_seat) == ("refused", 1)
    (entry,) = await entries(conn, "evaluation.clarification_refused")
    assert REASON not in entry.to_bytes().decode()
    for data, expected in (
        (refusal, "evaluation_clarification_refused_conflict"),
        ({"id": str(uuid.uuid4()), "reason": REASON}, "evaluation_clarification_not_found"),
        ({"id": str(asked.id), "reason": ""}, "evaluation_command_invalid"),
        ({"id": base64.b64encode(b"x").decode(), "reason": REASON}, "evaluation_command_invalid"),
    ):
        assert await _refused(conn, w, chair, "refuse_clarification", data) == expected
