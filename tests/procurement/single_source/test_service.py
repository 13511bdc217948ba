"""Single source on a real PostgreSQL (Decree 74 Art. 38-39): objections during the
publicity, each answered; the price agreed only after the publicity, with none upheld."""

from __future__ import annotations

import asyncpg
import pytest

from accounts.errors import PermissionDenied
from procurement import queries, service
from procurement.errors import ProcurementInputInvalid
from procurement.model import Method
from procurement.single_source import service as single_source
from procurement.single_source.errors import (
    ObjectionAnswered,
    ObjectionNotFound,
    ObjectionsPending,
    ObjectionUpheld,
    OwnObjectionOpen,
    PublicityOver,
    PublicityRunning,
)
from procurement.single_source.model import Outcome
from tender.results.errors import AwardStatusConflict
from tests.procurement.kit import published_project
from tests.tender.world import World, entries, wait_until


async def test_objections_are_answered_before_the_price_is_agreed(
    conn: asyncpg.Connection, world: World
) -> None:
    """Objections only during the publicity; no price while it runs or an objection is
    unanswered; after a dismissal, the one supplier's price is agreed and logged."""
    tender_id = await published_project(conn, world, Method.SINGLE_SOURCE)
    _, project, _ = await service.get_project(conn, None, tender_id)
    assert project.publicity_ends_at is not None
    filed = await single_source.file_objection(conn, world.bidders[1], tender_id, "该产品另有厂家")
    # One unanswered objection per organisation: a stream of them held the agreement up.
    with pytest.raises(OwnObjectionOpen):
        await single_source.file_objection(conn, world.bidders[1], tender_id, "再提一次")
    assert [o.id for o in await single_source.objections(conn, world.agency, tender_id)] == [
        filed.id
    ]
    with pytest.raises(PublicityRunning):
        await single_source.agree(conn, world.agency, tender_id, 120_000_00, setup=world.setup())
    with pytest.raises(PermissionDenied):  # the agency answers, not another supplier
        await single_source.answer_objection(
            conn, world.bidders[2], tender_id, filed.id, outcome=Outcome.DISMISSED, text="否"
        )

    await wait_until(conn, project.publicity_ends_at)
    with pytest.raises(PublicityOver):
        await single_source.file_objection(conn, world.bidders[2], tender_id, "迟到的异议")
    with pytest.raises(ObjectionsPending):
        await single_source.agree(conn, world.agency, tender_id, 120_000_00, setup=world.setup())
    await single_source.answer_objection(
        conn, world.agency, tender_id, filed.id, outcome=Outcome.DISMISSED,
        text="经核实，其他厂家产品不满足专利要求。",
    )  # fmt: skip
    with pytest.raises(ObjectionAnswered):
        await single_source.answer_objection(
            conn, world.agency, tender_id, filed.id, outcome=Outcome.UPHELD, text="改判"
        )
    with pytest.raises(ProcurementInputInvalid):
        await single_source.agree(conn, world.agency, tender_id, 0, setup=world.setup())
    with pytest.raises(AwardStatusConflict):  # its response was never opened: no award
        await single_source.agree(conn, world.agency, tender_id, 120_000_00, setup=world.setup())
    assert await queries.award(conn, tender_id) is None
    listed = await single_source.objections(conn, None, tender_id)
    assert [(o.outcome, o.objector_id) for o in listed] == [
        (Outcome.DISMISSED, world.bidder_orgs[1].id)
    ]
    assert len(await entries(conn, "single_source.objection_filed")) == 1
    assert len(await entries(conn, "single_source.objection_answered")) == 1
    assert await entries(conn, "procurement.awarded") == []


async def test_an_upheld_objection_ends_single_source(
    conn: asyncpg.Connection, world: World
) -> None:
    """Art. 39: upheld → no price is agreed (another method is needed); an unknown
    objection id is not found; nothing is stored."""
    tender_id = await published_project(conn, world, Method.SINGLE_SOURCE)
    other = await published_project(conn, world, Method.SINGLE_SOURCE)
    filed = await single_source.file_objection(conn, world.bidders[1], tender_id, "另有厂家")
    elsewhere = await single_source.file_objection(conn, world.bidders[1], other, "另一项目")
    for unknown in (world.agency_org.id, elsewhere.id):  # another project's objection too
        with pytest.raises(ObjectionNotFound):
            await single_source.answer_objection(
                conn, world.agency, tender_id, unknown, outcome=Outcome.UPHELD, text="x"
            )
    with pytest.raises(ProcurementInputInvalid):
        await single_source.file_objection(conn, world.bidders[1], tender_id, "空\x00字节")
    await single_source.answer_objection(
        conn, world.agency, tender_id, filed.id, outcome=Outcome.UPHELD, text="异议成立。"
    )
    _, project, _ = await service.get_project(conn, None, tender_id)
    assert project.publicity_ends_at is not None
    await wait_until(conn, project.publicity_ends_at)
    with pytest.raises(ObjectionUpheld):
        await single_source.agree(conn, world.agency, tender_id, 100_00, setup=world.setup())
    assert await queries.award(conn, tender_id) is None
