"""Competitive negotiation on a real PostgreSQL (Decree 74 Art. 31-35): rounds whose
quotations stay sealed until they close, final quotations, the lowest compliant wins;
every refused step changes nothing."""

from __future__ import annotations

import asyncio
from uuid import UUID

import asyncpg
import pytest

from accounts.errors import PermissionDenied
from procurement import queries
from procurement.errors import ProcurementInputInvalid, SupplierNotInvited
from procurement.model import Method
from procurement.negotiation import service as negotiation
from procurement.negotiation.errors import (
    AfterFinalQuotations,
    FinalRoundMissing,
    NegotiationNotStarted,
    NoRoundOpen,
    QuotationDuplicate,
    RoundOpen,
    SupplierExcluded,
    TooFewCompliant,
)
from signing.log.entry import commit
from tender import queries as tender_queries
from tender.results.errors import AwardStatusConflict
from tests.procurement.kit import (
    DEADLINE_IN,
    assert_names_none,
    names_of,
    project_log,
    published_project,
    supplier_commitments,
)
from tests.tender.world import World, entries, wait_until


async def started(conn: asyncpg.Connection, world: World) -> UUID:
    """A published negotiation whose deadline for responses has passed."""
    tender_id = await published_project(conn, world, Method.NEGOTIATION, deadline_in=DEADLINE_IN)
    tender = await tender_queries.tender(conn, tender_id)
    assert tender is not None
    assert tender.deadline is not None
    await wait_until(conn, tender.deadline)
    return tender_id


async def test_rounds_then_final_quotations_and_the_lowest_compliant_wins(
    conn: asyncpg.Connection, world: World
) -> None:
    """Art. 31-35: a round's prices are sealed until it closes (the log holds commitments,
    then the prices and salts that open them); the excluded lowest does not win."""
    tender_id = await started(conn, world)
    agency, (b1, b2, b3) = world.agency, world.bidders
    await negotiation.open_round(conn, agency, tender_id, final=False)
    for bidder, price in ((b1, 900_00), (b2, 800_00), (b3, 850_00)):
        await negotiation.submit_quotation(conn, bidder, tender_id, round=1, price_fen=price)

    sealed = await negotiation.view(conn, agency, tender_id)
    assert sealed.quotations == ()  # the agency sees no price of an open round
    own = await negotiation.view(conn, b1, tender_id)
    assert [q.price_fen for q in own.quotations] == [900_00]  # a supplier its own only

    await negotiation.close_round(conn, agency, tender_id, round=1)
    opened = await negotiation.view(conn, agency, tender_id)
    assert sorted(q.price_fen for q in opened.quotations) == [800_00, 850_00, 900_00]
    assert [q.price_fen for q in (await negotiation.view(conn, b1, tender_id)).quotations] == [
        900_00
    ]

    committed = await entries(conn, "negotiation.quotation_committed")
    closed = (await entries(conn, "negotiation.round_closed"))[0].data
    revealed = {q["supplier"]: q for q in closed["quotations"]}
    for entry in committed:
        q = revealed[entry.data["supplier"]]
        assert entry.data["quotation"] == commit(str(q["price_fen"]), bytes.fromhex(q["salt"]))
        assert "price_fen" not in entry.data

    await negotiation.open_round(conn, agency, tender_id, final=True)
    for bidder, price in ((b1, 780_00), (b2, 700_00), (b3, 760_00)):
        await negotiation.submit_quotation(conn, bidder, tender_id, round=2, price_fen=price)
    with pytest.raises(FinalRoundMissing):
        await negotiation.award(conn, agency, tender_id, setup=world.setup())
    await negotiation.close_round(conn, agency, tender_id, round=2)
    with pytest.raises(AfterFinalQuotations):
        await negotiation.open_round(conn, agency, tender_id, final=False)

    # The award is the tender's (tender/results/direct.py): with no response opened,
    # there is none, and nothing is recorded (the award on an opened tender:
    # tests/procurement/award/).
    with pytest.raises(AwardStatusConflict):
        await negotiation.award(conn, agency, tender_id, setup=world.setup())
    # Art. 37 (3): two compliant suppliers left of three: no award at all.
    await negotiation.exclude_supplier(
        conn, agency, tender_id, world.bidder_orgs[1].id, "资格证明文件不符合要求"
    )
    with pytest.raises(TooFewCompliant) as few:
        await negotiation.award(conn, agency, tender_id, setup=world.setup())
    assert few.value.details == {"count": 2, "least": 3}
    assert await queries.award(conn, tender_id) is None
    assert await entries(conn, "procurement.awarded") == []


async def test_a_log_reader_learns_no_invited_supplier_before_the_award(
    conn: asyncpg.Connection, world: World
) -> None:
    """The outside tester's attack (docs/api-procurement.md "Log entries"): a witness
    searches every entry of the project — its plan, publication, quotations, the round's
    reveal, an exclusion — for an invited supplier's id, credit code or name or one of
    its bidders' user ids, and finds none: each supplier is one commitment throughout."""
    tender_id = await started(conn, world)
    agency, (b1, b2, _) = world.agency, world.bidders
    await negotiation.open_round(conn, agency, tender_id, final=False)
    for bidder, price in ((b1, 900_00), (b2, 800_00)):
        await negotiation.submit_quotation(conn, bidder, tender_id, round=1, price_fen=price)
    await negotiation.close_round(conn, agency, tender_id, round=1)
    await negotiation.exclude_supplier(conn, agency, tender_id, world.bidder_orgs[2].id, "不符合")

    log = await project_log(conn, tender_id)
    assert_names_none(log, names_of(world.bidder_orgs, world.bidders))
    [published] = [e for e in log if e.kind == "procurement.published"]
    plan = set(published.data["suppliers"])
    assert len(plan) == 3
    assert supplier_commitments(log) == plan  # one commitment per supplier, throughout
    for entry in log:
        if entry.kind == "negotiation.quotation_committed":
            assert (entry.actor.user_id, entry.address) == (None, None)
            assert entry.commitments == ("quotation", "supplier")


async def test_fewer_than_three_suppliers_left_end_the_rounds(
    conn: asyncpg.Connection, world: World
) -> None:
    """Decree 74 Art. 37 (3), the safer reading (no two-supplier exception): once the
    group excluded a supplier of three, no further round opens; nothing is stored."""
    tender_id = await started(conn, world)
    await negotiation.exclude_supplier(
        conn, world.agency, tender_id, world.bidder_orgs[0].id, "不符合实质性要求"
    )
    for final in (False, True):
        with pytest.raises(TooFewCompliant):
            await negotiation.open_round(conn, world.agency, tender_id, final=final)
    assert (await negotiation.view(conn, world.agency, tender_id)).rounds == ()


async def quotation_count(conn: asyncpg.Connection) -> int:
    count: int = await conn.fetchval("SELECT count(*) FROM negotiation_quotations")
    return count


async def test_bad_steps_are_refused_with_stable_codes_and_change_nothing(
    conn: asyncpg.Connection, world: World
) -> None:
    """Before the deadline, twice in a round, out of range, another round, not invited,
    another agency: each refused, nothing stored."""
    early = await published_project(conn, world, Method.NEGOTIATION)
    with pytest.raises(NegotiationNotStarted):
        await negotiation.open_round(conn, world.agency, early, final=False)

    tender_id = await started(conn, world)
    for outsider in (world.other_agency, world.bidders[0], world.staff, world.supervisor):
        with pytest.raises(PermissionDenied):  # the project's agency runs the rounds
            await negotiation.open_round(conn, outsider, tender_id, final=False)
    await negotiation.open_round(conn, world.agency, tender_id, final=False)
    with pytest.raises(RoundOpen):
        await negotiation.open_round(conn, world.agency, tender_id, final=False)
    b1 = world.bidders[0]
    await negotiation.submit_quotation(conn, b1, tender_id, round=1, price_fen=500_00)
    before = await quotation_count(conn)
    with pytest.raises(QuotationDuplicate):
        await negotiation.submit_quotation(conn, b1, tender_id, round=1, price_fen=400_00)
    for price in (0, -1, 2**53, True):
        with pytest.raises(ProcurementInputInvalid):
            await negotiation.submit_quotation(conn, b1, tender_id, round=1, price_fen=price)
    with pytest.raises(NoRoundOpen):
        await negotiation.submit_quotation(
            conn, world.bidders[1], tender_id, round=2, price_fen=500_00
        )
    with pytest.raises(SupplierNotInvited):  # a supplier may not quote for another
        await negotiation.submit_quotation(
            conn, b1, tender_id, round=1, price_fen=500_00, supplier_id=world.bidder_orgs[1].id
        )
    with pytest.raises(SupplierNotInvited):  # the agency is no supplier
        await negotiation.submit_quotation(conn, world.agency, tender_id, round=1, price_fen=1)
    with pytest.raises(NoRoundOpen):
        await negotiation.close_round(conn, world.agency, tender_id, round=2)
    assert await quotation_count(conn) == before
    assert await queries.award(conn, tender_id) is None

    await negotiation.exclude_supplier(
        conn, world.agency, tender_id, world.bidder_orgs[2].id, "不符合"
    )
    with pytest.raises(SupplierExcluded):
        await negotiation.submit_quotation(
            conn, world.bidders[2], tender_id, round=1, price_fen=300_00
        )
    assert await quotation_count(conn) == before


async def test_a_quotation_racing_the_close_is_in_the_round_or_refused(
    pool: asyncpg.Pool, conn: asyncpg.Connection, world: World
) -> None:
    """The tender's row lock orders the two: a quotation committed before the close is
    revealed by it; one after is refused (no round open) — never lost between them."""
    tender_id = await started(conn, world)
    await negotiation.open_round(conn, world.agency, tender_id, final=False)
    await negotiation.exclude_supplier(
        conn, world.agency, tender_id, world.bidder_orgs[2].id, "报价文件不符合要求"
    )
    with pytest.raises(SupplierNotInvited):  # an organisation not invited, by its id
        await negotiation.exclude_supplier(conn, world.agency, tender_id, world.agency_org.id, "x")

    async def quote() -> bool:
        async with pool.acquire() as other:
            try:
                await negotiation.submit_quotation(
                    other, world.bidders[0], tender_id, round=1, price_fen=123_00
                )
            except NoRoundOpen:
                return False
            return True

    async def close() -> None:
        async with pool.acquire() as other:
            await negotiation.close_round(other, world.agency, tender_id, round=1)

    quoted, _ = await asyncio.gather(quote(), close())
    [closed] = await entries(conn, "negotiation.round_closed")
    revealed = [q["price_fen"] for q in closed.data["quotations"]]
    assert revealed == ([123_00] if quoted else [])
    assert await quotation_count(conn) == len(revealed)


async def test_a_supplier_learns_no_other_supplier_excluded_before_the_award(
    conn: asyncpg.Connection, world: World
) -> None:
    """Breaker F21 (audit-log.md §9: an exclusion names its supplier only as a commitment
    until the award): the agency and the overseers read every exclusion; an invited
    supplier's bidder reads its own organisation's only, never a competitor's."""
    tender_id = await started(conn, world)
    b1, b2, b3 = world.bidders
    excluded = world.bidder_orgs[2].id
    await negotiation.exclude_supplier(conn, world.agency, tender_id, excluded, "资格不符合要求")
    for reader in (world.agency, world.staff, world.supervisor):
        assert (await negotiation.view(conn, reader, tender_id)).excluded == {excluded}
    for reader in (b1, b2):
        assert (await negotiation.view(conn, reader, tender_id)).excluded == frozenset()
    assert (await negotiation.view(conn, b3, tender_id)).excluded == {excluded}
    with pytest.raises(SupplierNotInvited):  # the tenderer does not read the rounds
        await negotiation.view(conn, world.tenderer, tender_id)


async def test_the_suppliers_view_is_its_own_whatever_else_the_reader_may_read(
    conn: asyncpg.Connection, world: World
) -> None:
    """Breaker F17: the supplier's page reads ``as_supplier``: the overseers and the
    agency, who read every closed round's prices elsewhere, are refused it."""
    tender_id = await started(conn, world)
    await negotiation.open_round(conn, world.agency, tender_id, final=False)
    for bidder, price in zip(world.bidders, (900_00, 800_00, 850_00), strict=True):
        await negotiation.submit_quotation(conn, bidder, tender_id, round=1, price_fen=price)
    await negotiation.close_round(conn, world.agency, tender_id, round=1)
    for reader in (world.agency, world.staff, world.supervisor, world.tenderer):
        with pytest.raises(SupplierNotInvited):
            await negotiation.view(conn, reader, tender_id, as_supplier=True)
    own = await negotiation.view(conn, world.bidders[1], tender_id, as_supplier=True)
    assert [q.price_fen for q in own.quotations] == [800_00]
