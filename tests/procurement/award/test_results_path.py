"""The award of competitive negotiation and single source goes through the tender's
results (tender/results/direct.py; issue 18, item 4): the decision, its announcement
and log entry with its basis, the tender ``awarded``, its written report due, and the
award in the tender's OCDS release — on a tender whose responses were opened, turned
into a project of the method (its row written as publication would)."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

import asyncpg
import pytest

from accounts.model import OrgKind
from procurement import service
from procurement.model import Method
from procurement.negotiation import service as negotiation
from procurement.negotiation.errors import AfterFinalQuotations
from procurement.single_source import service as single_source
from tender.award_notices import service as award_notices
from tender.award_notices.model import NoticeKind
from tender.award_notices.service import NoticeSigner
from tender.disclosure.ocds import Site
from tender.lifecycle import load
from tender.model import TenderStatus
from tender.results import bidder
from tender.results import service as results
from tender.results.errors import AwardNotACandidate
from tests.accounts.factory import make_organisation
from tests.procurement.kit import assert_names_none, assert_opened, project_log
from tests.tender.results.kit import Closed
from tests.tender.world import entries
from web.pdf.award_notice import render_award_notice

SITE = Site(base_url="https://ggzy.example", publisher="宣城市公共资源交易中心")


async def as_project(
    owner: asyncpg.Connection, closed: Closed, method: Method, suppliers: list[UUID]
) -> None:
    """The closed tender as a published project of ``method`` (0115's row, checked an
    hour ago; single source's publicity over, without objections)."""
    now: dt.datetime = await owner.fetchval("SELECT now()")
    negotiating = method is Method.NEGOTIATION
    await owner.execute(
        """INSERT INTO procurement_projects (tender_id, method, group_members, group_experts,
             reason, policies, checked_at, publicity_ends_at)
           VALUES ($1, $2, $3, $4, $5, '{}', $6, $7)""",
        closed.tender_id, str(method), 3 if negotiating else None, 2 if negotiating else None,
        "专利产品" if method is Method.SINGLE_SOURCE else "", now - dt.timedelta(hours=2),
        now - dt.timedelta(hours=1) if method is Method.SINGLE_SOURCE else None,
    )  # fmt: skip
    await owner.execute(
        """INSERT INTO procurement_suppliers (tender_id, supplier_id, position)
           SELECT $1, s, n FROM unnest($2::uuid[]) WITH ORDINALITY AS t (s, n)""",
        closed.tender_id, suppliers,
    )  # fmt: skip


async def assert_awarded(
    conn: asyncpg.Connection, closed: Closed, rank: int, price_fen: int, basis: str
) -> None:
    """The lot's current award is the supplier's opened bid at the method's price,
    announced, logged with its basis; the tender awarded, its report due; the
    tender's release (its record and the feed compile the same) holds the award."""
    winner = closed.candidates[rank - 1]
    tender_id = closed.tender_id
    assert (await load(conn, tender_id)).status is TenderStatus.AWARDED
    current = await results.current_award(conn, tender_id, closed.lot)
    assert current is not None
    assert (current.bid_id, current.bidder_id, current.rank, current.price_fen) == (
        winner.bid_id, winner.bidder_id, 1, price_fen,
    )  # fmt: skip
    [announced] = await results.announcements(conn, tender_id)
    assert announced.body["candidate"]["price_fen"] == price_fen
    [decided] = await entries(conn, "tender.award_decided")
    assert decided.data["basis"] == basis
    assert await results.procedure_report(conn, tender_id) is not None
    package = await service.release_package(conn, tender_id, SITE)
    [award] = package["releases"][0]["awards"]
    assert award["value"]["amount"] == price_fen / 100


async def test_negotiation_awards_the_lowest_final_quotation_through_the_results(
    conn: asyncpg.Connection, owner_conn: asyncpg.Connection, closed: Closed
) -> None:
    """Decree 74 Art. 35: the lowest compliant final quotation wins — here rank 2's
    supplier, whatever the evaluation ranked; a second award is refused."""
    await as_project(
        owner_conn, closed, Method.NEGOTIATION, [c.bidder_id for c in closed.candidates]
    )
    tender_id = closed.tender_id
    await negotiation.open_round(conn, closed.agency, tender_id, final=True)
    for rank, price in ((1, 900_00), (2, 700_00), (3, 800_00)):
        await negotiation.submit_quotation(
            conn, closed.bidder(rank), tender_id, round=1, price_fen=price
        )
    await negotiation.close_round(conn, closed.agency, tender_id, round=1)
    suppliers = {str(c.bidder_id) for c in closed.candidates}
    before = await project_log(conn, tender_id)
    assert_names_none(before, suppliers)  # who quoted stays sealed until the award
    made = await negotiation.award(conn, closed.agency, tender_id, setup=closed.setup())
    assert (made.supplier_id, made.price_fen) == (closed.candidates[1].bidder_id, 700_00)
    # The award opens every supplier commitment of the project's entries (§1.2).
    opened = assert_opened(await project_log(conn, tender_id))
    assert set(opened.values()) == suppliers
    await assert_awarded(conn, closed, 2, 700_00, "negotiation_final_quotations")
    [status] = [
        e for e in await entries(conn, "tender.status_changed") if e.data["to"] == "awarded"
    ]
    assert status.data["reason"] == "negotiation_final_quotations"
    with pytest.raises(AfterFinalQuotations):
        await negotiation.award(conn, closed.agency, tender_id, setup=closed.setup())


async def test_single_source_awards_the_agreed_price_through_the_results(
    conn: asyncpg.Connection, owner_conn: asyncpg.Connection, closed: Closed
) -> None:
    """Decree 74 Art. 38-41: after the publicity, the price agreed with the one supplier;
    its award notice follows as any award's does (Law 45)."""
    await as_project(owner_conn, closed, Method.SINGLE_SOURCE, [closed.candidates[2].bidder_id])
    signer = NoticeSigner(identity=closed.signer, render=render_award_notice, issuer="中心")

    async def notices(c: asyncpg.Connection, tender: UUID, lot: str, at: dt.datetime) -> None:
        await award_notices.issue(c, tender_id=tender, lot=lot, decided_at=at, signer=signer)

    made = await single_source.agree(
        conn, closed.agency, closed.tender_id, 650_00, setup=closed.setup(), after=notices
    )
    assert made.supplier_id == closed.candidates[2].bidder_id
    opened = assert_opened(await project_log(conn, closed.tender_id))
    assert set(opened.values()) == {str(made.supplier_id)}
    await assert_awarded(conn, closed, 3, 650_00, "single_source_agreement")
    [won] = [
        r for r in await bidder.my_results(conn, closed.bidder(3))
        if r.tender_id == closed.tender_id
    ]  # fmt: skip
    assert won.won
    assert [n.kind for n in won.notices] == [NoticeKind.AWARD]


async def test_a_supplier_without_an_opened_response_is_not_awarded(
    conn: asyncpg.Connection, owner_conn: asyncpg.Connection, closed: Closed
) -> None:
    """The award notices and the contract read the winner's opened bid: a supplier
    that has none is refused the award, and nothing is recorded."""
    outsider = await make_organisation(conn, OrgKind.BIDDER, name="未投标供应商")
    await as_project(owner_conn, closed, Method.SINGLE_SOURCE, [outsider.id])
    with pytest.raises(AwardNotACandidate):
        await single_source.agree(
            conn, closed.agency, closed.tender_id, 650_00, setup=closed.setup()
        )
    assert await results.decisions(conn, closed.tender_id) == []
    assert await entries(conn, "procurement.awarded") == []
    assert (await load(conn, closed.tender_id)).status is TenderStatus.CANDIDATES
