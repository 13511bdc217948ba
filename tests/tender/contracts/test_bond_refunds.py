"""Reg. 57: bonds refunded within 5 days of the contract, with the bank interest."""

from __future__ import annotations

import asyncpg

from signing.log.entry import LogEntry
from tender.bonds import queries as bond_queries
from tender.bonds import service as bonds
from tender.bonds.model import BondKind, refund_interest
from tender.contracts import service
from tender.policy import Policies
from tests.tender.contracts.factory import awarded, transfer_bond
from tests.tender.contracts.test_service import DAY, terms
from tests.tender.results.kit import Closed


async def test_an_awarded_lots_bonds_fall_due_at_its_contract_not_at_the_result(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """record_result leaves a lot with a current award to its contract."""
    w = await awarded(conn, closed)
    setup = w.world.setup()
    await bonds.record_result(conn, w.tender.id, setup=setup)
    assert all(b.refund_due is None for b in await bond_queries.bonds(conn, w.tender.id))
    contract = await service.record_contract(
        conn, w.world.agency, w.tender.id, terms(w), setup=setup
    )
    held = await bond_queries.bonds(conn, w.tender.id)
    assert all(b.refund_clock_from == contract.recorded_at for b in held)


async def test_a_lot_without_a_winner_falls_due_at_the_result(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """A tender without an award (failed): the result starts the 5-day clock, as before."""
    w = await awarded(conn, closed, award=False)
    due = await bonds.record_result(conn, w.tender.id, setup=w.world.setup())
    assert {b.refund_due for b in await bond_queries.bonds(conn, w.tender.id)} == {due}


async def test_a_refund_pays_the_interest_of_the_days_the_money_was_held(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """amount × rate (policy, basis points) × days held / (10000 × 365), half up."""
    w = await awarded(conn, closed)
    bond_id = await transfer_bond(conn, w, amount_fen=800_000_00, paid_ago=40 * DAY)
    await service.record_contract(
        conn, w.world.agency, w.tender.id, terms(w), setup=w.world.setup()
    )
    (bond,) = await bond_queries.bonds(conn, w.tender.id, bond_id=bond_id)
    refunded = await bonds.refund_bond(conn, w.world.staff, w.tender.id, bond.id, reference="R-1")
    assert refunded.refunded_at is not None
    rate = Policies().bond_interest_basis_points
    expected = refund_interest(
        BondKind.TRANSFER, bond.amount_fen, rate, bond.paid_at, refunded.refunded_at
    )
    assert refunded.refund_interest_fen == expected
    assert expected > 0  # 40 days held
    # A guarantee letter holds no money: no interest.
    letter = next(b for b in await bond_queries.bonds(conn, w.tender.id) if b.id != bond_id)
    assert letter.kind is BondKind.GUARANTEE
    done = await bonds.refund_bond(conn, w.world.staff, w.tender.id, letter.id, reference="R-3")
    assert done.refund_interest_fen == 0


async def _due_an_hour_ago(conn: asyncpg.Connection, tender_id: object) -> None:
    # The rows a refund clock that ran out an hour ago leaves (0075 columns).
    await conn.execute(
        "UPDATE tender_bonds SET refund_clock_from = clock_timestamp() - interval '3 hours',"
        " refund_due = clock_timestamp() - interval '1 hour' WHERE tender_id = $1",
        tender_id,
    )


async def test_an_overdue_refund_raises_an_alert(conn: asyncpg.Connection, closed: Closed) -> None:
    w = await awarded(conn, closed)
    await _due_an_hour_ago(conn, w.tender.id)
    held = await bond_queries.bonds(conn, w.tender.id)
    assert await bonds.raise_overdue_alerts(conn) == len(held)


async def test_a_suspension_stops_the_refund_clock(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """A suspension of 2 of the clock's 2 hours: the refund is not overdue yet."""
    w = await awarded(conn, closed)
    await _due_an_hour_ago(conn, w.tender.id)
    await conn.execute(
        "INSERT INTO tender_suspensions (tender_id, starts_at, ends_at, reason, source,"
        " recorded_by, recorded_at, ended_by) VALUES ($1, clock_timestamp() - interval"
        " '150 minutes', clock_timestamp() - interval '30 minutes', '投诉处理', 'complaint',"
        " $2, clock_timestamp(), $2)",
        w.tender.id, w.world.supervisor.user_id,
    )  # fmt: skip
    assert await bonds.raise_overdue_alerts(conn) == 0
    bond = (await bond_queries.bonds(conn, w.tender.id))[0]
    await bonds.refund_bond(conn, w.world.staff, w.tender.id, bond.id, reference="R-2")
    raw = await conn.fetchval(
        "SELECT entry FROM log_entries WHERE kind = 'tender.bond_refunded' ORDER BY idx DESC"
    )
    assert LogEntry.from_bytes(raw).data["late"] is False
