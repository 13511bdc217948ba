"""Use cases of single source: objections during the publicity, their answers, and the
price agreed with the one supplier afterwards (Decree 74 Art. 38-39; rules in model.py).

Anyone signed in may object during the publicity (Art. 39: any supplier, unit or
person), in the name of the organisation they belong to; the agency answers each.
"""

from __future__ import annotations

from uuid import UUID

import asyncpg

from accounts.model import Actor
from accounts.permissions import Action
from procurement import invitees
from procurement import queries as project_queries
from procurement.errors import ProjectStateConflict
from procurement.events import ProcurementEvent
from procurement.model import Award, Method, Project, check_price, check_reason
from procurement.service import lock_project, locked_for, only_lot, read_project
from procurement.single_source import queries as q
from procurement.single_source.errors import (
    ObjectionAnswered,
    ObjectionNotFound,
    OwnObjectionOpen,
    PublicityOver,
)
from procurement.single_source.model import Objection, Outcome, require_agreeable
from signing.log.entry import Actor as LogActor
from tender.lifecycle import append
from tender.results import direct
from tender.results.award import AfterAward
from tender.setup import Setup

AGENCY = Action.PUBLISH_TENDER


def _single_source(project: Project) -> None:
    if project.method is not Method.SINGLE_SOURCE or project.publicity_ends_at is None:
        raise ProjectStateConflict("the project is not a published single source")


async def file_objection(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID, text: str
) -> Objection:
    """An objection during the publicity, in the name of the actor's organisation."""
    check_reason(text, name="the objection", limit=5000)
    async with conn.transaction():
        locked, project = await lock_project(conn, actor, tender_id)
        _single_source(project)
        assert project.publicity_ends_at is not None
        if locked.now >= project.publicity_ends_at:
            raise PublicityOver(f"the publicity ended at {project.publicity_ends_at}")
        if any(
            o.objector_id == actor.organisation_id and o.outcome is None
            for o in await q.objections(conn, tender_id)
        ):
            raise OwnObjectionOpen(
                "your organisation's objection is not answered yet: file another once it is"
            )
        filed = await q.insert_objection(
            conn, tender_id, objector_id=actor.organisation_id, by=actor.user_id,
            text=text, at=locked.now,
        )  # fmt: skip
        await append(
            conn, ProcurementEvent.OBJECTION_FILED, tender_id,
            actor=LogActor(user_id=str(actor.user_id), role="user"), address=actor.address,
            data={"objection_id": str(filed.id), "objector_id": str(filed.objector_id),
                  "text": text},
        )  # fmt: skip
    return filed


async def answer_objection(
    conn: asyncpg.Connection,
    actor: Actor,
    tender_id: UUID,
    objection_id: UUID,
    *,
    outcome: Outcome,
    text: str,
) -> Objection:
    """The agency's answer: upheld (single source ends) or dismissed, with its reasons."""
    check_reason(text, name="the answer", limit=5000)
    async with conn.transaction():
        locked, project, log_actor = await locked_for(conn, actor, tender_id, AGENCY)
        _single_source(project)
        done = await q.answer(
            conn, tender_id, objection_id, outcome=outcome, text=text, at=locked.now
        )
        if done is None:
            known = {o.id for o in await q.objections(conn, tender_id)}
            if objection_id in known:
                raise ObjectionAnswered("the objection was answered already")
            raise ObjectionNotFound("no objection of this project has this id")
        await append(
            conn, ProcurementEvent.OBJECTION_ANSWERED, tender_id,
            actor=log_actor, address=actor.address,
            data={"objection_id": str(objection_id), "outcome": str(outcome), "answer": text},
        )  # fmt: skip
    return done


async def objections(
    conn: asyncpg.Connection, actor: Actor | None, tender_id: UUID
) -> list[Objection]:
    """The objections and answers (public, as the publicity is)."""
    _, project = await read_project(conn, actor, tender_id)
    _single_source(project)
    return await q.objections(conn, tender_id)


async def agree(
    conn: asyncpg.Connection,
    actor: Actor,
    tender_id: UUID,
    price_fen: int,
    *,
    setup: Setup,
    after: AfterAward | None = None,
) -> Award:
    """Record the price agreed with the one supplier, once the publicity has passed; the
    award goes through the tender's results (tender/results/direct.py)."""
    check_price(price_fen)
    async with conn.transaction():
        locked, project, log_actor = await locked_for(conn, actor, tender_id, AGENCY)
        _single_source(project)
        assert project.publicity_ends_at is not None
        require_agreeable(
            project.publicity_ends_at, await q.objections(conn, tender_id), locked.now
        )
        if await project_queries.award(conn, tender_id) is not None:
            raise ProjectStateConflict("the price was agreed already")
        made = Award(
            supplier_id=project.plan.suppliers[0], price_fen=price_fen, awarded_at=locked.now
        )
        await project_queries.insert_award(conn, tender_id, made, by=actor.user_id)
        await append(
            conn, ProcurementEvent.AWARDED, tender_id, actor=log_actor, address=actor.address,
            data={"method": str(Method.SINGLE_SOURCE), "supplier_id": str(made.supplier_id),
                  "price_fen": price_fen},
        )  # fmt: skip
        await invitees.reveal(
            conn, tender_id, project.plan.suppliers, actor=log_actor, address=actor.address
        )
        await direct.award(
            conn, locked, lot=only_lot(locked), bidder_id=made.supplier_id, price_fen=price_fen,
            basis=direct.AwardBasis.SINGLE_SOURCE_AGREEMENT,
            reason="单一来源协商价格: the price agreed with the single source (Decree 74 Art. 41)",
            by=actor.user_id, actor=log_actor, address=actor.address, setup=setup, after=after,
        )  # fmt: skip
    return made
