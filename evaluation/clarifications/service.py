"""Use cases of the clarifications a bidder reaches over HTTP: read its questions,
answer one with its signature (Reg. 52; docs/api-evaluation.md, "Clarifications").

Per object: a bidder sees and answers only the questions put to its own bids; any
other clarification does not exist for it (404, whatever its id). The answer is
verified — CMS detached over the canonical answer form, by the answering user's
current registered certificate, which speaks for the bid's bidder — then stored,
logged and appended to the session as ``clarification.answered``, all in one
transaction under the session's row lock: an answer cannot slip past the session
moving on to its report.
"""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

import asyncpg

from accounts.errors import PermissionDenied
from accounts.keys import queries as keys
from accounts.model import Actor, Role
from audit import service as audit
from evaluation.clarifications import queries
from evaluation.clarifications.commands import ANSWERED, EVENTS
from evaluation.clarifications.errors import (
    ClarificationAnswered,
    ClarificationClosed,
    ClarificationNotFound,
    ClarificationSignerMismatch,
    ClarificationTextInvalid,
)
from evaluation.clarifications.model import (
    ANSWER_MAX,
    ANSWERING,
    Clarification,
    answer_form,
    printable,
)
from evaluation.clarifications.parties import Standing, bidder_codes, viewer
from evaluation.errors import EvaluationSessionOver
from evaluation.events import EvaluationEvent
from evaluation.model import Phase, SessionState
from live import queries as live
from signing.canonical import sha256_hex
from signing.certs import cert_sha256, subject_credit_code
from signing.cms import verify_detached
from signing.log.entry import Actor as LogActor
from signing.log.entry import LogEntry, Subject
from signing.trust import TrustStore
from tender.lifecycle import log_address
from tender.queries import database_now


class LoadSession(Protocol):
    """The session core's reader (evaluation.sessions.service.load)."""

    async def __call__(
        self, conn: asyncpg.Connection, session_id: UUID, *, lock: bool
    ) -> SessionState: ...


async def list_clarifications(
    conn: asyncpg.Connection, actor: Actor, state: SessionState
) -> list[Clarification]:
    """Every clarification for overseers and members, and for the tender's parties once
    the session has closed (a question is a finding of the committee: nothing carries one
    to the agency and the tenderer before the result); a bidder's own for a bidder;
    ``permission_denied`` for anyone else."""
    seen = await viewer(conn, actor, state)
    early = seen.standing is Standing.PARTY and state.phase is not Phase.CLOSED
    if seen.standing is Standing.NONE or early:
        raise PermissionDenied(
            "clarifications are read by the session's participants and the bidder asked",
            details={"action": "read_clarifications", "resource": "evaluation"},
        )
    found = await queries.of_session(conn, state.id)
    if seen.standing is Standing.BIDDER:
        return [c for c in found if c.bidder in seen.bidders]
    return found


async def answer_clarification(
    conn: asyncpg.Connection,
    actor: Actor,
    session_id: UUID,
    clarification_id: UUID,
    *,
    answer: str,
    signature: bytes,
    trust: TrustStore,
    load: LoadSession,
) -> Clarification:
    """The bidder's one signed answer, stored, logged and told to the session."""
    if not printable(answer, ANSWER_MAX):
        raise ClarificationTextInvalid(
            f"an answer is printable text of 1–{ANSWER_MAX} characters", details={"field": "answer"}
        )
    async with conn.transaction():
        state = await load(conn, session_id, lock=True)
        found = await _own(conn, actor, state, clarification_id)
        _check_open(state, found)
        signer_sha256 = await _check_signature(conn, actor, state, found, answer, signature, trust)
        now = await database_now(conn)
        index = await _log(conn, actor, state, found, answer, signer_sha256)
        done = await queries.record_answer(
            conn, found, answer=answer, signature=signature, signer_cert_sha256=signer_sha256,
            answered_by=actor.user_id, at=now, log_index=index,
        )  # fmt: skip
        if done is None:  # the row lock makes this unreachable; never half-written
            raise ClarificationAnswered("this question has been answered")
        data = {"id": str(done.id), "bid": str(done.bid_id), "answer": answer}
        await live.append_event(
            conn, state.id, kind=ANSWERED, data=data, audience=EVENTS[ANSWERED],
            actor_id=actor.user_id,
        )  # fmt: skip
    return done


async def _own(
    conn: asyncpg.Connection, actor: Actor, state: SessionState, clarification_id: UUID
) -> Clarification:
    """The clarification, if it was put to a bidder the actor acts for (else not found)."""
    found = await queries.clarification(conn, state.id, clarification_id, lock=True)
    if found is None or found.bidder not in await bidder_codes(conn, actor, state):
        raise ClarificationNotFound("no clarification with this id was put to your bids")
    return found


def _check_open(state: SessionState, found: Clarification) -> None:
    if state.terminal:
        raise EvaluationSessionOver(f"the session is {state.phase}: nothing changes any more")
    if found.answer is not None:
        raise ClarificationAnswered("this question has been answered: one answer per question")
    if state.phase not in ANSWERING:
        raise ClarificationClosed(
            f"the session is in {state.phase}: answers are taken until the report is drafted",
            details={"phase": str(state.phase)},
        )


async def _check_signature(
    conn: asyncpg.Connection,
    actor: Actor,
    state: SessionState,
    found: Clarification,
    answer: str,
    signature: bytes,
    trust: TrustStore,
) -> str:
    """Verify over the canonical form; the signer is the actor's current certificate and
    carries the bid's bidder's credit code. Its SHA-256 (hex)."""
    signed = answer_form(state.id, found, answer)
    signer = verify_detached(signed, signature, trust, await database_now(conn)).certificate
    digest = cert_sha256(signer)
    current = {c.cert_sha256 for c in await keys.certificates(conn, actor.user_id)
               if c.retired_at is None}  # fmt: skip
    if digest not in current or subject_credit_code(signer) != found.bidder:
        raise ClarificationSignerMismatch(
            "the answer must be signed with your own current registered certificate, "
            "issued to the bidder the question was put to"
        )
    return digest


async def _log(
    conn: asyncpg.Connection,
    actor: Actor,
    state: SessionState,
    found: Clarification,
    answer: str,
    signer_sha256: str,
) -> int:
    """The answer's log entry: the bidder named (who bid is public after the deadline),
    the answer by its hash (the text is in the session and the report)."""
    entry = LogEntry(
        kind=str(EvaluationEvent.CLARIFICATION_ANSWERED),
        time=await database_now(conn),
        actor=LogActor(user_id=str(actor.user_id), role=str(Role.BIDDER)),
        address=log_address(actor.address),
        subject=Subject(type="evaluation", id=str(state.id)),
        data={
            "clarification": str(found.id),
            "bid": str(found.bid_id),
            "bidder": found.bidder,
            "answer_sha256": sha256_hex(answer.encode("utf-8")),
            "signer_cert_sha256": signer_sha256,
        },
    )
    return await audit.append(conn, entry)
