"""Use cases of competitive negotiation: rounds, quotations, exclusions, the award
(Decree 74 Art. 31-35; the rules in model.py).

Every step takes the tender's row lock (tender.lifecycle.lock_tender) and decides by
the database clock read under it; every step appends its log entry in its transaction.
The agency runs the rounds and records the group's findings; an invited supplier's
bidder gives its quotations.
"""

from __future__ import annotations

import dataclasses
import secrets
from uuid import UUID

import asyncpg

from accounts.model import Actor, Role
from accounts.permissions import Action
from procurement import invitees
from procurement import queries as project_queries
from procurement.errors import ProjectStateConflict, SupplierNotInvited
from procurement.events import ProcurementEvent
from procurement.model import Award, Method, check_price, check_reason
from procurement.negotiation import model
from procurement.negotiation import queries as q
from procurement.negotiation.errors import (
    AfterFinalQuotations,
    FinalRoundMissing,
    NegotiationNotStarted,
    NoRoundOpen,
    RoundOpen,
    SupplierExcluded,
)
from procurement.negotiation.model import Quotation, Round
from procurement.policy import ProcurementPolicies
from procurement.service import lock_project, locked_for, only_lot, read_project, snapshot_of
from signing.log.entry import Actor as LogActor
from signing.log.entry import commit
from tender import access
from tender.lifecycle import LockedTender, append
from tender.model import TenderStatus
from tender.results import direct
from tender.results.award import AfterAward
from tender.setup import Setup

AGENCY = Action.PUBLISH_TENDER  # the agency runs the rounds on the group's behalf
SALT_BYTES = 32  # docs/audit-log.md §1.2: fresh, 32 bytes for every commitment


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class NegotiationView:
    """The rounds, the quotations the reader may see, the suppliers excluded."""

    rounds: tuple[Round, ...]
    quotations: tuple[Quotation, ...]
    excluded: frozenset[UUID]
    award: Award | None


async def _negotiation(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID, action: Action
) -> tuple[LockedTender, list[Round], LogActor]:
    locked, project, log_actor = await locked_for(conn, actor, tender_id, action)
    if project.method is not Method.NEGOTIATION:
        raise ProjectStateConflict("the project is not a competitive negotiation")
    return locked, await q.rounds(conn, tender_id), log_actor


async def _least(conn: asyncpg.Connection, tender_id: UUID) -> tuple[int, tuple[UUID, ...]]:
    """The published project's least number of suppliers (its policy snapshot) and its
    invited suppliers."""
    project = await project_queries.project(conn, tender_id)
    assert project is not None  # _negotiation found it under the row lock
    policies = snapshot_of(project, ProcurementPolicies())
    return policies.min_suppliers, project.plan.suppliers


def _require_started(locked: LockedTender) -> None:
    # Art. 31: the group negotiates once the responses are in, i.e. after the deadline.
    deadline = locked.tender.deadline
    published = locked.tender.status is not TenderStatus.DRAFT
    if not published or deadline is None or locked.now < deadline:
        raise NegotiationNotStarted("rounds begin at the deadline for responses")


async def _require_not_awarded(conn: asyncpg.Connection, tender_id: UUID) -> None:
    if await project_queries.award(conn, tender_id) is not None:
        raise AfterFinalQuotations("the negotiation was awarded")


async def open_round(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID, *, final: bool
) -> Round:
    """Open the next round (``final``: the round of final quotations, Art. 33)."""
    async with conn.transaction():
        locked, rounds, log_actor = await _negotiation(
            conn, actor, tender_id, Action.PUBLISH_TENDER
        )
        _require_started(locked)
        if any(r.final for r in rounds):
            raise AfterFinalQuotations("no round follows the final quotations")
        if any(r.is_open for r in rounds):
            raise RoundOpen("close the open round first")
        await _require_not_awarded(conn, tender_id)
        least, invited = await _least(conn, tender_id)
        excluded = await q.excluded(conn, tender_id)
        remaining = len(set(invited) - excluded)
        model.require_enough(remaining, least, what="suppliers not excluded")
        number = len(rounds) + 1
        await q.insert_round(conn, tender_id, number, final=final, at=locked.now)
        await append(
            conn, ProcurementEvent.ROUND_OPENED, tender_id, actor=log_actor,
            address=actor.address, data={"round": number, "final": final},
        )  # fmt: skip
    return Round(number=number, final=final, opened_at=locked.now, closed_at=None)


def _supplier_of(actor: Actor, invited: tuple[UUID, ...], supplier_id: UUID | None) -> UUID:
    """The invited supplier the actor quotes for (named, or its only one)."""
    mine = actor.acting_for(Role.BIDDER) & set(invited)
    if supplier_id is None and len(mine) == 1:
        supplier_id = next(iter(mine))
    if supplier_id is None or supplier_id not in mine:
        raise SupplierNotInvited("only an invited supplier's bidder quotes in this negotiation")
    return supplier_id


async def submit_quotation(
    conn: asyncpg.Connection,
    actor: Actor,
    tender_id: UUID,
    *,
    round: int,
    price_fen: int,
    supplier_id: UUID | None = None,
) -> Quotation:
    """A supplier's quotation in the open round: stored, and committed in the log."""
    check_price(price_fen)
    async with conn.transaction():
        locked, project = await lock_project(conn, actor, tender_id)
        if project.method is not Method.NEGOTIATION:
            raise ProjectStateConflict("the project is not a competitive negotiation")
        supplier = _supplier_of(actor, project.plan.suppliers, supplier_id)
        rounds = await q.rounds(conn, tender_id)
        current = next((r for r in rounds if r.is_open), None)
        if current is None or current.number != round:
            raise NoRoundOpen(f"round {round} is not open")
        if supplier in await q.excluded(conn, tender_id):
            raise SupplierExcluded("the group found this supplier not compliant")
        quotation = Quotation(
            round=round, supplier_id=supplier, price_fen=price_fen,
            salt=secrets.token_bytes(SALT_BYTES), submitted_at=locked.now,
        )  # fmt: skip
        await q.insert_quotation(conn, tender_id, quotation, by=actor.user_id)
        sealed = await invitees.sealed(conn, tender_id, (supplier,))
        # The price stays sealed in the log until the round closes, who quoted until
        # the award (§1.2 commitments); the actor names no user (invitees.HIDDEN_BIDDER).
        await append(
            conn, ProcurementEvent.QUOTATION_COMMITTED, tender_id,
            actor=invitees.HIDDEN_BIDDER, address=None,
            data={
                "round": round,
                "supplier": sealed[supplier],
                "quotation": commit(str(price_fen), quotation.salt),
            },
            commitments=("quotation", "supplier"),
        )  # fmt: skip
    return quotation


async def close_round(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID, *, round: int
) -> Round:
    """Close the open round ``round``: its quotations and their salts enter the log."""
    async with conn.transaction():
        locked, rounds, log_actor = await _negotiation(
            conn, actor, tender_id, Action.PUBLISH_TENDER
        )
        current = next((r for r in rounds if r.is_open), None)
        if current is None or current.number != round:
            raise NoRoundOpen(f"round {round} is not open")
        await q.close_round(conn, tender_id, current.number, locked.now)
        given = await q.quotations(conn, tender_id, round=current.number)
        sealed = await invitees.sealed(conn, tender_id, (x.supplier_id for x in given))
        await append(
            conn, ProcurementEvent.ROUND_CLOSED, tender_id,
            actor=log_actor, address=actor.address,
            data={
                "round": current.number,
                "final": current.final,
                "quotations": [
                    {"supplier": sealed[x.supplier_id], "price_fen": x.price_fen,
                     "salt": x.salt.hex()}
                    for x in given
                ],
            },
        )  # fmt: skip
    return dataclasses.replace(current, closed_at=locked.now)


async def exclude_supplier(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID, supplier_id: UUID, reason: str
) -> None:
    """Record the group's finding that a supplier is not compliant (before the award)."""
    check_reason(reason, name="the reason")
    async with conn.transaction():
        locked, _, log_actor = await _negotiation(conn, actor, tender_id, AGENCY)
        project = await project_queries.project(conn, tender_id)
        if project is None or supplier_id not in project.plan.suppliers:
            raise SupplierNotInvited("the supplier was not invited to this negotiation")
        await _require_not_awarded(conn, tender_id)
        _require_started(locked)
        if await q.insert_exclusion(conn, tender_id, supplier_id, reason, locked.now):
            sealed = await invitees.sealed(conn, tender_id, (supplier_id,))
            await append(
                conn, ProcurementEvent.SUPPLIER_EXCLUDED, tender_id,
                actor=log_actor, address=actor.address,
                data={"supplier": sealed[supplier_id], "reason": reason},
                commitments=("supplier",),
            )  # fmt: skip


async def award(
    conn: asyncpg.Connection,
    actor: Actor,
    tender_id: UUID,
    *,
    setup: Setup,
    after: AfterAward | None = None,
) -> Award:
    """Art. 35: the lowest compliant final quotation wins, once the final round closed;
    the award goes through the tender's results (tender/results/direct.py): the
    decision, its announcement, the tender ``awarded``, the notices and contract."""
    async with conn.transaction():
        locked, rounds, log_actor = await _negotiation(
            conn, actor, tender_id, Action.PUBLISH_TENDER
        )
        final = next((r for r in rounds if r.final), None)
        if final is None or final.is_open:
            raise FinalRoundMissing("the final quotations are not all in: close the final round")
        await _require_not_awarded(conn, tender_id)
        lot = only_lot(locked)
        finals = await q.quotations(conn, tender_id, round=final.number)
        excluded = await q.excluded(conn, tender_id)
        # Art. 37 (3): the budget is the lot's price ceiling (最高限价), at most its
        # estimated price: the stricter bound.
        budget = locked.tender.content.lots[0].price_ceiling_fen
        least, invited = await _least(conn, tender_id)
        counted = model.within_budget(finals, excluded, budget)
        model.require_enough(len(counted), least, what="compliant final quotations within budget")
        best = model.lowest_compliant(counted, excluded)
        made = Award(supplier_id=best.supplier_id, price_fen=best.price_fen, awarded_at=locked.now)
        await project_queries.insert_award(conn, tender_id, made, by=actor.user_id)
        await append(
            conn, ProcurementEvent.AWARDED, tender_id, actor=log_actor, address=actor.address,
            data={
                "method": str(Method.NEGOTIATION),
                "supplier_id": str(made.supplier_id),
                "price_fen": made.price_fen,
                "round": final.number,
            },
        )  # fmt: skip
        await invitees.reveal(conn, tender_id, invited, actor=log_actor, address=actor.address)
        await direct.award(
            conn, locked, lot=lot, bidder_id=made.supplier_id,
            price_fen=made.price_fen, basis=direct.AwardBasis.NEGOTIATION_FINAL_QUOTATIONS,
            reason=f"竞争性谈判最后报价最低（第{final.number}轮）: the lowest compliant final "
            "quotation (Decree 74 Art. 35)",
            by=actor.user_id, actor=log_actor, address=actor.address, setup=setup, after=after,
        )  # fmt: skip
    return made


async def view(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID, *, as_supplier: bool = False
) -> NegotiationView:
    """The rounds and what the reader may see of the quotations (model.visible); read in
    one snapshot, without the row lock. ``as_supplier``: only what the reader's invited
    suppliers see (the supplier's page, breaker F17), whatever else its roles allow."""
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        tender, project = await read_project(conn, actor, tender_id)
        if project.method is not Method.NEGOTIATION:
            raise ProjectStateConflict("the project is not a competitive negotiation")
        everything = not as_supplier and (
            access.is_agency(actor, tender) or access.is_overseer(actor, tender)
        )
        own = actor.acting_for(Role.BIDDER) & set(project.plan.suppliers)
        if not everything and not own:
            raise SupplierNotInvited("the rounds are read by the agency, overseers and suppliers")
        rounds = await q.rounds(conn, tender_id)
        seen = model.visible(
            await q.quotations(conn, tender_id), rounds, everything_closed=everything, own=own
        )
        made = await project_queries.award(conn, tender_id)
        # Breaker F21: an exclusion names an invited supplier, sealed in the log until
        # the award (audit-log.md §9): a supplier's bidder learns only its own before it.
        revealed = made is not None or project.revealed_at is not None
        excluded = await q.excluded(conn, tender_id)
        return NegotiationView(
            rounds=tuple(rounds), quotations=tuple(seen),
            excluded=excluded if everything or revealed else excluded & own,
            award=made,
        )  # fmt: skip
