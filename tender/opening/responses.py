"""Bidders' confirmations of and objections to the opening record, and the host's answers.

Reg. 44: objections to the opening are raised at the opening, answered on the spot
and recorded. A bidder of the freeze list confirms the published record with a CMS
signature over the record bytes by its own organisation's certificate, or objects
with a text; the host answers each objection once. Every response and answer is
logged in the transaction that stores it; the list is public.
"""

from __future__ import annotations

import datetime as dt
from uuid import UUID

import asyncpg

from accounts.model import Actor
from accounts.permissions import Action, require
from signing.certs import subject_credit_code
from signing.trust import TrustStore
from tender import access
from tender.errors import LotNotFound
from tender.lifecycle import load
from tender.opening import queries as opening_queries
from tender.opening.lot import (
    Opening,
    OpeningEvent,
    current_stage,
    locked_lot,
    log_actor,
    own_entry,
    queue_event,
)
from tender.opening.model import OpeningError
from tender.opening.publication import published_record
from tender.opening.queries import Response
from tender.opening.record import SignedRecord, verify_confirmation
from tender.submission.model import FreezeEntry


class ConfirmationSignerMismatch(OpeningError):
    """A confirmation must be signed by a certificate of the bidder's own organisation."""

    code = "opening_confirmation_signer_mismatch"


class ObjectionNotFound(OpeningError):
    """No open objection with this id in this lot."""

    code = "opening_objection_not_found"
    status = 404


class OpeningResponseInvalid(OpeningError):
    """A response either confirms (a signature) or objects (a text): exactly one."""

    code = "opening_response_invalid"


class OpeningTextInvalid(OpeningError):
    """An objection or an answer is 1–4000 characters (it goes into the record's file)."""

    code = "opening_text_invalid"


TEXT_MAX = 4000


def _text(value: str, what: str) -> str:
    text = value.strip()
    if not 1 <= len(text) <= TEXT_MAX:
        raise OpeningTextInvalid(
            f"{what} is 1–{TEXT_MAX} characters, not {len(text)}", details={"length": len(text)}
        )
    return text


async def respond(
    conn: asyncpg.Connection,
    actor: Actor,
    tender_id: UUID,
    lot: str,
    *,
    confirmation: bytes | None = None,
    objection: str | None = None,
    opening: Opening,
) -> Response:
    """A bidder of the freeze list confirms the record (its CMS signature over the
    record bytes, by its organisation's certificate) or objects to it."""
    if (confirmation is None) == (objection is None):
        raise OpeningResponseInvalid("confirm with a signature or object with a text, one of them")
    if objection is not None:
        objection = _text(objection, "an objection")
    async with conn.transaction():
        found = await locked_lot(conn, tender_id, lot)
        entry = own_entry(found, actor)
        stage = current_stage(found)
        signed = await published_record(conn, found, stage)
        if confirmation is not None:
            _check_confirmation(signed, confirmation, entry, opening.trust, found.now)
        stored = await opening_queries.insert_response(
            conn, found.lot_id, stage, entry.bidder_id,
            signature=confirmation, objection=objection, at=found.now,
        )  # fmt: skip
        await queue_event(
            conn,
            OpeningEvent.RECORD_RESPONDED,
            found,
            actor=log_actor(actor, "bidder"),
            address=actor.address,
            data={"lot": lot, "part": stage, "bidder": entry.bidder_credit_code,
                  "kind": stored.kind, "objection": objection, "record_sha256": signed.sha256},
        )  # fmt: skip
    return stored


def _check_confirmation(
    signed: SignedRecord,
    confirmation: bytes,
    entry: FreezeEntry,
    trust: TrustStore,
    now: dt.datetime,
) -> None:
    """The signature verifies over the record and its signer is the bidder itself."""
    signer = verify_confirmation(signed, confirmation, trust, now)
    if subject_credit_code(signer.certificate) != entry.bidder_credit_code:
        raise ConfirmationSignerMismatch("the signer's credit code is not the bidder's")


async def answer_objection(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID, lot: str, objection_id: UUID, text: str
) -> Response:
    """The host answers an objection at the opening; the answer is recorded and logged."""
    text = _text(text, "an answer")
    require(actor, Action.HOST_OPENING, access.resource(await load(conn, tender_id)))
    async with conn.transaction():
        found = await locked_lot(conn, tender_id, lot)
        answered = await opening_queries.answer(
            conn, objection_id, found.lot_id, text, actor.user_id, found.now
        )
        if answered is None:
            raise ObjectionNotFound("no open objection with this id in this lot")
        await queue_event(
            conn,
            OpeningEvent.OBJECTION_ANSWERED,
            found,
            actor=log_actor(actor, "centre_staff"),
            address=actor.address,
            data={"lot": lot, "objection_id": str(objection_id), "answer": answered.answer},
        )
    return answered


async def responses(conn: asyncpg.Connection, tender_id: UUID, lot: str) -> list[Response]:
    """The confirmations and objections of the lot's records, each naming its stage
    (two envelopes: technical, then commercial), with their answers (public)."""
    tender = await load(conn, tender_id)
    lot_id = tender.lot_id(lot)
    if lot_id is None:
        raise LotNotFound(f"the tender has no lot {lot!r}")
    return await opening_queries.responses(conn, lot_id)
