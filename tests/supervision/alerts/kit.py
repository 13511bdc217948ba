"""A world for alert tests: the tender world (tests/tender/world.py), a second industry
department with its own supervisor, and a published tender of the first department
with two alerts raised the way the platform raises them (``raise_tender_alert``)."""

from __future__ import annotations

import dataclasses
from uuid import UUID

import asyncpg

from accounts.model import Actor, OrgKind, Role
from signing.demo_ca import DemoCA
from tender.alerting import raise_tender_alert
from tender.events import AlertKind
from tender.model import Tender
from tests.accounts.factory import (
    COMMITTED_LOG_ENTRIES,
    PASSWORD,
    actor_for,
    make_organisation,
    make_user,
)
from tests.tender.world import World, build_world, published_tender


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class AlertsWorld:
    world: World
    tender: Tender
    other_department: UUID
    other_supervisor: Actor
    overdue: UUID  # bond_refund_overdue on the tender (the department's)
    same_account: UUID  # bond_same_account on the tender, naming two bidders

    @property
    def supervisor(self) -> Actor:
        return self.world.supervisor

    @property
    def staff(self) -> Actor:
        return self.world.staff


async def build(conn: asyncpg.Connection, ca: DemoCA, *, passwords: bool = False) -> AlertsWorld:
    world = await build_world(conn, ca, passwords=passwords)
    other = await make_organisation(conn, OrgKind.INDUSTRY_DEPARTMENT, name="宣城市水利局")
    user = await make_user(
        conn,
        other,
        Role.SUPERVISOR,
        scope=other,
        username="othersupervisor",
        password=PASSWORD if passwords else None,
    )
    tender = await published_tender(conn, world)
    async with conn.transaction():
        return await _raise_two(conn, world, tender, other.id, await actor_for(conn, user))


async def _raise_two(
    conn: asyncpg.Connection, world: World, tender: Tender, other: UUID, other_supervisor: Actor
) -> AlertsWorld:
    overdue = await raise_tender_alert(
        conn,
        tender.id,
        AlertKind.BOND_REFUND_OVERDUE,
        "bond-1",
        {"bond_id": "bond-1", "refund_due": "2026-12-01T00:00:00Z"},
        logged={"bond_id": "bond-1"},
    )
    bidders = [org.id for org in world.bidder_orgs[:2]]
    same = await raise_tender_alert(
        conn,
        tender.id,
        AlertKind.BOND_SAME_ACCOUNT,
        "account-1",
        {"paying_account": "62220012345678", "bidder_ids": sorted(str(b) for b in bidders)},
        logged={},
        parties=bidders,
    )
    assert overdue is not None
    assert same is not None
    return AlertsWorld(
        world=world,
        tender=tender,
        other_department=other,
        other_supervisor=other_supervisor,
        overdue=overdue.id,
        same_account=same.id,
    )


async def alert_row(conn: asyncpg.Connection, alert_id: UUID) -> dict[str, object]:
    """The stored row, every column: to prove a refusal changed nothing."""
    row = await conn.fetchrow("SELECT * FROM supervision_alerts WHERE id = $1", alert_id)
    assert row is not None
    return dict(row)


async def log_count(conn: asyncpg.Connection) -> int:
    # queued entries too: a web test's app integrates them in the background
    count: int = await conn.fetchval(COMMITTED_LOG_ENTRIES)
    return count
