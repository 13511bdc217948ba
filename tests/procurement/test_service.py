"""Procurement projects on a real PostgreSQL: the method chosen at creation, its rules
checked at publication (every one at once), the tender's own publication refused for
a project, another party's draft not found; every refusal changes nothing."""

from __future__ import annotations

import asyncpg
import pytest

from accounts.errors import PermissionDenied
from procurement import invitees, queries, service
from procurement.errors import (
    ProcurementInputInvalid,
    ProcurementRulesBroken,
    ProjectNotFound,
    ProjectStateConflict,
    SupplierInvalid,
)
from procurement.model import Group, Method
from procurement.policy import ProcurementPolicies
from tender import service as tenders
from tender.errors import PublishedThroughMethod
from tender.model import TenderStatus
from tests.procurement.kit import (
    QUICK,
    assert_names_none,
    assert_opened,
    draft_project,
    names_of,
    plan,
    project_log,
    published_project,
    suppliers,
)
from tests.tender.world import SOON, World, entries


async def status_of(conn: asyncpg.Connection, tender_id: object) -> str:
    found: str = await conn.fetchval("SELECT status FROM tenders WHERE id = $1", tender_id)
    return found


@pytest.mark.parametrize("method", [m for m in Method if m is not Method.PUBLIC_TENDERING])
async def test_each_method_is_published_through_its_checks_and_logged(
    conn: asyncpg.Connection, world: World, method: Method
) -> None:
    """A project that meets its method's rules is published; the method and the policy
    snapshot are logged, and anyone reads the project."""
    tender_id = await published_project(conn, world, method)
    tender, project, award = await service.get_project(conn, None, tender_id)
    assert tender.status is TenderStatus.PUBLISHED
    assert (project.method, award) == (method, None)
    assert project.policies == QUICK.to_json()
    assert (project.publicity_ends_at is not None) == (method is Method.SINGLE_SOURCE)
    [logged] = await entries(conn, "procurement.published")
    assert logged.data["method"] == str(method)
    # Who was invited is sealed in the log (docs/api-procurement.md "Log entries").
    stored = await queries.project(conn, tender_id)
    assert stored is not None
    invited = stored.plan.suppliers
    assert len(logged.data["suppliers"]) == len(invited)
    orgs = [o for o in world.bidder_orgs if o.id in invited]
    assert_names_none(await project_log(conn, tender_id), names_of(orgs, world.bidders))
    assert await service.method_of(conn, tender_id) is method


async def test_every_broken_rule_is_reported_at_once_and_nothing_is_published(
    conn: asyncpg.Connection, world: World
) -> None:
    """Two suppliers and an even group: both violations, the tender stays a draft."""
    tender_id = await draft_project(
        conn, world, Method.NEGOTIATION,
        suppliers=suppliers(world, 2), group=Group(members=4, experts=3),
    )  # fmt: skip
    with pytest.raises(ProcurementRulesBroken) as raised:
        await service.publish(conn, world.agency, tender_id, world.setup(SOON), QUICK)
    codes = sorted(v["code"] for v in raised.value.details["violations"])  # type: ignore[index]
    assert codes == ["negotiation_group_invalid", "procurement_too_few_suppliers"]
    assert await status_of(conn, tender_id) == "draft"
    assert await entries(conn, "procurement.published") == []


async def test_consultation_price_weight_outside_the_policy_is_refused(
    conn: asyncpg.Connection, world: World
) -> None:
    """财库〔2014〕214号 Art. 24 (goods 30–60 %): 40 % passes the default, not 45–60 %."""
    strict = ProcurementPolicies().with_values({"consultation_goods_price_min": "45"})
    tender_id = await draft_project(conn, world, Method.CONSULTATION)
    broken = await service.check_project(conn, world.agency, tender_id, world.setup(SOON), strict)
    assert [v.code for v in broken] == ["consultation_price_weight_out_of_range"]
    assert (
        await service.check_project(conn, world.agency, tender_id, world.setup(SOON), QUICK) == []
    )


async def test_the_tenders_own_publication_is_refused_for_a_project(
    conn: asyncpg.Connection, world: World
) -> None:
    """0115's trigger: a project's tender is published only through its method's checks."""
    tender_id = await draft_project(conn, world, Method.QUOTATION)
    with pytest.raises(PublishedThroughMethod):
        await tenders.publish(conn, world.agency, tender_id, world.setup(SOON))
    assert await status_of(conn, tender_id) == "draft"


async def test_the_plan_is_the_agencys_and_its_method_stays(
    conn: asyncpg.Connection, world: World
) -> None:
    """Only the project's agency edits the draft's plan; another party's draft is not
    found; the method is chosen at creation; after publication the plan is fixed."""
    tender_id = await draft_project(conn, world, Method.QUOTATION)
    for outsider in (world.other_agency, world.bidders[0]):
        with pytest.raises(ProjectNotFound):
            await service.update_plan(conn, outsider, tender_id, plan(world, Method.QUOTATION))
        with pytest.raises(ProjectNotFound):
            await service.get_project(conn, outsider, tender_id)
    with pytest.raises(ProjectNotFound):
        await service.get_project(conn, None, tender_id)
    with pytest.raises(PermissionDenied):  # the tenderer reads the draft, does not edit it
        await service.update_plan(conn, world.tenderer, tender_id, plan(world, Method.QUOTATION))
    with pytest.raises(ProcurementInputInvalid):
        await service.update_plan(conn, world.agency, tender_id, plan(world, Method.CONSULTATION))
    with pytest.raises(SupplierInvalid):  # an agency is no supplier
        await service.update_plan(
            conn, world.agency, tender_id,
            plan(world, Method.QUOTATION, suppliers=(world.agency_org.id,)),
        )  # fmt: skip
    _, project, _ = await service.get_project(conn, world.agency, tender_id)
    assert project.plan.suppliers == suppliers(world)

    published = await published_project(conn, world, Method.QUOTATION)
    with pytest.raises(ProjectStateConflict):
        await service.update_plan(conn, world.agency, published, plan(world, Method.QUOTATION))
    with pytest.raises(ProjectStateConflict):
        await service.publish(conn, world.agency, published, world.setup(SOON), QUICK)


async def test_the_tenders_own_award_reveals_an_rfqs_suppliers_once(
    conn: asyncpg.Connection, world: World
) -> None:
    """RFQ and consultation are awarded by the tender's results: the app's after-award
    follow-up (web/tender/results/after_award.py) reveals the suppliers, by the platform,
    once; from then on the public sees whom the project invited."""
    tender_id = await published_project(conn, world, Method.QUOTATION)
    assert (await service.get_project(conn, None, tender_id))[1].plan.suppliers == ()
    for _ in range(2):  # a second lot's award reveals nothing more
        async with conn.transaction():  # the award's, in the app
            await invitees.reveal_at_award(conn, tender_id)
    log = await project_log(conn, tender_id)
    opened = assert_opened(log)
    assert set(opened.values()) == {str(s) for s in suppliers(world)}
    [revealed] = [e for e in log if e.kind == "procurement.suppliers_revealed"]
    assert revealed.actor.role == "platform"
    seen = (await service.get_project(conn, None, tender_id))[1]
    assert set(seen.plan.suppliers) == set(suppliers(world))
