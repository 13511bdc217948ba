"""A bidder's signed answer to a question the chair asked in a real session: per object
(another bidder's question is not found), verified against the canonical form and the
bidder's own current certificate, one per question, stored, logged and told to the
session together; read per viewer."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

import asyncpg
import pytest

from accounts.errors import PermissionDenied
from accounts.model import Actor
from evaluation.clarifications.errors import (
    ClarificationAnswered,
    ClarificationClosed,
    ClarificationNotFound,
    ClarificationSignerMismatch,
    ClarificationTextInvalid,
)
from evaluation.clarifications.model import Clarification, answer_form
from evaluation.clarifications.service import (
    LoadSession,
    answer_clarification,
    list_clarifications,
)
from evaluation.errors import EvaluationSessionOver
from evaluation.model import DEFAULT_POLICY, Phase, SessionState
from evaluation.sessions import service as sessions
from signing.certs import Identity
from signing.cms import sign_detached
from signing.demo_ca import issue_identity
from signing.errors import EtenderError
from tests.accounts.factory import actor_for, make_user
from tests.evaluation.kit import SessionWorld, Template, events, load, send, session_world
from tests.tender.world import entries
from tests.web.evaluation.kit import ask, counts, in_qualification

ANSWER = "工期按365日历天计，见第12页。"


def _sign(w: SessionWorld, asked: Clarification, answer: str, who: Identity) -> bytes:
    signed = answer_form(w.state.id, asked, answer)
    return sign_detached(signed, who.certificate, who.key, chain=who.chain)


def _in_phase(phase: Phase) -> LoadSession:
    """The core's reader, with the session as the sheets and the report would have moved
    it to ``phase`` (a session reaches ranking and signing only through them)."""

    async def read(conn: asyncpg.Connection, session_id: uuid.UUID, *, lock: bool) -> SessionState:
        state = await sessions.load(conn, session_id, lock=lock)
        return dataclasses.replace(state, phase=phase)

    return read


async def _answer(
    conn: asyncpg.Connection, w: SessionWorld, actor: Actor, asked: Clarification,
    answer: str = ANSWER, signature: bytes | None = None, load: LoadSession | None = None,
) -> Clarification:  # fmt: skip
    if signature is None:
        signature = _sign(w, asked, answer, w.scenario.world.bidder_identities[0])
    return await answer_clarification(
        conn, actor, w.state.id, asked.id, answer=answer, signature=signature,
        trust=w.scenario.world.ca.trust_store(), load=load or sessions.load,
    )  # fmt: skip


async def _asking(
    conn: asyncpg.Connection, template: Template
) -> tuple[SessionWorld, Clarification]:
    w = await session_world(conn, template)
    await in_qualification(conn, w)
    return w, await ask(conn, w)


async def test_the_bidder_answers_once_signed_logged_and_told_to_the_session(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """The answer is stored with its signature, logged by its hash with the bidder named,
    and appended to the session as clarification.answered (role:panel) in the same
    transaction."""
    w, asked = await _asking(conn, evaluation_template)
    done = await _answer(conn, w, w.bidder, asked)
    assert (done.status, done.answer, done.answered_by) == ("answered", ANSWER, w.bidder.user_id)
    (entry,) = await entries(conn, "evaluation.clarification_answered")
    assert entry.actor.user_id == str(w.bidder.user_id)
    assert entry.data["bidder"] == asked.bidder
    assert ANSWER not in entry.to_bytes().decode()
    last = (await events(conn, w))[-1]
    assert (last.kind, last.data, last.audience) == (
        "clarification.answered",
        {"id": str(asked.id), "bid": str(asked.bid_id), "answer": ANSWER},
        "role:panel",
    )
    assert last.actor_id == w.bidder.user_id
    before = await counts(conn)
    with pytest.raises(ClarificationAnswered):
        await _answer(conn, w, w.bidder, asked, "另一个答复")
    assert await counts(conn) == before


async def test_another_bidder_finds_no_such_clarification(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Per object: bidder 2 answering bidder 1's question, or any id at all, gets the
    not-found a random id gets; the agency and staff too; nothing written."""
    w, asked = await _asking(conn, evaluation_template)
    world = w.scenario.world
    before = await counts(conn)
    for actor in (world.bidders[1], w.agency, w.staff):
        with pytest.raises(ClarificationNotFound):
            await _answer(conn, w, actor, asked)
    ghost = dataclasses.replace(asked, id=uuid.uuid4())
    with pytest.raises(ClarificationNotFound):
        await _answer(conn, w, w.bidder, ghost)
    assert await counts(conn) == before


async def test_forged_and_foreign_signatures_are_refused(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """A signature over other words, garbage, another bidder's certificate, a
    certificate of the right bidder never registered, or one made for another question:
    each its code, nothing written."""
    w, asked = await _asking(conn, evaluation_template)
    world = w.scenario.world
    mine = world.bidder_identities[0]
    unregistered = issue_identity(
        world.ca, name="投标人1", org_credit_code=world.bidder_orgs[0].credit_code,
        now=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1),
    )  # fmt: skip
    other = await ask(conn, w, question="报价依据？")
    mismatch = "evaluation_clarification_signer_mismatch"
    cases = [
        (_sign(w, asked, "别的话", mine), "content_digest_mismatch"),
        (b"\x30\x03\x02\x01\x00", "signature_malformed"),
        (_sign(w, asked, ANSWER, world.bidder_identities[1]), mismatch),
        (_sign(w, asked, ANSWER, unregistered), mismatch),
        (_sign(w, other, ANSWER, mine), "content_digest_mismatch"),  # a replay elsewhere
    ]
    before = await counts(conn)
    for signature, code in cases:
        with pytest.raises(EtenderError) as refused:
            await _answer(conn, w, w.bidder, asked, signature=signature)
        assert refused.value.code == code
        assert isinstance(refused.value, ClarificationSignerMismatch) == ("clarification" in code)
    assert await counts(conn) == before


@pytest.mark.parametrize("text", ["", "   ", "含\x00", "长" * 4001, "\x07铃"])
async def test_answers_that_are_no_text_are_refused(
    conn: asyncpg.Connection, evaluation_template: Template, text: str
) -> None:
    """Blank, NUL, control characters or more than 4000 characters."""
    w, asked = await _asking(conn, evaluation_template)
    before = await counts(conn)
    with pytest.raises(ClarificationTextInvalid):
        await _answer(conn, w, w.bidder, asked, text, signature=b"x")
    assert await counts(conn) == before


async def test_answers_are_taken_until_the_report_is_drafted(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """In signing: closed (409), nothing written; in ranking: taken."""
    w, asked = await _asking(conn, evaluation_template)
    before = await counts(conn)
    with pytest.raises(ClarificationClosed):
        await _answer(conn, w, w.bidder, asked, load=_in_phase(Phase.SIGNING))
    assert await counts(conn) == before
    done = await _answer(conn, w, w.bidder, asked, load=_in_phase(Phase.RANKING))
    assert done.status == "answered"


async def test_a_sealed_session_takes_no_answer(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """The session sealed (a pause past its limit): over, nothing written."""
    policy = dataclasses.replace(DEFAULT_POLICY, pause_during=dt.timedelta(0))
    w = await session_world(conn, evaluation_template, policy=policy)
    await in_qualification(conn, w)
    asked = await ask(conn, w)
    await send(conn, w, w.staff, "pause", {"reason": "主场停电"})
    await send(conn, w, w.staff, "snapshot")  # past the limit: seals instead
    assert (await load(conn, w)).phase is Phase.SEALED
    before = await counts(conn)
    with pytest.raises(EvaluationSessionOver):
        await _answer(conn, w, w.bidder, asked)
    assert await counts(conn) == before


async def test_who_reads_which_clarifications(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Overseers and members read all; the tender's agency and tenderer only after the
    close (a question is a committee finding: nothing carries one to them before the
    result); a bidder its own; anyone else is refused (403)."""
    w = await session_world(conn, evaluation_template)
    await in_qualification(conn, w)
    first, second = await ask(conn, w, 0), await ask(conn, w, 1)
    world = w.scenario.world
    state = await load(conn, w)
    everything = [first.id, second.id]
    for actor in (w.staff, w.supervisor, w.member(3)):
        assert [c.id for c in await list_clarifications(conn, actor, state)] == everything
    for actor in (w.agency, w.tenderer):  # before the result
        with pytest.raises(PermissionDenied):
            await list_clarifications(conn, actor, state)
    closed = dataclasses.replace(state, phase=Phase.CLOSED)  # the same rule once closed
    for actor in (w.agency, w.tenderer):
        assert [c.id for c in await list_clarifications(conn, actor, closed)] == everything
    assert [c.id for c in await list_clarifications(conn, world.bidders[0], state)] == [first.id]
    assert [c.id for c in await list_clarifications(conn, world.bidders[1], state)] == [second.id]
    assert await list_clarifications(conn, world.bidders[2], state) == []
    stranger = await actor_for(conn, await make_user(conn, world.other_agency_org))
    for actor in (world.other_agency, stranger, w.other_supervisor):
        with pytest.raises(PermissionDenied):
            await list_clarifications(conn, actor, state)
