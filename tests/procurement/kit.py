"""Helpers of the procurement tests: a project taken from draft to published.

Periods are shortened through policies (tests/tender/world.py's SOON; the publicity in
seconds), never by faking clocks.
"""

from __future__ import annotations

import datetime as dt
from uuid import UUID

import asyncpg

from procurement import service
from procurement.model import Group, Method, Plan
from procurement.policy import ProcurementPolicies
from tender.model import Category, TenderDraft
from tests.tender.kit import a_lot, lowest_price, replace, scoring
from tests.tender.world import SOON, World, appoint, fast_draft

# The publicity in seconds, so a test waits for it (Decree 74 Art. 38: 5 working days).
QUICK = ProcurementPolicies().with_values({"single_source_publicity": "2s"})
GROUP = Group(members=3, experts=2)
# Responses due this soon after publication: rounds begin at the deadline.
DEADLINE_IN = dt.timedelta(seconds=3)


def suppliers(world: World, count: int = 3) -> tuple[UUID, ...]:
    """The first ``count`` of the world's bidder organisations."""
    return tuple(org.id for org in world.bidder_orgs[:count])


def plan(world: World, method: Method, **changes: object) -> Plan:
    """A plan that meets its method's rules, with some values replaced."""
    values: dict[str, object] = {"method": method, "suppliers": suppliers(world)}
    if method is Method.NEGOTIATION:
        values["group"] = GROUP
    if method is Method.SINGLE_SOURCE:
        values |= {"suppliers": suppliers(world, 1), "reason": "专利产品，仅此一家供应商。"}
    return Plan(**(values | changes))  # type: ignore[arg-type]


def fitting(draft: TenderDraft, method: Method) -> TenderDraft:
    """The draft with lots evaluated as the method asks (RFQ: lowest price; consultation:
    comprehensive scoring with the price at 40 % of goods, 214号 Art. 24's 30–60 %)."""
    if method is Method.QUOTATION:
        return replace(draft, lots=(a_lot(evaluation=lowest_price()),))
    if method is Method.CONSULTATION:
        lot = a_lot(evaluation=scoring(40, ("技术", 40), ("商务", 20)))
        return replace(draft, category=Category.GOODS, lots=(lot,))
    return draft


async def draft_project(
    conn: asyncpg.Connection,
    world: World,
    method: Method,
    *,
    deadline_in: dt.timedelta = dt.timedelta(hours=3),
    **changes: object,
) -> UUID:
    """A draft project whose lot's committee is appointed and approved."""
    cutoff_in = (
        deadline_in - dt.timedelta(seconds=1) if deadline_in < dt.timedelta(hours=1) else None
    )
    draft = await fast_draft(conn, world, deadline_in=deadline_in, cutoff_in=cutoff_in)
    tender, _ = await service.create_project(
        conn, world.agency, fitting(draft, method), plan(world, method, **changes)
    )
    await appoint(conn, world, tender)
    return tender.id


async def published_project(
    conn: asyncpg.Connection,
    world: World,
    method: Method,
    *,
    deadline_in: dt.timedelta = dt.timedelta(hours=3),
    policies: ProcurementPolicies = QUICK,
    **changes: object,
) -> UUID:
    """A project taken from draft to published through its method's checks."""
    tender_id = await draft_project(conn, world, method, deadline_in=deadline_in, **changes)
    await service.publish(conn, world.agency, tender_id, world.setup(SOON), policies)
    return tender_id
