"""Objections to a lot's candidates and the agency's answers (Reg. 54).

A bidder of the lot whose bid was opened objects only while the candidates are
publicised (after ``ends_at``: ``objection_window_closed`` with the end). It signs the
canonical statement ``etender-candidate-objection-v1`` with its organisation's
registered certificate (the rules of submit statements, tender/submission/signers.py);
the agency answers within 3 days (``candidate_objection_answer``; the alerts job flags
an overdue answer) with ``etender-candidate-objection-answer-v1`` signed likewise,
upheld or not. While an objection to the lot is unanswered the lot's award waits
(award.py: ``award_paused_conflict``). Every step is logged with the statements'
SHA-256.
"""

from __future__ import annotations

import logging
from uuid import UUID

import asyncpg

from accounts.model import Actor
from signing.canonical import sha256_hex
from signing.log.entry import format_time
from tender import access
from tender.events import TenderEvent
from tender.lifecycle import append, load, lock_tender
from tender.results import common
from tender.results import queries as results_queries
from tender.results import source_queries as sources
from tender.results.errors import (
    CandidateObjectionAnswered,
    CandidateObjectionNotFound,
    ObjectionNotABidder,
    ObjectionWindowClosed,
    PublicityNotFound,
)
from tender.results.model import CandidateObjection
from tender.results.statements import ANSWER_FORMAT, OBJECTION_FORMAT, parse
from tender.setup import Setup

log = logging.getLogger(__name__)


async def file_objection(
    conn: asyncpg.Connection,
    actor: Actor,
    tender_id: UUID,
    lot: str,
    *,
    statement: bytes,
    signature: bytes,
    setup: Setup,
) -> CandidateObjection:
    """A bidder of the lot objects to its candidates during their publicity."""
    async with conn.transaction():
        locked = await lock_tender(conn, tender_id)
        tender, now = locked.tender, locked.now
        common.require_public(tender)
        common.require_lot(tender, lot)
        publicity = await results_queries.publicity(conn, tender_id, lot)
        if publicity is None:
            raise PublicityNotFound("the lot's candidates are not publicised")
        org = await sources.organisation(conn, actor.organisation_id)
        opened = await common.opened_fields(conn, tender_id, lot)
        if org is None or org["credit_code"] not in opened:
            raise ObjectionNotABidder("only a bidder of the lot whose bid was opened may object")
        if now >= publicity.ends_at:
            raise ObjectionWindowClosed(
                f"objections to the candidates ended at {format_time(publicity.ends_at)}",
                details={"ends_at": format_time(publicity.ends_at)},
            )
        expected = {
            "tender": str(tender_id), "lot": lot, "publicity_sha256": publicity.sha256,
            "bidder": org["credit_code"],
        }  # fmt: skip
        parsed = parse(statement, OBJECTION_FORMAT, expected)
        cert = await common.verify_signed(
            conn, statement, signature, setup.trust, now, org["credit_code"]
        )
        ctx = common.context(setup, tender, now)
        objection = await results_queries.insert_objection(
            conn, tender_id=tender_id, lot=lot, organisation_id=actor.organisation_id,
            filed_by=actor.user_id, text=parsed.text, statement=statement, signature=signature,
            cert_sha256=cert, filed_at=now,
            answer_due=ctx.end(now, ctx.policies.candidate_objection_answer),
        )  # fmt: skip
        data = {
            "objection_id": str(objection.id),
            "lot": lot,
            "bidder": org["credit_code"],
            "statement_sha256": sha256_hex(statement),
            "cert_sha256": cert,
            "answer_due": format_time(objection.answer_due),
        }
        await append(
            conn, TenderEvent.CANDIDATE_OBJECTION_FILED, tender_id,
            actor=access.log_actor(actor, None), address=actor.address, data=data,
        )  # fmt: skip
    log.info("results.objection_filed", extra={"tender_id": str(tender_id), "lot": lot})
    return objection


async def answer_objection(
    conn: asyncpg.Connection,
    actor: Actor,
    tender_id: UUID,
    objection_id: UUID,
    *,
    statement: bytes,
    signature: bytes,
    setup: Setup,
) -> CandidateObjection:
    """The agency answers an objection once, upheld or not, signed."""
    async with conn.transaction():
        locked = await lock_tender(conn, tender_id)
        tender, now = locked.tender, locked.now
        log_actor = common.require_agency(actor, tender)
        found = next(
            (o for o in await results_queries.objections(conn, tender_id) if o.id == objection_id),
            None,
        )
        if found is None:
            raise CandidateObjectionNotFound("no such objection to this tender's candidates")
        if found.answer is not None:
            raise CandidateObjectionAnswered("this objection has been answered")
        signed = await results_queries.objection_signatures(conn, tender_id, objection_id)
        assert signed is not None
        agency = await sources.organisation(conn, tender.agency_id)
        assert agency is not None
        expected = {
            "tender": str(tender_id), "lot": found.lot, "objection": str(objection_id),
            "objection_sha256": sha256_hex(bytes(signed["statement"])),
            "agency": agency["credit_code"],
        }  # fmt: skip
        parsed = parse(statement, ANSWER_FORMAT, expected)
        cert = await common.verify_signed(
            conn, statement, signature, setup.trust, now, agency["credit_code"]
        )
        upheld = bool(parsed.fields["upheld"])
        answered = await results_queries.answer_objection(
            conn, tender_id=tender_id, objection_id=objection_id, answer=parsed.text,
            statement=statement, signature=signature, cert_sha256=cert, at=now,
            by=actor.user_id, upheld=upheld,
        )  # fmt: skip
        if answered is None:
            raise CandidateObjectionAnswered("this objection has been answered")
        data = {
            "objection_id": str(objection_id),
            "lot": found.lot,
            "upheld": upheld,
            "late": now > found.answer_due,
            "statement_sha256": sha256_hex(statement),
            "cert_sha256": cert,
        }
        await append(
            conn, TenderEvent.CANDIDATE_OBJECTION_ANSWERED, tender_id, actor=log_actor,
            address=actor.address, data=data,
        )  # fmt: skip
    log.info("results.objection_answered", extra={"tender_id": str(tender_id)})
    return answered


async def list_objections(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID
) -> list[CandidateObjection]:
    """All objections for the agency, tenderer and overseers; a bidder sees its own."""
    tender = await load(conn, tender_id)
    access.hide_draft(actor, tender)
    if common.may_oversee_results(actor, tender):
        return await results_queries.objections(conn, tender_id)
    return await results_queries.objections(conn, tender_id, actor.organisation_id)


async def get_objection(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID, objection_id: UUID
) -> tuple[CandidateObjection, asyncpg.Record]:
    """One objection with its signed statements, for those who may read it; the
    ``candidate_objection_not_found`` of an unknown id for anyone else."""
    found = next(
        (o for o in await list_objections(conn, actor, tender_id) if o.id == objection_id), None
    )
    signed = await results_queries.objection_signatures(conn, tender_id, objection_id)
    if found is None or signed is None:
        raise CandidateObjectionNotFound("no such objection to this tender's candidates")
    return found, signed
