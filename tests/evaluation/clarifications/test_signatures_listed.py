"""Every signature is listed to its member (GET /api/v1/me/signatures, issue 12; the
service, accounts/keys/signatures.py): a bid's submit statement, a clarification answer
and a supervisor's note, each under its purpose, its certificate, its content's SHA-256
and its subject — to the signer only."""

from __future__ import annotations

import hashlib
import uuid

import asyncpg

from accounts.keys.model import SignatureRecord
from accounts.keys.signatures import list_signatures
from accounts.model import Actor
from evaluation.clarifications.service import answer_clarification
from evaluation.notes.model import note_form
from evaluation.sessions import service as sessions
from signing.canonical import sha256_hex
from signing.certs import cert_sha256
from tests.evaluation.clarifications.test_service import ANSWER, _sign
from tests.evaluation.kit import Template, send, session_world
from tests.web.evaluation.kit import (
    NOTE,
    ask,
    in_qualification,
    signed_note,
    supervisor_identity,
)


async def _mine(conn: asyncpg.Connection, actor: Actor, purpose: str) -> list[SignatureRecord]:
    page = await list_signatures(conn, actor, cursor=None, limit=200)
    return [s for s in page.items if s.purpose == purpose]


async def test_a_bidders_submit_statement_is_listed_to_its_signer(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """The opened lot's bid of bidder 1: bid.submit, subject the bid, the statement's hash."""
    w = await session_world(conn, evaluation_template)
    (listed,) = await _mine(conn, w.bidder, "bid.submit")
    row = await conn.fetchrow(
        "SELECT bid_id, statement_sha256, signer_cert_sha256, received_at FROM bid_versions"
        " WHERE statement_sha256 = $1",
        listed.content_sha256,
    )
    assert row is not None
    assert (listed.subject_type, listed.subject_id) == ("bid", str(row["bid_id"]))
    assert (listed.cert_sha256, listed.at) == (row["signer_cert_sha256"], row["received_at"])
    assert listed.device is None
    assert await _mine(conn, w.member(1), "bid.submit") == []


async def test_a_clarification_answer_is_listed_to_the_bidder(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """evaluation.clarification_answer: the session as subject, the answer's SHA-256."""
    w = await session_world(conn, evaluation_template)
    await in_qualification(conn, w)
    asked = await ask(conn, w)
    who = w.scenario.world.bidder_identities[0]
    await answer_clarification(
        conn, w.bidder, w.state.id, asked.id, answer=ANSWER, signature=_sign(w, asked, ANSWER, who),
        trust=w.scenario.world.ca.trust_store(), load=sessions.load,
    )  # fmt: skip
    (listed,) = await _mine(conn, w.bidder, "evaluation.clarification_answer")
    assert listed.cert_sha256 == cert_sha256(who.certificate)
    assert listed.content_sha256 == hashlib.sha256(ANSWER.encode()).hexdigest()
    assert (listed.subject_type, listed.subject_id) == ("evaluation", str(w.state.id))


async def test_a_supervisors_note_is_listed_to_the_supervisor(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """evaluation.supervisor_note: the SHA-256 of the signed note form."""
    w = await session_world(conn, evaluation_template)
    identity = await supervisor_identity(conn, w)
    data = signed_note(w.state.id, identity)
    await send(conn, w, w.supervisor, "note", data)
    (listed,) = await _mine(conn, w.supervisor, "evaluation.supervisor_note")
    assert listed.content_sha256 == sha256_hex(note_form(w.state.id, uuid.UUID(data["id"]), NOTE))
    assert listed.cert_sha256 == cert_sha256(identity.certificate)
    assert await _mine(conn, w.staff, "evaluation.supervisor_note") == []
