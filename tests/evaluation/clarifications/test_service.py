"""A bidder's signed answer against PostgreSQL: per object (another bidder's question
is not found), verified against the canonical form and the bidder's own current
certificate, one per question, stored, logged and told to the session together."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from typing import Any

import asyncpg
import pytest

from accounts.errors import PermissionDenied
from accounts.model import Actor
from evaluation.clarifications import queries
from evaluation.clarifications.commands import ask_clarification
from evaluation.clarifications.errors import (
    ClarificationAnswered,
    ClarificationClosed,
    ClarificationNotFound,
    ClarificationSignerMismatch,
    ClarificationTextInvalid,
)
from evaluation.clarifications.model import Clarification, answer_form
from evaluation.clarifications.service import answer_clarification, list_clarifications
from evaluation.errors import EvaluationSessionOver
from evaluation.model import Phase
from live import queries as live
from signing.certs import Identity
from signing.cms import sign_detached
from signing.demo_ca import issue_identity
from signing.errors import EtenderError
from tests.accounts.factory import actor_for, make_user
from tests.tender.world import World, entries
from tests.web.evaluation.kit import SessionStandIn, SessionWorld, context, counts, session_world

ANSWER = "工期按365日历天计，见第12页。"


async def _asked(conn: asyncpg.Connection, sw: SessionWorld, bid_index: int = 0) -> Clarification:
    data = {"bid": str(sw.state.bids[bid_index].bid_id), "question": "工期依据？"}
    async with conn.transaction():
        emits = await ask_clarification(await context(conn, sw, sw.expert(1), data))
    found = await queries.clarification(conn, sw.state.id, uuid.UUID(emits[0].data["id"]))
    assert found is not None
    return found


def _sign(sw: SessionWorld, asked: Clarification, answer: str, who: Identity) -> bytes:
    signed = answer_form(sw.state.id, asked, answer)
    return sign_detached(signed, who.certificate, who.key, chain=who.chain)


async def _answer(
    conn: asyncpg.Connection, sw: SessionWorld, actor: Actor, asked: Clarification,
    answer: str = ANSWER, signature: bytes | None = None, **kwargs: Any,
) -> Clarification:  # fmt: skip
    stand_in = SessionStandIn()
    stand_in.add(sw.state)
    if signature is None:
        signature = _sign(sw, asked, answer, sw.world.bidder_identities[0])
    return await answer_clarification(
        conn, actor, sw.state.id, asked.id, answer=answer, signature=signature,
        trust=sw.world.ca.trust_store(), load=stand_in.load, **kwargs,
    )  # fmt: skip


async def test_the_bidder_answers_once_signed_logged_and_told_to_the_session(
    conn: asyncpg.Connection, world: World
) -> None:
    """The answer is stored with its signature, logged by its hash with the bidder named,
    and appended to the session as clarification.answered in the same transaction."""
    sw = await session_world(conn, world)
    asked = await _asked(conn, sw)
    done = await _answer(conn, sw, world.bidders[0], asked)
    assert (done.status, done.answer, done.answered_by) == ("answered", ANSWER,
                                                            world.bidders[0].user_id)  # fmt: skip
    (entry,) = await entries(conn, "evaluation.clarification_answered")
    assert entry.actor.user_id == str(world.bidders[0].user_id)
    assert entry.data["bidder"] == asked.bidder
    assert ANSWER not in entry.to_bytes().decode()
    events = [e for e in await live.events_after(conn, sw.state.id, 0)]
    assert [(e.kind, e.data, e.audience) for e in events] == [
        ("clarification.answered", {"id": str(asked.id), "bid": str(asked.bid_id),
                                    "answer": ANSWER}, "all")
    ]  # fmt: skip
    before = await counts(conn)
    with pytest.raises(ClarificationAnswered):
        await _answer(conn, sw, world.bidders[0], asked, "另一个答复")
    assert await counts(conn) == before


async def test_another_bidder_finds_no_such_clarification(
    conn: asyncpg.Connection, world: World
) -> None:
    """Per object: bidder 2 answering bidder 1's question, or any id at all, gets the
    not-found a random id gets; an agency user too; nothing written."""
    sw = await session_world(conn, world)
    asked = await _asked(conn, sw)
    before = await counts(conn)
    for actor in (world.bidders[1], world.agency, world.staff):
        with pytest.raises(ClarificationNotFound):
            await _answer(conn, sw, actor, asked)
    ghost = dataclasses.replace(asked, id=uuid.uuid4())
    with pytest.raises(ClarificationNotFound):
        await _answer(conn, sw, world.bidders[0], ghost)
    assert await counts(conn) == before


async def test_forged_and_foreign_signatures_are_refused(
    conn: asyncpg.Connection, world: World
) -> None:
    """A signature over other words, garbage, another bidder's certificate, or a
    certificate of the right bidder never registered: each its code, nothing written."""
    sw = await session_world(conn, world)
    asked = await _asked(conn, sw)
    mine = world.bidder_identities[0]
    unregistered = issue_identity(
        world.ca, name="投标人1", org_credit_code=world.bidder_orgs[0].credit_code,
        now=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1),
    )  # fmt: skip
    mismatch = "evaluation_clarification_signer_mismatch"
    cases = [
        (_sign(sw, asked, "别的话", mine), "content_digest_mismatch"),
        (b"\x30\x03\x02\x01\x00", "signature_malformed"),
        (_sign(sw, asked, ANSWER, world.bidder_identities[1]), mismatch),
        (_sign(sw, asked, ANSWER, unregistered), mismatch),
    ]
    before = await counts(conn)
    for signature, code in cases:
        with pytest.raises(EtenderError) as refused:
            await _answer(conn, sw, world.bidders[0], asked, signature=signature)
        assert refused.value.code == code
        assert isinstance(refused.value, ClarificationSignerMismatch) == ("clarification" in code)
    # The same signature on another clarification's form (a replay) does not verify.
    other = await _asked(conn, sw)
    before = await counts(conn)
    with pytest.raises(EtenderError) as replayed:
        await _answer(conn, sw, world.bidders[0], other, signature=_sign(sw, asked, ANSWER, mine))
    assert replayed.value.code == "content_digest_mismatch"
    assert await counts(conn) == before


@pytest.mark.parametrize("text", ["", "   ", "含\x00", "长" * 4001, "\x07铃"])
async def test_answers_that_are_no_text_are_refused(
    conn: asyncpg.Connection, world: World, text: str
) -> None:
    """Blank, NUL, control characters or more than 4000 characters."""
    sw = await session_world(conn, world)
    asked = await _asked(conn, sw)
    before = await counts(conn)
    with pytest.raises(ClarificationTextInvalid):
        await _answer(conn, sw, world.bidders[0], asked, text, signature=b"x")
    assert await counts(conn) == before


async def test_answers_stop_at_the_report_and_the_close(
    conn: asyncpg.Connection, world: World
) -> None:
    """In signing: closed (409); closed or sealed: the session is over; in ranking: taken."""
    sw = await session_world(conn, world)
    asked = await _asked(conn, sw)
    before = await counts(conn)
    sw.with_phase(Phase.SIGNING)
    with pytest.raises(ClarificationClosed):
        await _answer(conn, sw, world.bidders[0], asked)
    sw.with_phase(Phase.SEALED)
    with pytest.raises(EvaluationSessionOver):
        await _answer(conn, sw, world.bidders[0], asked)
    assert await counts(conn) == before
    sw.with_phase(Phase.RANKING)
    assert (await _answer(conn, sw, world.bidders[0], asked)).status == "answered"


async def test_who_reads_which_clarifications(conn: asyncpg.Connection, world: World) -> None:
    """Participants read all; a bidder its own; anyone else is refused (403)."""
    sw = await session_world(conn, world)
    first, second = await _asked(conn, sw, 0), await _asked(conn, sw, 1)
    everything = [first.id, second.id]
    for actor in (world.staff, world.supervisor, world.agency, world.tenderer,
                  await actor_for(conn, sw.expert(3))):  # fmt: skip
        assert [c.id for c in await list_clarifications(conn, actor, sw.state)] == everything
    assert [c.id for c in await list_clarifications(conn, world.bidders[0], sw.state)] == [first.id]
    assert [c.id for c in await list_clarifications(conn, world.bidders[1], sw.state)] == [
        second.id
    ]
    assert await list_clarifications(conn, world.bidders[2], sw.state) == []
    stranger = await actor_for(conn, await make_user(conn, world.other_agency_org))
    for actor in (world.other_agency, stranger):
        with pytest.raises(PermissionDenied):
            await list_clarifications(conn, actor, sw.state)
