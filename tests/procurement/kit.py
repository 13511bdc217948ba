"""Helpers of the procurement tests: a project taken from draft to published.

Periods are shortened through policies (tests/tender/world.py's SOON; the publicity in
seconds), never by faking clocks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from uuid import UUID

import asyncpg

from accounts.model import Actor, Organisation
from procurement import service
from procurement.model import Group, Method, Plan
from procurement.policy import ProcurementPolicies
from signing.log.entry import LogEntry, commit
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


# The log kinds of the procurement methods (docs/audit-log.md §9).
KINDS = ("procurement.%", "negotiation.%", "single_source.%")


async def project_log(conn: asyncpg.Connection, tender_id: UUID) -> list[LogEntry]:
    """The procurement entries about one project's tender, oldest first — what a witness
    reading ``/api/v1/log/entries`` sees of it."""
    rows = await conn.fetch(
        "SELECT entry FROM log_entries WHERE kind LIKE ANY($1::text[]) ORDER BY idx", list(KINDS)
    )
    found = [LogEntry.from_bytes(row["entry"]) for row in rows]
    return [e for e in found if e.subject is not None and e.subject.id == str(tender_id)]


def names_of(orgs: Sequence[Organisation], users: Sequence[Actor]) -> set[str]:
    """What names a supplier to a log reader: its id, credit code and name, and the user
    ids of its bidders (account.user_created maps a user id to its organisation)."""
    return (
        {str(o.id) for o in orgs}
        | {o.credit_code for o in orgs}
        | {o.name for o in orgs}
        | {str(u.user_id) for u in users}
    )


def assert_names_none(log: Sequence[LogEntry], names: set[str]) -> None:
    """The outside tester's attack: search every entry's bytes for a supplier's name."""
    for entry in log:
        text = entry.to_bytes().decode()
        assert not [n for n in names if n in text], entry.kind


def supplier_commitments(log: Sequence[LogEntry]) -> set[str]:
    """Every supplier commitment the project's entries hold (docs/audit-log.md §9)."""
    held: set[str] = set()
    for entry in log:
        data = entry.data
        if entry.kind.startswith("procurement.") and isinstance(data.get("suppliers"), list):
            held |= {s for s in data["suppliers"] if isinstance(s, str)}
        if "supplier" in data:
            held.add(data["supplier"])
        held |= {q["supplier"] for q in data.get("quotations", ())}
    return held


def assert_opened(log: Sequence[LogEntry]) -> dict[str, str]:
    """``procurement.suppliers_revealed`` opens every supplier commitment of the project:
    anyone recomputes commit(credit code, salt) (§1.2). Returns commitment → supplier id."""
    [revealed] = [e for e in log if e.kind == "procurement.suppliers_revealed"]
    opened: dict[str, str] = {}
    for item in revealed.data["suppliers"]:
        again = commit(item["credit_code"], bytes.fromhex(item["salt"]))
        assert again == item["commitment"]
        opened[again] = item["supplier_id"]
    assert supplier_commitments(log) <= set(opened)
    return opened
